"""Recipients a partial refusal withholds from the requester (GDPR Art. 23 with Art. 12(4)).

One place answers "who may the requester not be told about": the access letter and package
(Art. 15(1)(c)), the erasure certificate and the decision letter on a rectification or a
restriction (Art. 19) all leave these customers out. The partial
refusal itself is still printed with its ground and law, so the requester learns that something is
withheld, not who. Staff pages and the Art. 19 notice to the recipient itself are unaffected.
"""

from __future__ import annotations

from django.db.models import QuerySet

from biometrics.models import Customer
from compliance.models import DataSubjectRequest, PartialRefusal, ReviewStatus


def withheld_customer_ids(request: DataSubjectRequest) -> set[int]:
    """The primary keys of the customers any partial refusal of this request withholds."""
    return set(
        PartialRefusal.withheld_customers.through.objects.filter(partialrefusal__request=request).values_list(
            "customer_id", flat=True
        )
    )


def request_recipient_customers(request: DataSubjectRequest) -> QuerySet[Customer]:
    """The customers whose searches returned any face matched for this request and not rejected
    by staff: the recipients a partial refusal may withhold."""
    face_refs = request.matches.exclude(review_status=ReviewStatus.REJECTED).values("face_id_snapshot")
    return Customer.objects.filter(searches__results__face_ref__in=face_refs).distinct().order_by("name")

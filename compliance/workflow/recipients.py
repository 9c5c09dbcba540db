"""GDPR Art. 19 for a rectification (Art. 16) and a restriction (Art. 18) and its lift: the one
way the customers that received a requester's faces are told. (An erasure keeps its own record of
each recipient until it is told, compliance.workflow.erasure, because its certificate waits for
every notice.)

The recipients of a set of faces are the customers whose searches returned one of them
(biometrics.SearchResult). `recipients_notify`:
1. writes one email per recipient with an address to the outbox, in the caller's transaction,
   with a dedupe key per request, kind and customer, so that a retried change never emails twice;
2. counts the recipients without an address, whom staff tell by other means, and leaves staff a
   note with both counts; the caller writes them into its audit record.
A recipient a partial refusal withholds from the requester (Art. 23, compliance.withholding) is
told like any other; only what the requester receives leaves it out (`letter_recipients`).

The emails are in English (compliance.emails renders them) and carry no biometric data: the
reference of the request, how many of the faces the customer received, and for a rectification
the staff's statement of what was corrected. They cite the request's law (compliance/regimes.py):
GDPR or UK GDPR Art. 16, 18 and 19 (the same numbers); the Swiss FADP has no Art. 19, so a
Swiss notice cites the claim the requester made (Art. 32 FADP) and nothing for the duty to tell.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from biometrics.models import SearchResult
from compliance.models import DataSubjectRequest, RequestMessage, ReviewStatus, RightsOutcome
from compliance.withholding import withheld_customer_ids
from core.models import OutboxEmail
from core.outbox import outbox_add

RESTRICTION_NOTICE_KIND = "restriction.art19_notice"
RESTRICTION_LIFT_NOTICE_KIND = "restriction.art19_lift_notice"
RECTIFICATION_NOTICE_KIND = "rectification.art19_notice"

# The first part of each notice's dedupe key (the restriction's predates this module: kept so that
# a restriction notice already queued is never sent again).
_DEDUPE_PREFIX = {
    RESTRICTION_NOTICE_KIND: "restriction-recipient",
    RESTRICTION_LIFT_NOTICE_KIND: "restriction-lift-recipient",
    RECTIFICATION_NOTICE_KIND: "rectification-recipient",
}
# What staff read in the note, per kind.
_WHAT = {
    RESTRICTION_NOTICE_KIND: "the restriction",
    RESTRICTION_LIFT_NOTICE_KIND: "the lifting of the restriction",
    RECTIFICATION_NOTICE_KIND: "the rectification",
}
# The notice a decision letter reports (Art. 19, second sentence: the requester is told who).
NOTICE_OF_OUTCOME = {
    RightsOutcome.RECTIFIED: RECTIFICATION_NOTICE_KIND,
    RightsOutcome.RESTRICTED: RESTRICTION_NOTICE_KIND,
}


@dataclass(frozen=True)
class NoticeRecipient:
    """A customer whose searches returned some of the faces; `told` when its notice email was
    written to the outbox (else it has no address and staff tell it by other means)."""

    customer_id: int
    name: str
    faces: int
    told: bool


def _dedupe_key(kind: str, request: DataSubjectRequest, customer_id: int) -> str:
    return f"{_DEDUPE_PREFIX[kind]}:{request.pk}:{customer_id}"


def _recipients_of_faces(face_ids: Iterable[int]) -> dict[int, dict]:
    by_customer: dict[int, dict] = {}
    for result in SearchResult.objects.filter(face_ref__in=list(face_ids)).select_related("search__customer"):
        entry = by_customer.setdefault(result.search.customer_id, {"customer": result.search.customer, "faces": set()})
        entry["faces"].add(result.face_ref)
    return by_customer


def recipients_notify(
    *, request: DataSubjectRequest, face_ids: Iterable[int], kind: str, now: datetime
) -> tuple[int, int]:
    """Tell every customer whose searches returned one of these faces (module docstring, steps 1
    and 2). Returns (customers newly emailed, customers without an address)."""
    told = without_address = 0
    for customer_id, entry in sorted(_recipients_of_faces(face_ids).items()):
        customer = entry["customer"]
        if not customer.contact_email:
            without_address += 1
            continue
        email = outbox_add(
            kind=kind,
            recipient=customer.contact_email,
            language="en",
            params={
                "request_id": request.pk,
                "customer_id": customer_id,
                "customer": customer.name,
                "faces": len(entry["faces"]),
            },
            topic=str(request.public_id),
            dedupe_key=_dedupe_key(kind, request, customer_id),
            now=now,
        )
        told += email is not None
    if told or without_address:
        RequestMessage.objects.create(
            request=request,
            author=None,
            body=(
                f"Art. 19: {told} recipient(s) emailed about {_WHAT[kind]}; {without_address} without an email "
                "address, to be told by other means (or the impossibility recorded)."
            ),
            visible_to_requester=False,
            created_at=now,
        )
    return told, without_address


def letter_recipients(request: DataSubjectRequest, *, kind: str) -> list[NoticeRecipient]:
    """The recipients of the request's confirmed faces, as the requester's letter names them:
    without those a partial refusal withholds (Art. 23), each with whether its notice of `kind`
    was emailed."""
    faces = request.matches.filter(review_status=ReviewStatus.CONFIRMED).values_list("face_id_snapshot", flat=True)
    withheld = withheld_customer_ids(request)
    emailed = set(
        OutboxEmail.objects.filter(
            kind=kind, topic=str(request.public_id), dedupe_key__startswith=f"{_DEDUPE_PREFIX[kind]}:{request.pk}:"
        ).values_list("dedupe_key", flat=True)
    )
    rows = [
        NoticeRecipient(
            customer_id=customer_id,
            name=entry["customer"].name,
            faces=len(entry["faces"]),
            told=_dedupe_key(kind, request, customer_id) in emailed,
        )
        for customer_id, entry in _recipients_of_faces(faces).items()
        if customer_id not in withheld
    ]
    return sorted(rows, key=lambda row: row.name)

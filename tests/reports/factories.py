"""factory_boy factories for the report tests: requests in a given state, written as rows (the
status can be given once, at construction; it is protected afterwards).

Reports only read; the states they read are set here directly (the services that move requests
between states are tested in tests/compliance). The letters are documents the workflow issues:
the helpers at the end take a request from its rows to its end through the workflow."""

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import factory

from compliance.models import DataSubjectRequest, RequestStatus, RequestType
from reports.models import GeneratedReport, ReportKind

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
RECEIVED = datetime(2025, 1, 15, 10, 0, tzinfo=AMSTERDAM)


class RequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DataSubjectRequest

    public_id = factory.LazyFunction(uuid.uuid4)
    request_type = RequestType.ACCESS
    status = RequestStatus.VERIFIED
    name = "Anna de Vries"
    email = factory.Sequence(lambda n: f"requester{n}@example.org")
    country = "NL"
    language = "en"
    received_at = RECEIVED
    email_verified_at = factory.LazyAttribute(lambda o: o.received_at + timedelta(minutes=20))
    due_date = factory.LazyAttribute(lambda o: (o.received_at + timedelta(days=31)).date())
    selfie_consent_at = factory.LazyAttribute(lambda o: o.received_at)


class GeneratedReportFactory(factory.django.DjangoModelFactory):
    """A report as the export button leaves it: an enforcement summary, queued."""

    class Meta:
        model = GeneratedReport

    kind = ReportKind.ENFORCEMENT_SUMMARY
    parameters = factory.LazyFunction(lambda: {"query": ""})
    requested_by = None
    requested_by_label = factory.LazyAttribute(lambda o: o.requested_by.username if o.requested_by else "auditor")


# --- the letters, issued through the workflow (compliance/workflow/documents.py) ----------------
#
# A request is built as rows in the state where its facts are set up (matches found, an erasure
# done), then the workflow's own services take it to its end: review, the draft, approval, the
# erasure's finish and the documents issued once from the final facts.

IDENTITY_NOTE = "Email confirmed; the selfie is clear."


def searched(dsr: DataSubjectRequest, *, finished_at: datetime | None = None):
    """The store search as a worker records it (the matches are the test's rows)."""
    from compliance.models import MatchingRun

    return MatchingRun.objects.create(
        request=dsr,
        status="done",
        confident_tolerance=0.45,
        possible_tolerance=0.55,
        finished_at=finished_at or dsr.received_at + timedelta(days=1),
    )


def answer_access(dsr: DataSubjectRequest, *, staff, capture, approve: bool = True) -> DataSubjectRequest:
    """Review (identity assessed), the draft built, approval: the letter and data are issued."""
    from compliance.workflow import approval, review

    review.identity_assess(request=dsr, user=staff, outcome="established", note=IDENTITY_NOTE)
    with capture(execute=True):
        review.review_finish(request=dsr, user=staff)
    dsr.refresh_from_db()
    assert dsr.status == RequestStatus.AWAITING_APPROVAL, dsr.status
    if approve:
        with capture(execute=True):
            approval.answer_approve(request=dsr, user=staff)
        dsr.refresh_from_db()
        assert dsr.status == RequestStatus.COMPLETED, dsr.status
    return dsr


def refuse(dsr: DataSubjectRequest, *, staff, capture, basis: str, reason: str, at: datetime, late_reason: str = ""):
    """Staff refuse; the refusal letter is issued from the refusal's facts."""
    from compliance.workflow import handling

    with capture(execute=True):
        handling.request_refuse(request=dsr, user=staff, basis=basis, reason=reason, late_reason=late_reason, now=at)
    dsr.refresh_from_db()
    assert dsr.status == RequestStatus.REFUSED
    return dsr


def finish_erasure(dsr: DataSubjectRequest, *, capture) -> bool:
    """The erasure's end as its task reaches it: erasing -> issuing, the certificate issued."""
    from compliance.workflow.erasure import erasure_try_finish

    with capture(execute=True):
        moved = erasure_try_finish(request=dsr)
    dsr.refresh_from_db()
    return moved


def document_of(dsr: DataSubjectRequest, kind: str):
    return dsr.documents.get(kind=kind)

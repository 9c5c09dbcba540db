"""Staff pages: the queue with its filters and counts, the request page with timeline, audit
trail and actions. Anonymous users are sent to log in, outsiders get 403, auditors read only."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from compliance.models import DataSubjectRequest, RequestStatus
from compliance.workflow import intake
from tests.compliance.web_support import fresh_rate_limits  # noqa: F401 - autouse fixture

pytestmark = pytest.mark.django_db

QUEUE = "/requests/staff/"


def detail_url(request) -> str:
    return f"/requests/staff/{request.public_id}/"


def action_url(request, action: str) -> str:
    return f"/requests/staff/{request.public_id}/actions/{action}/"


@pytest.fixture
def cast(submit, django_capture_on_commit_callbacks):
    """Four requests: a Dutch access request (verified, due in 3 days), a French erasure request
    (verified, overdue), an Italian 'both' request awaiting email verification, and a Belgian
    access request that is completed."""
    today = timezone.localdate()
    now = timezone.now()

    def verified(**data):
        request, token = submit(data=data, at=now)
        with django_capture_on_commit_callbacks(execute=True):
            intake.request_confirm_email(token=token, now=now)
        request.refresh_from_db()
        return request

    nl = verified(name="Anna de Vries", email="anna@example.org", country="NL", language="nl", request_type="access")
    fr = verified(name="Chloé Martin", email="chloe@example.org", country="FR", language="fr", request_type="erasure")
    it, _ = submit(
        data={
            "name": "Bruno Rossi",
            "email": "bruno@example.org",
            "country": "IT",
            "language": "it",
            "request_type": "both",
        },
        at=now,
    )
    be = verified(name="Luc Peeters", email="luc@example.org", country="BE", language="fr", request_type="access")
    DataSubjectRequest.objects.filter(pk=nl.pk).update(due_date=today + timedelta(days=3))
    DataSubjectRequest.objects.filter(pk=fr.pk).update(due_date=today - timedelta(days=2))
    # A raw fixture: the queue only reads the status (the walk to completion is tested below).
    DataSubjectRequest.objects.filter(pk=be.pk).update(status=RequestStatus.COMPLETED, completed_at=now)
    for request in (nl, fr, it, be):
        request.refresh_from_db()
    return {"nl": nl, "fr": fr, "it": it, "be": be}


def rows(response, ids: dict) -> set[str]:
    """Which of the cast appear as rows of the queue table."""
    html = response.content.decode()
    table = html.split('id="request-table"', 1)[1].split("</table>", 1)[0]
    return {key for key, public_id in ids.items() if public_id[:8] in table}


@pytest.fixture
def ids(cast) -> dict:
    return {key: str(request.public_id) for key, request in cast.items()}


# --- who may see what -----------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in(client, cast):
    for url in (QUEUE, detail_url(cast["nl"])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    response = client.post(action_url(cast["nl"], "message"), {"message-body": "hi"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_outsider_gets_403(client, outsider_user, cast):
    client.force_login(outsider_user)
    assert client.get(QUEUE).status_code == 403
    assert client.get(detail_url(cast["nl"])).status_code == 403
    assert client.post(action_url(cast["nl"], "message"), {"message-body": "hi"}).status_code == 403


def test_auditor_reads_everything_but_cannot_act(auditor_client, cast):
    assert auditor_client.get(QUEUE).status_code == 200
    page = auditor_client.get(detail_url(cast["nl"]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="readonly-note"' in html
    assert '<form method="post" action="/requests/staff/' not in html
    assert 'id="audit-trail"' in html and "request.submitted" in html
    for action in ("message", "extend", "refuse", "withdraw", "reissue_status_link", "escalate"):
        response = auditor_client.post(action_url(cast["nl"], action), {})
        assert response.status_code == 403
    # The answer's actions are on the review page, and staff-only there too.
    review = auditor_client.get(reverse("answering:review", args=[cast["nl"].public_id]))
    assert review.status_code == 200 and 'id="identity-form"' not in review.content.decode()
    for action in ("assess_identity", "finish_review", "approve"):
        assert auditor_client.post(reverse(f"answering:{action}", args=[cast["nl"].public_id]), {}).status_code == 403
    cast["nl"].refresh_from_db()
    assert cast["nl"].messages.count() == 0 and cast["nl"].status == RequestStatus.VERIFIED


# --- the queue ------------------------------------------------------------------------------


def test_queue_lists_counts_and_marks_overdue(staff_client, ids):
    response = staff_client.get(QUEUE)
    html = response.content.decode()
    assert rows(response, ids) == {"nl", "fr", "it", "be"}
    assert "(overdue)" in html
    counts = html.split('aria-label="Requests per status"', 1)[1].split("</ul>", 1)[0]
    assert 'All<span class="num">4</span>' in counts
    assert 'Email confirmed<span class="num">2</span>' in counts
    assert 'Completed<span class="num">1</span>' in counts
    assert 'Awaiting email confirmation<span class="num">1</span>' in counts


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("request_type=erasure", {"fr"}),
        ("request_type=both", {"it"}),
        ("status=verified", {"nl", "fr"}),
        ("status=completed&status=awaiting_email_verification", {"be", "it"}),
        ("overdue=true", {"fr"}),
        ("due_within=5", {"nl"}),
        ("country=IT", {"it"}),
        ("language=fr", {"fr", "be"}),
        ("language=fr&country=BE", {"be"}),
        ("q=bruno", {"it"}),
    ],
)
def test_queue_filters(staff_client, ids, query, expected):
    response = staff_client.get(f"{QUEUE}?{query}")
    assert response.status_code == 200
    assert rows(response, ids) == expected


def test_invalid_filter_shows_an_error_not_a_500(staff_client, ids):
    response = staff_client.get(f"{QUEUE}?due_within=-4&country=XX")
    assert response.status_code == 200
    assert rows(response, ids) == set()
    assert 'class="error"' in response.content.decode()


# --- the request page and its actions -------------------------------------------------------


def test_detail_shows_timeline_audit_trail_and_allowed_actions(staff_client, cast):
    html = staff_client.get(detail_url(cast["nl"])).content.decode()
    assert "Request received" in html and "Email address verified" in html
    assert "request.submitted" in html and "request.verify_email" in html
    for action in ("refuse", "extend", "withdraw", "reissue_status_link", "message"):
        assert f'id="action-{action}"' in html
    # The shortcuts of the earlier lifecycle are gone; the answer is on the review page.
    for gone in ("start_processing", "mark_awaiting_review", "mark_awaiting_approval", "verify_identity", "approve"):
        assert f'id="action-{gone}"' not in html
    assert f'href="/requests/answer/{cast["nl"].public_id}/"' in html
    assert 'id="next-step"' in html
    overdue = staff_client.get(detail_url(cast["fr"])).content.decode()
    assert 'id="action-escalate"' in overdue


def test_staff_extends_with_reasons_and_the_requester_is_told(staff_client, cast, django_capture_on_commit_callbacks):
    request = cast["nl"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            action_url(request, "extend"),
            {"extend-months": "2", "extend-reason": "Many sources must be checked for this request."},
        )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.extended_due_date is not None and request.extension_months == 2
    assert len(mail.outbox) == 1 and request.email in mail.outbox[0].to
    page = staff_client.get(detail_url(request)).content.decode()
    assert "request.deadline_extended" in page
    assert 'id="action-extend"' not in page  # two months used up


def test_invalid_action_input_is_shown_with_its_message(staff_client, cast):
    request = cast["nl"]
    response = staff_client.post(action_url(request, "extend"), {"extend-months": "3", "extend-reason": "short"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Select a valid choice" in html
    assert "at least 10 characters" in html
    request.refresh_from_db()
    assert request.extended_due_date is None


def test_extension_after_the_first_month_is_not_offered_nor_accepted(staff_client, cast):
    overdue = cast["fr"]
    assert 'id="action-extend"' not in staff_client.get(detail_url(overdue)).content.decode()
    response = staff_client.post(
        action_url(overdue, "extend"), {"extend-months": "1", "extend-reason": "Too late but trying anyway."}
    )
    assert response.status_code == 302
    overdue.refresh_from_db()
    assert overdue.extended_due_date is None


def test_staff_refuses_with_basis_and_reasons(staff_client, cast, django_capture_on_commit_callbacks):
    request = cast["nl"]
    mail.outbox.clear()
    missing = staff_client.post(action_url(request, "refuse"), {"refuse-basis": "", "refuse-reason": ""})
    assert missing.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            action_url(request, "refuse"),
            {"refuse-basis": "art_12_5_excessive", "refuse-reason": "Fifth identical request this month."},
        )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "refused" and not request.selfie
    assert "toezichthoudende autoriteit" in mail.outbox[-1].body  # the remedies, in the requester's Dutch


def test_staff_messages_and_the_identity_assessment(staff_client, staff_user, cast, django_capture_on_commit_callbacks):
    from tests.workflow import fake_matching

    request = cast["nl"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            action_url(request, "message"),
            {"message-body": "Your request is being handled.", "message-visible_to_requester": "on"},
        )
    assert request.messages.get().visible_to_requester
    assert len(mail.outbox) == 1
    # The identity is assessed on the review page, once the store was searched.
    assert staff_client.post(action_url(request, "verify_identity"), {}).status_code == 404
    fake_matching(request)
    response = staff_client.post(
        reverse("answering:assess_identity", args=[request.public_id]),
        {"outcome": "established", "note": "Checked by video call with the requester."},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.identity_assessment == "established"
    assert request.identity_assessment_note == "Checked by video call with the requester."
    page = staff_client.get(detail_url(request)).content.decode()
    assert "Identity assessed by staff: Identity established" in page and "request.identity_assessed" in page


SHORTCUTS = ("start_processing", "mark_awaiting_review", "mark_awaiting_approval", "verify_identity", "approve")


def test_the_request_page_has_no_shortcut_to_completion(staff_client, cast):
    """Issue 11, reproduction 1: "Send for approval" then "Approve and complete" completed a
    request without matching, package or erasure. Those actions no longer exist."""
    for request in (cast["nl"], cast["fr"]):
        for action in SHORTCUTS:
            assert staff_client.post(action_url(request, action), {}).status_code == 404, action
        request.refresh_from_db()
        assert request.status == RequestStatus.VERIFIED and request.selfie
    approve = staff_client.post(reverse("answering:approve", args=[cast["fr"].public_id]), {"confirm": "on"})
    assert approve.status_code == 400 and "while the request is email confirmed" in approve.content.decode()
    cast["fr"].refresh_from_db()
    assert cast["fr"].status == RequestStatus.VERIFIED


def test_staff_walks_a_request_to_completion(staff_client, cast, django_capture_on_commit_callbacks):
    """Through the review page: the search (a worker; here recorded as finding nothing), the
    identity assessment, finishing the review (the draft is built), approval (documents issued)."""
    from tests.workflow import fake_matching

    request = cast["nl"]

    def review(name="review"):
        return reverse(f"answering:{name}", args=[request.public_id])

    fake_matching(request)
    page = staff_client.get(review()).content.decode()
    assert 'id="finish-blockers"' in page and "identity assessment" in page
    note = {"outcome": "established", "note": "Email confirmed; clear selfie."}
    assert staff_client.post(review("assess_identity"), note).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        assert staff_client.post(review("finish_review"), {}).status_code == 302
    request.refresh_from_db()
    assert request.status == "awaiting_approval"
    assert staff_client.get(review("approve")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert staff_client.post(review("approve"), {}).status_code == 302
    request.refresh_from_db()
    assert request.status == "completed" and request.approved_by is not None and not request.selfie
    page = staff_client.get(detail_url(request)).content.decode()
    assert page.count("/documents/access_") == 2  # the letter and the data, each once
    # Replaying an old form is refused politely, never a 500.
    again = staff_client.post(review("approve"), {})
    assert again.status_code == 400
    assert "This cannot be done while the request is completed." in again.content.decode()


def test_unknown_action_and_unknown_request_are_404(staff_client, cast):
    assert staff_client.post(action_url(cast["nl"], "delete_everything"), {}).status_code == 404
    assert staff_client.get("/requests/staff/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_actions_need_post(staff_client, cast):
    assert staff_client.get(action_url(cast["nl"], "message")).status_code == 405


def test_overdue_request_is_escalated_into_a_new_complaint_case(staff_client, cast):
    from enforcement.models import Authority, Respondent

    authority = Authority.objects.create(
        name="Commission nationale de l'informatique et des libertés",
        short_name="CNIL",
        country="FR",
        kind="eu_eea_dpa",
        slug="cnil",
    )
    respondent = Respondent.objects.create(name="Clearview AI Inc.", country_of_establishment="US", slug="clearview")
    overdue = cast["fr"]
    incomplete = staff_client.post(action_url(overdue, "escalate"), {"escalate-authority": authority.pk})
    assert incomplete.status_code == 400
    assert "Choose a case, or an authority and a respondent" in incomplete.content.decode()

    response = staff_client.post(
        action_url(overdue, "escalate"), {"escalate-authority": authority.pk, "escalate-respondent": respondent.pk}
    )
    assert response.status_code == 302
    overdue.refresh_from_db()
    assert overdue.enforcement_case is not None
    assert overdue.enforcement_case.respondent == respondent
    page = staff_client.get(detail_url(overdue)).content.decode()
    assert "request.escalated" in page and 'id="action-escalate"' not in page
    # Not offered, and refused, for a request that is not overdue.
    assert (
        staff_client.post(
            action_url(cast["nl"], "escalate"),
            {"escalate-authority": authority.pk, "escalate-respondent": respondent.pk},
        ).status_code
        == 302
    )
    cast["nl"].refresh_from_db()
    assert cast["nl"].enforcement_case is None

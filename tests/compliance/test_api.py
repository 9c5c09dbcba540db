"""API: the staff queue with the shared filters, auditors read-only, actions for staff only, and
nothing secret or biometric in any response."""

import json
from datetime import date, timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from compliance.models import DataSubjectRequest, RequestStatus
from compliance.services.tokens import status_token_for
from compliance.workflow import intake
from tests.workflow import to_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def staff_api(api, staff_user):
    api.force_authenticate(staff_user)
    return api


@pytest.fixture
def auditor_api(api, auditor_user):
    api.force_authenticate(auditor_user)
    return api


def url(request=None, action=None):
    base = "/api/v1/requests/"
    if request is not None:
        base += f"{request.public_id}/"
    if action:
        base += f"{action}/"
    return base


def test_anonymous_and_outsiders_get_nothing(api, outsider_user, verified_request):
    assert api.get(url()).status_code in (401, 403)
    assert api.get(url(verified_request)).status_code in (401, 403)
    api.force_authenticate(outsider_user)
    assert api.get(url()).status_code == 403
    assert api.post(url(verified_request, "finish-review")).status_code == 403


def test_auditor_reads_but_cannot_act(auditor_api, verified_request):
    listing = auditor_api.get(url())
    assert listing.status_code == 200 and listing.json()["count"] == 1
    assert auditor_api.get(url(verified_request)).status_code == 200
    assert auditor_api.get(url(verified_request, "audit")).status_code == 200
    for action, payload in [
        ("decide-matches", {"decision": "confirm", "matches": [1]}),
        ("assess-identity", {"outcome": "established", "note": "Checked by video call."}),
        ("finish-review", {}),
        ("reopen-review", {}),
        ("approve", {"confirm_erasure": True}),
        ("refuse", {"basis": "other", "reason": "A reason."}),
        ("extend", {"months": 1, "reason": "A good reason."}),
        ("message", {"body": "x"}),
        ("withdraw", {}),
        ("reissue-status-link", {}),
        ("escalate", {"case": "00000000-0000-0000-0000-000000000000"}),
    ]:
        assert auditor_api.post(url(verified_request, action), payload, format="json").status_code == 403, action
    verified_request.refresh_from_db()
    assert verified_request.status == RequestStatus.VERIFIED


def test_responses_never_contain_photos_tokens_or_hashes(staff_api, verified_request):
    verified_request.refresh_from_db()
    secrets = [
        verified_request.selfie.name,
        verified_request.status_token_hash,
        verified_request.ip_hash,
        status_token_for(verified_request),
        verified_request.email_verifications.get().token_hash,
    ]
    bodies = [
        staff_api.get(url()).content,
        staff_api.get(url(verified_request)).content,
        staff_api.get(url(verified_request, "audit")).content,
        staff_api.get("/api/v1/audit-events/").content,
    ]
    for body in bodies:
        text = body.decode()
        for secret in secrets:
            assert secret and secret not in text
    detail = staff_api.get(url(verified_request)).json()
    for field in ("selfie", "id_document", "status_token_hash", "ip_hash", "selfie_sha256"):
        assert field not in detail
    assert detail["has_selfie"] is True


# Every POST action of the API, with a valid payload, to try at each step of a request.
ALL_ACTIONS = [
    ("decide-matches", {"decision": "confirm", "matches": [1]}),
    ("assess-identity", {"outcome": "established", "note": "Checked by video call."}),
    ("finish-review", {}),
    ("reopen-review", {}),
    ("approve", {"confirm_erasure": True}),
    ("extend", {"months": 1, "reason": "Searching three archived systems."}),
    ("message", {"body": "We are on it.", "visible_to_requester": True}),
    ("reissue-status-link", {}),
]


def test_the_bypass_of_issue_11_is_refused(staff_api, submit, now, staff_user, django_capture_on_commit_callbacks):
    """Issue 11, reproduction 1: start-processing, mark-awaiting-*, then approve completed an
    erasure that erased nothing. The shortcuts are gone, approve before review is a conflict,
    and no sequence of API actions completes an erasure request before its erasure ran."""
    request, token = submit(data={"request_type": "erasure"})
    with django_capture_on_commit_callbacks(execute=True):
        request = intake.request_confirm_email(token=token, now=now)
    for gone in ("start-processing", "mark-awaiting-review", "mark-awaiting-approval", "verify-identity", "complete"):
        assert staff_api.post(url(request, gone)).status_code == 404, gone
    approve = staff_api.post(url(request, "approve"), {"confirm_erasure": True}, format="json")
    assert approve.status_code == 409 and approve.json()["code"] == "conflict"
    request.refresh_from_db()
    assert request.status == RequestStatus.VERIFIED

    # Through review and the confirmed approval; the erasure task is not run.
    to_status(request, RequestStatus.AWAITING_APPROVAL, staff=staff_user, capture=django_capture_on_commit_callbacks)
    unconfirmed = staff_api.post(url(request, "approve"), {}, format="json")
    assert unconfirmed.status_code == 400 and "confirm" in unconfirmed.json()
    request.refresh_from_db()
    assert request.status == RequestStatus.AWAITING_APPROVAL
    approved = staff_api.post(url(request, "approve"), {"confirm_erasure": True}, format="json")
    assert approved.status_code == 200 and approved.json()["request"]["status"] == RequestStatus.ERASING
    for _round in range(2):
        for action, payload in ALL_ACTIONS:
            response = staff_api.post(url(request, action), payload, format="json")
            assert response.status_code in (200, 400, 409), (action, response.content)
            request.refresh_from_db()
            assert request.status == RequestStatus.ERASING, action
    refusal = {"basis": "other", "reason": "Too late now.", "late_reason": "Received long ago (test clock)."}
    assert staff_api.post(url(request, "refuse"), refusal, format="json").status_code == 409
    assert staff_api.post(url(request, "withdraw")).status_code == 409
    request.refresh_from_db()
    assert request.status == RequestStatus.ERASING and request.completed_at is None
    assert request.selfie and not request.documents.exists()
    detail = staff_api.get(url(request)).json()
    assert detail["status"] == "erasing" and "approve" not in detail["allowed_actions"]
    actions = [e["action"] for e in staff_api.get(url(request, "audit")).json()]
    assert "request.complete" not in actions and "request.finish_erasure" not in actions


def test_staff_walk_a_request_to_completion_through_the_api(
    staff_api, verified_request, staff_user, django_capture_on_commit_callbacks
):
    """The real path: the search (a worker), then the API's review, identity and approval."""
    from tests.workflow import fake_matching

    fake_matching(verified_request)
    early = staff_api.post(url(verified_request, "finish-review"))
    assert early.status_code == 409 and "identity assessment" in early.json()["detail"]
    steps = [
        ("assess-identity", {"outcome": "established", "note": "Email confirmed; the selfie is clear."}, None),
        ("finish-review", {}, RequestStatus.AWAITING_APPROVAL),  # the draft is built on commit
        ("approve", {}, RequestStatus.COMPLETED),  # the documents are issued on commit
    ]
    for action, payload, expected in steps:
        with django_capture_on_commit_callbacks(execute=True):
            response = staff_api.post(url(verified_request, action), payload, format="json")
        assert response.status_code == 200, response.content
        assert response.json()["changed"] is True
        verified_request.refresh_from_db()
        if expected:
            assert verified_request.status == expected
    again = staff_api.post(url(verified_request, "approve"))
    assert again.status_code == 409  # completed: no second approval
    detail = staff_api.get(url(verified_request)).json()
    assert detail["status"] == "completed" and detail["identity_assessment"] == "established"
    assert detail["has_selfie"] is False and detail["approved_by"] == "stella_staff"
    actions = [e["action"] for e in staff_api.get(url(verified_request, "audit")).json()]
    assert "request.approve" in actions and "request.biometrics_purged" in actions
    assert (
        actions.index("request.approve") < actions.index("request.document_issued") < actions.index("request.complete")
    )
    assert sorted(verified_request.documents.values_list("kind", flat=True)) == ["access_data", "access_letter"]


def test_out_of_order_action_is_a_conflict(staff_api, verified_request):
    response = staff_api.post(url(verified_request, "approve"))
    assert response.status_code == 409
    assert "detail" in response.json()


def test_action_input_is_validated_with_messages(staff_api, verified_request):
    bad_refusal = staff_api.post(url(verified_request, "refuse"), {"basis": "whim", "reason": ""}, format="json")
    assert bad_refusal.status_code == 400 and {"basis", "reason"} <= set(bad_refusal.json())
    short = staff_api.post(url(verified_request, "refuse"), {"basis": "other", "reason": "no"}, format="json")
    assert short.status_code == 400 and "reason" in short.json()
    bad_months = staff_api.post(url(verified_request, "extend"), {"months": 5, "reason": "Complex."}, format="json")
    assert bad_months.status_code == 400 and "months" in bad_months.json()
    not_json = staff_api.generic("POST", url(verified_request, "extend"), "{nope", content_type="application/json")
    assert not_json.status_code == 400
    bad_escalation = staff_api.post(url(verified_request, "escalate"), {"case": "not-a-uuid"}, format="json")
    assert bad_escalation.status_code == 400
    # An id beyond a bigint was a 500 (found by tests/security/test_fuzz_api.py): now a 400.
    huge = staff_api.post(url(verified_request, "decide-matches"), {"decision": "confirm", "matches": [2**70]})
    assert huge.status_code == 400 and "matches" in huge.json()


def test_refuse_extend_message_and_identity_through_the_api(staff_api, request_in, now):
    verified_request = request_in(RequestStatus.AWAITING_REVIEW)
    message = staff_api.post(
        url(verified_request, "message"), {"body": "We are searching.", "visible_to_requester": True}, format="json"
    )
    assert message.status_code == 200 and message.json()["message"]["body"] == "We are searching."
    assert staff_api.get(url(verified_request, "messages")).json()[0]["visible_to_requester"] is True
    identity = staff_api.post(
        url(verified_request, "assess-identity"),
        {"outcome": "established", "note": "Video call with the requester."},
        format="json",
    )
    assert identity.status_code == 200 and identity.json()["request"]["identity_assessment"] == "established"
    assert identity.json()["request"]["identity_assessment_note"] == "Video call with the requester."
    short = staff_api.post(url(verified_request, "assess-identity"), {"outcome": "established", "note": "ok"})
    assert short.status_code == 400 and "note" in short.json()
    # The request was received on the fixture's date, more than a month before the real clock of
    # the API: the refusal is late (GDPR Art. 12(4)) and needs its reason.
    refusal = {"basis": "art_12_5_excessive", "reason": "Fourth identical request."}
    late = staff_api.post(url(verified_request, "refuse"), refusal, format="json")
    assert late.status_code == 400 and "late_reason" in late.json()
    refusal["late_reason"] = "The request was misfiled during a migration."
    refused = staff_api.post(url(verified_request, "refuse"), refusal, format="json")
    assert refused.status_code == 200 and refused.json()["request"]["status"] == "refused"
    assert refused.json()["request"]["refused_late"] is True


def test_queue_filters_and_counts(staff_api, submit, now):
    a, token_a = submit(data={"request_type": "access", "country": "NL", "language": "nl"})
    intake.request_confirm_email(token=token_a, now=now)
    b, token_b = submit(data={"request_type": "erasure", "country": "FR", "language": "fr", "email": "b@example.org"})
    intake.request_confirm_email(token=token_b, now=now)
    c, _token_c = submit(data={"request_type": "both", "country": "IT", "language": "it", "email": "c@example.org"})
    # b is due in 3 days, a is overdue
    DataSubjectRequest.objects.filter(pk=a.pk).update(due_date=date(2020, 1, 1))
    # The API filters against the real date (no clock parameter over HTTP).
    DataSubjectRequest.objects.filter(pk=b.pk).update(due_date=timezone.localdate() + timedelta(days=3))

    def ids(query):
        response = staff_api.get(url() + query)
        assert response.status_code == 200, response.content
        return {row["public_id"] for row in response.json()["results"]}

    assert ids("?request_type=erasure") == {str(b.public_id)}
    assert ids("?country=IT") == {str(c.public_id)}
    assert ids("?language=fr") == {str(b.public_id)}
    assert ids("?status=awaiting_email_verification") == {str(c.public_id)}
    assert ids("?overdue=true") == {str(a.public_id)}
    assert ids("?due_within=5") == {str(b.public_id)}
    assert ids("?q=b@example") == {str(b.public_id)}
    assert staff_api.get(url() + "?due_within=-3").status_code == 400
    assert staff_api.get(url() + "?status=bogus").status_code == 400
    counts = staff_api.get(url() + "counts/").json()
    assert counts["verified"] == 2 and counts["awaiting_email_verification"] == 1 and counts["overdue"] == 1
    assert counts["completed"] == 0


def test_audit_trail_endpoint_and_chain_check(auditor_api, verified_request):
    events = auditor_api.get(f"/api/v1/audit-events/?request={verified_request.public_id}").json()["results"]
    assert {e["action"] for e in events} >= {"request.submitted", "request.verify_email"}
    assert auditor_api.get("/api/v1/audit-events/verify/").json()["ok"] is True
    assert auditor_api.delete(f"/api/v1/audit-events/{events[0]['id']}/").status_code in (403, 405)
    assert json.loads(auditor_api.get("/api/v1/audit-events/verify/").content)["checked"] >= 2


def test_reissue_status_link_emails_a_new_link_and_never_returns_it(
    staff_api, verified_request, django_capture_on_commit_callbacks
):
    from django.core import mail

    old = status_token_for(verified_request)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_api.post(url(verified_request, "reissue-status-link"))
    assert response.status_code == 200
    verified_request.refresh_from_db()
    new = status_token_for(verified_request)
    assert new and new != old
    assert new not in response.content.decode()
    assert new in mail.outbox[-1].body

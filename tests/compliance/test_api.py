"""API: the staff queue with the shared filters, auditors read-only, actions for staff only, and
nothing secret or biometric in any response."""

import json
from datetime import date, timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from compliance.models import DataSubjectRequest, RequestStatus
from compliance.services.tokens import status_token_for

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
    assert api.post(url(verified_request, "start-processing")).status_code == 403


def test_auditor_reads_but_cannot_act(auditor_api, verified_request):
    listing = auditor_api.get(url())
    assert listing.status_code == 200 and listing.json()["count"] == 1
    assert auditor_api.get(url(verified_request)).status_code == 200
    assert auditor_api.get(url(verified_request, "audit")).status_code == 200
    for action, payload in [
        ("start-processing", {}),
        ("refuse", {"basis": "other", "reason": "A reason."}),
        ("extend", {"months": 1, "reason": "A good reason."}),
        ("message", {"body": "x"}),
        ("verify-identity", {"note": "Checked."}),
        ("approve", {}),
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
        verified_request.selfie_sha256,
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


def test_staff_walk_a_request_to_completion_through_the_api(staff_api, verified_request):
    for action, expected in [
        ("start-processing", "processing"),
        ("mark-awaiting-review", "awaiting_staff_review"),
        ("mark-awaiting-approval", "awaiting_approval"),
        ("approve", "completed"),
    ]:
        response = staff_api.post(url(verified_request, action))
        assert response.status_code == 200, response.content
        assert response.json()["changed"] is True
        assert response.json()["request"]["status"] == expected
    again = staff_api.post(url(verified_request, "approve"))
    assert again.status_code == 200 and again.json()["changed"] is False
    detail = staff_api.get(url(verified_request)).json()
    assert detail["has_selfie"] is False and detail["approved_by"] == "stella_staff"
    actions = [e["action"] for e in staff_api.get(url(verified_request, "audit")).json()]
    assert "request.approved" in actions and "request.biometrics_purged" in actions


def test_out_of_order_action_is_a_conflict(staff_api, verified_request):
    response = staff_api.post(url(verified_request, "approve"))
    assert response.status_code == 409
    assert "detail" in response.json()


def test_action_input_is_validated_with_messages(staff_api, verified_request):
    staff_api.post(url(verified_request, "start-processing"))
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


def test_refuse_extend_message_and_identity_through_the_api(staff_api, verified_request, now):
    staff_api.post(url(verified_request, "start-processing"))
    message = staff_api.post(
        url(verified_request, "message"), {"body": "We are searching.", "visible_to_requester": True}, format="json"
    )
    assert message.status_code == 200 and message.json()["message"]["body"] == "We are searching."
    assert staff_api.get(url(verified_request, "messages")).json()[0]["visible_to_requester"] is True
    identity = staff_api.post(
        url(verified_request, "verify-identity"), {"note": "Video call with the requester."}, format="json"
    )
    assert identity.status_code == 200 and identity.json()["request"]["identity_check"] == "manual_verified"
    refusal = staff_api.post(
        url(verified_request, "refuse"),
        {"basis": "art_12_5_excessive", "reason": "Fourth identical request."},
        format="json",
    )
    assert refusal.status_code == 200 and refusal.json()["request"]["status"] == "refused"


def test_queue_filters_and_counts(staff_api, submit, now):
    from compliance import services

    a, token_a = submit(data={"request_type": "access", "country": "NL", "language": "nl"})
    services.request_verify_email(token=token_a, now=now)
    b, token_b = submit(data={"request_type": "erasure", "country": "FR", "language": "fr", "email": "b@example.org"})
    services.request_verify_email(token=token_b, now=now)
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
    assert {e["action"] for e in events} >= {"request.submitted", "request.email_verified"}
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

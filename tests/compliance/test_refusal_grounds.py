"""Refusal grounds of issue 16 item 6: the exceptions to erasure (GDPR Art. 17(3)), restrictions
by law (Art. 23) with the provision relied on, and the partial refusal (Art. 12(4)) of
compliance.workflow.handling; through the service, the staff page and the API."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from compliance.models import (
    BASES_NEEDING_LAW,
    ERASURE_ONLY_BASES,
    PartialRefusal,
    RefusalBasis,
    RequestStatus,
)
from compliance.selectors import request_allowed_actions
from compliance.services.tokens import status_token_for
from compliance.workflow import handling, intake
from compliance.workflow.lifecycle import ActionNotAllowed
from core.audit import audit_verify
from core.models import AuditEvent

pytestmark = pytest.mark.django_db
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
POLICE_LAW = "Wetboek van Strafvordering, art. 126nd (secrecy of a criminal investigation)"
SCOPE = "the names of recipients that are police forces investigating a crime"


@pytest.fixture
def erasure_request(submit, now, django_capture_on_commit_callbacks):
    request, token = submit(data={"request_type": "erasure"})
    with django_capture_on_commit_callbacks(execute=True):
        return intake.request_confirm_email(token=token, now=now)


def audit_actions(request) -> list[str]:
    return list(AuditEvent.objects.filter(request_public_id=request.public_id).values_list("action", flat=True))


# --- grounds of a whole refusal ----------------------------------------------------------------


@pytest.mark.parametrize("basis", sorted(ERASURE_ONLY_BASES))
def test_erasure_exceptions_cannot_refuse_an_access_request(basis, verified_request, staff_user, now):
    """Art. 17(3) limits the right to erasure, not the right of access (Art. 15)."""
    for refuse in (
        lambda: handling.request_refuse(
            request=verified_request, user=staff_user, basis=basis, reason="Archived for a court case.", now=now
        ),
        lambda: handling.request_refuse_part(
            request=verified_request,
            user=staff_user,
            scope=SCOPE,
            basis=basis,
            reason="Archived for a court case.",
            law=POLICE_LAW,
            now=now,
        ),
    ):
        with pytest.raises(ValidationError) as caught:
            refuse()
        assert "Art. 17(3)" in " ".join(caught.value.message_dict["basis"])
    verified_request.refresh_from_db()
    assert verified_request.status == RequestStatus.VERIFIED and verified_request.refusal_basis == ""
    assert not PartialRefusal.objects.exists()


def test_an_erasure_exception_refuses_an_erasure_request(
    erasure_request, staff_user, now, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert handling.request_refuse(
            request=erasure_request,
            user=staff_user,
            basis=RefusalBasis.ART_17_3_E,
            reason="The photos are evidence in proceedings you brought against us.",
            now=now,
        )
    erasure_request.refresh_from_db()
    assert erasure_request.status == RequestStatus.REFUSED
    assert erasure_request.refusal_basis == RefusalBasis.ART_17_3_E and erasure_request.refusal_law == ""
    event = AuditEvent.objects.get(request_public_id=erasure_request.public_id, action="request.refuse")
    assert event.details["basis"] == RefusalBasis.ART_17_3_E


@pytest.mark.parametrize("basis", sorted(BASES_NEEDING_LAW))
def test_a_ground_resting_on_a_law_needs_the_law(
    basis, erasure_request, staff_user, now, django_capture_on_commit_callbacks
):
    """Art. 23(2) and 17(3)(b): the refusal names the provision of law it relies on."""
    reason = "A criminal investigation is running; the police asked us not to disclose it."
    with pytest.raises(ValidationError) as caught:
        handling.request_refuse(request=erasure_request, user=staff_user, basis=basis, reason=reason, law=" ", now=now)
    assert "law" in caught.value.message_dict
    erasure_request.refresh_from_db()
    assert erasure_request.status == RequestStatus.VERIFIED

    with django_capture_on_commit_callbacks(execute=True):
        handling.request_refuse(
            request=erasure_request, user=staff_user, basis=basis, reason=reason, law=POLICE_LAW, now=now
        )
    erasure_request.refresh_from_db()
    assert erasure_request.status == RequestStatus.REFUSED and erasure_request.refusal_law == POLICE_LAW
    event = AuditEvent.objects.get(request_public_id=erasure_request.public_id, action="request.refuse")
    assert event.details["law"] == POLICE_LAW
    # The refusal email (in the requester's language, Dutch) states the law and the translated ground.
    body = mail.outbox[-1].body
    assert POLICE_LAW in body and "De wettelijke bepaling waarop wij ons beroepen" in body
    assert ("AVG art. 23" if basis == RefusalBasis.ART_23 else "AVG art. 17, lid 3, onder b") in body


def test_art_23_restriction_refuses_an_access_request_with_its_law(
    client, verified_request, staff_user, now, django_capture_on_commit_callbacks
):
    with pytest.raises(ValidationError):
        handling.request_refuse(
            request=verified_request,
            user=staff_user,
            basis=RefusalBasis.ART_23,
            reason="A criminal investigation must not be disclosed.",
            now=now,
        )
    with django_capture_on_commit_callbacks(execute=True):
        handling.request_refuse(
            request=verified_request,
            user=staff_user,
            basis=RefusalBasis.ART_23,
            reason="A criminal investigation must not be disclosed.",
            law=POLICE_LAW,
            now=now,
        )
    verified_request.refresh_from_db()
    assert verified_request.status == RequestStatus.REFUSED and verified_request.refusal_law == POLICE_LAW
    # The status page (the emailed link posts its token) shows the law too.
    opened = client.post(reverse("compliance:status_open"), {"token": status_token_for(verified_request)})
    page = client.get(opened["Location"]).content.decode()
    assert 'id="refusal-law"' in page and POLICE_LAW in page


# --- partial refusal ---------------------------------------------------------------------------


def test_partial_refusal_is_recorded_and_audited_and_the_rest_goes_on(request_in, staff_user, now):
    request = request_in(RequestStatus.AWAITING_REVIEW)
    with pytest.raises(ValidationError) as no_law:
        handling.request_refuse_part(
            request=request,
            user=staff_user,
            scope=SCOPE,
            basis=RefusalBasis.ART_23,
            reason="Disclosing them would alert the suspects.",
            now=now,
        )
    assert "law" in no_law.value.message_dict
    with pytest.raises(ValidationError) as no_scope:
        handling.request_refuse_part(
            request=request,
            user=staff_user,
            scope="  ",
            basis=RefusalBasis.ART_23,
            reason="Disclosing them would alert the suspects.",
            law=POLICE_LAW,
            now=now,
        )
    assert "scope" in no_scope.value.message_dict
    assert not PartialRefusal.objects.exists()

    partial = handling.request_refuse_part(
        request=request,
        user=staff_user,
        scope=SCOPE,
        basis=RefusalBasis.ART_23,
        reason="Disclosing them would alert the suspects.",
        law=POLICE_LAW,
        now=now,
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.AWAITING_REVIEW  # the rest is still answered
    assert list(request.partial_refusals.all()) == [partial]
    assert (partial.scope, partial.law, partial.late, partial.recorded_by) == (SCOPE, POLICE_LAW, False, staff_user)
    event = AuditEvent.objects.get(request_public_id=request.public_id, action="request.partially_refused")
    assert event.actor == staff_user
    assert event.details == {
        "scope": SCOPE,
        "basis": RefusalBasis.ART_23,
        "reason": "Disclosing them would alert the suspects.",
        "law": POLICE_LAW,
        "late": False,
        "withheld_customers": [],
    }
    assert audit_verify().ok


def test_partial_refusal_after_approval_is_refused(request_in, staff_user):
    request = request_in(RequestStatus.COMPLETED)
    assert "refuse_part" not in request_allowed_actions(request)
    with pytest.raises(ActionNotAllowed) as caught:
        handling.request_refuse_part(
            request=request,
            user=staff_user,
            scope=SCOPE,
            basis=RefusalBasis.OTHER,
            reason="Too late to take a part out.",
        )
    assert "before the answer is approved" in caught.value.message
    assert not PartialRefusal.objects.exists()
    assert "request.partially_refused" not in audit_actions(request)


def test_a_late_partial_refusal_needs_its_reason(verified_request, staff_user):
    """The rule of a whole refusal (Art. 12(4)): one month from receipt, an extension does not
    extend it."""
    handling.request_extend_deadline(
        request=verified_request,
        user=staff_user,
        months=2,
        reason="Searching three archived systems.",
        now=datetime(2025, 1, 20, 9, tzinfo=AMSTERDAM),
    )
    on_time = datetime.combine(verified_request.due_date, datetime.min.time(), tzinfo=AMSTERDAM)
    late = on_time + timedelta(days=1, hours=9)
    with pytest.raises(ValidationError) as caught:
        handling.request_refuse_part(
            request=verified_request,
            user=staff_user,
            scope=SCOPE,
            basis=RefusalBasis.OTHER,
            reason="Their names are not ours to give.",
            now=late,
        )
    assert "late_reason" in caught.value.message_dict
    assert not PartialRefusal.objects.exists()

    partial = handling.request_refuse_part(
        request=verified_request,
        user=staff_user,
        scope=SCOPE,
        basis=RefusalBasis.OTHER,
        reason="Their names are not ours to give.",
        late_reason="The police answered our question only today.",
        now=late,
    )
    assert partial.late and partial.late_reason == "The police answered our question only today."
    # On the last day of the month it is not late, and a late reason given anyway is not kept.
    timely = handling.request_refuse_part(
        request=verified_request,
        user=staff_user,
        scope="the dates of the searches by one customer",
        basis=RefusalBasis.OTHER,
        reason="Their dates are not ours to give.",
        late_reason="Not needed.",
        now=on_time + timedelta(hours=12),
    )
    assert not timely.late and timely.late_reason == ""


# --- the staff page and the API ------------------------------------------------------------------


def test_staff_page_records_a_partial_refusal(staff_client, request_in):
    request = request_in(RequestStatus.AWAITING_REVIEW)
    assert "Refuse part of the request" in staff_client.get(f"/requests/staff/{request.public_id}/").content.decode()
    url = f"/requests/staff/{request.public_id}/actions/refuse_part/"
    data = {
        "refuse_part-scope": SCOPE,
        "refuse_part-basis": RefusalBasis.ART_23,
        "refuse_part-reason": "Disclosing them would alert the suspects.",
        "refuse_part-law": "",
        # The fixture's request was received in 2025: by the real clock this is late.
        "refuse_part-late_reason": "The police answered our question only today.",
    }
    missing_law = staff_client.post(url, data)
    assert missing_law.status_code == 400 and "provision of Union or Member State law" in missing_law.content.decode()
    response = staff_client.post(url, {**data, "refuse_part-law": POLICE_LAW})
    assert response.status_code == 302
    partial = PartialRefusal.objects.get(request=request)
    assert partial.law == POLICE_LAW and partial.late
    page = staff_client.get(f"/requests/staff/{request.public_id}/").content.decode()
    assert SCOPE in page and "Partly refused" in page


def test_api_refuses_part_and_lists_it(staff_user, request_in):
    request = request_in(RequestStatus.AWAITING_REVIEW)
    api = APIClient()
    api.force_authenticate(staff_user)
    url = f"/api/v1/requests/{request.public_id}/refuse-part/"
    body = {
        "scope": SCOPE,
        "basis": RefusalBasis.ART_23,
        "reason": "Disclosing them would alert the suspects.",
        "late_reason": "The police answered our question only today.",
    }
    no_law = api.post(url, body, format="json")
    assert no_law.status_code == 400 and "law" in no_law.json()
    access_only = api.post(url, {**body, "basis": RefusalBasis.ART_17_3_A, "law": POLICE_LAW}, format="json")
    assert access_only.status_code == 400 and "basis" in access_only.json()
    done = api.post(url, {**body, "law": POLICE_LAW}, format="json")
    assert done.status_code == 200
    listed = done.json()["request"]["partial_refusals"]
    assert [(p["scope"], p["basis"], p["law"], p["recorded_by"]) for p in listed] == [
        (SCOPE, RefusalBasis.ART_23, POLICE_LAW, staff_user.get_username())
    ]
    assert "refuse_part" in done.json()["request"]["allowed_actions"]
    # A whole refusal through the API takes the law too.
    refusal = {
        "basis": RefusalBasis.ART_23,
        "reason": "A criminal investigation must not be disclosed.",
        "late_reason": "The police answered our question only today.",
    }
    assert api.post(f"/api/v1/requests/{request.public_id}/refuse/", refusal, format="json").status_code == 400
    refused = api.post(f"/api/v1/requests/{request.public_id}/refuse/", {**refusal, "law": POLICE_LAW}, format="json")
    assert refused.status_code == 200 and refused.json()["request"]["refusal_law"] == POLICE_LAW
    after = api.post(url, {**body, "law": POLICE_LAW}, format="json")
    assert after.status_code == 409

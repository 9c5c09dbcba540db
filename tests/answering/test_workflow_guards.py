"""Issue 11: each reproduction of a legally wrong outcome is now refused by a guard of the one
state machine (compliance/workflow/machine.py), through every door: the staff pages, the API,
the tasks and the citizen pages. Real photos, real face matching, real PDFs."""

import io
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from biometrics.models import Face, SuppressionEntry
from biometrics.services import customer_ensure, search_event_record
from compliance.models import DocumentKind, ErasureStatus, RequestStatus, ReviewStatus
from compliance.services.tokens import status_token_for
from compliance.workflow import approval, intake, lifecycle, review
from compliance.workflow.lifecycle import ActionNotAllowed
from core.models import AuditEvent
from tests.workflow import assess_identity, decide_all

pytestmark = [pytest.mark.faces, pytest.mark.slow]


def finish(request, staff, capture, **kwargs):
    decide_all(request, staff)
    assess_identity(request, staff, **kwargs)
    with capture(execute=True):
        review.review_finish(request=request, user=staff)
    request.refresh_from_db()
    return request


def open_status_page(client, request):
    response = client.post(reverse("compliance:status_open"), {"token": status_token_for(request)})
    assert response.status_code == 302
    return client.get(response["Location"])


def pdf_text(document) -> str:
    with document.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_1_an_erasure_cannot_complete_without_erasing(
    store, file_request, staff_user, django_capture_on_commit_callbacks
):
    """The shortcuts of the earlier lifecycle (start-processing, mark-*, generic approve) no
    longer exist, and no transition reaches completed before the store is clean."""
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(staff_user)
    request = file_request(request_type="erasure")
    base = f"/api/v1/requests/{request.public_id}"
    for gone in ("start-processing", "mark-awaiting-review", "mark-awaiting-approval", "verify-identity"):
        assert api.post(f"{base}/{gone}/").status_code == 404
    response = api.post(f"{base}/approve/", {"confirm_erasure": True}, format="json")
    assert response.status_code == 409  # still under review
    request = finish(request, staff_user, django_capture_on_commit_callbacks)
    approval.answer_approve(request=request, user=staff_user, confirm_erasure=True)  # the task is not run
    request.refresh_from_db()
    assert request.status == RequestStatus.ERASING
    for premature in (lifecycle.request_finish_erasure, lifecycle.request_complete):
        with pytest.raises(ActionNotAllowed):
            premature(request=request)
    request.refresh_from_db()
    assert request.status == RequestStatus.ERASING
    assert request.selfie  # still held: the re-check needs it
    assert request.matches.filter(review_status=ReviewStatus.CONFIRMED, face__isnull=False).exists()
    assert not request.documents.exists()
    assert not any("erased" in m.subject.lower() for m in mail.outbox)
    # The worker runs it: only now is the request completed.
    from compliance.workflow.erasure import erasure_task

    with django_capture_on_commit_callbacks(execute=True):
        erasure_task(request.pk)
    request.refresh_from_db()
    assert request.status == RequestStatus.COMPLETED
    confirmed = request.matches.filter(review_status=ReviewStatus.CONFIRMED).values_list("face_id_snapshot", flat=True)
    assert not Face.objects.filter(pk__in=list(confirmed)).exists()


def mismatched_request(faces_dir, capture):
    """Obama's selfie with Biden's photo as the identity document: the check says mismatch."""
    from compliance.workflow import matching

    with capture(execute=True):
        request, token = intake.request_submit(
            data={
                "request_type": "access",
                "name": "Barack Example",
                "email": "mismatch@example.org",
                "country": "NL",
                "language": "en",
                "selfie_consent": True,
                "id_document_consent": True,
            },
            selfie_file=(faces_dir / "people/obama/obama.jpg").read_bytes(),
            id_file=(faces_dir / "people/biden/biden.jpg").read_bytes(),
            ip="198.51.100.9",
        )
    with capture(execute=True):
        request = intake.request_confirm_email(token=token)
        matching.matching_schedule(request=request)
    request.refresh_from_db()
    assert request.identity_check == "mismatch" and request.status == RequestStatus.AWAITING_REVIEW
    return request


def test_2_an_identity_mismatch_blocks_release_unless_overridden_with_a_reason(
    store, faces_dir, staff_user, staff_client, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    request = mismatched_request(faces_dir, capture)
    page = staff_client.get(reverse("answering:review", args=[request.public_id]))
    assert b'id="identity-mismatch"' in page.content and b"does not match the selfie" in page.content
    decide_all(request, staff_user)
    response = staff_client.post(
        reverse("answering:assess_identity", args=[request.public_id]),
        {"outcome": "established", "note": "Looks like the same person to me."},
    )
    assert response.status_code == 400 and b"override it with a reason" in response.content
    with pytest.raises(ActionNotAllowed, match="identity assessment"):
        review.review_finish(request=request, user=staff_user)
    # Even a request whose assessment says "established" (e.g. recorded before the check came
    # back) cannot be released: the approval's guard reads the check itself.
    from compliance.models import DataSubjectRequest

    DataSubjectRequest.objects.filter(pk=request.pk).update(
        identity_assessment="established", identity_assessment_note="Recorded before the check."
    )
    with capture(execute=True):
        review.review_finish(request=request, user=staff_user)
    request.refresh_from_db()
    assert request.status == RequestStatus.AWAITING_APPROVAL
    with pytest.raises(ActionNotAllowed, match="does not match the selfie"):
        approval.answer_approve(request=request, user=staff_user)
    assert not request.documents.exists()
    # The written override, through the review page, releases it and stays in the audit trail.
    review.review_reopen(request=request, user=staff_user)
    note = "Passport checked in person at the front desk on 3 December; the document photo is old."
    response = staff_client.post(
        reverse("answering:assess_identity", args=[request.public_id]), {"outcome": "mismatch_overridden", "note": note}
    )
    assert response.status_code == 302
    with capture(execute=True):
        review.review_finish(request=request, user=staff_user)
    with capture(execute=True):
        approval.answer_approve(request=request, user=staff_user)
    request.refresh_from_db()
    assert request.status == RequestStatus.COMPLETED
    override = AuditEvent.objects.filter(request_public_id=request.public_id, action="request.identity_assessed").last()
    assert override.details["outcome"] == "mismatch_overridden" and override.details["note"] == note


def test_3_staff_can_reject_a_confident_match_and_it_is_not_disclosed(
    store, file_request, staff_user, staff_client, django_capture_on_commit_callbacks
):
    request = file_request(request_type="access")
    confident = request.matches.filter(band="confident").order_by("distance")
    assert confident.count() >= 2 and all(m.review_status == ReviewStatus.CONFIRMED for m in confident)
    rejected = confident.last()
    page = staff_client.get(reverse("answering:review", args=[request.public_id]))
    assert f'aria-label="Reject match {rejected.pk}"'.encode() in page.content
    response = staff_client.post(
        reverse("answering:decide", args=[request.public_id, rejected.pk]), {"decision": "reject"}
    )
    assert response.status_code == 302
    rejected.refresh_from_db()
    assert rejected.review_status == ReviewStatus.REJECTED
    request = finish(request, staff_user, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        approval.answer_approve(request=request, user=staff_user)
    import json
    import zipfile

    data = request.documents.get(kind=DocumentKind.ACCESS_DATA)
    with data.file.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
        disclosed = {p["photo_id"] for p in json.loads(archive.read("access_response.json"))["photos"]}
    confirmed = {
        str(p) for p in request.matches.filter(review_status="confirmed").values_list("photo_public_id", flat=True)
    }
    assert disclosed == confirmed and str(rejected.photo_public_id) not in disclosed


def test_4_5_an_access_and_erasure_request_ends_with_three_documents_stating_the_final_facts(
    store, file_request, staff_user, client, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    obama_faces = list(Face.objects.filter(photo__source_url__contains="/obama/").values_list("pk", flat=True))
    told = customer_ensure(name="Example Police", country="NL", kind="police", contact_email="dpo@police.example")
    untold = customer_ensure(name="Border Agency", country="FR", kind="border")
    search_event_record(customer=told, matches=[(obama_faces[0], 0.3)])
    search_event_record(customer=untold, matches=[(obama_faces[1], 0.4)])
    request = file_request(request_type="both")
    request = finish(request, staff_user, capture)
    with capture(execute=True):
        approval.answer_approve(request=request, user=staff_user, confirm_erasure=True)
    request.refresh_from_db()
    erasure = request.erasure
    assert erasure.status == ErasureStatus.DONE
    # Art. 19: the recipient with an address was emailed; the other one waits for staff, and so
    # does the certificate (it must state every notice as actually given).
    assert request.status == RequestStatus.ERASING and not request.documents.exists()
    assert any("Art. 19" in m.subject and m.to == ["dpo@police.example"] for m in mail.outbox)
    assert not request.selfie and request.biometrics_purged_at  # purged before the certificate
    from compliance.workflow.erasure import erasure_mark_recipient_notified

    with capture(execute=True):
        erasure_mark_recipient_notified(
            recipient=erasure.recipients.get(customer=untold),
            user=staff_user,
            how="other_means",
            note="Registered letter sent to the agency's DPO on 4 December.",
        )
    request.refresh_from_db()
    assert request.status == RequestStatus.COMPLETED
    kinds = sorted(request.documents.values_list("kind", flat=True))
    assert kinds == sorted([DocumentKind.ACCESS_LETTER, DocumentKind.ACCESS_DATA, DocumentKind.ERASURE_CERTIFICATE])
    certificate = pdf_text(request.documents.get(kind=DocumentKind.ERASURE_CERTIFICATE))
    assert "not yet" not in certificate
    assert "Example Police" in certificate and "by email" in certificate
    assert "Border Agency" in certificate and "by other means" in certificate
    erasure.refresh_from_db()
    # The end of the erasure, as the letter prints it: in the controller's time zone (in UTC the
    # date differed between 23:00 and midnight).
    assert timezone.localtime(erasure.finished_at).strftime("%-d %B %Y") in certificate
    assert "was deleted on" in certificate  # the selfie's deletion, recorded before rendering
    # The status page lists each document once (earlier: 7 entries for this request).
    page = open_status_page(client, request).content.decode()
    documents = re.findall(r'<a href="(/requests/status/[^"]+/documents/[^"]+)"', page)
    assert len(documents) == 3 and len(set(documents)) == 3
    assert client.get(documents[0]).status_code == 200
    # Nothing can render them again.
    from compliance.workflow.documents import documents_issue

    hashes = dict(request.documents.values_list("kind", "sha256"))
    documents_issue(request_id=request.pk)
    assert dict(request.documents.values_list("kind", "sha256")) == hashes


def test_5_after_access_the_requester_is_told_the_selfie_went_and_how_many_photos_stay(
    store, file_request, faces_dir, staff_user, client, django_capture_on_commit_callbacks, manifest
):
    capture = django_capture_on_commit_callbacks
    request = finish(file_request(request_type="access"), staff_user, capture)
    with capture(execute=True):
        approval.answer_approve(request=request, user=staff_user)
    held = request.matches.filter(review_status="confirmed").values("photo_id_snapshot").distinct().count()
    completion = mail.outbox[-1]
    assert "The photo of your face that you sent us with your request has been deleted." in completion.body
    assert f"The store still holds {held} photos of you." in completion.body
    assert "Your photos have been deleted" not in completion.body
    page = open_status_page(client, request)
    assert f"The store still holds {held} photos of you.".encode() in page.content
    assert b"Your photos have been deleted" not in page.content
    # One click: the erasure reuses the confirmed address; the selfie is gone, so a new one.
    url = reverse("compliance:follow_up_erasure", args=[request.public_id])
    form = client.get(url)
    assert form.status_code == 200 and b'name="selfie"' in form.content
    with (faces_dir / "people/obama/obama2.jpg").open("rb") as selfie:
        response = client.post(url, {"selfie": selfie, "selfie_consent": "on"})
    assert response.status_code == 302
    follow_up = request.follow_ups.get()
    assert follow_up.request_type == "erasure" and follow_up.email == request.email
    assert follow_up.status == RequestStatus.VERIFIED and follow_up.email_verified_at
    assert not follow_up.email_verifications.exists()  # no second confirmation email
    assert client.get(response["Location"]).status_code == 200  # the new request's page, granted


def test_7_the_suppression_consent_can_be_withdrawn_from_the_certificate_link(
    store, file_request, staff_user, client, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    request = finish(file_request(request_type="erasure", suppression=True), staff_user, capture)
    with capture(execute=True):
        approval.answer_approve(request=request, user=staff_user, confirm_erasure=True)
    request.refresh_from_db()
    assert request.status == RequestStatus.COMPLETED and request.erasure.suppression_kept
    assert SuppressionEntry.objects.filter(request_public_id=request.public_id).exists()
    certificate = pdf_text(request.documents.get(kind=DocumentKind.ERASURE_CERTIFICATE))
    compact = certificate.replace(" ", "")  # the PDF wraps the long link
    link = re.search(r"https?://[^/]+/requests/consent/[0-9a-f-]{36}/[A-Za-z0-9_-]{43}/", compact).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = client.get(f"/{path}")
    assert page.status_code == 200 and b'id="withdraw-consent"' in page.content
    assert SuppressionEntry.objects.filter(request_public_id=request.public_id).exists()  # GET changes nothing
    done = client.post(f"/{path}")
    assert done.status_code == 200 and b'id="consent-withdrawn"' in done.content
    assert not SuppressionEntry.objects.filter(request_public_id=request.public_id).exists()
    request.refresh_from_db()
    assert request.suppression_withdrawn_at is not None
    assert AuditEvent.objects.filter(
        request_public_id=request.public_id, action="request.suppression_consent_withdrawn"
    ).exists()
    assert client.get(f"/{path[:-2]}xx/").status_code == 404  # a forged link


def test_8_approving_an_erasure_asks_for_confirmation_with_what_will_go(
    store, file_request, staff_user, staff_client, django_capture_on_commit_callbacks
):
    request = finish(file_request(request_type="erasure"), staff_user, django_capture_on_commit_callbacks)
    url = reverse("answering:approve", args=[request.public_id])
    page = staff_client.get(url)
    content = page.content.decode()
    planned = request.matches.filter(review_status="confirmed").count()
    assert page.status_code == 200 and 'id="plan-counts"' in content
    assert content.count("/plan.jpg") == planned  # one thumbnail per face to erase
    refused = staff_client.post(url, {})
    assert refused.status_code == 400 and b"Confirm the erasure" in refused.content
    request.refresh_from_db()
    assert request.status == RequestStatus.AWAITING_APPROVAL and not hasattr(request, "erasure_cached")
    with django_capture_on_commit_callbacks(execute=False):
        confirmed = staff_client.post(url, {"confirm": "on"})
    assert confirmed.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.ERASING
    assert request.erasure.confirmed_by == staff_user and request.erasure.confirmed_faces == planned


def test_2b_a_mismatch_that_comes_back_after_the_assessment_still_blocks_release(
    store, file_request, staff_user, django_capture_on_commit_callbacks
):
    """The identity-document check runs on a worker: its result can arrive after staff recorded
    "identity established". The approval's guard reads the check itself, so release stays
    blocked until staff override the mismatch with a reason."""
    from compliance.models import DataSubjectRequest

    request = file_request(request_type="access")
    DataSubjectRequest.objects.filter(pk=request.pk).update(identity_check="pending")
    request = finish(request, staff_user, django_capture_on_commit_callbacks)
    assert request.status == RequestStatus.AWAITING_APPROVAL
    DataSubjectRequest.objects.filter(pk=request.pk).update(identity_check="mismatch")  # the late result
    with pytest.raises(ActionNotAllowed, match="does not match the selfie"):
        approval.answer_approve(request=request, user=staff_user)
    request.refresh_from_db()
    assert request.status == RequestStatus.AWAITING_APPROVAL and not request.documents.exists()

"""Retention per record kind and the blocklist of erased files (issue 16 item 7): the certificate
says what is kept and for how long; the requester may leave the blocklist from the status page;
the nightly sweep deletes the match details, then everything that names the requester, and
keeps only unlinked hashes; open requests are never touched; the audit trail records counts."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from compliance.models import DocumentKind, RequestStatus
from compliance.retention import PSEUDONYM_EMAIL, PSEUDONYM_NAME, retention_sweep
from compliance.services.tokens import status_token_for
from compliance.workflow import approval, blocklist, review
from tests.answering.conftest import person_paths
from tests.workflow import assess_identity, decide_all, to_status

pytestmark = [pytest.mark.faces, pytest.mark.slow]


def erased(file_request, staff, capture, **fields):
    request = file_request(request_type="erasure", **fields)
    decide_all(request, staff)
    assess_identity(request, staff)
    with capture(execute=True):
        review.review_finish(request=request, user=staff)
    with capture(execute=True):
        approval.answer_approve(request=request, user=staff, confirm_erasure=True)
    request.refresh_from_db()
    assert request.status == RequestStatus.COMPLETED, request.erasure.last_error
    return request


def open_status(client, request):
    response = client.post(reverse("compliance:status_open"), {"token": status_token_for(request)})
    assert response.status_code == 302
    return client.get(reverse("compliance:status", kwargs={"public_id": request.public_id}))


def certificate_text(request) -> str:
    from pypdf import PdfReader

    with request.documents.get(kind=DocumentKind.ERASURE_CERTIFICATE).file.open("rb") as handle:
        return " ".join("".join(page.extract_text() for page in PdfReader(handle).pages).split())


def test_certificate_and_status_page_say_what_is_kept_and_the_requester_can_leave_the_blocklist(
    store, file_request, staff_user, client, manifest, analyses, django_capture_on_commit_callbacks
):
    from biometrics.models import ErasedPhoto
    from core.models import AuditEvent

    request = erased(file_request, staff_user, django_capture_on_commit_callbacks)
    obama = {analyses[path][1].sha256 for path in person_paths(manifest, "obama")}
    assert set(blocklist.blocklisted_hashes(request)) == obama
    text = certificate_text(request)
    assert f"SHA-256 fingerprints of the {len(obama)} files listed above" in text
    assert "1095 days after this request was closed we delete your name" in text
    # The audit trail is kept for ever: it counts the blocklisted files, never lists them.
    done = AuditEvent.objects.get(request_public_id=request.public_id, action="answering.erasure_done")
    assert done.details["files_blocklisted"] == len(obama)
    assert not any(sha in str(done.details) for sha in obama)

    page = open_status(client, request).content.decode()
    assert 'id="blocklist"' in page and f"fingerprints of the {len(obama)} files" in page
    url = reverse("compliance:blocklist_leave", kwargs={"public_id": request.public_id})
    unconfirmed = client.post(url, {}, follow=True).content.decode()
    assert "Tick the box" in unconfirmed and ErasedPhoto.objects.filter(sha256__in=obama).count() == len(obama)

    answer = client.post(url, {"confirm": "yes"}, follow=True).content.decode()
    assert "were deleted" in answer and 'id="blocklist"' not in answer
    assert not ErasedPhoto.objects.filter(sha256__in=obama).exists()
    request.refresh_from_db()
    assert request.blocklist_opt_out_at is not None
    event = AuditEvent.objects.get(request_public_id=request.public_id, action="request.blocklist_opt_out")
    assert event.details == {"hashes_deleted": len(obama), "kept_for_other_requests": 0}
    # Twice is harmless; the page no longer offers it.
    assert blocklist.blocklist_opt_out(request=request) == 0
    assert "nothing of your erasure left" in client.post(url, {"confirm": "yes"}, follow=True).content.decode()


def test_leaving_the_blocklist_keeps_the_hashes_another_erasure_needs(
    store, file_request, staff_user, manifest, analyses, django_capture_on_commit_callbacks
):
    """Obama and Biden were both erased from the same group photos (Obama blurred first, then
    Biden from the blurred copy): the original files hold Biden's face too, so Obama leaving the
    blocklist must not let them be collected again; his photos without Biden may come back."""
    from biometrics.models import ErasedPhoto
    from compliance.models_answering import ErasureAction

    capture = django_capture_on_commit_callbacks
    obama = erased(file_request, staff_user, capture, email="obama@example.org")
    biden = erased(file_request, staff_user, capture, email="biden@example.org", selfie="people/biden/biden.jpg")
    obama_actions = dict(ErasureAction.objects.filter(erasure__request=obama).values_list("old_sha256", "photo_ref"))
    biden_photos = set(ErasureAction.objects.filter(erasure__request=biden).values_list("photo_ref", flat=True))
    with_biden = {sha for sha, photo in obama_actions.items() if photo in biden_photos}
    assert with_biden, "some of Obama's erased photos should hold Biden too"
    only_obama = set(obama_actions) - with_biden
    assert only_obama

    deleted = blocklist.blocklist_opt_out(request=obama)
    assert deleted == len(only_obama)
    remaining = set(ErasedPhoto.objects.values_list("sha256", flat=True))
    assert with_biden <= remaining and not (only_obama & remaining)
    assert set(blocklist.blocklisted_hashes(biden)) <= remaining


def test_an_access_answer_whose_match_details_were_deleted_says_so(
    store, file_request, staff_user, client, django_capture_on_commit_callbacks
):
    request = to_status(
        file_request(request_type="access"),
        RequestStatus.COMPLETED,
        staff=staff_user,
        capture=django_capture_on_commit_callbacks,
    )
    page = open_status(client, request).content.decode()
    assert 'id="still-held"' in page
    assert retention_sweep(now=request.completed_at + timedelta(days=91)).requests_matches_purged == 1
    page = client.get(reverse("compliance:status", kwargs={"public_id": request.public_id})).content.decode()
    assert "were deleted on" in page and "at the end of their retention period" in page
    assert 'id="still-held"' not in page and "The store holds no photo of you." not in page


def test_the_sweep_deletes_match_details_then_pseudonymises_and_leaves_open_requests_alone(
    store, file_request, staff_user, client, django_capture_on_commit_callbacks, settings, mailoutbox
):
    from biometrics.models import ErasedPhoto
    from compliance.models import RequestMessage
    from compliance.models_answering import ErasureAction
    from core.audit import audit_verify
    from core.models import AuditEvent, OutboxEmail

    request = erased(file_request, staff_user, django_capture_on_commit_callbacks)
    RequestMessage.objects.create(request=request, body="Please hurry.", created_at=timezone.now())
    messages = request.messages.count()
    still_open = file_request(request_type="access", email="open@example.org")
    closed_at = request.completed_at
    hashes = set(blocklist.blocklisted_hashes(request))
    assert request.matches.exists() and hashes

    # Within every period: nothing happens.
    assert retention_sweep(now=closed_at + timedelta(days=29)).as_dict() == {
        "emails_cleared": 0,
        "requests_matches_purged": 0,
        "matches_deleted": 0,
        "requests_pseudonymised": 0,
    }
    # Sent emails lose their recipient and parameters after 30 days; the proof stays.
    sent = OutboxEmail.objects.filter(status="sent", params__request_id=request.pk)
    assert sent.exists()
    report = retention_sweep(now=timezone.now() + timedelta(days=31))
    assert report.emails_cleared >= sent.count()
    assert not sent.exclude(recipient="").exists() and all(e.sent_at and e.kind for e in OutboxEmail.objects.all())

    # Match details after 90 days: the status page says they were deleted, not "no photo".
    matches = request.matches.count()
    report = retention_sweep(now=closed_at + timedelta(days=91))
    assert report.requests_matches_purged == 1 and report.matches_deleted == matches
    request.refresh_from_db()
    assert request.matches_purged_at and not request.matches.exists()
    assert request.name != PSEUDONYM_NAME
    # An erasure's page still counts the erased faces (from the erasure record, which stays).
    page = open_status(client, request).content.decode()
    assert f"{request.erasure.faces_deleted} faces of yours were erased" in page

    # Everything that names the requester after the accountability period; unlinked hashes stay.
    out = StringIO()
    settings.RETENTION_REQUEST_DAYS = 0  # the command runs at "now": same rule, period 0
    call_command("apply_retention", "--no-progress", stdout=out)
    assert "requests pseudonymised: 1" in out.getvalue()
    request.refresh_from_db()
    assert (request.name, request.email, request.ip_hash, request.status_token_hash) == (
        PSEUDONYM_NAME,
        PSEUDONYM_EMAIL,
        "",
        "",
    )
    assert request.pseudonymised_at and not request.messages.exists()
    assert not ErasureAction.objects.filter(erasure__request=request).exclude(old_sha256="").exists()
    assert blocklist.blocklisted_hashes(request) == [] and not blocklist.blocklist_opt_out_possible(request)
    assert hashes <= set(ErasedPhoto.objects.values_list("sha256", flat=True))  # the blocklist holds
    certificate = request.documents.get(kind=DocumentKind.ERASURE_CERTIFICATE)
    assert not certificate.file and certificate.sha256 and certificate.file_deleted_reason == "retention period ended"
    event = AuditEvent.objects.get(request_public_id=request.public_id, action="request.retention_pseudonymised")
    assert event.details["messages_deleted"] == messages and event.details["blocklist_links_removed"] >= len(hashes)
    assert "Please hurry" not in str(event.details)
    assert audit_verify().ok

    # The open request is untouched; a second sweep changes nothing.
    still_open.refresh_from_db()
    assert still_open.name != PSEUDONYM_NAME and still_open.matches_purged_at is None
    again = retention_sweep(now=timezone.now() + timedelta(days=4000))
    assert again.requests_pseudonymised == 0 and again.requests_matches_purged == 0
    assert RequestMessage.objects.filter(request=still_open).count() == still_open.messages.count()

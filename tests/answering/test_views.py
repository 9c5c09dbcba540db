"""Staff review pages and the requester's downloads: who may see and do what, and what a bad or
expired link gets."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from compliance.models import AccessPackageStatus, DocumentKind, MatchBand, RequestStatus, ReviewStatus
from compliance.services.tokens import DOWNLOAD_LINK_MAX_AGE, download_sign, status_token_for
from compliance.workflow import approval, review
from tests.workflow import assess_identity, decide_all

pytestmark = [pytest.mark.faces]


def reviewed(request, staff, capture):
    decide_all(request, staff)
    assess_identity(request, staff)
    with capture(execute=True):
        review.review_finish(request=request, user=staff)
    request.refresh_from_db()
    assert request.status == RequestStatus.AWAITING_APPROVAL
    return request


def approved(request, staff, capture):
    with capture(execute=True):
        approval.answer_approve(request=request, user=staff)
    request.refresh_from_db()
    assert request.status == RequestStatus.COMPLETED
    return request


def grant(client, request) -> str:
    """Open the requester's status page as the emailed link does; returns its HTML."""
    response = client.post(reverse("compliance:status_open"), {"token": status_token_for(request)})
    assert response.status_code == 302
    return client.get(response["Location"]).content.decode()


def download_url(request, kind: str, **sign) -> str:
    signed = download_sign(request=request, item=f"doc:{kind}", **sign)
    return reverse("compliance:download", args=[request.public_id, signed])


@pytest.fixture
def in_review(store, file_request, settings):
    settings.FACE_MATCH_CONFIDENT = 0.3
    request = file_request(request_type="access")
    assert request.status == RequestStatus.AWAITING_REVIEW
    return request


def test_review_page_permissions(in_review, client, make_user, staff_user):
    url = reverse("answering:review", args=[in_review.public_id])
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(make_user("olga_outsider"))
    assert client.get(url).status_code == 403
    client.force_login(make_user("aldo_auditor", "Auditor"))
    response = client.get(url)
    assert response.status_code == 200
    assert b"Confirm match" not in response.content  # read-only
    assert response["Cache-Control"] == "private, no-store"
    match = in_review.matches.filter(band=MatchBand.POSSIBLE).first()
    decide = reverse("answering:decide", args=[in_review.public_id, match.pk])
    assert client.post(decide, {"decision": "confirm"}).status_code == 403
    crop = client.get(reverse("answering:match_crop", args=[in_review.public_id, match.pk]))
    assert crop.status_code == 200 and crop["Content-Type"] == "image/jpeg"
    selfie = client.get(reverse("answering:selfie_crop", args=[in_review.public_id]))
    assert selfie.status_code == 200 and selfie.content[:2] == b"\xff\xd8"
    client.force_login(staff_user)
    assert b"Confirm match" in client.get(url).content


def test_crops_are_404_when_the_image_is_gone_unreadable_or_erased(in_review, staff_client):
    match = in_review.matches.filter(band=MatchBand.POSSIBLE).first()
    match_url = reverse("answering:match_crop", args=[in_review.public_id, match.pk])
    selfie_url = reverse("answering:selfie_crop", args=[in_review.public_id])
    assert staff_client.get(match_url).status_code == 200 and staff_client.get(selfie_url).status_code == 200
    with in_review.selfie.open("wb") as handle:
        handle.write(b"not a jpeg any more")
    assert staff_client.get(selfie_url).status_code == 404
    photo = match.face.photo.image
    photo.storage.delete(photo.name)
    assert staff_client.get(match_url).status_code == 404
    type(match).objects.filter(pk=match.pk).update(face=None)
    assert staff_client.get(match_url).status_code == 404


def test_staff_decide_validates_and_records(in_review, staff_client):
    match = in_review.matches.filter(band=MatchBand.POSSIBLE).first()
    decide = reverse("answering:decide", args=[in_review.public_id, match.pk])
    assert staff_client.get(decide).status_code == 405
    response = staff_client.post(decide, {"decision": "maybe"}, follow=True)
    assert b"Choose confirm or reject" in response.content
    match.refresh_from_db()
    assert match.review_status == ReviewStatus.PENDING
    staff_client.post(decide, {"decision": "reject"})
    match.refresh_from_db()
    assert match.review_status == ReviewStatus.REJECTED and match.reviewed_by is not None
    other = reverse("answering:decide", args=[in_review.public_id, 999999])
    assert staff_client.post(other, {"decision": "confirm"}).status_code == 404
    # Finishing with matches still pending is refused with a message, not an error page.
    response = staff_client.post(reverse("answering:finish_review", args=[in_review.public_id]), follow=True)
    assert response.status_code == 200 and b"still need a decision" in response.content
    # Approving before the answer is ready is refused too, on the approval page.
    response = staff_client.post(reverse("answering:approve", args=[in_review.public_id]))
    assert response.status_code == 400
    assert b"This cannot be done while the request is under staff review." in response.content
    in_review.refresh_from_db()
    assert in_review.status == RequestStatus.AWAITING_REVIEW


def test_requester_downloads_only_after_release_and_links_expire(
    store, file_request, staff_user, client, django_capture_on_commit_callbacks
):
    """The draft is for staff; the requester gets the final documents, issued at approval."""
    request = reviewed(file_request(request_type="access"), staff_user, django_capture_on_commit_callbacks)
    assert request.access_package.status == AccessPackageStatus.READY
    page = grant(client, request)
    assert "/documents/" not in page and "/draft/" not in page  # built but not released
    url = download_url(request, DocumentKind.ACCESS_DATA)
    assert client.get(url).status_code == 404
    draft = reverse("answering:draft_file", args=[request.public_id, "zip"])
    assert client.get(draft).status_code == 302  # staff only: to the login page
    request = approved(request, staff_user, django_capture_on_commit_callbacks)
    page = grant(client, request)
    assert page.count(f"/requests/status/{request.public_id}/documents/") == 2
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content)[:2] == b"PK"
    assert client.get(url[:-2] + "x/").status_code == 404
    assert client.get(f"/requests/status/{request.public_id}/documents/not-a-token/").status_code == 404
    expired = download_url(
        request, DocumentKind.ACCESS_DATA, now=timezone.now() - timedelta(seconds=DOWNLOAD_LINK_MAX_AGE + 60)
    )
    assert client.get(expired).status_code == 410
    assert client.get(draft).status_code == 302  # and the draft is gone for everyone
    client.force_login(staff_user)
    assert client.get(draft).status_code == 404


def test_a_person_not_in_the_store_gets_a_negative_confirmation(
    db, file_request, staff_user, django_capture_on_commit_callbacks
):
    """Art. 15(1): the answer confirms that no data is processed, with the rest of the statement."""
    import io
    import json
    import zipfile

    from tests.answering.checks import read_package

    request = file_request(request_type="access")  # empty store
    assert request.status == RequestStatus.AWAITING_REVIEW  # staff still assess the identity
    assert request.matches.count() == 0
    request = reviewed(request, staff_user, django_capture_on_commit_callbacks)
    document, images = read_package(request.access_package)
    assert document["confirmation"]["processing"] is False
    assert document["photos"] == [] and images == {}
    request = approved(request, staff_user, django_capture_on_commit_callbacks)
    data = request.documents.get(kind=DocumentKind.ACCESS_DATA)
    with data.file.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
        issued = json.loads(archive.read("access_response.json"))
    assert issued["confirmation"]["processing"] is False and issued["photos"] == []


def test_released_documents_files_are_deleted_after_the_retention_period(
    store, file_request, staff_user, client, settings, django_capture_on_commit_callbacks
):
    import os

    from compliance.workflow.documents import documents_expire

    settings.ANSWER_PACKAGE_RETENTION_DAYS = 30
    request = reviewed(file_request(request_type="access"), staff_user, django_capture_on_commit_callbacks)
    draft = request.access_package
    draft_paths = [draft.pdf.path, draft.zip.path]
    request = approved(request, staff_user, django_capture_on_commit_callbacks)
    draft.refresh_from_db()
    assert draft.status == AccessPackageStatus.DISCARDED  # the draft goes once the documents are issued
    assert not any(os.path.exists(path) for path in draft_paths)
    documents = list(request.documents.all())
    paths = [document.file.path for document in documents]
    assert len(paths) == 2 and all(os.path.exists(path) for path in paths)
    url = download_url(request, DocumentKind.ACCESS_LETTER)
    grant(client, request)
    assert client.get(url).status_code == 200
    assert documents_expire(now=timezone.now() + timedelta(days=29)) == 0
    assert documents_expire(now=timezone.now() + timedelta(days=31)) == 2
    assert documents_expire(now=timezone.now() + timedelta(days=32)) == 0
    assert not any(os.path.exists(path) for path in paths)
    for document in documents:
        document.refresh_from_db()
        assert not document.available and document.sha256  # the row and its hash stay
        assert document.file_deleted_reason == "retention period ended"
    assert client.get(url).status_code == 404
    page = grant(client, request)
    assert page.count("it held photos of you and is no longer kept") == 2

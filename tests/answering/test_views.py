"""Staff review pages and the requester's downloads: who may see and do what, and what a bad or
expired link gets."""

import pytest
from django.urls import reverse

from compliance.models import AccessPackageStatus, MatchBand, RequestStatus, ReviewStatus

pytestmark = [pytest.mark.faces]


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
    # Approving before the answer is ready is refused too.
    response = staff_client.post(reverse("answering:approve", args=[in_review.public_id]), follow=True)
    assert b"Only a request awaiting approval can be approved" in response.content


def test_requester_downloads_only_after_release_and_links_expire(
    store, file_request, staff_user, client, settings, django_capture_on_commit_callbacks
):
    from compliance.answering.selectors import download_token_make
    from compliance.answering.services import answer_approve

    request = file_request(request_type="access")
    assert request.access_package.status == AccessPackageStatus.READY
    token = download_token_make(request=request, kind="zip")
    url = reverse("answering:download", args=[token])
    assert client.get(url).status_code == 404  # built but not released
    assert client.get(reverse("answering:staff_file", args=[request.public_id, "zip"])).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        answer_approve(request=request, user=staff_user)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert client.get(reverse("answering:download", args=[token + "x"])).status_code == 404
    assert client.get(reverse("answering:download", args=["not-a-token"])).status_code == 404
    settings.ANSWER_DOWNLOAD_MAX_AGE = -1
    assert client.get(url).status_code == 410


def test_a_person_not_in_the_store_gets_a_negative_confirmation(db, file_request):
    """Art. 15(1): the answer confirms that no data is processed, with the rest of the statement."""
    from tests.answering.checks import read_package

    request = file_request(request_type="access")  # empty store
    assert request.status == RequestStatus.AWAITING_APPROVAL
    assert request.matches.count() == 0
    document, images = read_package(request.access_package)
    assert document["confirmation"]["processing"] is False
    assert document["photos"] == [] and images == {}


def test_released_package_files_are_deleted_after_the_retention_period(
    store, file_request, staff_user, client, settings, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from compliance.answering.access import packages_expire
    from compliance.answering.selectors import download_token_make
    from compliance.answering.services import answer_approve

    settings.ANSWER_PACKAGE_RETENTION_DAYS = 30
    request = file_request(request_type="access")
    with django_capture_on_commit_callbacks(execute=True):
        answer_approve(request=request, user=staff_user)
    package = request.access_package
    package.refresh_from_db()
    from config.models import ReportKind
    from config.report_services import letter_obtain

    letter = letter_obtain(dsr_public_id=str(request.public_id), kind=ReportKind.LETTER_ACCESS)
    paths = [package.pdf.path, package.zip.path, letter.file.path]
    assert packages_expire(now=timezone.now() + timedelta(days=29)) == 0
    assert packages_expire(now=timezone.now() + timedelta(days=31)) == 1
    package.refresh_from_db()
    assert package.status == AccessPackageStatus.EXPIRED and not package.pdf and package.zip_sha256
    import os

    assert not any(os.path.exists(path) for path in paths)
    token = download_token_make(request=request, kind="zip")
    assert client.get(reverse("answering:download", args=[token])).status_code == 404

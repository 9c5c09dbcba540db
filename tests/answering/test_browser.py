"""Staff review and approval in Chromium, then the requester's downloads (tasks run in-process)."""

import io
import json
import zipfile

import pytest

from compliance.models import AccessPackageStatus, DocumentKind, MatchBand, RequestStatus
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.faces, pytest.mark.slow]


def test_staff_confirm_possible_matches_approve_and_download(
    page, live_server, staff_user, faces_dir, manifest, detections, analyses, settings
):
    from compliance.services.tokens import status_token_for
    from tests.answering.conftest import ingest_shared_photos, person_paths
    from tests.answering.test_worker import _file

    settings.FACE_MATCH_CONFIDENT = 0.3  # some of obama's photos become possible matches
    ingest_shared_photos(faces_dir, manifest, analyses)
    request = _file(faces_dir, "access", "browser@example.org")
    request.refresh_from_db()
    assert request.status == RequestStatus.AWAITING_REVIEW
    possible = list(request.matches.filter(band=MatchBand.POSSIBLE))
    assert possible

    browser_login(page, live_server, "stella_staff")
    page.goto(f"{live_server.url}/requests/answer/{request.public_id}/")
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="Matches and answer").is_visible()
    # Side by side: the selfie crop and the stored face crop load as images.
    row = page.locator(f"#match-{possible[0].pk}")
    for image in row.locator("img").all():
        assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    assert row.locator("td.num").inner_text().startswith("0.")
    for match in possible:
        page.get_by_role("button", name=f"Confirm match {match.pk}").click()
        page.wait_for_load_state("networkidle")
        assert page.locator(f"#match-{match.pk}").get_attribute("data-review") == "confirmed"
    # The review cannot be finished before the identity is assessed.
    assert "identity assessment" in page.locator("#finish-blockers").inner_text()
    identity = page.locator("#identity-form")
    identity.get_by_label("Assessment").select_option("established")
    identity.get_by_label("How was the identity established?").fill("Email confirmed; the selfie is clear.")
    identity.get_by_role("button", name="Record the identity assessment").click()
    page.wait_for_load_state("networkidle")
    assert "Identity established" in page.locator("#identity-assessment").inner_text()
    page.get_by_role("button", name="Finish review").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#package-status").inner_text() == str(AccessPackageStatus.READY.label)
    request.refresh_from_db()
    assert request.status == RequestStatus.AWAITING_APPROVAL

    with page.expect_download() as download_info:
        page.locator("#draft-zip").click()
    draft_zip = download_info.value.path().read_bytes()
    with zipfile.ZipFile(io.BytesIO(draft_zip)) as archive:
        draft = json.loads(archive.read("access_response.json"))
    assert len(draft["photos"]) == len(person_paths(manifest, "obama"))
    assert not request.documents.exists()  # nothing issued before approval

    page.locator("#approve-link").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1).inner_text() == "Approve the answer"
    page.get_by_role("button", name="Approve and send the answer").click()
    page.wait_for_load_state("networkidle")
    request.refresh_from_db()
    assert request.status == RequestStatus.COMPLETED
    assert page.locator("#package").count() == 0  # the draft is gone once the documents are issued
    issued = request.documents.get(kind=DocumentKind.ACCESS_DATA)

    # The requester opens the status link of the email (the token after "#", posted by the page's
    # script) and downloads the issued data.
    requester = page.context.browser.new_context()
    requester_page = requester.new_page()
    requester_page.goto(f"{live_server.url}/requests/status/#{status_token_for(request)}")
    requester_page.wait_for_url(f"{live_server.url}/requests/status/{request.public_id}/")
    documents = requester_page.locator("#documents a")
    assert documents.count() == 2
    with requester_page.expect_download() as download_info:
        requester_page.get_by_role("link", name=str(DocumentKind.ACCESS_DATA.label)).click()
    data = download_info.value.path().read_bytes()
    with issued.file.open("rb") as handle:
        assert data == handle.read()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        answer = json.loads(archive.read("access_response.json"))
    assert {p["photo_id"] for p in answer["photos"]} == {p["photo_id"] for p in draft["photos"]}
    requester.close()

"""Staff review and approval in Chromium, then the package downloads (tasks run in-process)."""

import io
import json
import zipfile

import pytest

from compliance.models import AccessPackageStatus, MatchBand, RequestStatus
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.faces, pytest.mark.slow]


def test_staff_confirm_possible_matches_approve_and_download(
    page, live_server, staff_user, faces_dir, manifest, detections, analyses, settings
):
    from compliance.answering.selectors import requester_downloads
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
    page.get_by_role("button", name="Finish review").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#package-status").inner_text() == str(AccessPackageStatus.READY.label)
    request.refresh_from_db()
    assert request.status == RequestStatus.AWAITING_APPROVAL

    with page.expect_download() as download_info:
        page.locator("#staff-zip").click()
    staff_zip = download_info.value.path().read_bytes()
    with zipfile.ZipFile(io.BytesIO(staff_zip)) as archive:
        document = json.loads(archive.read("access_response.json"))
    assert len(document["photos"]) == len(person_paths(manifest, "obama"))

    page.get_by_role("button", name="Approve").click()
    page.wait_for_load_state("networkidle")
    request.refresh_from_db()
    assert request.status == RequestStatus.COMPLETED
    assert page.locator("#package-status").inner_text() == str(AccessPackageStatus.RELEASED.label)

    # The requester's signed link (shown on the status page) downloads the same package.
    links = {link["label"]: link["url"] for link in requester_downloads(request)}
    zip_url = next(url for label, url in links.items() if "ZIP" in label)
    requester = page.context.browser.new_context()
    requester_page = requester.new_page()
    with requester_page.expect_download() as download_info:
        requester_page.evaluate(
            "url => { const a = document.createElement('a'); a.href = url; a.click(); }", f"{live_server.url}{zip_url}"
        )
    assert download_info.value.path().read_bytes() == staff_zip
    requester.close()

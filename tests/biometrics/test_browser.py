"""The staff store pages in Chromium: statistics, a photo with its faces boxed over the image
that the staff-only view serves, and a search by uploading a photo."""

import pytest

from biometrics.ingest import Listing, list_source, run_ingest
from biometrics.models import SourcePhoto
from tests.conftest import browser_login

PHOTOS = ("people/obama/obama.jpg", "people/biden/biden.jpg", "group/two_people.jpg", "people/kit_harington/kit1.jpg")


@pytest.fixture
def small_store(transactional_db, faces_dir):
    listing = list_source(faces_dir / "manifest.csv", source_url_prefix="https://scrape.example/faces")
    items = [item for item in listing.items if item.path.endswith(PHOTOS)]
    assert run_ingest(Listing(items, [], 0), workers=1, mode="local").counts["created"] == len(PHOTOS)


@pytest.mark.browser
@pytest.mark.faces
def test_staff_browse_a_photo_with_boxed_faces_and_search_by_upload(
    page, live_server, staff_user, small_store, faces_dir
):
    browser_login(page, live_server, staff_user.username)
    page.goto(f"{live_server.url}/biometrics/")
    assert page.locator('[data-stat="photos"]').inner_text() == "4"
    assert page.locator('[data-stat="faces"]').inner_text() == "5"
    assert page.get_by_role("link", name="scrape.example").is_visible()

    page.get_by_role("link", name="Photos", exact=True).click()
    thumbnails = page.locator(".photo-grid img")
    assert thumbnails.count() == 4
    page.wait_for_function(
        "() => [...document.querySelectorAll('.photo-grid img')].every(i => i.complete && i.naturalWidth > 0)"
    )

    group = SourcePhoto.objects.get(source_url__endswith="two_people.jpg")
    page.goto(f"{live_server.url}/biometrics/photos/{group.public_id}/")
    boxes = page.locator("rect.face-box")
    assert boxes.count() == 2
    for index in range(2):
        box = boxes.nth(index).bounding_box()
        assert box["width"] > 20 and box["height"] > 20  # drawn at a visible size over the photo
    image_status = page.evaluate(
        "async () => (await fetch(document.querySelector('svg image').getAttribute('href'))).status"
    )
    assert image_status == 200

    boxes.first.click()  # each box links to the face and who received it
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Customers who received this face").is_visible()
    assert page.get_by_text("No customer search has returned this face.").is_visible()

    page.goto(f"{live_server.url}/biometrics/search/")
    page.locator("#id_photo").set_input_files(str(faces_dir / "people/obama/obama2.jpg"))
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Face 1: 2 stored faces match").is_visible()
    assert page.locator("[data-match]").count() == 2

    page.locator("#id_photo").set_input_files(
        files=[{"name": "notes.jpg", "mimeType": "image/jpeg", "buffer": b"just some text"}]
    )
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").filter(has_text="not an image we can read").is_visible()

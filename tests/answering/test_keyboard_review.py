"""A member of staff reviews 20 matches in Chromium with the keyboard alone (issue 14 item 3):
the keys the review page documents (compliance/static/compliance/review_keys.js) decide every
match, some confirmed and some rejected, and exactly those decisions are recorded."""

import io

import pytest
from PIL import Image

from compliance.models import RequestStatus, ReviewStatus
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.faces, pytest.mark.slow]

# The store holds the shared photos (13 faces of Obama) and these 7 smaller copies of his
# photos: real faces with their own encodings, so one search finds 20 faces of him.
VARIANTS = [
    ("people/obama/obama.jpg", 0.8),
    ("people/obama/obama2.jpg", 0.8),
    ("people/obama/obama3.jpg", 0.8),
    ("people/obama/obama4.jpg", 0.8),
    ("people/obama/obama-720p.jpg", 0.8),
    ("people/obama/obama.jpg", 0.65),
    ("people/obama/obama2.jpg", 0.65),
]
# Positions (in page order) rejected with the selection; the rest of positions 2-19 are confirmed.
REJECT_SELECTED = {4, 7, 11, 15, 18}


def ingest_variants(faces_dir) -> None:
    from biometrics.ingest import IngestItem, analyse_bytes, ingest_limits, store_analysis
    from biometrics.services import IngestStatus

    for path, scale in VARIANTS:
        with Image.open(faces_dir / path) as image:
            image = image.convert("RGB")
            smaller = image.resize((round(image.width * scale), round(image.height * scale)))
        buffer = io.BytesIO()
        smaller.save(buffer, format="JPEG", quality=90)
        data = buffer.getvalue()
        name = f"copies/{scale}/{path}"
        item = IngestItem(path=name, source_url=f"https://copies.example.org/{name}", page_url="")
        result = store_analysis(item, analyse_bytes(data, limits=ingest_limits()), data)
        assert result.status == IngestStatus.CREATED, (name, result)


def focused_position(page) -> int:
    """The position of the match that has the keyboard focus (the page marks it and focuses it)."""
    return page.evaluate(
        """() => {
            const rows = Array.from(document.querySelectorAll("tr.match-card"));
            const marked = rows.findIndex(r => r.classList.contains("focused"));
            return rows.indexOf(document.activeElement) === marked ? marked : -1;
        }"""
    )


def press_and_reload(page, key: str) -> None:
    with page.expect_navigation():
        page.keyboard.press(key)
    page.wait_for_load_state("networkidle")


def test_twenty_matches_reviewed_with_the_keyboard(
    page, live_server, staff_user, faces_dir, manifest, analyses, settings
):
    from tests.answering.conftest import ingest_shared_photos
    from tests.answering.test_worker import _file

    settings.FACE_MATCH_AUTO_CONFIRM = False  # every match waits for a decision of its own
    ingest_shared_photos(faces_dir, manifest, analyses)
    ingest_variants(faces_dir)
    request = _file(faces_dir, "access", "keyboard@example.org")
    request.refresh_from_db()
    assert request.status == RequestStatus.AWAITING_REVIEW
    assert request.matches.count() == 20
    assert set(request.matches.values_list("review_status", flat=True)) == {ReviewStatus.PENDING}

    browser_login(page, live_server, "stella_staff")
    page.goto(f"{live_server.url}/requests/answer/{request.public_id}/")
    page.wait_for_load_state("networkidle")
    keys = page.locator("#review-keys").inner_text()
    for documented in ("j", "k", "c", "r", "x", "Shift+C", "Shift+R"):
        assert documented in keys
    order = [int(pk) for pk in page.locator("tr.match-card").evaluate_all("rows => rows.map(r => r.dataset.match)")]
    assert len(order) == 20
    expected = {}

    # The first match has the focus: confirm it alone; the page comes back on the next one.
    assert focused_position(page) == 0
    press_and_reload(page, "c")
    expected[order[0]] = ReviewStatus.CONFIRMED
    assert focused_position(page) == 1
    # Reject the second alone.
    press_and_reload(page, "r")
    expected[order[1]] = ReviewStatus.REJECTED
    assert focused_position(page) == 2

    # Walk down the rest, select the faces to reject, reject the selection.
    for position in range(2, 20):
        assert focused_position(page) == position
        if position in REJECT_SELECTED:
            page.keyboard.press("x")
        page.keyboard.press("j")
    assert focused_position(page) == 19  # j stops at the last match
    press_and_reload(page, "Shift+R")
    for position in REJECT_SELECTED:
        expected[order[position]] = ReviewStatus.REJECTED
    assert focused_position(page) == 2  # the first match still awaiting a decision

    # Walk down again, select every match still pending, confirm the selection.
    for position in range(2, 20):
        assert focused_position(page) == position
        if position not in REJECT_SELECTED:
            page.keyboard.press("x")
            expected[order[position]] = ReviewStatus.CONFIRMED
        page.keyboard.press("j")
    press_and_reload(page, "Shift+C")

    # The database holds exactly those decisions, each by this member of staff.
    assert len(expected) == 20
    recorded = dict(request.matches.values_list("pk", "review_status"))
    assert recorded == expected
    assert set(request.matches.values_list("reviewed_by__username", flat=True)) == {"stella_staff"}
    # ... and the page shows them.
    shown = {
        int(pk): status
        for pk, status in page.locator("tr.match-card").evaluate_all(
            "rows => rows.map(r => [r.dataset.match, r.dataset.review])"
        )
    }
    assert shown == expected
    confirmed = sum(1 for status in expected.values() if status == ReviewStatus.CONFIRMED)
    rejected = 20 - confirmed
    assert (confirmed, rejected) == (14, 6)
    assert (
        f"20 ({confirmed} confirmed, 0 awaiting review, {rejected} rejected)" in page.locator("#matching").inner_text()
    )

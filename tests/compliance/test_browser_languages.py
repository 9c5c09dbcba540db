"""Issue 16, "done when": in a real Chromium, a citizen files an access request in each of the
seven languages, confirms the email, follows the request on its status page and opens the answer
letter from there. Every text checked is the project's own translation (gettext and the letters'
phrase tables), so the test knows no translation by heart; the letter's date is checked against
the convention of the language (day, month name, year; "17. Februar", "17 de febrero", Greek
genitive months). Screenshots go to test-artifacts/walk-<lang>-*.png.

Matching runs for real against a small store of the shared photos, in-process (eager Celery, as
the other browser tests); staff's review and approval go through the workflow's services.
"""

import re
import shutil
import subprocess
from datetime import date

import pytest
from django.core import mail
from django.db import transaction
from django.utils import dates, timezone, translation

from compliance.models import DataSubjectRequest, DocumentKind, RequestStatus
from compliance.reports.letters import subject_for
from compliance.reports.texts import text_for
from compliance.workflow import approval, machine, matching, review
from tests.compliance.web_support import fresh_rate_limits  # noqa: F401 - autouse fixture
from tests.conftest import ARTIFACTS, require_or_skip
from tests.reports.conftest import has, pdf_text
from tests.workflow import assess_identity, decide_all

pytestmark = [pytest.mark.browser, pytest.mark.faces]

SELFIE = "people/obama/obama.jpg"  # the Dutch walk's successful selfie (test_browser.py)
# The store: two more photos of the requester and three other people's, enough for a letter that
# lists photos without the cost of all shared photos in every walk.
STORE = (
    "people/obama/obama2.jpg",
    "people/obama/obama4.jpg",
    "people/biden/biden.jpg",
    "people/kit_harington/kit1.jpg",
    "people/rose_leslie/rose1.jpg",
)

# (language, the browser's locale, the language picked in the footer's switcher or None). Most
# citizens get their language from the browser; two pick it on a browser set to English.
WALKS = [
    ("en", "en-GB", None),
    ("nl", "nl-NL", None),
    ("fr", "fr-BE", None),
    ("it", "it-IT", None),
    ("de", "en-GB", "de"),
    ("es", "es-ES", None),
    ("el", "en-GB", "el"),
]
COUNTRY = {"en": "IE", "nl": "NL", "fr": "BE", "it": "IT", "de": "AT", "es": "ES", "el": "GR"}
# How a date is written in a letter in each language; `month` is Django's month name in that
# language, `month_genitive` the form Greek uses inside a date; Italian writes months in lower case
# (Django's catalogue capitalises them).
LETTER_DATE = {
    "en": "{day} {month} {year}",
    "nl": "{day} {month} {year}",
    "fr": "{day} {month} {year}",
    "it": "{day} {month_lower} {year}",
    "de": "{day}. {month} {year}",
    "es": "{day} de {month} de {year}",
    "el": "{day} {month_genitive} {year}",
}


def translated(lang: str, text) -> str:
    """`text` (a msgid or a lazy label) as the pages show it in `lang`."""
    with translation.override(lang):
        return str(translation.gettext(text) if isinstance(text, str) else text)


def letter_date(lang: str, day: date) -> str:
    with translation.override(lang):
        month = str(dates.MONTHS[day.month])
        month_genitive = str(dates.MONTHS_ALT[day.month])
    return LETTER_DATE[lang].format(
        day=day.day, month=month, month_lower=month.lower(), month_genitive=month_genitive, year=day.year
    )


def english_left_on_the_status_page(page) -> list[str]:
    """The status page's step labels, status, next step and document links that are still in
    English: texts the catalogue may lack, whatever it says elsewhere on the page."""
    with translation.override("en"):
        english = {
            str(text)
            for text in (
                *(step.label for step in machine.STEPS),
                *RequestStatus.labels,
                *machine.NEXT_FOR_REQUESTER.values(),
                *DocumentKind.labels,
            )
        }
    shown = page.locator(".stepper .step-label, #request-status, #documents a").all_inner_texts()
    next_step = page.locator("#next-step").inner_text()
    return [text for text in shown if text.strip() in english] + [text for text in english if text in next_step]


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def pdf_first_page_png(pdf: bytes, name: str, tmp_path) -> None:
    if shutil.which("pdftoppm") is None:
        require_or_skip("REQUIRE_BROWSER", "pdftoppm (poppler-utils) is not installed: no picture of the letter")
    source = tmp_path / f"{name}.pdf"
    source.write_bytes(pdf)
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / f"{name}.png"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(source), str(target.with_suffix(""))],
        check=True,
        timeout=120,
    )
    assert target.stat().st_size > 0


@pytest.fixture(scope="module")
def store_analyses(faces_dir):
    """The store's photos analysed once for the module (detection and encodings are the slow
    part); each walk stores them again, as the live server's database is emptied after a test."""
    from biometrics.ingest import analyse_bytes, ingest_limits

    return {path: analyse_bytes((faces_dir / path).read_bytes(), limits=ingest_limits()) for path in STORE}


@pytest.fixture
def store(transactional_db, faces_dir, store_analyses):
    from biometrics.ingest import IngestItem, store_analysis
    from biometrics.services import IngestStatus

    for path, analysis in store_analyses.items():
        item = IngestItem(
            path=path, source_url=f"https://photos.example.org/{path}", page_url="https://pages.example.org/"
        )
        assert store_analysis(item, analysis, (faces_dir / path).read_bytes()).status == IngestStatus.CREATED


def answer_the_request(request, staff, capture) -> None:
    """Staff's part, through the workflow: matching, review, identity, approval; the letter is
    issued when the approval makes the facts final."""
    with capture(execute=True), transaction.atomic():
        matching.matching_schedule(request=request)
    request.refresh_from_db()
    assert request.status == RequestStatus.AWAITING_REVIEW, request.last_error
    decide_all(request, staff)
    assess_identity(request, staff)
    with capture(execute=True):
        review.review_finish(request=request, user=staff)
    with capture(execute=True):
        approval.answer_approve(request=request, user=staff)
    request.refresh_from_db()
    assert request.status == RequestStatus.COMPLETED


@pytest.mark.parametrize(("lang", "locale", "switch_to"), WALKS, ids=[walk[0] for walk in WALKS])
def test_a_citizen_walks_through_an_access_request_in_their_language(
    lang,
    locale,
    switch_to,
    browser,
    live_server,
    store,
    staff_user,
    faces_dir,
    settings,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    def t(text) -> str:
        return translated(lang, text)

    heading = "Ask whether your face is held, or have it erased"
    if lang != "en":  # else every comparison below would compare English with English
        assert t(heading) != heading, f"no {lang} catalogue: run scripts/compile_messages.py (make install)"
    settings.SITE_URL = live_server.url  # links in the emails point at this server
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=locale)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/requests/new/")
        if switch_to:
            page.locator("#language-select").select_option(switch_to)
            page.locator(".language-form button[type=submit]").click()
            page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == lang
        assert page.get_by_role("heading", level=1).inner_text() == t(heading)

        page.get_by_label(
            t(
                "Access: tell me whether you hold photos of my face, where they came from and what you did "
                "with them (GDPR Art. 15)"
            )
        ).check()
        page.get_by_label(t("Your full name")).fill("Barack Example")
        page.get_by_label(t("Your email address")).fill(f"barack.{lang}@example.org")
        page.get_by_label(t("Country where you live")).select_option(COUNTRY[lang])
        page.locator("#id_selfie").set_input_files(str(faces_dir / SELFIE))
        page.locator("#id_selfie_consent").check()
        page.get_by_role("button", name=t("Send my request")).click()
        page.wait_for_load_state()
        assert page.get_by_role("heading", level=1).inner_text() == t("Check your email")
        assert t(
            "Your request has been received. We have sent you an email with a link to confirm your email address."
        ) in (page.locator("main").inner_text())
        request = DataSubjectRequest.objects.get()
        assert request.language == lang

        verify_link = re.search(r"http://\S+/requests/verify/#[\w-]+", mail.outbox[-1].body).group(0)
        page.goto(verify_link)
        assert page.get_by_role("heading", level=1).inner_text() == t("Confirm your email address")
        page.get_by_role("button", name=t("Confirm my email address")).click()
        page.wait_for_load_state()
        assert page.url == f"{live_server.url}/requests/status/{request.public_id}/"
        assert page.locator("html").get_attribute("lang") == lang
        assert page.get_by_role("heading", level=1).inner_text() == t("Your request")
        assert page.locator(".messages").inner_text().strip() == t("Thank you: your email address is confirmed.")
        assert page.locator("#request-status").inner_text() == t(RequestStatus.VERIFIED.label)
        if lang != "en":
            assert english_left_on_the_status_page(page) == []
        shot(page, f"walk-{lang}-status")

        answer_the_request(request, staff_user, django_capture_on_commit_callbacks)
        page.reload()
        assert page.locator("#request-status").inner_text() == t(RequestStatus.COMPLETED.label)
        letter_link = page.get_by_role("link", name=t(DocumentKind.ACCESS_LETTER.label))
        assert letter_link.count() == 1
        if lang != "en":
            assert english_left_on_the_status_page(page) == []
        shot(page, f"walk-{lang}-status-answered")
        with page.expect_download() as download:
            letter_link.click()
        pdf = download.value.path().read_bytes()
    finally:
        context.close()

    letter = request.documents.get(kind=DocumentKind.ACCESS_LETTER)
    assert letter.language == lang
    source = tmp_path / "letter.pdf"
    source.write_bytes(pdf)
    text = pdf_text(source)
    assert has(text, subject_for("access_response", lang, request.regime))
    assert has(text, text_for(lang)["our_reference"]) and has(text, "Barack Example")
    issued_on = timezone.localtime(letter.issued_at).date()  # the letter's time zone, not UTC
    assert has(text, letter_date(lang, issued_on)), (letter_date(lang, issued_on), text[:600])
    if lang != "en":
        assert not has(text, letter_date("en", issued_on))
        assert not has(text, subject_for("access_response", "en", request.regime))
    pdf_first_page_png(pdf, f"walk-{lang}-letter", tmp_path)

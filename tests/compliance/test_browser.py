"""The citizen's journey in a real Chromium, in Dutch: bad uploads show their messages without
losing what was typed, a kept photo survives a text error, the emailed link verifies the address
and leads to the status page. Screenshots go to test-artifacts/ (desktop and phone width)."""

import re

import pytest
from django.core import mail

from compliance.models import DataSubjectRequest, PendingUpload
from tests.compliance.web_support import fresh_rate_limits  # noqa: F401 - autouse fixture
from tests.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.faces]

PHONE = {"width": 375, "height": 812}


@pytest.fixture
def dutch_context(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    yield context
    context.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"compliance-{name}.png"), full_page=True)


def fill_text_fields(page, *, email="anna@example.org") -> None:
    page.get_by_label(re.compile(r"^Inzage:")).check()
    page.get_by_label("Uw volledige naam").fill("Anna de Vries")
    page.get_by_label("Uw e-mailadres").fill(email)
    page.get_by_label("Land waar u woont").select_option("NL")
    page.locator("#id_selfie_consent").check()


def submit(page) -> None:
    page.get_by_role("button", name="Mijn verzoek versturen").click()
    page.wait_for_load_state()


def test_dutch_request_with_bad_uploads_then_verification_and_status(
    dutch_context, live_server, faces_dir, settings, tmp_path
):
    settings.SITE_URL = live_server.url  # links in the emails point at this server
    page = dutch_context.new_page()
    page.goto(f"{live_server.url}/requests/new/")
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.get_by_role("heading", level=1).inner_text() == "Vraag of uw gezicht wordt bewaard, of laat het wissen"
    shot(page, "form-nl")

    # 1. A group photo: refused with its message, everything typed is still there.
    fill_text_fields(page)
    page.locator("#id_selfie").set_input_files(str(faces_dir / "group/two_people.jpg"))
    submit(page)
    assert page.locator("#id_selfie_error").inner_text() == (
        "Op deze foto staan 2 gezichten. Gebruik een foto waarop alleen uw eigen gezicht staat."
    )
    assert page.get_by_label("Uw volledige naam").input_value() == "Anna de Vries"
    assert page.get_by_label("Uw e-mailadres").input_value() == "anna@example.org"
    assert page.get_by_label("Land waar u woont").input_value() == "NL"
    assert page.get_by_label(re.compile(r"^Inzage:")).is_checked()
    assert page.locator("#id_selfie_consent").is_checked()
    shot(page, "form-nl-two-faces")

    # 2. Not an image at all.
    text_file = tmp_path / "selfie.jpg"
    text_file.write_text("dit is geen foto\n" * 50)
    page.locator("#id_selfie").set_input_files(str(text_file))
    submit(page)
    assert "geen afbeelding die wij kunnen lezen" in page.locator("#id_selfie_error").inner_text()
    assert page.get_by_label("Uw volledige naam").input_value() == "Anna de Vries"

    # 3. A good selfie but a mistyped email: the photo is kept, only the email is corrected.
    page.get_by_label("Uw e-mailadres").fill("anna@example")
    page.locator("#id_selfie").set_input_files(str(faces_dir / "people/obama/obama.jpg"))
    submit(page)
    assert "Vul een geldig e-mailadres in" in page.locator("#id_email_error").inner_text()
    kept = page.locator("#kept-selfie")
    assert "Er is al een foto toegevoegd (obama.jpg)" in kept.inner_text()
    assert page.locator("#id_selfie_error").count() == 0
    assert page.locator("img").count() == 0  # the photo is never sent back to the browser
    shot(page, "form-nl-kept-photo")
    phone = dutch_context.new_page()
    phone.set_viewport_size(PHONE)
    phone.goto(page.url)
    shot(phone, "form-nl-phone")
    phone.close()

    page.get_by_label("Uw e-mailadres").fill("anna@example.org")
    submit(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Kijk in uw e-mail"
    assert PendingUpload.objects.count() == 0
    request = DataSubjectRequest.objects.get()
    assert request.language == "nl" and request.country == "NL"

    # 4. The verification email, in Dutch, with the single-use link; its secret is after "#"
    # (never sent to the server): the page's script posts it when the button is pressed.
    message = mail.outbox[-1]
    assert message.subject == "Bevestig uw verzoek over gegevensbescherming"
    verify_link = re.search(r"http://\S+/requests/verify/#[\w-]+", message.body).group(0)
    assert verify_link.startswith(live_server.url)
    page.goto(verify_link)
    assert page.get_by_role("heading", level=1).inner_text() == "Bevestig uw e-mailadres"
    assert "#" not in page.url  # the script took the token out of the address bar
    assert not page.locator("#verify-token").is_visible()  # filled in, the manual field hidden
    page.get_by_role("button", name="Mijn e-mailadres bevestigen").click()
    page.wait_for_load_state()

    # 5. The status page, opened at once through the session's grant.
    assert page.get_by_role("heading", level=1).inner_text() == "Uw verzoek"
    assert page.url == f"{live_server.url}/requests/status/{request.public_id}/"
    assert page.locator(".messages").inner_text().strip() == dutch("Thank you: your email address is confirmed.")
    assert page.locator("#request-status").inner_text() == "E-mailadres bevestigd"
    assert (
        page.locator(".stepper .step-done").count() == 2 and page.locator(".stepper [aria-current=step]").count() == 1
    )
    assert page.locator("#next-step").inner_text().strip()
    assert page.locator("#due-date").inner_text().strip()
    # No document before the final facts (no acknowledgement letter any more).
    assert page.locator("#documents").count() == 0
    assert (
        dutch("Your documents appear here when they are ready. We will also send you an email.")
        in page.locator("body").inner_text()
    )
    shot(page, "status-nl")
    phone = dutch_context.new_page()
    phone.set_viewport_size(PHONE)
    phone.goto(page.url)
    shot(phone, "status-nl-phone")
    phone.close()

    # The same link a second time leads nowhere (not even to the status page).
    page.goto(verify_link)
    page.get_by_role("button", name="Mijn e-mailadres bevestigen").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == dutch("This link has already been used")
    assert str(request.public_id) not in page.content()
    request.refresh_from_db()
    assert request.status == "verified"

    # 6. The status link of the acknowledgement email, in a browser without the grant: the page's
    # script posts the token from after "#" and the status page opens.
    status_link = re.search(r"http://\S+/requests/status/#[\w-]+", mail.outbox[-1].body).group(0)
    other = dutch_context.browser.new_context(locale="nl-NL")
    fresh = other.new_page()
    denied = fresh.goto(f"{live_server.url}/requests/status/{request.public_id}/")
    assert denied.status == 404  # no grant in this browser: nothing
    fresh.goto(status_link)
    fresh.wait_for_url(f"{live_server.url}/requests/status/{request.public_id}/")
    assert fresh.locator("#request-status").inner_text() == "E-mailadres bevestigd"
    other.close()


def dutch(text: str) -> str:
    """`text` as the Dutch pages show it (the project's catalogue, as the server uses it)."""
    from django.utils import translation

    with translation.override("nl"):
        return translation.gettext(text)


@pytest.fixture
def queued_requests(transactional_db, faces_dir):
    """Two verified requests and one awaiting verification, filed through the services."""
    from django.utils import timezone

    from compliance.workflow import intake

    selfie = (faces_dir / "people/obama/obama.jpg").read_bytes()
    now = timezone.now()
    made = []
    for name, email, country, language, kind in (
        ("Anna de Vries", "anna@example.org", "NL", "nl", "access"),
        ("Chloé Martin", "chloe@example.org", "FR", "fr", "erasure"),
        ("Bruno Rossi", "bruno@example.org", "IT", "it", "both"),
    ):
        request, token = intake.request_submit(
            data={
                "request_type": kind,
                "name": name,
                "email": email,
                "country": country,
                "language": language,
                "selfie_consent": True,
            },
            selfie_file=selfie,
            ip="192.0.2.1",
            now=now,
        )
        if country != "IT":
            intake.request_confirm_email(token=token, now=now)
        made.append(request)
    return made


def test_staff_queue_detail_and_extension(page, live_server, staff_user, queued_requests):
    from tests.conftest import browser_login

    browser_login(page, live_server, "stella_staff")
    page.goto(f"{live_server.url}/requests/staff/")
    assert page.get_by_role("heading", level=1).inner_text() == "Data-subject requests"
    assert page.locator("#request-table tbody tr").count() == 3
    page.get_by_label("Country").select_option("FR")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_load_state()
    assert page.locator("#request-table tbody tr").count() == 1
    page.goto(f"{live_server.url}/requests/staff/")
    shot(page, "staff-queue")

    anna = queued_requests[0]
    page.goto(f"{live_server.url}/requests/staff/{anna.public_id}/")
    form = page.locator("#action-extend")
    form.get_by_label("Extend by").select_option("1")
    form.get_by_label("Reasons (shown and sent to the requester)").fill("Several sources must be checked.")
    form.get_by_role("button", name="Extend and notify the requester").click()
    page.wait_for_load_state()
    assert "Deadline extended" in page.locator(".messages").inner_text()
    assert "request.deadline_extended" in page.locator("#audit-trail").inner_text()
    shot(page, "staff-detail")
    page.set_viewport_size(PHONE)
    shot(page, "staff-detail-phone")


def test_auditor_sees_the_request_read_only(page, live_server, auditor_user, queued_requests):
    from tests.conftest import browser_login

    browser_login(page, live_server, "aldo_auditor")
    page.goto(f"{live_server.url}/requests/staff/{queued_requests[1].public_id}/")
    assert page.locator("#readonly-note").is_visible()
    assert page.locator("form[id^=action-]").count() == 0
    assert page.locator("#audit-trail tbody tr").count() >= 2

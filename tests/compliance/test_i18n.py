"""Public pages and emails in English, Dutch, French, Italian, German, Spanish and Greek: the browser's Accept-Language
picks the language, the footer switcher changes it, and the request records it."""

from datetime import date

import polib
import pytest
from django.conf import settings
from django.core import mail
from django.utils import translation

from compliance.emails import email_render
from compliance.forms import RequestForm
from compliance.models import DataSubjectRequest
from tests.compliance.web_support import (
    FORM_URL,
    form_data,
    fresh_rate_limits,  # noqa: F401 - autouse fixture
    selfie_upload,
)

pytestmark = pytest.mark.django_db

HEADINGS = {
    "en": "Ask whether your face is held, or have it erased",
    "nl": "Vraag of uw gezicht wordt bewaard, of laat het wissen",
    "fr": "Demandez si votre visage est conservé, ou faites-le effacer",
    "it": "Chieda se il suo volto è conservato, o lo faccia cancellare",
    "de": "Fragen Sie, ob Ihr Gesicht gespeichert ist, oder lassen Sie es löschen",
    "es": "Pregunte si se conserva su rostro, o haga que se suprima",
    "el": "Ρωτήστε αν διατηρείται το πρόσωπό σας ή ζητήστε να διαγραφεί",
}
# Languages added after Italian (issue 16 item 11); every citizen page, email and letter is checked in them too.
TRANSLATED = ["nl", "fr", "it", "de", "es", "el"]


@pytest.mark.parametrize(
    ("accept", "language"),
    [
        ("nl-NL,nl;q=0.9,en;q=0.5", "nl"),
        ("fr-BE", "fr"),
        ("it", "it"),
        ("de-DE,de;q=0.9", "de"),
        ("es-ES,es;q=0.9,en;q=0.5", "es"),
        ("el-GR,el;q=0.9", "el"),
        ("pt-PT,pt;q=0.9", "en"),
    ],
)
def test_accept_language_picks_the_form_language(client, accept, language):
    response = client.get(FORM_URL, HTTP_ACCEPT_LANGUAGE=accept)
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert HEADINGS[language] in html


def test_dutch_form_is_fully_dutch(client):
    html = client.get(FORM_URL, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    for dutch in (
        "Wat er met uw foto gebeurt",
        "Uw volledige naam",
        "Land waar u woont",
        "Mijn verzoek versturen",
        "Inzage: vertel mij",
        "Kies uw land",
        "Nederland",
        "Duitsland",
    ):
        assert dutch in html
    for english in (
        "What happens to your photo",
        "Your full name",
        "Send my request",
        "Choose your country",
        "Skip to content",
        "Language",
    ):
        assert english not in html


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_form_has_no_english_left(client, language):
    html = client.get(FORM_URL, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'<html lang="{language}">' in html and HEADINGS[language] in html
    for english in (
        "What happens to your photo",
        "Your full name",
        "Send my request",
        "Choose your country",
        "Skip to content",
        "Germany",
        "Netherlands",
    ):
        assert english not in html


def test_countries_are_sorted_in_the_visitors_language():
    with translation.override("nl"):
        labels = [label for code, label in RequestForm().fields["country"].choices][1:]
    assert labels == sorted(labels, key=str.casefold)
    assert labels.index("België") < labels.index("Duitsland") < labels.index("Nederland")


def test_validation_messages_are_translated(client, faces_dir):
    response = client.post(
        FORM_URL,
        {**form_data(email="geen-adres"), "selfie": selfie_upload(faces_dir, "group/two_people.jpg")},
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    html = response.content.decode()
    assert "Vul een geldig e-mailadres in" in html
    assert "Op deze foto staan 2 gezichten." in html


def test_language_switcher_sets_the_language(client):
    response = client.post("/i18n/setlang/", {"language": "fr", "next": FORM_URL}, HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 302
    html = client.get(FORM_URL, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert HEADINGS["fr"] in html  # the chosen language beats the browser's
    assert settings.LANGUAGE_COOKIE_NAME in client.cookies


def test_request_records_the_language_and_emails_use_it(client, faces_dir, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(FORM_URL, {**form_data(), "selfie": selfie_upload(faces_dir)}, HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 302
    assert DataSubjectRequest.objects.get().language == "nl"
    message = mail.outbox[-1]
    assert message.subject == "Bevestig uw verzoek over gegevensbescherming"
    assert "Bevestig uw e-mailadres met deze link" in message.body
    html = message.alternatives[0][0]
    assert 'lang="nl"' in html and "Mijn e-mailadres bevestigen" in html
    submitted = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Kijk in uw e-mail" in submitted


@pytest.mark.parametrize("language", TRANSLATED)
@pytest.mark.parametrize(
    "kind",
    [
        "verification",
        "acknowledgement",
        "extension",
        "message",
        "refusal",
        "completed",
        "withdrawn",
        "expired",
        "status_link",
    ],
)
def test_every_citizen_email_is_translated(verified_request, staff_user, now, kind, language):
    from compliance.emails import completion_summary
    from compliance.workflow import handling

    handling.request_extend_deadline(
        request=verified_request, user=staff_user, months=1, reason="Many sources to check.", now=now
    )
    verified_request.refresh_from_db()
    verified_request.refusal_basis = "art_12_5_excessive"
    verified_request.refusal_reason = "Repeated request."
    context = {
        "req": verified_request,
        "status_url": "https://example.org/s/",
        "verify_url": "https://example.org/v/",
        "message": verified_request.messages.first(),
        "summary": completion_summary(verified_request),
    }
    with translation.override("en"):
        english = email_render(kind=kind, language="en", context=context)
    translated = email_render(kind=kind, language=language, context=context)
    assert translated.subject and translated.subject != english.subject
    assert translated.text != english.text and translated.html != english.html
    assert f'lang="{language}"' in translated.html


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_public_string_has_a_translation(language):
    """Everything on the citizen's pages and emails, and the shared layout, is translated."""
    catalogue = polib.pofile(str(settings.BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po"))
    public_sources = (
        "templates/compliance/email/",
        "templates/compliance/request",
        "templates/compliance/status",
        "templates/compliance/verify",
        "templates/compliance/download",
        "templates/compliance/follow_up",
        "templates/compliance/recover",
        "templates/compliance/suppression",
        "templates/base.html",
        "compliance/forms.py",
        "compliance/workflow/photos.py",
        "compliance/workflow/machine.py",  # the status page's steps, status and next step
        "compliance/workflow/lifecycle.py",
        "compliance/models.py",  # the status page's document links
        "compliance/views/public.py",
        "compliance/views/status.py",
        "compliance/authorities.py",
        "compliance/consent.py",
        "compliance/workflow/conversation.py",
        "biometrics/images.py",
        "compliance/emails.py",
    )
    missing = [
        entry.msgid
        for entry in catalogue
        if any(path.startswith(public_sources) for path, _line in entry.occurrences)
        and not (entry.msgstr or all(entry.msgstr_plural.values() if entry.msgstr_plural else [False]))
        and "Sent to DPA staff" not in entry.msgid
    ]
    assert missing == []
    assert not [entry.msgid for entry in catalogue if "fuzzy" in entry.flags]


def test_the_extension_message_is_in_the_requesters_language_whoever_extends(submit, staff_user, now):
    """Issue 16 item 11: staff working in English extend an Italian request; the status page
    message is Italian, its date Italian; an English date is written day first like the letters."""
    from django.utils.formats import date_format

    from compliance.workflow import handling, intake

    request, token = submit(data={"language": "it", "email": "giulia@example.org"})
    request = intake.request_confirm_email(token=token, now=now)
    with translation.override("en"):
        handling.request_extend_deadline(
            request=request, user=staff_user, months=1, reason="Molte fonti da verificare.", now=now
        )
    message = request.messages.get(visible_to_requester=True, body__contains="Molte fonti")
    assert "prorogato" in message.body or "proroga" in message.body, message.body
    assert "17 marzo 2025" in message.body.lower() and "2025-03" not in message.body
    with translation.override("en"):
        assert date_format(date(2026, 12, 4), "DATE_FORMAT") == "4 December 2026"


def test_italian_dates_write_month_names_in_lower_case():
    # Letters, certificates (with a time) and emails format dates with Django's "F": Django's own
    # Italian catalogue capitalises month names, ours overrides them.
    import datetime

    from django.utils import dateformat

    with translation.override("it"):
        assert dateformat.format(datetime.datetime(2026, 12, 6, 14, 0), "j F Y, H:i") == "6 dicembre 2026, 14:00"
        assert dateformat.format(datetime.date(2027, 1, 1), "j E Y") == "1 gennaio 2027"

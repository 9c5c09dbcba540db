"""Other regimes (issue 16 item 9): the law a request is handled under follows the requester's
country and the controller's establishment (compliance/regimes.py); the UK GDPR starts the clock at
the latest of receipt, identity information and fee (Art. 12A), the Swiss FADP gives 30 days
(FADO Art. 18); the earlier deadline of every binding law is kept; letters, emails and the status
page cite the request's law in every language."""

import calendar
import html
from datetime import date, datetime, timedelta

import holidays as holiday_calendars
import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from compliance.emails import email_render
from compliance.models import ClockStop, DocumentKind, RefusalBasis, Regime, RequestMessage
from compliance.regimes import (
    Clock,
    regime_due_date,
    regime_for,
    regimes_binding,
    request_due_dates,
    uk_relevant_time,
)
from compliance.reports.letters import AccessResponseData, access_response_context, refusal_context, subject_for
from compliance.services.tokens import status_token_for
from compliance.workflow import conversation, handling
from tests.compliance.conftest import AMSTERDAM
from tests.reports.conftest import has, pdf_text
from tests.reports.factories import RequestFactory, document_of, refuse

YEARS = range(2025, 2036)
LANGUAGES = ("en", "nl", "fr", "it", "de", "es", "el")


# --- which law ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("controller", "requester", "regime", "binding"),
    [
        ("NL", "NL", Regime.EU_GDPR, {Regime.EU_GDPR}),
        ("NL", "NO", Regime.EU_GDPR, {Regime.EU_GDPR}),  # EEA: the GDPR through the EEA Agreement
        ("NL", "GB", Regime.UK_GDPR, {Regime.UK_GDPR, Regime.EU_GDPR}),  # GDPR Art. 3(1) still binds
        ("NL", "CH", Regime.CH_FADP, {Regime.CH_FADP, Regime.EU_GDPR}),
        ("GB", "GB", Regime.UK_GDPR, {Regime.UK_GDPR}),
        ("GB", "FR", Regime.EU_GDPR, {Regime.EU_GDPR, Regime.UK_GDPR}),
        ("CH", "CH", Regime.CH_FADP, {Regime.CH_FADP}),
        ("CH", "GB", Regime.UK_GDPR, {Regime.UK_GDPR, Regime.CH_FADP}),
        ("GB", "US", Regime.UK_GDPR, {Regime.UK_GDPR}),  # no law of the three there: the controller's own
        ("", "", Regime.EU_GDPR, {Regime.EU_GDPR}),
    ],
)
def test_the_law_follows_the_requesters_country_and_the_controllers_establishment(
    controller, requester, regime, binding
):
    chosen = regime_for(controller_country=controller, requester_country=requester)
    assert chosen == regime
    laws = regimes_binding(regime=chosen, controller_country=controller)
    assert laws[0] == regime and set(laws) == binding


@pytest.mark.parametrize(
    ("controller", "country", "regime"),
    [("NL", "GB", Regime.UK_GDPR), ("NL", "CH", Regime.CH_FADP), ("NL", "DE", Regime.EU_GDPR), ("GB", "GB", "uk_gdpr")],
)
def test_intake_stores_the_law_on_the_request(submit, settings, controller, country, regime):
    settings.CONTROLLER_COUNTRY = controller
    request, _token = submit(data={"country": country, **({"region": "BY"} if country == "DE" else {})})
    request.refresh_from_db()
    assert request.regime == regime


# --- deadline tables -----------------------------------------------------------------------------
# The expected dates are computed here from the `holidays` library with arithmetic of the test's
# own (calendar.monthrange, a day-by-day walk), independently of compliance.deadlines.


def _calendar(country: str, subdiv: str | None, year: int):
    return holiday_calendars.country_holidays(country, subdiv=subdiv, years=range(year, year + 2))


def _month_later(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _walk_to_working_day(day: date, closed) -> date:
    while day.weekday() >= 5 or day in closed:
        day += timedelta(days=1)
    return day


def _edge_dates(year: int, closed) -> list[date]:
    """Receipts at the edges: 31 January (no 31 February), 29/30/31 of months before shorter ones,
    the last day of every month, the day a month before each holiday and 30 days before it."""
    days = {date(year, 1, 29), date(year, 1, 30), date(year, 1, 31), date(year, 3, 31), date(year, 8, 31)}
    days |= {date(year, month, calendar.monthrange(year, month)[1]) for month in range(1, 13)}
    for holiday in (day for day in closed if day.year == year):
        days.add(holiday - timedelta(days=30))
        before = holiday.replace(day=1) - timedelta(days=1)
        if holiday.day <= before.day:
            days.add(before.replace(day=holiday.day))
    return sorted(day for day in days if day.year == year)


EU_CONTROLLERS = ("NL", "DE", "FR", "IT", "ES", "GR", "IE", "PL")


@pytest.mark.django_db
@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("controller", EU_CONTROLLERS)
def test_eu_deadline_table_for_every_year_to_2035(controller, year):
    """GDPR Art. 12(3) with Reg. 1182/71: one month, clamped to the month's end, rolled forward over
    the controller's national calendar; three months when extended by two."""
    closed = _calendar(controller, None, year)
    for received in _edge_dates(year, closed):
        clock = Clock(received=received, started=received)
        expected = _walk_to_working_day(_month_later(received, 1), closed)
        assert regime_due_date(regime=Regime.EU_GDPR, clock=clock, controller=controller) == expected, received
        extended = _walk_to_working_day(_month_later(received, 3), _calendar(controller, None, year))
        assert request_due_dates(regime=Regime.EU_GDPR, clock=clock, extension_months=2, controller=controller) == (
            expected,
            extended,
        ), received


@pytest.mark.django_db
@pytest.mark.parametrize("year", YEARS)
def test_uk_deadline_table_for_every_year_to_2035_counts_englands_bank_holidays(year):
    """UK GDPR Art. 12A: one month from the relevant time, rolled forward over England's bank
    holidays (Easter Monday and the August bank holiday included)."""
    closed = _calendar("GB", "ENG", year)
    assert any(name == "Easter Monday" for day, name in closed.items() if day.year == year)
    for received in _edge_dates(year, closed):
        clock = Clock(received=received, started=received)
        expected = _walk_to_working_day(_month_later(received, 1), closed)
        assert regime_due_date(regime=Regime.UK_GDPR, clock=clock, controller="GB") == expected, received
        assert request_due_dates(regime=Regime.UK_GDPR, clock=clock, controller="GB")[0] == expected


@pytest.mark.django_db
@pytest.mark.parametrize("year", YEARS)
def test_swiss_deadline_table_for_every_year_to_2035_is_30_days(year):
    """FADO Art. 18(1): 30 days from receipt (the day of receipt not counted), rolled forward over
    Switzerland's national holidays; an extension adds months to the 30 days."""
    closed = _calendar("CH", None, year)
    for received in _edge_dates(year, closed):
        clock = Clock(received=received, started=received)
        expected = _walk_to_working_day(received + timedelta(days=30), closed)
        assert regime_due_date(regime=Regime.CH_FADP, clock=clock, controller="CH") == expected, received
        assert (expected - received).days >= 30
        extended = _walk_to_working_day(_month_later(received + timedelta(days=30), 1), closed)
        assert regime_due_date(regime=Regime.CH_FADP, clock=clock, extension_months=1, controller="CH") == extended


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("regime", "controller", "received", "due"),
    [
        # England: Good Friday 3 April 2026, Easter Monday 6 April: Tuesday 7 April.
        (Regime.UK_GDPR, "GB", date(2026, 3, 3), date(2026, 4, 7)),
        (Regime.UK_GDPR, "GB", date(2026, 3, 6), date(2026, 4, 7)),
        # The same receipt under the GDPR with the UK's national calendar (no Easter Monday).
        (Regime.EU_GDPR, "GB", date(2026, 3, 6), date(2026, 4, 6)),
        # 31 January: 28 February 2026 is a Saturday, so Monday 2 March.
        (Regime.UK_GDPR, "GB", date(2026, 1, 31), date(2026, 3, 2)),
        # The August bank holiday 2027 (30 August) in England.
        (Regime.UK_GDPR, "GB", date(2027, 7, 30), date(2027, 8, 31)),
        # Switzerland: 30 days from 2 July 2025 is 1 August, National Day, a Friday: Monday 4 August.
        (Regime.CH_FADP, "CH", date(2025, 7, 2), date(2025, 8, 4)),
        # 30 days from 1 January 2025 is Friday 31 January; the GDPR's month ends on Monday 3 February.
        (Regime.CH_FADP, "CH", date(2025, 1, 1), date(2025, 1, 31)),
        (Regime.EU_GDPR, "NL", date(2025, 1, 1), date(2025, 2, 3)),
        # 30 days from 31 January 2026: Monday 2 March.
        (Regime.CH_FADP, "CH", date(2026, 1, 31), date(2026, 3, 2)),
    ],
)
def test_hand_checked_deadlines(regime, controller, received, due):
    clock = Clock(received=received, started=received)
    assert regime_due_date(regime=regime, clock=clock, controller=controller) == due


@pytest.mark.django_db
def test_where_two_laws_bind_the_earlier_deadline_is_kept():
    """A Swiss resident and a Dutch controller: the GDPR's month ends on Monday 3 February 2025,
    the FADP's 30 days on Friday 31 January; the request is due on the 31st. A UK resident and a
    Dutch controller whose identity information came 20 days late: the UK month would run from
    the information, the GDPR's from receipt plus the 20 days the clock stood still."""
    swiss = Clock(received=date(2025, 1, 1), started=date(2025, 1, 1))
    assert request_due_dates(regime=Regime.CH_FADP, clock=swiss, controller="NL") == (date(2025, 1, 31), None)
    uk = Clock(received=date(2025, 1, 31), started=date(2025, 2, 20), suspended_days=20, suspended_days_before_start=20)
    assert regime_due_date(regime=Regime.UK_GDPR, clock=uk, controller="NL") == date(2025, 3, 20)
    # GDPR: 28 February 2025 (Friday) + 20 days = Thursday 20 March; the same day here.
    assert request_due_dates(regime=Regime.UK_GDPR, clock=uk, controller="NL")[0] == date(2025, 3, 20)
    late_month = Clock(
        received=date(2025, 1, 31), started=date(2025, 3, 3), suspended_days=31, suspended_days_before_start=31
    )
    # UK: 3 April 2025; GDPR: 28 February + 31 days = 31 March 2025 (Monday): the earlier wins.
    assert regime_due_date(regime=Regime.UK_GDPR, clock=late_month, controller="NL") == date(2025, 4, 3)
    assert request_due_dates(regime=Regime.UK_GDPR, clock=late_month, controller="NL")[0] == date(2025, 3, 31)


# --- the UK clock --------------------------------------------------------------------------------


def test_the_uk_relevant_time_is_the_latest_of_receipt_identity_and_fee():
    received = date(2026, 5, 4)
    assert uk_relevant_time(received=received) == received
    assert uk_relevant_time(received=received, identity_received=date(2026, 5, 11)) == date(2026, 5, 11)
    assert uk_relevant_time(received=received, fee_paid=date(2026, 5, 20), identity_received=date(2026, 5, 11)) == (
        date(2026, 5, 20)
    )
    # Information that arrived before the request (sent with it) does not move the start back.
    assert uk_relevant_time(received=received, identity_received=date(2026, 5, 1)) == received


@pytest.fixture
def uk_request(submit, settings, now, django_capture_on_commit_callbacks):
    """A UK resident's request to a controller established in the UK, received Wed 15 Jan 2025."""
    from compliance.workflow import intake

    settings.CONTROLLER_COUNTRY = "GB"
    request, token = submit(data={"country": "GB", "language": "en"})
    with django_capture_on_commit_callbacks(execute=True):
        return intake.request_confirm_email(token=token, now=now)


def test_uk_identity_information_starts_the_period_on_the_day_it_arrives(uk_request, staff_user, now):
    assert uk_request.regime == Regime.UK_GDPR
    assert uk_request.due_date == date(2025, 2, 17)  # 15 Feb 2025 is a Saturday
    conversation.request_ask_information(
        request=uk_request,
        user=staff_user,
        body="Please send a photo of your passport.",
        suspend=True,
        clock_stop=ClockStop.IDENTITY,
        now=now + timedelta(days=2),
    )
    conversation.request_reply(request=uk_request, body="Here it is.", now=datetime(2025, 2, 3, 9, 0, tzinfo=AMSTERDAM))
    uk_request.refresh_from_db()
    # Art. 12A: one month from Monday 3 February: Monday 3 March 2025 (not 17 Feb + 17 days).
    assert uk_request.clock_started_on == date(2025, 2, 3)
    assert uk_request.due_date == date(2025, 3, 3)
    told = RequestMessage.objects.get(request=uk_request, body__contains="UK GDPR Art. 12A")
    assert told.visible_to_requester and "3 March 2025" in told.body


def test_a_uk_clarification_only_pauses_the_period(uk_request, staff_user, now):
    conversation.request_ask_information(
        request=uk_request,
        user=staff_user,
        body="Which of your photos do you mean?",
        suspend=True,
        clock_stop=ClockStop.CLARIFICATION,
        now=now,
    )
    conversation.request_clock_resume(request=uk_request, user=staff_user, now=now + timedelta(days=9))
    uk_request.refresh_from_db()
    assert uk_request.clock_started_on is None and uk_request.clock_suspended_days == 9
    assert uk_request.due_date == date(2025, 2, 26)  # Mon 17 Feb + 9 days


def test_uk_extension_counts_from_the_relevant_time_and_cites_article_12a(uk_request, staff_user, now):
    conversation.request_ask_information(
        request=uk_request, user=staff_user, body="Your ID, please.", suspend=True, clock_stop="identity", now=now
    )
    conversation.request_reply(request=uk_request, body="Attached.", now=datetime(2025, 1, 20, 9, 0, tzinfo=AMSTERDAM))
    handling.request_extend_deadline(
        request=uk_request, user=staff_user, months=2, reason="Many sources to search.", now=now + timedelta(days=6)
    )
    uk_request.refresh_from_db()
    # Three months from Monday 20 January 2025: Sunday 20 April 2025 (Easter), Easter Monday 21
    # April is an English bank holiday: Tuesday 22 April.
    assert uk_request.due_date == date(2025, 2, 20) and uk_request.extended_due_date == date(2025, 4, 22)
    assert RequestMessage.objects.filter(request=uk_request, body__contains="(UK GDPR Art. 12A)").exists()


def test_a_dutch_controller_keeps_the_gdpr_clock_for_a_uk_resident(
    submit, settings, staff_user, now, django_capture_on_commit_callbacks
):
    """The GDPR binds the Dutch controller (Art. 3(1)): identity information 20 days later does
    not give it a new month."""
    from compliance.workflow import intake

    settings.CONTROLLER_COUNTRY = "NL"
    request, token = submit(data={"country": "GB", "language": "en"})
    with django_capture_on_commit_callbacks(execute=True):
        request = intake.request_confirm_email(token=token, now=now)
    assert request.regime == Regime.UK_GDPR and request.due_date == date(2025, 2, 17)
    conversation.request_ask_information(
        request=request, user=staff_user, body="Your ID, please.", suspend=True, clock_stop="identity", now=now
    )
    conversation.request_clock_resume(request=request, user=staff_user, now=now + timedelta(days=20))
    request.refresh_from_db()
    # UK alone: one month from 4 February = 4 March; GDPR: 17 February + 20 days = 9 March, a
    # Sunday, so Monday 10 March. The earlier, 4 March, is kept.
    assert request.clock_started_on == date(2025, 2, 4)
    assert request.due_date == date(2025, 3, 4)


# --- Switzerland --------------------------------------------------------------------------------


def test_a_swiss_request_to_a_swiss_controller_is_due_in_30_days(submit, settings):
    settings.CONTROLLER_COUNTRY = "CH"
    request, _token = submit(data={"country": "CH", "language": "de"})
    # Received Wednesday 15 January 2025: 30 days later is Friday 14 February 2025.
    assert request.regime == Regime.CH_FADP and request.due_date == date(2025, 2, 14)


# --- letters, emails, status page ----------------------------------------------------------------

CITED = {
    # regime: {language: (what the refusal letter cites, what the access letter cites)}
    Regime.EU_GDPR: {
        "en": ("GDPR Art. 12(4)", "GDPR Art. 15"),
        "nl": ("AVG art. 12, lid 4", "AVG art. 15"),
        "fr": ("L'article 12, § 4, du RGPD", "l'article 15 du RGPD"),
        "it": ("L'articolo 12, paragrafo 4, del RGPD", "all'articolo 15 del RGPD"),
        "de": ("Art. 12 Abs. 4 DSGVO", "Art. 15 DSGVO"),
        "es": ("El RGPD, art. 12, apdo. 4", "el RGPD, art. 15"),
        "el": ("Το άρθρο 12 παρ. 4 του ΓΚΠΔ", "το άρθρο 15 του ΓΚΠΔ"),
    },
    Regime.UK_GDPR: {
        "en": ("UK GDPR Art. 12(4)", "UK GDPR Art. 15"),
        "nl": ("UK GDPR art. 12, lid 4", "UK GDPR art. 15"),
        "fr": ("L'article 12, § 4, du UK GDPR", "l'article 15 du UK GDPR"),
        "it": ("L'articolo 12, paragrafo 4, del UK GDPR", "all'articolo 15 del UK GDPR"),
        "de": ("Art. 12 Abs. 4 UK GDPR", "Art. 15 UK GDPR"),
        "es": ("El UK GDPR, art. 12, apdo. 4", "el UK GDPR, art. 15"),
        "el": ("Το άρθρο 12 παρ. 4 του UK GDPR", "το άρθρο 15 του UK GDPR"),
    },
    Regime.CH_FADP: {
        "en": ("Art. 26(4) FADP", "Art. 25 FADP"),
        "nl": ("Art. 26, lid 4, van de Zwitserse FADP", "art. 25 van de Zwitserse FADP"),
        "fr": ("L'article 26, al. 4, de la LPD", "l'article 25 de la LPD"),
        "it": ("L'articolo 26 capoverso 4 della LPD", "all'articolo 25 della LPD"),
        "de": ("Art. 26 Abs. 4 DSG", "Art. 25 DSG"),
        "es": ("La LPD suiza, art. 26, apdo. 4", "la LPD suiza, art. 25"),
        "el": ("Το άρθρο 26 παρ. 4 του ελβετικού FADP", "το άρθρο 25 του ελβετικού FADP"),
    },
}
COUNTRY_OF = {Regime.EU_GDPR: "FR", Regime.UK_GDPR: "GB", Regime.CH_FADP: "CH"}
AUTHORITY = {Regime.EU_GDPR: "www.cnil.fr", Regime.UK_GDPR: "ico.org.uk", Regime.CH_FADP: "www.edoeb.admin.ch"}


def _render(kind: str, dsr, context: dict) -> str:
    lang = context["lang"]
    context = {
        **context,
        "subject": subject_for(kind, lang, dsr.regime),
        "report_meta": {"id": str(dsr.public_id), "generated_at": dsr.received_at, "generated_by": "system"},
    }
    with translation.override(lang):
        return " ".join(html.unescape(render_to_string(f"reports/letters/{lang}/{kind}.html", context)).split())


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("regime", list(Regime))
def test_letters_cite_the_requests_law_in_every_language(regime, lang):
    dsr = RequestFactory(
        language=lang,
        country=COUNTRY_OF[regime],
        regime=regime,
        refusal_basis=RefusalBasis.EXCESSIVE,
        refusal_reason="The same request every week.",
        refused_at=datetime(2025, 1, 20, 10, 0, tzinfo=AMSTERDAM),
    )
    refusal_cite, access_cite = CITED[regime][lang]
    refusal = _render("refusal", dsr, refusal_context(dsr))
    access = _render("access_response", dsr, access_response_context(dsr, AccessResponseData(searched_at=None)))
    assert refusal_cite in refusal and access_cite in access
    assert AUTHORITY[regime] in refusal
    if regime == Regime.EU_GDPR:
        assert "UK GDPR" not in refusal + access and 'id="applicable-law"' not in refusal
    else:
        assert 'id="applicable-law"' in refusal and 'id="applicable-law"' in access
    if regime == Regime.UK_GDPR:
        # Same articles, the UK's law: the ground and the request type cite the UK GDPR too.
        assert "Information Commissioner" in refusal and "12A" in refusal
        assert all(name not in refusal for name in ("AVG art. 12", "RGPD, art. 12, apdo. 5", "DSGVO)"))
    if regime == Regime.CH_FADP:
        assert "30" in refusal and ("FDPIC" in refusal or "EDÖB" in refusal or "PFPDT" in refusal or "IFPDT" in refusal)
        assert "Art. 77" not in refusal and "άρθρο 77" not in refusal


@pytest.mark.parametrize(
    ("regime", "lang", "subject"),
    [
        (Regime.EU_GDPR, "en", "Certificate of erasure (GDPR Art. 17)"),
        (Regime.UK_GDPR, "de", "Löschbestätigung (Art. 17 UK GDPR)"),
        (Regime.CH_FADP, "fr", "Certificat d'effacement (LPD, art. 32)"),
        (Regime.CH_FADP, "en", "Certificate of erasure (Art. 32 FADP)"),
    ],
)
def test_the_subject_cites_the_law(regime, lang, subject):
    assert subject_for("erasure_certificate", lang, regime) == subject


@pytest.mark.django_db
def test_the_issued_refusal_letter_of_a_uk_request_cites_the_uk_gdpr_and_the_ico(
    staff_user, django_capture_on_commit_callbacks
):
    request = RequestFactory(language="en", country="GB", regime=Regime.UK_GDPR)
    refused = refuse(
        request,
        staff=staff_user,
        capture=django_capture_on_commit_callbacks,
        basis=RefusalBasis.MANIFESTLY_UNFOUNDED,
        reason="The request names another person.",
        at=request.received_at + timedelta(days=3),
    )
    text = pdf_text(document_of(refused, DocumentKind.REFUSAL_LETTER).file.path)
    assert has(text, "UK GDPR Art. 12(4) requires us") and has(text, "Information Commissioner's Office")
    assert has(text, "(UK GDPR Art. 12(5)(b))") and not has(text, "supervisory authority (GDPR Art. 77)")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("regime", "lang", "expected"),
    [
        (Regime.UK_GDPR, "nl", "(UK GDPR art. 12A)"),
        (Regime.CH_FADP, "de", "(Art. 18 DSV)"),
        (Regime.EU_GDPR, "fr", "(RGPD art. 12, par. 3)"),
    ],
)
def test_the_acknowledgement_email_cites_the_period_of_the_law(regime, lang, expected):
    dsr = RequestFactory(language=lang, country=COUNTRY_OF[regime], regime=regime)
    rendered = email_render(kind="acknowledgement", language=lang, context={"req": dsr, "status_url": "https://x/"})
    assert expected in rendered.text


@pytest.mark.django_db
def test_a_swiss_refusal_email_names_the_fdpic():
    dsr = RequestFactory(
        language="it", country="CH", regime=Regime.CH_FADP, refusal_basis=RefusalBasis.EXCESSIVE, refusal_reason="x"
    )
    rendered = email_render(kind="refusal", language="it", context={"req": dsr, "status_url": "https://x/"})
    assert "IFPDT, art. 49 LPD" in rendered.text and "GDPR Art. 12(4), 77" not in rendered.text


def test_the_status_page_shows_the_law_and_its_period(client, submit, settings):
    settings.CONTROLLER_COUNTRY = "CH"
    request, token = submit(data={"country": "CH", "language": "de"})
    from compliance.workflow import intake

    intake.request_confirm_email(token=token, now=request.received_at + timedelta(minutes=5))
    response = client.post(reverse("compliance:status_open"), {"token": status_token_for(request)})
    html = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Schweizerisches Bundesgesetz über den Datenschutz (DSG)" in html
    assert "(Art. 25 DSG mit Art. 18 DSV: 30 Tage ab Eingang)" in html


def test_the_status_page_of_a_uk_request_waiting_for_identity_says_the_period_does_not_run(
    client, submit, settings, staff_user, now, django_capture_on_commit_callbacks
):
    from compliance.workflow import intake

    settings.CONTROLLER_COUNTRY = "GB"
    request, token = submit(data={"country": "GB", "language": "nl"})
    with django_capture_on_commit_callbacks(execute=True):
        request = intake.request_confirm_email(token=token, now=now)
    conversation.request_ask_information(
        request=request, user=staff_user, body="Uw paspoort, graag.", suspend=True, clock_stop="identity", now=now
    )
    response = client.post(reverse("compliance:status_open"), {"token": status_token_for(request)})
    html = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "loopt de termijn voor ons antwoord niet (UK GDPR art. 12A)" in html
    assert "EDPB" not in html.split('id="clock-stopped"')[1].split("</p>")[0]


def test_staff_filter_requests_by_law(client, staff_user, submit, settings):
    settings.CONTROLLER_COUNTRY = "NL"
    swiss, _token = submit(data={"country": "CH"})
    dutch, _token = submit(data={"country": "NL", "email": "bert@example.org"})
    client.force_login(staff_user)
    html = client.get(reverse("compliance:queue"), {"regime": "ch_fadp"}).content.decode()
    assert str(swiss.public_id)[:8] in html and str(dutch.public_id)[:8] not in html


@pytest.mark.parametrize("request_type", ["rectification", "restriction", "objection"])
@pytest.mark.parametrize("lang", ["en", "nl", "fr", "it", "de", "es", "el"])
def test_every_request_type_is_cited_under_each_law(request_type, lang):
    # The rights of Art. 16, 18 and 21 under each law: the GDPR's and the UK GDPR's own article,
    # Art. 32 FADP (rectification, and a claim to prohibit a processing) in Switzerland.
    from compliance.reports.regime_texts import regime_law_texts
    from compliance.reports.texts import text_for

    article = {"rectification": "16", "restriction": "18", "objection": "21"}[request_type]
    eu = regime_law_texts(Regime.EU_GDPR, lang)[f"type_{request_type}"]
    uk = regime_law_texts(Regime.UK_GDPR, lang)[f"type_{request_type}"]
    ch = regime_law_texts(Regime.CH_FADP, lang)[f"type_{request_type}"]
    assert eu == text_for(lang)[f"type_{request_type}"] and article in eu
    assert "UK GDPR" in uk and article in uk
    assert "32" in ch and article not in ch.replace("32", "")

"""Which data-protection law a request is handled under, and the deadlines that law sets.

The three laws (compliance.models.Regime):
- EU GDPR, Regulation (EU) 2016/679 (and in Iceland, Liechtenstein and Norway through the EEA
  Agreement): one month from receipt, extendable by two further months (Art. 12(3)); the clock
  is stopped while staff wait for information they need (EDPB Guidelines 01/2022).
- UK GDPR with the Data Protection Act 2018, as amended by the Data (Use and Access) Act 2025:
  the "applicable time period" is one month beginning with the "relevant time", the latest of
  (a) receipt of the request, (b) receipt of the information requested under Art. 12(6) to
  confirm the requester's identity, (c) payment of a fee where one is charged (Art. 12A);
  extendable by two further months for complex or numerous requests, by notice within the first
  period (Art. 12A); while the controller waits for information it reasonably needs to
  identify what an access request relates to, that time does not count (Art. 12A).
- Swiss FADP of 25 September 2020 (in force 1 September 2023): the right of access (Art. 25
  FADP) is answered within 30 days (Art. 18(1) Data Protection Ordinance, FADO); when that is not
  possible the controller tells the person within those 30 days when the answer will come
  (Art. 18(2) FADO); erasure and rectification are claims under Art. 32 FADP (Art. 41 for
  federal bodies, which this controller is not).

Which law (regime_for), from the controller's establishment (CONTROLLER_COUNTRY) and the
requester's country (the country of residence given on the form):
1. each law binds a controller established in its territory for all its processing (GDPR and
   UK GDPR Art. 3(1); FADP Art. 3(1) for processing in Switzerland);
2. each law also reaches a controller abroad for people in its territory when the controller
   offers them its services or monitors them (GDPR and UK GDPR Art. 3(2)) or the processing has
   effects there (FADP Art. 3(1)). This controller takes requests from every country on the form
   and holds photos of people wherever they live, so it is taken to be within that reach: the
   request is handled under the law of the requester's country (EU/EEA -> GDPR, GB -> UK GDPR,
   CH -> FADP). That law is stored on the request at intake (DataSubjectRequest.regime): the
   letters cite it and the requester's complaint authority is that country's;
3. where the controller's own law differs (an NL controller and a UK resident), both laws bind
   it (step 1 and 2), so the deadlines kept are the earlier of the two laws' (request_due_dates):
   a Dutch controller cannot rely on the later UK start of the clock, since GDPR Art. 12(3)
   counts from receipt for every request it receives.

Deadlines of each law (regime_due_date), with the period arithmetic of compliance/deadlines.py:
1. EU GDPR: one month (plus the extension months) from receipt, Reg. 1182/71, rolled forward to
   a working day of the controller's country; then the days the clock stood still are added and
   the date rolled forward once more (as compliance/workflow/conversation.py always did);
2. UK GDPR: one month (plus the extension months) from the relevant time, rolled forward over
   England's bank holidays (holidays library, GB subdivision ENG: the ICO counts "to the
   corresponding calendar date" and moves a date on a weekend or bank holiday to the next working
   day); then the days stopped for clarification after the relevant time are added;
3. FADP: 30 days from receipt (the day of receipt not counted, as Art. 77(1) of the Code of
   Obligations counts days), rolled forward over Switzerland's national holidays (as Art. 78 of the
   Code of Obligations moves a last day on a Saturday, Sunday or holiday); the days the clock was
   stopped are added; an extension (Art. 18(2) FADO) adds one or two months to the 30 days.

Article 12A of the UK GDPR is cited without paragraph numbers: its rule mirrors s. 54 of the Data
Protection Act 2018 (the same "relevant time", extension and clarification pause for law-enforcement
processing), but the paragraph numbering of the inserted article was not checked here.

Simplified, and stated here so nobody mistakes it for more:
- the requester's country is what they declare; residence is not verified, and a person of one
  country living in another is handled under the law of the country they give;
- step 2 assumes the controller targets or affects every country on the form; a controller that
  does not offer its service in the UK or Switzerland would be under its own law only;
- where two laws apply the letter cites the requester's law only (and says which law applies);
- the UK calendar is England's (a controller in Scotland or Northern Ireland adds its own bank
  holidays as overrides); the Swiss calendar is the national one, not the canton's;
- the FADO sets no maximum for a deferred answer: this system keeps the one or two further
  months of the GDPR model, and for erasure and rectification, for which the FADP sets no period,
  it applies the same 30 days as for access;
- no fee is charged by this controller, so Art. 12A (fee) never moves the clock in practice;
  uk_relevant_time takes a fee date for completeness;
- the UK clarification pause counts the days between question and answer the way the EU pause
  does (the answer's day not counted), which is one day shorter than Art. 12A's inclusive
  period: the deadline kept is never later than the law's;
- the refusal grounds in letters keep the GDPR's article numbers, which are the UK GDPR's too; for
  the FADP they are not mapped to Art. 26 FADP one by one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from compliance.deadlines import (
    EEA_EFTA_STATES,
    EU_MEMBER_STATES,
    FIRST_PERIOD_MONTHS,
    ROLL_FORWARD_WINDOW,
    add_months,
    controller_country,
    holidays_for,
    next_working_day,
)
from compliance.models import DataSubjectRequest, Regime

# FADO Art. 18(1): the answer is given within 30 days of receipt.
FADP_PERIOD_DAYS = 30
# England's bank holidays count for the UK rule (see module docstring).
UK_CALENDAR = ("GB", "ENG")
SWISS_CALENDAR = ("CH", "")


def regime_of_country(country: str) -> Regime | None:
    """The law of a country's territory, or None for a country outside the EU/EEA, GB and CH."""
    country = (country or "").strip().upper()
    if country in EU_MEMBER_STATES or country in EEA_EFTA_STATES:
        return Regime.EU_GDPR
    if country == "GB":
        return Regime.UK_GDPR
    if country == "CH":
        return Regime.CH_FADP
    return None


def regime_for(*, controller_country: str, requester_country: str) -> Regime:
    """The law a request is handled under: the requester's country's (module docstring, step 2);
    the controller's own when the requester's country has none of the three; the GDPR when
    neither is known."""
    return regime_of_country(requester_country) or regime_of_country(controller_country) or Regime.EU_GDPR


def regimes_binding(*, regime: str, controller_country: str) -> tuple[Regime, ...]:
    """Every law whose deadlines bind the controller for this request: the request's and the
    controller's own (module docstring, step 3)."""
    own = regime_of_country(controller_country)
    laws = [Regime(regime)]
    if own is not None and own not in laws:
        laws.append(own)
    return tuple(laws)


def uk_relevant_time(*, received: date, identity_received: date | None = None, fee_paid: date | None = None) -> date:
    """UK GDPR Art. 12A: the latest of receipt, receipt of the identity information asked for
    under Art. 12(6), and payment of a fee (when one is charged)."""
    return max(day for day in (received, identity_received, fee_paid) if day is not None)


@dataclass(frozen=True)
class Clock:
    """The facts the deadlines are computed from."""

    received: date
    # UK relevant time (uk_relevant_time); `received` when nothing moved it.
    started: date
    # Days the clock stood still (every stop: EU and CH; UK: stops for clarification).
    suspended_days: int = 0
    # Of those, the days counted before `started`: the UK period starts afresh after them.
    suspended_days_before_start: int = 0

    @classmethod
    def of(cls, request: DataSubjectRequest) -> Clock:
        received = timezone.localdate(request.received_at)
        return cls(
            received=received,
            started=max(received, request.clock_started_on or received),
            suspended_days=request.clock_suspended_days,
            suspended_days_before_start=request.clock_suspended_days_at_start,
        )


def _calendar(regime: Regime, controller: str) -> tuple[str, str]:
    if regime == Regime.UK_GDPR:
        return UK_CALENDAR
    if regime == Regime.CH_FADP:
        return SWISS_CALENDAR
    # Reg. 1182/71 Art. 2(1): the holidays where the action is taken, the controller's country.
    return (controller, "")


def _roll(day: date, calendar: tuple[str, str]) -> date:
    country, subdiv = calendar
    return next_working_day(day, holidays_for(start=day, end=day + ROLL_FORWARD_WINDOW, country=country, subdiv=subdiv))


def regime_due_date(*, regime: Regime, clock: Clock, extension_months: int = 0, controller: str | None = None) -> date:
    """The last day of the period under one law (module docstring, "Deadlines of each law")."""
    if extension_months < 0:
        raise ValueError("extension_months must not be negative")
    calendar = _calendar(regime, (controller or controller_country()).upper())
    if regime == Regime.UK_GDPR:
        nominal = add_months(clock.started, FIRST_PERIOD_MONTHS + extension_months)
        suspended = max(0, clock.suspended_days - clock.suspended_days_before_start)
    elif regime == Regime.CH_FADP:
        nominal = add_months(clock.received + timedelta(days=FADP_PERIOD_DAYS), extension_months)
        suspended = clock.suspended_days
    else:
        nominal = add_months(clock.received, FIRST_PERIOD_MONTHS + extension_months)
        suspended = clock.suspended_days
    due = _roll(nominal, calendar)
    if suspended:
        due = _roll(due + timedelta(days=suspended), calendar)
    return due


def request_due_dates(
    *, regime: str, clock: Clock, extension_months: int = 0, controller: str | None = None
) -> tuple[date, date | None]:
    """(due date, extended due date or None) of a request: under every binding law, the earliest
    (module docstring, step 3)."""
    controller = (controller or controller_country()).upper()
    laws = regimes_binding(regime=regime, controller_country=controller)
    due = min(regime_due_date(regime=law, clock=clock, controller=controller) for law in laws)
    if not extension_months:
        return due, None
    extended = min(
        regime_due_date(regime=law, clock=clock, extension_months=extension_months, controller=controller)
        for law in laws
    )
    return due, extended


def request_deadlines(request: DataSubjectRequest, *, extension_months: int | None = None) -> tuple[date, date | None]:
    """The due dates a request's stored facts give (what intake, resume and extension store)."""
    months = request.extension_months if extension_months is None else extension_months
    return request_due_dates(regime=request.regime, clock=Clock.of(request), extension_months=months)


def regime_extension_citation(regime: str) -> str | Promise:
    """The provision allowing an extension, as messages to the requester cite it."""
    return {
        Regime.EU_GDPR: _("GDPR Art. 12(3)"),
        Regime.UK_GDPR: _("UK GDPR Art. 12A"),
        Regime.CH_FADP: _("FADO Art. 18(2)"),
    }[Regime(regime)]


def regime_period_citation(regime: str) -> str | Promise:
    """The provision setting the period, as messages to the requester cite it."""
    return {
        Regime.EU_GDPR: _("GDPR Art. 12(3)"),
        Regime.UK_GDPR: _("UK GDPR Art. 12A"),
        Regime.CH_FADP: _("FADO Art. 18"),
    }[Regime(regime)]


def regime_period_text(regime: str) -> str | Promise:
    """How the status page explains the due date."""
    return {
        Regime.EU_GDPR: _("(GDPR Art. 12(3): one month from receipt)"),
        Regime.UK_GDPR: _(
            "(UK GDPR Art. 12A: one month from receipt, or from when we received the identity information we "
            "asked for if that came later)"
        ),
        Regime.CH_FADP: _("(Swiss FADP Art. 25 with FADO Art. 18: 30 days from receipt)"),
    }[Regime(regime)]

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
- the refusal grounds keep the GDPR's article numbers under the UK GDPR (the same numbers, the UK
  GDPR's name); under the FADP each ground is cited as the FADP's own (below).

Refusal grounds under the FADP (fadp_grounds; letters, emails, the status page and the access
package all cite through it). Art. 26 FADP restricts the right of access only: (1)(a) a formal law
provides for it, (1)(b) third parties' overriding interests require it, (1)(c) the request is
manifestly unfounded, in particular for a purpose contrary to data protection, or manifestly
querulous; (2)(a) a private controller's own overriding interests, provided it discloses the data to
no third party ((2)(b) is for federal bodies, which this controller is not); (4) the controller states
why it refuses, restricts or defers. Erasure, rectification, restriction and objection are claims
under Art. 32 FADP, which fail where the processing breaches no personality right unlawfully
(Art. 30) or is justified by law or an overriding private or public interest (Art. 31(1)).

  basis (RefusalBasis)       access (access, both)            claims (erasure and the others)
  Art. 12(5) unfounded       Art. 26(1)(c) manifestly unfounded  Art. 30 to 32, reasons stated
  Art. 12(5) excessive       Art. 26(1)(c) manifestly querulous  Art. 30 to 32, reasons stated
  Art. 11(2), 12(6) identity Art. 25(1): the right is the data   Art. 30 to 32, reasons stated
                             subject's only (no Art. 26 ground)
  Art. 17(3)(a) expression   -                                   Art. 31(1) overriding interest, and 32
  Art. 17(3)(b) legal oblig. -                                   Art. 31(1) the law or an overriding
                                                                 public interest, and 32
  Art. 17(3)(c) health       -                                   Art. 31(1) overriding public interest, 32
  Art. 17(3)(d) research     -                                   Art. 31(1) overriding interest, and 32
  Art. 17(3)(e) legal claims -                                   Art. 31(1) overriding private interest, 32
  Art. 23 restriction by law Art. 26(1)(a) a formal law          Art. 30 to 32, reasons stated
  other (stated)             Art. 26, reasons stated             Art. 30 to 32, reasons stated

Decisions behind the table, so nobody mistakes them for more:
- "excessive" has no FADP ground of its own: a repeated request is refused only where it is
  manifestly querulous (Art. 26(1)(c)), a stricter test than the GDPR's, which staff apply to a Swiss
  request before choosing that basis;
- Art. 23 maps to Art. 26(1)(a) only for a formal law (Gesetz im formellen Sinn); the law staff name
  is printed, and a Swiss request must name such a law. An investigation that must not be disclosed
  is a ground of Art. 26(2)(b)(2) for federal bodies only, so it is not cited for this controller;
- no identity ground exists in Art. 26: the right of access is the data subject's (Art. 25(1)), so
  the FADP's article on the right is cited, not an invented restriction;
- the 17(3) exceptions are cited as the justification of Art. 31(1) they correspond to, not as one
  of the examples of Art. 31(2), whose conditions (e.g. (e) for research) differ from the GDPR's;
- where a ground has no FADP equivalent, the letter cites the FADP generally (Art. 26 for access,
  Art. 30 to 32 for the claims) beside the reasons staff wrote; a request for access and erasure
  cites both;
- the system has no basis for third parties' overriding interests (GDPR Art. 15(4), FADP Art.
  26(1)(b)) or the controller's own (Art. 26(2)(a)): staff use "other" with their reasons, cited as
  Art. 26 FADP generally.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language, ngettext
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
from compliance.models import ERASURE_ONLY_BASES, DataSubjectRequest, RefusalBasis, Regime, RequestType

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


# The FADP ground of each refusal basis (module docstring, "Refusal grounds under the FADP"): the
# ground cited when access is refused, and the one cited when a claim (Art. 32 FADP) is refused.
FADP_GROUND_OF_BASIS: dict[RefusalBasis, tuple[str, str]] = {
    RefusalBasis.MANIFESTLY_UNFOUNDED: ("unfounded", "claim_other"),
    RefusalBasis.EXCESSIVE: ("querulous", "claim_other"),
    RefusalBasis.IDENTITY_NOT_ESTABLISHED: ("identity", "claim_other"),
    RefusalBasis.ART_17_3_A: ("expression", "expression"),
    RefusalBasis.ART_17_3_B: ("legal_obligation", "legal_obligation"),
    RefusalBasis.ART_17_3_C: ("public_health", "public_health"),
    RefusalBasis.ART_17_3_D: ("research", "research"),
    RefusalBasis.ART_17_3_E: ("legal_claims", "legal_claims"),
    RefusalBasis.ART_23: ("formal_law", "claim_other"),
    RefusalBasis.OTHER: ("access_other", "claim_other"),
}


def fadp_grounds(*, basis: str, request_type: str) -> tuple[str, ...]:
    """The FADP grounds a refusal on `basis` of a request of `request_type` cites, as keys of
    FADP_GROUND_LABELS and of compliance/reports/regime_texts.py FADP_GROUNDS: the access ground
    (Art. 25-26 FADP) for access, the claim ground (Art. 30-32) for the other rights, both for a
    request for access and erasure (an Art. 17(3) exception concerns its erasure only)."""
    access, claim = FADP_GROUND_OF_BASIS[RefusalBasis(basis)]
    if request_type == RequestType.ACCESS:
        return (access,)
    if request_type == RequestType.BOTH and basis not in ERASURE_ONLY_BASES:
        return (access, claim)
    return (claim,)


# What the emails and the status page print for an FADP ground (the letters use their own phrases,
# compliance/reports/regime_texts.py).
FADP_GROUND_LABELS: dict[str, Promise] = {
    "unfounded": _("Manifestly unfounded (Art. 26(1)(c) FADP)"),
    "querulous": _("Manifestly querulous (Art. 26(1)(c) FADP)"),
    "identity": _(
        "Identity could not be established; the right of access is the data subject's only (Art. 25(1) FADP)"
    ),
    "formal_law": _("Restriction provided for by a formal law (Art. 26(1)(a) FADP)"),
    "access_other": _("Other reason, stated below (Art. 26 FADP)"),
    "expression": _(
        "Processing justified by an overriding interest in freedom of expression and information "
        "(Art. 31(1) and 32 FADP)"
    ),
    "legal_obligation": _("Processing justified by law or by an overriding public interest (Art. 31(1) and 32 FADP)"),
    "public_health": _(
        "Processing justified by an overriding public interest in public health (Art. 31(1) and 32 FADP)"
    ),
    "research": _(
        "Processing justified by an overriding interest in archiving in the public interest, research or statistics "
        "(Art. 31(1) and 32 FADP)"
    ),
    "legal_claims": _(
        "Processing justified by an overriding interest in establishing, exercising or defending legal claims "
        "(Art. 31(1) and 32 FADP)"
    ),
    "claim_other": _("Reason stated below (Art. 30 to 32 FADP)"),
}

# The GDPR's name in a translated refusal label, which the UK GDPR's replaces (same articles).
_EU_NAMES = re.compile(r"(?<!UK )\b(GDPR|AVG|RGPD|DSGVO|ΓΚΠΔ)(?!\w)")


def uk_named(text: str) -> str:
    """A translated GDPR citation turned into the UK GDPR's: the same articles, the UK's name."""
    return _EU_NAMES.sub("UK GDPR", text)


def refusal_basis_label(*, basis: str, regime: str, request_type: str) -> str:
    """The refusal ground as the emails and the status page name it, in the active language,
    citing the request's law: the GDPR's label; the same articles of the UK GDPR; the FADP's own
    ground (fadp_grounds)."""
    if not basis:
        return ""
    regime = Regime(regime)
    if regime == Regime.CH_FADP:
        return "; ".join(str(FADP_GROUND_LABELS[key]) for key in fadp_grounds(basis=basis, request_type=request_type))
    label = str(RefusalBasis(basis).label)
    return uk_named(label) if regime == Regime.UK_GDPR else label


# The request types as a Swiss requester is shown them: the right of access (Art. 25 FADP) and the
# claims of Art. 32 FADP (regime_texts.py cites the same in the letters).
FADP_REQUEST_TYPE_LABELS: dict[str, Promise] = {
    RequestType.ACCESS: _("Access (Art. 25 FADP)"),
    RequestType.ERASURE: _("Erasure (Art. 32 FADP)"),
    RequestType.BOTH: RequestType.BOTH.label,
    RequestType.RECTIFICATION: _("Rectification (Art. 32 FADP)"),
    RequestType.RESTRICTION: _("Restriction of processing (Art. 32 FADP)"),
    RequestType.OBJECTION: _("Objection (Art. 32 FADP)"),
}


def request_type_label(*, request_type: str, regime: str) -> str:
    """The request's type as the refusal email and the status page name it, citing the request's law
    (the GDPR's article, the UK GDPR's, or the FADP's)."""
    regime = Regime(regime)
    if regime == Regime.CH_FADP:
        return str(FADP_REQUEST_TYPE_LABELS[RequestType(request_type)])
    label = str(RequestType(request_type).label)
    return uk_named(label) if regime == Regime.UK_GDPR else label


# The Swiss restriction: a claim that a processing be prohibited (Art. 32(2)(a) FADP), as the
# Swiss decision letters cite it in each language (compliance/reports/regime_texts.py).
FADP_RESTRICTION_CITATION = {
    "en": "Art. 32(2)(a) FADP",
    "nl": "art. 32, lid 2, onder a, FADP",
    "fr": "art. 32, al. 2, let. a, LPD",
    "it": "art. 32 cpv. 2 lett. a LPD",
    "de": "Art. 32 Abs. 2 Bst. a DSG",
    "es": "LPD suiza, art. 32, apdo. 2, letra a",
    "el": "άρθρο 32 παρ. 2 στοιχ. α FADP",
}
_ART_18_CITATION = re.compile(r"\([^()]*\b18\b[^()]*\)")


def restricted_faces_text(*, count: int, regime: str) -> str:
    """The status page's sentence on the requester's restricted faces, in the active language,
    citing the request's law: GDPR Art. 18, the UK GDPR's Art. 18, or Art. 32(2)(a) FADP."""
    text = ngettext(
        "%(n)s face of yours is kept but withheld from every search: its processing is restricted (GDPR Art. 18).",
        "%(n)s faces of yours are kept but withheld from every search: their processing is restricted (GDPR Art. 18).",
        count,
    ) % {"n": count}
    regime = Regime(regime)
    if regime == Regime.UK_GDPR:
        return uk_named(text)
    if regime == Regime.CH_FADP:
        language = (get_language() or "en").split("-")[0]
        citation = FADP_RESTRICTION_CITATION.get(language, FADP_RESTRICTION_CITATION["en"])
        return _ART_18_CITATION.sub(f"({citation})", text)
    return text

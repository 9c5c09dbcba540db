"""Reading the enforcement JSON file: validation and parsing into plain values (no database).

Every value that carries "UNVERIFIED" keeps that mark: the parsed value goes in the field (or
None when the text is only the mark), and the original text becomes the field's verification
note. Nothing is invented: what the file does not say stays blank/unknown.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Generic, TypeVar
from urllib.parse import urlparse

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone

from enforcement.currencies import ISO_3166_ALPHA2, ISO_4217
from enforcement.dates import DatePrecision, decision_dates_check, parse_partial_date

ROW_KEYS = {
    "id",
    "authority",
    "country",
    "subdivision",
    "respondent",
    "legal_framework",
    "decision_ref",
    "decision_date",
    "announced_date",
    "fine_amount",
    "currency",
    "penalty_payment",
    "articles_violated",
    "orders",
    "parent_decision",
    "appeal_status",
    "appeal_history",
    "enforcement_status",
    "sources",
    "source_errors",
    "director_liability",
}
REQUIRED_KEYS = {"id", "authority", "country", "respondent", "legal_framework", "decision_ref", "sources"}
PENALTY_KEYS = {
    "amount",
    "currency",
    "unit",
    "starts",
    "cap",
    "cap_currency",
    "cap_scope",
    "trigger",
    "period",
    "liquidated_total",
    "orders_count",
    "amount_per_order",
    "type",
}
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{2,118}$")
UNVERIFIED = "UNVERIFIED"
EU_EEA = set(
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO".split()  # noqa: SIM905
)


@dataclass
class RowError:
    row: str
    field: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}, field {self.field}: {self.reason}"


class ImportValidationError(Exception):
    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("\n".join(str(error) for error in errors))


T = TypeVar("T")


@dataclass
class Verifiable(Generic[T]):
    """A parsed value plus its verification state."""

    value: T
    unverified: bool = False
    note: str = ""


def is_unverified(text) -> bool:
    return isinstance(text, str) and UNVERIFIED in text


def verification(values: dict[str, Verifiable]) -> tuple[list[str], dict[str, str]]:
    fields = sorted(name for name, item in values.items() if item.unverified)
    notes = {name: item.note for name, item in values.items() if item.note}
    return fields, notes


# --- small parsers ----------------------------------------------------------------------------


def parse_amount(value, *, allow_unverified: bool = False) -> Verifiable[Decimal | None]:
    """A non-negative number (JSON number or numeric string) -> Decimal."""
    if value is None:
        return Verifiable(None)
    if allow_unverified and is_unverified(value):
        return Verifiable(None, True, value)
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"{value!r} is not an amount")
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(f"{value!r} is not an amount") from exc
    if not amount.is_finite():
        raise ValueError(f"{value!r} is not an amount")
    if amount < 0:
        raise ValueError(f"{value} is negative")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError(f"{value} has more than two decimal places")
    return Verifiable(amount.quantize(Decimal("0.01")))


def parse_currency(value) -> str:
    if not isinstance(value, str) or value not in ISO_4217:
        raise ValueError(f"{value!r} is not an ISO 4217 currency code")
    return value


_EMBEDDED_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")


def parse_row_date(value) -> tuple[dt.date | None, str, Verifiable[dt.date | None]]:
    """'2022-02-10' -> that day; null -> unknown; 'UNVERIFIED (published 2021-02-11)' -> unknown,
    unverified, with the text as note (the date in brackets is another event, not this one)."""
    if value is None:
        return None, DatePrecision.UNKNOWN, Verifiable(None)
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a date")
    if is_unverified(value):
        return None, DatePrecision.UNKNOWN, Verifiable(None, True, value)
    date, precision = parse_partial_date(value)  # raises ValueError with a clear message
    return date, precision, Verifiable(date)


def validate_url(value) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a URL")
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError as exc:
        raise ValueError(f"{value!r} is not a valid http(s) URL") from exc
    if len(value) > 500:
        raise ValueError("URL longer than 500 characters")
    return value


# --- articles -----------------------------------------------------------------------------------

_TRAILING_NOTE = re.compile(r"^(?P<core>.*?)\s+\((?P<note>[^()]*\s[^()]*)\)$")
_GDPR_ARTICLE = re.compile(
    r"^(?P<article>\d{1,3})(?P<parts>(?:\(\w{1,4}\))*)(?:\s+(?:r/w|read with)\s+(?P<read_with>.+))?$"
)
_NUMBER_LIST = re.compile(
    r"^(?:(?P<prefix>[A-Za-z][\w ]*?)\s+)?(?P<kind>ss?\.|arts?\.)\s*(?P<numbers>\d+(?:\s*,\s*\d+)*)$"
)
_APP = re.compile(r"^APP\s+(?P<article>\d+)\.(?P<paragraph>\d+)$")
# GDPR articles that bind the supervisory authority or the Member States (Art. 58 powers, Art. 83
# fines, Art. 84 penalties): a decision rests on them; no controller can be found to violate them.
LEGAL_BASIS_ARTICLES = frozenset({58, 83, 84})


def parse_article(text: str, *, framework_text: str = "") -> list[dict]:
    """One entry of `articles_violated` -> ArticleReference field dicts (several for 'ss. 7, 8').

    '5(1)(a)' -> article 5, paragraph 1, point a; '12(3) r/w 15' -> read_with '15';
    '9 (UNVERIFIED: only in ...)' -> article 9, unverified with the note; 'APP 3.3' -> instrument
    APP; 'PIPA ss. 7, 8' -> one reference per section of the case's instrument; anything else is
    kept as words (article empty).
    """
    label = text.strip()
    core, note = label, ""
    match = _TRAILING_NOTE.match(label)
    if match and not label.startswith(UNVERIFIED):
        core, note = match["core"].strip(), match["note"].strip()
    unverified = UNVERIFIED in label
    verification_fields = ["article"] if unverified else []
    verification_notes = {"article": note or label} if unverified else ({"article": note} if note else {})
    base = {
        "label": label[:500],
        "note": note[:300],
        "unverified_fields": verification_fields,
        "verification_notes": verification_notes,
        "instrument": "",
        "article": None,
        "paragraph": None,
        "point": "",
        "read_with": "",
        "role": "violated",
    }
    if not label.startswith(UNVERIFIED):
        gdpr = _GDPR_ARTICLE.match(core)
        if gdpr:
            parts = re.findall(r"\((\w{1,4})\)", gdpr["parts"] or "")
            paragraph = int(parts[0]) if parts and parts[0].isdigit() else None
            rest = parts[1:] if paragraph is not None else parts
            point = rest[0] + "".join(f"({part})" for part in rest[1:]) if rest else ""
            article = int(gdpr["article"])
            return [
                {
                    **base,
                    "role": "legal_basis" if article in LEGAL_BASIS_ARTICLES else "violated",
                    "article": article,
                    "paragraph": paragraph,
                    "point": point[:10],
                    "read_with": (gdpr["read_with"] or "").strip()[:120],
                }
            ]
        app = _APP.match(core)
        if app:
            return [{**base, "instrument": "APP", "article": int(app["article"]), "paragraph": int(app["paragraph"])}]
        numbers = _NUMBER_LIST.match(core)
        if numbers:
            instrument = (framework_text or numbers["prefix"] or "").strip()[:120]
            return [
                {**base, "instrument": instrument, "article": int(n)} for n in re.findall(r"\d+", numbers["numbers"])
            ]
    return [base]


# --- orders -------------------------------------------------------------------------------------

_DEADLINE = re.compile(r"\bby (\d{4}-\d{2}-\d{2})\b")
_ALL_BY = re.compile(r"^all by (\d{4}-\d{2}-\d{2})$")
_PLACE = re.compile(
    r"(?P<detail>(?:(?:standard and biometric )?data(?: incl\. biometric data)? (?:of|on) )?"
    r"(?:persons|people|residents|data subjects|subjects|individuals|clients|British Columbians)"
    r"(?: whose data)?[^,;]*?\bin (?P<place>[A-Z][\w\u00e9]+(?: [A-Z][\w]+)?))"
)
_ADJECTIVE_PLACE = re.compile(r"\b(?P<detail>(?:UK residents|Dutch data subjects)(?:'s)?)")


def parse_orders(items: list[str]) -> tuple[list[dict], list[str], Verifiable | None]:
    """`orders` -> (order dicts, notes for the decision summary, an unverified note for orders).

    'all by 2021-09-15' sets the deadline of every order of the row; 'request for ... not granted'
    is a refusal, not an order (kept in the decision summary); 'other order contents UNVERIFIED'
    marks the decision's order list itself as incomplete.
    """
    orders, notes, orders_unverified = [], [], None
    common_deadline = None
    for text in items:
        text = text.strip()
        all_by = _ALL_BY.match(text)
        if all_by:
            common_deadline = dt.date.fromisoformat(all_by[1])
            continue
        if "not granted" in text:
            notes.append(f"Not granted: {text}")
            continue
        if text.lower().startswith("other order contents"):
            orders_unverified = Verifiable(None, True, text)
            continue
        binding = not text.lower().startswith("non-binding")
        deadline_match = _DEADLINE.search(text)
        applies_to, detail = "unknown", ""
        if "complainant" in text:
            applies_to, detail = "complainant", "the complainant"
        else:
            place = _PLACE.search(text) or _ADJECTIVE_PLACE.search(text)
            if place:
                applies_to, detail = "residents_of_country", place["detail"]
            elif "representative" in text or text.lower().startswith("pay "):
                applies_to = "other"
        values = {"deadline": Verifiable(dt.date.fromisoformat(deadline_match[1]) if deadline_match else None)}
        if UNVERIFIED in text:
            field_name = "deadline" if "deadline" in text else "text"
            values[field_name] = Verifiable(None, True, text)
        fields, verification_notes = verification(values)
        orders.append(
            {
                "text": text,
                "binding": binding,
                "applies_to": applies_to,
                "applies_to_detail": detail[:200],
                "deadline": values["deadline"].value,
                "unverified_fields": fields,
                "verification_notes": verification_notes,
            }
        )
    if common_deadline:
        for order in orders:
            order["deadline"] = order["deadline"] or common_deadline
    for position, order in enumerate(orders):
        order["position"] = position
    return orders, notes, orders_unverified


# --- penalty payments ---------------------------------------------------------------------------

_PERIOD = re.compile(r"^(\d{4}-\d{2}-\d{2}) to (\d{4}-\d{2}-\d{2})(?: \((\d+) days?\))?$")
_UNIT_COUNT = re.compile(r"\((\d+) (?:question )?sets?\)")


def parse_penalty_unit(text) -> tuple[str, str, int | None, Verifiable]:
    if text is None:
        return "unknown", "", None, Verifiable(None)
    if is_unverified(text):
        return "unknown", "", None, Verifiable(None, True, text)
    lowered = text.lower()
    max_units = None
    if "day" in lowered:
        unit = "day"
    elif "week" in lowered:
        unit = "week"
    elif "month" in lowered:
        unit = "month"
    elif "question" in lowered or "request" in lowered:
        unit = "unanswered_request_set"
        count = _UNIT_COUNT.search(text)
        max_units = int(count[1]) if count else None
    else:
        unit = "other"
    return unit, text[:200], max_units, Verifiable(unit)


def parse_period(text: str) -> tuple[dt.date, dt.date, int]:
    """'2022-12-19 to 2023-02-09 (52 days)' -> (start, end, 52); the day count must equal end - start."""
    match = _PERIOD.match(text.strip()) if isinstance(text, str) else None
    if not match:
        raise ValueError(f"{text!r} is not 'YYYY-MM-DD to YYYY-MM-DD (N days)'")
    start, end = dt.date.fromisoformat(match[1]), dt.date.fromisoformat(match[2])
    if end < start:
        raise ValueError("the period ends before it starts")
    days = (end - start).days
    if match[3] is not None and int(match[3]) != days:
        raise ValueError(f"{match[3]} days stated, but {start} to {end} is {days} days")
    return start, end, days


# --- sources ------------------------------------------------------------------------------------

OFFICIAL_DOMAINS = (
    "gpdp.it",
    "garanteprivacy.it",
    "cnil.fr",
    "autoriteitpersoonsgegevens.nl",
    "ico.org.uk",
    "oaic.gov.au",
    "priv.gc.ca",
    "imy.se",
    "dsb.gv.at",
    "datenschutz-hamburg.de",
    "dpa.gr",
    "oipc.bc.ca",
    "oipc.ab.ca",
    "cai.gouv.qc.ca",
    "edpb.europa.eu",
    "edps-edpb.acc.fpfis.tech.ec.europa.eu",
)
TRACKER_DOMAINS = ("gdprhub.eu", "enforcementtracker.com", "regmind.eu", "cookiefines.eu")
PRESS_DOMAINS = (
    "biometricupdate.com",
    "spiegel.de",
    "tweakers.net",
    "techcrunch.com",
    "notebookcheck.net",
    "albernivalleynews.com",
    "aefinfo.fr",
    "next.ink",
    "world-today-news.com",
    "heise.de",
    "computing.co.uk",
    "lawgazette.co.uk",
)
COURT_PATH_HINTS = ("tribunal-decisions", "/judgments/", "canlii.org", "bailii.org")
TLD_LANGUAGE = {
    "it": "it",
    "fr": "fr",
    "nl": "nl",
    "de": "de",
    "at": "de",
    "se": "sv",
    "gr": "el",
    "uk": "en",
    "au": "en",
}
PATH_LANGUAGES = {"en", "fr", "de", "nl", "it", "sv", "el", "es"}


def _domain_matches(host: str, domains) -> bool:
    return any(host == domain or host.endswith("." + domain) for domain in domains)


def classify_source(url: str) -> tuple[str, str]:
    """(kind, language) guessed from the URL: kind from the domain (official authority, court
    decision database, tracker, press, else secondary); language from a /xx/ path segment, else
    from the country TLD where that is telling; blank when not obvious."""
    parsed = urlparse(url)
    host = (parsed.hostname or "").lower()
    if _domain_matches(host, OFFICIAL_DOMAINS) and "tribunal-decisions" not in parsed.path:
        kind = "official"
    elif any(hint in url for hint in COURT_PATH_HINTS):
        kind = "court"
    elif _domain_matches(host, TRACKER_DOMAINS):
        kind = "tracker"
    elif _domain_matches(host, PRESS_DOMAINS):
        kind = "press"
    else:
        kind = "secondary"
    segments = [segment for segment in parsed.path.split("/") if segment]
    language = next((segment for segment in segments[:2] if segment in PATH_LANGUAGES), "")
    if not language:
        language = TLD_LANGUAGE.get(host.rsplit(".", 1)[-1], "")
    return kind, language


# --- appeals ------------------------------------------------------------------------------------

COURTS = (
    ("First-tier Tribunal", re.compile(r"First-tier Tribunal|\bFTT\b")),
    ("Upper Tribunal (Administrative Appeals Chamber)", re.compile(r"Upper Tribunal|UKUT")),
    ("Bundesverwaltungsgericht (BVwG)", re.compile(r"\bBVwG\b")),
    ("Administrative Appeals Tribunal (AAT)", re.compile(r"\bAATA?\b")),
    ("Supreme Court of British Columbia", re.compile(r"\bBCSC\b")),
    ("Court of Appeal for British Columbia", re.compile(r"\bBCCA\b")),
    ("Court of King's Bench of Alberta", re.compile(r"\bABKB\b")),
)
CASE_NUMBERS = re.compile(
    r"\[\d{4}\] [A-Z]{2,6} \d+(?: \([A-Z]{2,4}\))?|\b\d{4} (?:BCSC|BCCA|ABKB) \d+\b|\bUA-\d{4}-\d+-[A-Z]+\b"
    r"|\bW\d{3} \d{7}-\d+/\d+E\b"
)


def courts_in(text: str) -> list[str]:
    return [name for name, pattern in COURTS if pattern.search(text or "")]


def appeal_event_kind(text: str) -> str:
    lowered = text.lower()
    if "criminal complaint" in lowered or "notice of intent" in lowered or "no further action" in lowered:
        return "other"
    if "withdraw" in lowered:
        return "withdrawn"
    if "remitted" in lowered or "must reconsider" in lowered:
        return "remitted"
    if any(word in lowered for word in ("applies to", "seeks permission", "renews application", "files", "lodged")):
        return "filed"
    if any(word in lowered for word in ("dismissed", "upheld", "allowed", "wins", "confirmed", "judgment")):
        return "judgment"
    return "other"


def appeal_outcome(status_text: str | None, events: list[str]) -> str:
    """The appeal's outcome from the reported status, else from the newest telling event."""
    for text in [status_text or "", *reversed(events)]:
        lowered = text.lower()
        if "pending" in lowered:
            return "pending"
        if "remitted" in lowered or "must reconsider" in lowered:
            return "remitted"
        if "withdraw" in lowered:
            return "withdrawn"
        if "dismissed" in lowered or "upheld" in lowered:
            return "upheld"
    return "unknown"


# --- payment status -----------------------------------------------------------------------------


def payment_status(enforcement_status: str | None, *, appeal_pending: bool) -> str:
    """'unpaid ...' -> unpaid; 'paid ...' -> paid; nothing reported while an appeal is pending ->
    contested; an expectation ('expects non-payment') or anything else -> unknown."""
    text = (enforcement_status or "").lower()
    if re.search(r"\bunpaid\b", text):
        return "unpaid"
    if re.search(r"\bpaid\b", text):
        return "paid"
    if not text and appeal_pending:
        return "contested"
    return "unknown"


# --- the row ------------------------------------------------------------------------------------


@dataclass
class ParsedRow:
    raw: dict
    errors: list[RowError] = field(default_factory=list)


def _expect_text(errors, row_id, name, value, *, required=False, max_length=None):
    if value is None:
        if required:
            errors.append(RowError(row_id, name, "is required"))
        return
    if not isinstance(value, str) or (required and not value.strip()):
        errors.append(RowError(row_id, name, "must be a non-empty text" if required else "must be text"))
    elif max_length and len(value) > max_length:
        errors.append(RowError(row_id, name, f"is longer than {max_length} characters"))


def validate_rows(rows) -> list[RowError]:
    """Check every row and every field; return all problems found (empty list: importable)."""
    if not isinstance(rows, list):
        return [RowError("-", "-", "the file must hold a JSON list of rows")]
    errors: list[RowError] = []
    ids = [row.get("id") if isinstance(row, dict) else None for row in rows]
    seen: set[str] = set()
    authorities: dict[str, tuple] = {}
    for index, row in enumerate(rows):
        given_id = ids[index]
        row_id = given_id if isinstance(given_id, str) and given_id else f"#{index + 1}"
        if not isinstance(row, dict):
            errors.append(RowError(row_id, "-", "row must be a JSON object"))
            continue
        for key in sorted(set(row) - ROW_KEYS):
            errors.append(RowError(row_id, key, "unknown field (not imported; fix the file or the importer)"))
        for key in sorted(REQUIRED_KEYS - set(row)):
            errors.append(RowError(row_id, key, "is required"))
        _validate_row(row, row_id, ids, seen, authorities, errors)
    _validate_liquidations(rows, errors)
    return errors


def _validate_liquidations(rows, errors) -> None:
    """A row that liquidates a penalty must point at a row that imposed one, in the same currency
    and at the same amount per unit."""
    by_id = {row.get("id"): row for row in rows if isinstance(row, dict)}
    for row in by_id.values():
        penalty = row.get("penalty_payment")
        if not isinstance(penalty, dict) or penalty.get("period") is None:
            continue
        parent = by_id.get(row.get("parent_decision"))
        parent_penalty = parent.get("penalty_payment") if isinstance(parent, dict) else None
        if parent is None:
            continue  # already reported
        if not isinstance(parent_penalty, dict):
            errors.append(
                RowError(row["id"], "parent_decision", "the parent row imposes no penalty payment to liquidate")
            )
            continue
        if parent_penalty.get("currency") != penalty.get("currency"):
            errors.append(RowError(row["id"], "penalty_payment.currency", "differs from the parent's penalty currency"))
        if parent_penalty.get("amount") != penalty.get("amount"):
            errors.append(RowError(row["id"], "penalty_payment.amount", "differs from the parent's amount per unit"))


def _validate_row(row, row_id, ids, seen, authorities, errors) -> None:  # noqa: C901 - debt (issue 13)
    rid = row.get("id")
    if "id" in row:
        if not isinstance(rid, str) or not ID_PATTERN.match(rid):
            errors.append(RowError(row_id, "id", "must be 3-120 lowercase letters, digits or hyphens"))
        elif rid in seen:
            errors.append(RowError(row_id, "id", "appears more than once in the file"))
        else:
            seen.add(rid)
    authority = row.get("authority")
    if "authority" in row:
        if not isinstance(authority, dict) or set(authority) - {"name", "short_name"}:
            errors.append(RowError(row_id, "authority", "must be an object with name and short_name"))
        else:
            _expect_text(errors, row_id, "authority.name", authority.get("name"), required=True, max_length=300)
            _expect_text(errors, row_id, "authority.short_name", authority.get("short_name"), max_length=80)
    country = row.get("country")
    if "country" in row and (not isinstance(country, str) or country not in ISO_3166_ALPHA2):
        errors.append(RowError(row_id, "country", f"{country!r} is not an ISO 3166-1 alpha-2 code"))
    subdivision = row.get("subdivision")
    if subdivision is not None:
        if not isinstance(subdivision, str) or not re.match(r"^[A-Z]{2}-[A-Z0-9]{1,3}$", subdivision):
            errors.append(RowError(row_id, "subdivision", f"{subdivision!r} is not an ISO 3166-2 code like CA-BC"))
        elif isinstance(country, str) and not subdivision.startswith(country + "-"):
            errors.append(RowError(row_id, "subdivision", f"{subdivision} is not in country {country}"))
    if isinstance(authority, dict) and isinstance(authority.get("name"), str):
        key = authority["name"]
        identity = (authority.get("short_name"), country, subdivision)
        if authorities.setdefault(key, identity) != identity:
            errors.append(RowError(row_id, "authority", f"{key!r} appears with a different short name or country"))
    _expect_text(errors, row_id, "respondent", row.get("respondent"), required="respondent" in row, max_length=300)
    _expect_text(errors, row_id, "legal_framework", row.get("legal_framework"), required="legal_framework" in row)
    _expect_text(errors, row_id, "decision_ref", row.get("decision_ref"), required="decision_ref" in row)
    for name in ("appeal_status", "enforcement_status", "director_liability"):
        _expect_text(errors, row_id, name, row.get(name))
    for name in ("decision_date", "announced_date"):
        try:
            parse_row_date(row.get(name))
        except ValueError as exc:
            errors.append(RowError(row_id, name, str(exc)))
    if row.get("decision_date") is None and row.get("announced_date") is None:
        errors.append(RowError(row_id, "decision_date", "a row needs a decision date or an announcement date"))
    try:
        decided, decided_precision, _ = parse_row_date(row.get("decision_date"))
        announced, announced_precision, _ = parse_row_date(row.get("announced_date"))
    except ValueError:
        pass  # reported above
    else:
        # The same rule as Decision.clean(), reported per row before anything is written.
        problems = decision_dates_check(
            decision_date=decided,
            decision_date_precision=decided_precision,
            announced_date=announced,
            announced_date_precision=announced_precision,
            today=timezone.localdate(),
        )
        errors.extend(RowError(row_id, name, message) for name, message in problems.items())
    _validate_money(row, row_id, errors)
    for name in ("articles_violated", "orders", "source_errors", "sources"):
        value = row.get(name)
        if value is None:
            continue
        if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
            errors.append(RowError(row_id, name, "must be a list of non-empty texts"))
            continue
        if name == "sources":
            for position, url in enumerate(value):
                try:
                    validate_url(url)
                except ValueError as exc:
                    errors.append(RowError(row_id, f"sources[{position}]", str(exc)))
        if name == "orders":
            for position, text in enumerate(value):
                for date_text in _DEADLINE.findall(text) + _ALL_BY.findall(text):
                    try:
                        dt.date.fromisoformat(date_text)
                    except ValueError:
                        errors.append(RowError(row_id, f"orders[{position}]", f"{date_text!r} is not a valid date"))
    history = row.get("appeal_history")
    if history is not None:
        if not isinstance(history, list):
            errors.append(RowError(row_id, "appeal_history", "must be a list of {date, event}"))
        else:
            for position, event in enumerate(history):
                name = f"appeal_history[{position}]"
                if not isinstance(event, dict) or set(event) != {"date", "event"}:
                    errors.append(RowError(row_id, name, "must be an object with date and event"))
                    continue
                try:
                    parse_partial_date(event["date"])
                except (ValueError, TypeError) as exc:
                    errors.append(RowError(row_id, f"{name}.date", str(exc)))
                _expect_text(errors, row_id, f"{name}.event", event["event"], required=True)
    parent = row.get("parent_decision")
    if parent is not None:
        if parent == rid:
            errors.append(RowError(row_id, "parent_decision", "a decision cannot be its own parent"))
        elif parent not in ids:
            errors.append(RowError(row_id, "parent_decision", f"{parent!r} is not the id of a row in this file"))


def _validate_money(row, row_id, errors) -> None:  # noqa: C901 - debt (issue 13)
    amount, currency = row.get("fine_amount"), row.get("currency")
    try:
        parse_amount(amount)
    except ValueError as exc:
        errors.append(RowError(row_id, "fine_amount", str(exc)))
    if amount is not None and currency is None:
        errors.append(RowError(row_id, "currency", "is required when fine_amount is given"))
    if currency is not None:
        try:
            parse_currency(currency)
        except ValueError as exc:
            errors.append(RowError(row_id, "currency", str(exc)))
        if amount is None:
            errors.append(RowError(row_id, "currency", "is given without a fine_amount"))
    penalty = row.get("penalty_payment")
    if penalty is None:
        return
    if not isinstance(penalty, dict):
        errors.append(RowError(row_id, "penalty_payment", "must be an object or null"))
        return
    for key in sorted(set(penalty) - PENALTY_KEYS):
        errors.append(RowError(row_id, f"penalty_payment.{key}", "unknown field"))
    for key in ("amount", "amount_per_order", "liquidated_total"):
        try:
            parse_amount(penalty.get(key), allow_unverified=True)
        except ValueError as exc:
            errors.append(RowError(row_id, f"penalty_payment.{key}", str(exc)))
    cap = penalty.get("cap")
    if cap is not None and not isinstance(cap, str):
        try:
            parse_amount(cap)
        except ValueError as exc:
            errors.append(RowError(row_id, "penalty_payment.cap", str(exc)))
    currencies = [penalty.get(key) for key in ("currency", "cap_currency") if penalty.get(key) is not None]
    if not currencies:
        errors.append(RowError(row_id, "penalty_payment.currency", "is required (currency or cap_currency)"))
    for key in ("currency", "cap_currency"):
        if penalty.get(key) is not None:
            try:
                parse_currency(penalty[key])
            except ValueError as exc:
                errors.append(RowError(row_id, f"penalty_payment.{key}", str(exc)))
    for key in ("unit", "starts", "cap_scope", "trigger", "type"):
        _expect_text(errors, row_id, f"penalty_payment.{key}", penalty.get(key))
    if penalty.get("orders_count") is not None and (
        not isinstance(penalty["orders_count"], int) or penalty["orders_count"] < 1
    ):
        errors.append(RowError(row_id, "penalty_payment.orders_count", "must be a positive whole number"))
    if penalty.get("starts") and not is_unverified(penalty["starts"]) and _EMBEDDED_DATE.fullmatch(penalty["starts"]):
        try:
            dt.date.fromisoformat(penalty["starts"])
        except ValueError as exc:
            errors.append(RowError(row_id, "penalty_payment.starts", str(exc)))
    if penalty.get("period") is not None:
        try:
            start, end, days = parse_period(penalty["period"])
        except ValueError as exc:
            errors.append(RowError(row_id, "penalty_payment.period", str(exc)))
        else:
            try:
                per_unit = parse_amount(penalty.get("amount"), allow_unverified=True).value
                total = parse_amount(penalty.get("liquidated_total")).value
                fine_amount = parse_amount(row.get("fine_amount")).value
            except ValueError:
                return
            if fine_amount is not None and total is not None and fine_amount != total:
                errors.append(
                    RowError(
                        row_id,
                        "fine_amount",
                        f"differs from liquidated_total {total}: a liquidation row's amount is the liquidated "
                        "penalty (imported as the liquidation, not as a fine)",
                    )
                )
            if per_unit is not None and total is not None and per_unit * days != total:
                errors.append(
                    RowError(
                        row_id,
                        "penalty_payment.liquidated_total",
                        f"{total} is not {days} days x {per_unit} = {per_unit * days}",
                    )
                )
        if row.get("parent_decision") is None:
            errors.append(RowError(row_id, "penalty_payment.period", "a liquidation needs a parent_decision"))

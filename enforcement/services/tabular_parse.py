"""Reading the cells of other trackers' exports: mappings, dates, countries, authorities, amounts,
provisions and text. Pure functions, no database: `tabular_import` calls them per row and turns a
ValueError into `row N, field F: reason`.

The data they use is kept as files beside the Clearview record, so that a new alias is a data
change: `data/import_mappings/<name>.json` (one per export format), `data/authority_aliases.json`
and `data/country_names.json`.
"""

import datetime as dt
import html
import json
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

from django.utils.text import slugify

from enforcement.currencies import COUNTRY_NAMES, ISO_4217, country_code_from_text
from enforcement.dates import DatePrecision
from enforcement.services.import_parse import LEGAL_BASIS_ARTICLES

DATA = Path(__file__).resolve().parent.parent / "data"
MAPPINGS_DIR = DATA / "import_mappings"
# The ready mappings, by the name the command and the upload page offer (explicit, so that a
# stray file in the folder is never offered).
MAPPINGS = {
    "standard": MAPPINGS_DIR / "standard.json",
    "tidytuesday": MAPPINGS_DIR / "tidytuesday.json",
}
TARGETS = (
    "id",
    "country",
    "amount",
    "currency",
    "authority",
    "date",
    "respondent",
    "articles",
    "violation_type",
    "source",
    "summary",
)
REQUIRED_TARGETS = ("country", "authority", "date", "respondent", "amount")


# --- mappings ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mapping:
    """Which column holds what, and how the export writes its values (see README, Enforcement)."""

    name: str
    label: str
    columns: dict[str, str]
    currency: str = "EUR"
    date_formats: tuple[str, ...] = ("%Y-%m-%d",)
    unknown_dates: frozenset[str] = frozenset()
    unknown_values: frozenset[str] = frozenset()
    article_separators: str = "|"
    default_instrument: str = ""
    zero_amount_not_stated: bool = True

    def column(self, target: str) -> str:
        return self.columns.get(target, "")


def mapping_load(name_or_path: str | Path) -> Mapping:
    """A ready mapping by name ('tidytuesday') or a mapping file; ValueError says what is wrong."""
    path = MAPPINGS.get(str(name_or_path)) or Path(name_or_path)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        names = ", ".join(MAPPINGS)
        raise ValueError(f"mapping {name_or_path!s}: not a ready mapping ({names}) nor a readable JSON file") from exc
    columns = data.get("columns")
    if not isinstance(columns, dict):
        raise ValueError(f"mapping {path}: 'columns' must map field names to column names")
    unknown = sorted(set(columns) - set(TARGETS))
    missing = [target for target in REQUIRED_TARGETS if not columns.get(target)]
    problems = []
    if unknown:
        problems.append(f"unknown fields {unknown}")
    if missing:
        problems.append(f"no column for {missing}")
    if problems:
        raise ValueError(f"mapping {path}: " + "; ".join(problems) + f" (fields: {', '.join(TARGETS)})")
    currency = data.get("currency", "EUR")
    if currency not in ISO_4217:
        raise ValueError(f"mapping {path}: currency {currency!r} is not an ISO 4217 code")
    return Mapping(
        name=str(name_or_path) if str(name_or_path) in MAPPINGS else Path(path).stem,
        label=data.get("label") or Path(path).stem,
        columns=columns,
        currency=currency,
        date_formats=tuple(data.get("date_formats") or ("%Y-%m-%d",)),
        unknown_dates=frozenset(data.get("unknown_dates") or ()),
        unknown_values=frozenset(value.casefold() for value in data.get("unknown_values") or ()),
        article_separators=data.get("article_separators") or "|",
        default_instrument=data.get("default_instrument") or "",
        zero_amount_not_stated=bool(data.get("zero_amount_not_stated", True)),
    )


# --- text ----------------------------------------------------------------------------------------

_TAG = re.compile(r"<[^>]{0,200}>")
_SPACE = re.compile(r"\s+")


def clean_text(value) -> str:
    """'Company&#8217;s <strong>fine</strong>\t' -> "Company's fine": entities decoded (twice, for
    '&amp;#8217;'), tags dropped, whitespace collapsed."""
    if value is None:
        return ""
    text = html.unescape(html.unescape(str(value)))
    return _SPACE.sub(" ", _TAG.sub(" ", text)).strip()


def folded(text: str) -> str:
    """Case, accents and punctuation ignored: 'Persónuvernd' and "'personuvernd'" are equal."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def looks_like_url(text: str) -> bool:
    return bool(re.match(r"^(https?://|www\.)\S+$", text.strip(), re.IGNORECASE))


# --- dates ---------------------------------------------------------------------------------------

_PRECISION_OF_FORMAT = {"%Y": DatePrecision.YEAR, "%Y-%m": DatePrecision.MONTH, "%m/%Y": DatePrecision.MONTH}


def parse_date_cell(value, mapping: Mapping) -> tuple[dt.date | None, str]:
    """A date cell -> (date, precision). Spreadsheet dates arrive as date/datetime; text is tried
    against the mapping's formats in order (MM/DD/YYYY and DD.MM.YYYY differ by their separator, so
    one mapping may accept both); a year alone has precision 'year'; the export's placeholder for an
    unknown date (e.g. 01/01/1970) and an empty cell are unknown. Anything else: ValueError."""
    if isinstance(value, dt.datetime):
        return value.date(), DatePrecision.DAY
    if isinstance(value, dt.date):
        return value, DatePrecision.DAY
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        value = str(int(value))  # a year typed into a number cell
    text = clean_text(value)
    if not text or text in mapping.unknown_dates or text.casefold() in mapping.unknown_values:
        return None, DatePrecision.UNKNOWN
    for fmt in mapping.date_formats:
        try:
            parsed = dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        return parsed, _PRECISION_OF_FORMAT.get(fmt, DatePrecision.DAY)
    shown = ", ".join(fmt.replace("%Y", "YYYY").replace("%m", "MM").replace("%d", "DD") for fmt in mapping.date_formats)
    raise ValueError(f"{text!r} is not a date in a format this mapping accepts ({shown})")


# --- countries -----------------------------------------------------------------------------------


@cache
def _country_index() -> dict[str, str]:
    data = json.loads((DATA / "country_names.json").read_text(encoding="utf-8"))
    index = {folded(name): code for code, name in COUNTRY_NAMES.items()}
    for code, names in data.items():
        if not code.startswith("_"):
            index.update({folded(name): code for name in names})
    return index


def parse_country(value) -> str:
    """'ES', 'es', 'Spain', 'España', 'Spanien', 'Espagne' -> 'ES'; ValueError otherwise."""
    text = clean_text(value)
    if not text:
        raise ValueError("no country given")
    code = country_code_from_text(text) or _country_index().get(folded(text))
    if not code:
        raise ValueError(f"{text!r} is not a country name or ISO 3166-1 code this importer knows")
    return code


# --- authorities ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class KnownAuthority:
    slug: str
    country: str
    name: str
    short_name: str
    subdivision: str = ""


@cache
def _authority_index() -> dict[tuple[str, str], KnownAuthority]:
    """(country, folded alias) -> KnownAuthority, for every alias, name and short name."""
    data = json.loads((DATA / "authority_aliases.json").read_text(encoding="utf-8"))
    index = {}
    for item in data["authorities"]:
        known = KnownAuthority(
            slug=item["slug"],
            country=item["country"],
            name=item["name"],
            short_name=item.get("short_name", ""),
            subdivision=item.get("subdivision", ""),
        )
        for alias in [item["name"], item.get("short_name", ""), *item.get("aliases", [])]:
            if alias:
                index[(known.country, folded(alias))] = known
    return index


def known_authority(text: str, country: str) -> KnownAuthority | None:
    """The authority an export names, from the alias table: the whole name, else the abbreviation
    in brackets ('... (AEPD)'). Only aliases of `country` count: 'Datatilsynet' is Danish or
    Norwegian by the row's country."""
    index = _authority_index()
    found = index.get((country, folded(text)))
    if found is None:
        bracket = re.search(r"\(([^()]+)\)\s*$", text)
        found = index.get((country, folded(bracket[1]))) if bracket else None
    return found


def authority_in_any_country(text: str) -> KnownAuthority | None:
    """Used to spot swapped columns: a respondent cell that names an authority."""
    key = folded(text)
    return next((known for (_, alias), known in _authority_index().items() if alias == key and len(key) > 4), None)


def new_authority_slug(name: str, country: str) -> str:
    return slugify(f"{country} {name}")[:120]


# --- amounts -------------------------------------------------------------------------------------

_AMOUNT = re.compile(r"^(?P<sign>-)?\s*(?:[A-Z]{3}|€|\$|£)?\s*(?P<number>\d[\d.,' \u00a0]*)\s*(?:[A-Z]{3}|€)?$")


def parse_amount_cell(value, mapping: Mapping) -> Decimal | None:
    """'9380', '9,380', '9.380,50', 'EUR 20 000', 9380.0 -> Decimal; 0 and empty -> None (not
    stated: trackers write 0 for a fine announced without its amount, e.g. the ICO's notices of
    intent). ValueError for anything else, including a negative amount."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        amount = Decimal(str(value))
    else:
        text = clean_text(value)
        if not text or text.casefold() in mapping.unknown_values:
            return None
        match = _AMOUNT.match(text)
        if not match:
            raise ValueError(f"{text!r} is not an amount")
        amount = _decimal_from_grouped(match["number"].strip()) * (-1 if match["sign"] else 1)
    if amount < 0:
        raise ValueError(f"{amount} is negative: a fine is zero or more")
    if amount == 0 and mapping.zero_amount_not_stated:
        return None
    return amount.quantize(Decimal("0.01"))


def _decimal_from_grouped(number: str) -> Decimal:
    """'1.234.567,89' (DE) and '1,234,567.89' (EN): the last separator followed by exactly one or
    two digits is the decimal mark; every other one groups thousands."""
    digits = re.sub(r"[' \u00a0]", "", number)
    match = re.match(r"^(?P<whole>[\d.,]*?)(?:[.,](?P<cents>\d{1,2}))?$", digits)
    whole, cents = (match["whole"], match["cents"]) if match else (digits, None)
    try:
        return Decimal(re.sub(r"[.,]", "", whole) + (f".{cents}" if cents else ""))
    except InvalidOperation as exc:
        raise ValueError(f"{number!r} is not an amount") from exc


# --- provisions ----------------------------------------------------------------------------------

_GDPR_NAMES = re.compile(
    r"\b(?:of\s+the\s+)?(?:GDPR|GDRP|DSGVO|RGPD|AVG|UK\s+GDPR|Regulation\s+\(EU\)\s+2016/679)\b", re.I
)
_ARTICLE_START = re.compile(r"(?=\bArt(?:icle|\.|\b))", re.I)
_ARTICLE = re.compile(r"^Art(?:icle|\.)?\s*(?P<article>\d+)\s*(?P<rest>.*)$", re.I | re.S)
_STRUCTURE = re.compile(r"^(?:\s*,?\s*(?:\(\s*\w{1,4}\s*\)|\b[a-z]\)|\blit\.\s*[a-z]\b))*", re.I)
_STRUCTURE_TOKEN = re.compile(r"\(\s*(\w{1,4})\s*\)|\b([a-z])\)|\blit\.\s*([a-z])\b", re.I)
_LAW_WORDS = re.compile(r"\b(?:act|law|code|decree|regulation|directive|gesetz|loi|ley|legge|wet|ustawa)\b|§|\d", re.I)


@dataclass
class Provision:
    """One ArticleReference-to-be: GDPR articles structured, national law kept as its text."""

    label: str
    instrument: str = ""
    article: int | None = None
    paragraph: int | None = None
    point: str = ""
    role: str = "violated"

    def as_data(self) -> dict:
        return {
            "label": self.label[:500],
            "instrument": self.instrument[:120],
            "article": self.article,
            "paragraph": self.paragraph,
            "point": self.point[:10],
            "role": self.role,
        }


@dataclass
class ParsedProvisions:
    provisions: list[Provision] = field(default_factory=list)
    unknown: bool = False


def parse_provisions(value, mapping: Mapping) -> ParsedProvisions:
    """'Art. 5 (1) c) GDPR, Art. 32 (2), (4) GDPR, Art. 11 Law 3471/2006' or 'Art. 12 GDPR|Art. 13
    GDPR' -> provisions: 5(1)(c), 32(2), 32(4) of the GDPR and 'Art. 11 Law 3471/2006' as text.

    Steps: split on the mapping's separators, then before every 'Art'; each piece is the article
    number, its paragraphs and points ('(1) c)', '(2), (4)') and the instrument. The GDPR (also
    spelt GDRP, DSGVO, RGPD, AVG) or no instrument where the mapping says the export is about the
    GDPR -> structured, GDPR Arts. 58, 83 and 84 with the role 'legal basis'; another instrument
    -> kept as text. 'Unknown' -> no provision, marked unknown. Text that names no article and no
    law (e.g. a violation type in the wrong column) -> ValueError."""
    text = clean_text(value)
    result = ParsedProvisions()
    if not text or text.casefold() in mapping.unknown_values:
        result.unknown = True
        return result
    chunks = re.split("[" + re.escape(mapping.article_separators) + "]", text)
    for chunk in chunks:
        for piece in _ARTICLE_START.split(chunk):
            piece = piece.strip(" ,;\t")
            if piece:
                result.provisions.extend(_parse_piece(piece, mapping))
    return result


def _parse_piece(piece: str, mapping: Mapping) -> list[Provision]:
    match = _ARTICLE.match(piece)
    if not match:
        if not _LAW_WORDS.search(piece):
            raise ValueError(f"{piece!r} names no article and no law (is it in the right column?)")
        return [Provision(label=piece, instrument=piece)]
    structure_match = _STRUCTURE.match(match["rest"])
    assert structure_match is not None  # a repetition from the start: it matches "" at least
    structure = structure_match[0]
    instrument = match["rest"][len(structure) :].strip(" ,")
    is_gdpr = bool(_GDPR_NAMES.fullmatch(instrument)) if instrument else mapping.default_instrument == "GDPR"
    if not is_gdpr:
        return [Provision(label=piece, instrument=instrument or mapping.default_instrument or "unknown instrument")]
    article = int(match["article"])
    role = "legal_basis" if article in LEGAL_BASIS_ARTICLES else "violated"
    references: list[Provision] = []
    current: Provision | None = None
    for number, letter, lit in _STRUCTURE_TOKEN.findall(structure):
        point = (letter or lit or ("" if number.isdigit() else number)).lower()
        if number.isdigit():
            current = Provision(label=piece, article=article, paragraph=int(number), role=role)
            references.append(current)
        elif current is None or current.point:
            current = Provision(
                label=piece, article=article, paragraph=current.paragraph if current else None, role=role, point=point
            )
            references.append(current)
        else:
            current.point = point
    return references or [Provision(label=piece, article=article, role=role)]

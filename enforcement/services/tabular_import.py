"""Importing fines from spreadsheets and other trackers' exports (CSV, TSV, XLSX, JSON).

`tabular_dataset_load(content=..., file_name=...)` reads the file with tablib (no hand-written
readers) and `tabular_import(dataset=..., mapping=...)`:
1. parses every row through the mapping (tabular_parse): country, authority (alias table, else a
   new Authority of that country), date (+ plausibility, enforcement.dates.decision_dates_check),
   amount (0 = not stated: no Fine, a note says so), provisions, source URL, text without HTML;
2. by default is all-or-nothing: any problem raises ImportValidationError listing every
   `row N, field F: reason` (N is the row's id column, else its position below the header, F the
   file's column name) and nothing is written; with `keep_valid=True` (`--report`) the valid rows
   are imported and every rejected row is returned with its reasons;
3. writes each row through the record services (case_create, decision_create, fine_create,
   article_create, source_create), so the models' validation and the history apply;
4. merges duplicates, within the file and against what is stored: a row with the same authority,
   decision date, respondent and amount as a decision already there adds its source to that
   decision instead of a second decision, so both sources are kept. Rows whose date or respondent
   is unknown are never merged: "unknown" is not a match;
5. is idempotent: a row whose import key (mapping, file, row id) is stored is left alone.
"""

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import tablib
from django.db import transaction
from django.utils import timezone

from enforcement.currencies import ISO_4217
from enforcement.dates import DatePrecision, decision_dates_check
from enforcement.services.import_parse import ImportValidationError, RowError
from enforcement.services.money import exchange_rates_seed
from enforcement.services.tabular_parse import (
    REQUIRED_TARGETS,
    Mapping,
    Provision,
    authority_in_any_country,
    clean_text,
    known_authority,
    looks_like_url,
    parse_amount_cell,
    parse_country,
    parse_date_cell,
    parse_provisions,
)
from enforcement.services.tabular_write import TabularWriter

FORMATS = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".xlsx": "xlsx", ".json": "json"}
UNKNOWN_RESPONDENT = "Unknown (not named in the source)"


class TabularFileError(ValueError):
    """The file cannot be read as the format its name says (corrupt, wrong type, bad encoding)."""


def tabular_dataset_load(*, content: bytes, file_name: str) -> tablib.Dataset:
    """Bytes of a .csv/.tsv/.xlsx/.json file -> a tablib Dataset with headers; TabularFileError
    with a message for a person otherwise."""
    fmt = FORMATS.get(Path(file_name).suffix.lower())
    if fmt is None:
        raise TabularFileError(f"{file_name}: use a .csv, .tsv, .xlsx or .json file")
    if fmt == "xlsx" and not content.startswith(b"PK"):
        raise TabularFileError(f"{file_name}: not an XLSX workbook (an .xlsx file is a ZIP archive)")
    stream: bytes | str = content
    if fmt != "xlsx":
        try:
            stream = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise TabularFileError(f"{file_name}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from exc
    try:
        dataset = tablib.Dataset().load(stream, format=fmt)
    # A corrupt file fails deep inside csv/json/zipfile/openpyxl with many exception types; each
    # one means the same to the person uploading it.
    except Exception as exc:
        raise TabularFileError(f"{file_name}: cannot be read as {fmt.upper()} ({type(exc).__name__}: {exc})") from exc
    if not dataset.headers:
        raise TabularFileError(f"{file_name}: no header row")
    return dataset


@dataclass
class ParsedRow:
    number: str
    raw: dict
    country: str
    authority_text: str
    respondent: str
    date: dt.date | None
    precision: str
    amount: Decimal | None
    currency: str
    provisions: list[Provision]
    articles_unknown: bool
    source: str
    summary: str
    violation_type: str

    def duplicate_key(self) -> tuple | None:
        if self.date is None or self.respondent == UNKNOWN_RESPONDENT:
            return None
        return (self.country, self.authority_text.casefold(), self.date, self.respondent.casefold(), self.amount)


@dataclass
class RejectedRow:
    number: str
    errors: list[RowError]
    raw: dict

    @property
    def reason(self) -> str:
        return "; ".join(f"{error.field}: {error.reason}" for error in self.errors)


@dataclass
class TabularReport:
    rows: int = 0
    imported: int = 0
    merged: int = 0
    unchanged: int = 0
    created: Counter = field(default_factory=Counter)
    rejected: list[RejectedRow] = field(default_factory=list)

    def lines(self) -> list[str]:
        made = ", ".join(f"{count} {kind}" for kind, count in sorted(self.created.items())) or "nothing"
        return [
            f"{self.rows} rows read: {self.imported} imported as new decisions, {self.merged} merged into a "
            f"decision already there (source added), {self.unchanged} already imported, {len(self.rejected)} "
            "rejected",
            f"created: {made}",
        ]

    def rejected_dataset(self) -> tablib.Dataset:
        columns = list(dict.fromkeys(name for row in self.rejected for name in row.raw))
        dataset = tablib.Dataset(headers=["row", "reason", *columns])
        for row in self.rejected:
            dataset.append([row.number, row.reason, *(row.raw.get(name, "") for name in columns)])
        return dataset


# --- parsing -------------------------------------------------------------------------------------


def _cell(raw: dict, mapping: Mapping, target: str):
    column = mapping.column(target)
    return raw.get(column) if column else None


def _row_number(raw: dict, mapping: Mapping, position: int) -> str:
    given = clean_text(_cell(raw, mapping, "id"))
    if given.endswith(".0") and given[:-2].isdigit():
        given = given[:-2]  # an id typed into a number cell
    return given or str(position)


class _RowParser:
    """Parses one row field by field, collecting every problem instead of stopping at the first."""

    def __init__(self, raw: dict, mapping: Mapping, number: str, today: dt.date):
        self.raw, self.mapping, self.number, self.today = raw, mapping, number, today
        self.errors: list[RowError] = []

    def error(self, target: str, reason: str) -> None:
        self.errors.append(RowError(self.number, self.mapping.column(target) or target, reason))

    def attempt(self, target: str, parse: Callable, default=None):
        try:
            return parse(_cell(self.raw, self.mapping, target))
        except ValueError as exc:
            self.error(target, str(exc))
            return default

    def text(self, target: str, *, required: bool = False, max_length: int = 300, url: bool | None = None) -> str:
        value = clean_text(_cell(self.raw, self.mapping, target))
        if required and not value:
            self.error(target, "empty")
        elif value and url is False and looks_like_url(value):
            self.error(target, f"holds a URL ({value[:80]}): are the columns shifted?")
        elif value and url and not looks_like_url(value):
            self.error(target, f"not a URL ({value[:80]!r}): are the columns shifted?")
        elif len(value) > max_length:
            self.error(target, f"longer than {max_length} characters")
        return value

    def parse(self) -> ParsedRow | None:
        mapping = self.mapping
        country = self.attempt("country", parse_country, "")
        authority = self.text("authority", required=True, url=False)
        respondent = self.text("respondent", required=True, url=False)
        named = authority_in_any_country(respondent) if respondent else None
        if named and not (country and known_authority(authority, country)):
            self.error("authority", f"{authority!r} is not an authority, and the respondent column names one "
                       f"({named.short_name or named.name}): are the two columns swapped?")  # fmt: skip
        if respondent.casefold() in mapping.unknown_values:
            respondent = UNKNOWN_RESPONDENT
        date, precision = self.attempt("date", lambda v: parse_date_cell(v, mapping), (None, DatePrecision.UNKNOWN))
        for reason in decision_dates_check(
            decision_date=date,
            decision_date_precision=precision,
            announced_date=None,
            announced_date_precision=DatePrecision.UNKNOWN,
            today=self.today,
        ).values():
            self.error("date", reason)
        amount = self.attempt("amount", lambda v: parse_amount_cell(v, mapping))
        currency = clean_text(_cell(self.raw, mapping, "currency")).upper() or mapping.currency
        if currency not in ISO_4217:
            self.error("currency", f"{currency!r} is not an ISO 4217 currency code")
        provisions = self.attempt("articles", lambda v: parse_provisions(v, mapping))
        source = self.text("source", max_length=500, url=True) if mapping.column("source") else ""
        violation_type = self.text("violation_type", url=False)
        if self.errors:
            return None
        return ParsedRow(
            number=self.number,
            raw=self.raw,
            country=country,
            authority_text=authority,
            respondent=respondent[:300],
            date=date,
            precision=precision,
            amount=amount,
            currency=currency,
            provisions=provisions.provisions,
            articles_unknown=provisions.unknown,
            source=source,
            summary=clean_text(_cell(self.raw, mapping, "summary")),
            violation_type=violation_type,
        )


def tabular_rows_parse(
    *, dataset: tablib.Dataset, mapping: Mapping, today: dt.date
) -> tuple[list[ParsedRow], list[RejectedRow]]:
    """Every row parsed or rejected with all its reasons. A required column missing from the file
    rejects the file (as row '-'); an optional one (currency, articles, source...) reads as empty."""
    missing = [mapping.column(target) for target in REQUIRED_TARGETS if mapping.column(target) not in dataset.headers]
    if missing:
        raise ImportValidationError(
            [RowError("-", column, f"no such column in the file (it has: {', '.join(map(str, dataset.headers))})")
             for column in missing]
        )  # fmt: skip
    parsed: list[ParsedRow] = []
    rejected: list[RejectedRow] = []
    seen: Counter[str] = Counter()
    for position, values in enumerate(dataset, start=1):
        raw = dict(zip(dataset.headers, values, strict=False))
        number = _row_number(raw, mapping, position)
        seen[number] += 1
        parser = _RowParser(raw, mapping, number if seen[number] == 1 else f"{number} (#{seen[number]})", today)
        row = parser.parse()
        if row is None:
            rejected.append(RejectedRow(parser.number, parser.errors, raw))
        else:
            row.number = parser.number
            parsed.append(row)
    return parsed, rejected


# --- writing -------------------------------------------------------------------------------------


def tabular_import(
    *,
    dataset: tablib.Dataset,
    mapping: Mapping,
    user=None,
    source_name: str = "",
    keep_valid: bool = False,
    today: dt.date | None = None,
    progress: Callable[[int], None] | None = None,
) -> TabularReport:
    """Import `dataset` through `mapping` (steps in the module docstring). Raises
    ImportValidationError (nothing written) unless `keep_valid`; `progress(n)` is told of every n
    rows done."""
    today = today or timezone.localdate()
    report = TabularReport(rows=len(dataset))
    parsed, rejected = tabular_rows_parse(dataset=dataset, mapping=mapping, today=today)
    if rejected and not keep_valid:
        raise ImportValidationError([error for row in rejected for error in row.errors])
    report.rejected.extend(rejected)
    if progress and rejected:
        progress(len(rejected))
    with transaction.atomic():
        exchange_rates_seed()
        writer = TabularWriter(mapping=mapping, user=user, source_name=source_name, report=report)
        writer.write_all(parsed, progress)
        failed = [RejectedRow(row.number, errors, row.raw) for row, errors in writer.failures]
        if failed and not keep_valid:
            raise ImportValidationError([error for row in failed for error in row.errors])
        report.rejected.extend(failed)
    return report

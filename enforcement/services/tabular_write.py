"""Writing parsed rows of a tabular import (see tabular_import for the whole procedure).

Rows are written in batches, because 10,000 rows through the record services one by one took
about 20 ms a row (most of it the services' per-object unique checks, savepoints and summary
refresh). A batch:
1. skips rows whose import key is stored and finds duplicates (same authority, date, respondent,
   amount) among stored decisions and earlier rows of the file in one query;
2. builds the case, decision, fine, provisions and source of every new row and validates each
   with the model's own `full_clean` (the same field validators and `Decision.clean` date rule
   the record services apply); a row that fails is rejected with its reasons;
3. inserts the batch with bulk_create inside a savepoint, computes the fines' EUR values with
   money.fine_eur_values, writes the creation history (history.record_events_created) and the
   cases' list columns (money.cases_refresh_summary), as the services do one by one;
4. if the database still refuses the batch (e.g. a case reference already taken), rolls the
   savepoint back and writes the batch row by row through the record services, so that the row
   at fault is named and the others go in.
A duplicate's source is added to the decision it duplicates through source_create.
"""

import hashlib
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from enforcement.models import ArticleReference, Authority, Case, Decision, Fine, Respondent, Source
from enforcement.services.facets import cases_classify, short_summary_from
from enforcement.services.history import record_events_created
from enforcement.services.import_parse import EU_EEA, RowError, classify_source
from enforcement.services.money import cases_refresh_summary, fine_eur_values
from enforcement.services.records import (
    article_create,
    authority_create,
    case_create,
    decision_create,
    decision_update,
    fine_create,
    respondent_create,
    source_create,
)
from enforcement.services.tabular_parse import Mapping, known_authority, new_authority_slug

if TYPE_CHECKING:
    from enforcement.services.tabular_import import ParsedRow, TabularReport

BATCH_SIZE = 500
# A model field a service refused -> the mapping field it came from, to name the file's column.
MODEL_FIELD_TARGET = {
    "decision_date": "date",
    "amount": "amount",
    "currency": "currency",
    "url": "source",
    "country": "country",
    "name": "respondent",
    "label": "articles",
}


def row_errors(number: str, mapping: Mapping, exc: ValidationError) -> list[RowError]:
    if not hasattr(exc, "error_dict"):
        return [RowError(number, "-", " ".join(exc.messages))]
    return [
        RowError(number, mapping.column(MODEL_FIELD_TARGET.get(name, "")) or name, " ".join(messages))
        for name, messages in exc.message_dict.items()
    ]


class _NewRecords:
    """The objects one row creates, validated, not yet saved."""

    def __init__(self, row: "ParsedRow", case: Case, decision: Decision, fine, articles, source):
        self.row, self.case, self.decision, self.fine = row, case, decision, fine
        self.articles: list[ArticleReference] = articles
        self.source: Source | None = source


class TabularWriter:
    def __init__(self, *, mapping: Mapping, user, source_name: str, report: "TabularReport"):
        self.mapping, self.user, self.report = mapping, user, report
        self.file_key = slugify(Path(source_name).stem)[:40] or "file"
        self.authorities: dict[tuple[str, str], Authority] = {}
        self.respondents: dict[str, Respondent] = {}
        self.failures: list[tuple[ParsedRow, list[RowError]]] = []

    # --- shared by both ways of writing ---

    def import_key(self, row: "ParsedRow") -> str:
        key = f"{self.mapping.name}:{self.file_key}:{row.number}"
        return key if len(key) <= 120 else key[:100] + hashlib.sha256(key.encode()).hexdigest()[:20]

    def authority(self, row: "ParsedRow") -> Authority:
        cache_key = (row.country, row.authority_text.casefold())
        if cache_key not in self.authorities:
            known = known_authority(row.authority_text, row.country)
            slug = known.slug if known else new_authority_slug(row.authority_text, row.country)
            authority = Authority.objects.filter(slug=slug).first()
            if authority is None:
                if row.country in EU_EEA:
                    kind = Authority.Kind.EU_EEA_DPA
                else:
                    kind = Authority.Kind.UK if row.country == "GB" else Authority.Kind.OTHER
                data = {"name": row.authority_text[:300], "country": row.country, "kind": kind, "slug": slug}
                if known:
                    data |= {"name": known.name, "short_name": known.short_name, "subdivision": known.subdivision}
                authority = authority_create(user=self.user, data=data)
                self.report.created["authority"] += 1
            self.authorities[cache_key] = authority
        return self.authorities[cache_key]

    def respondent(self, name: str) -> Respondent:
        if name not in self.respondents:
            slug = slugify(name)[:120] or "respondent-" + hashlib.sha256(name.encode()).hexdigest()[:12]
            respondent = Respondent.objects.filter(slug=slug).first()
            if respondent is None:
                respondent = respondent_create(user=self.user, data={"name": name, "slug": slug})
                self.report.created["respondent"] += 1
            self.respondents[name] = respondent
        return self.respondents[name]

    def case_data(self, row: "ParsedRow", key: str, authority: Authority, respondent: Respondent) -> dict:
        year = row.date.year if row.date else "date unknown"
        gdpr = any(p.article is not None for p in row.provisions) or self.mapping.default_instrument == "GDPR"
        kind = self.mapping.label
        return {
            "reference": slugify(f"import {key}")[:120],
            "authority": authority,
            "respondent": respondent,
            "title": f"{authority.short_name or authority.name} – {respondent.name} ({year})"[:300],
            "legal_framework": Case.LegalFramework.GDPR if gdpr else Case.LegalFramework.NATIONAL,
            "summary": row.summary,
            "public_notes": f"Violation type as {kind} reports it: {row.violation_type}" if row.violation_type else "",
            # Another tracker's findings are not ours: staff review them before publishing.
            "published": False,
            "status": Case.Status.DECIDED,
        }

    def decision_data(self, row: "ParsedRow") -> dict:
        notes = {}
        if row.amount is None:
            notes["fines"] = f"Amount not stated in {self.mapping.label} (row {row.number} gives 0 or nothing)."
        if row.articles_unknown:
            notes["articles"] = f"Provisions not stated in {self.mapping.label} (row {row.number})."
        return {
            "kind": Decision.Kind.FINE,
            "decision_date": row.date,
            "decision_date_precision": row.precision,
            "summary": row.summary,
            "short_summary": short_summary_from(row.summary),
            "verification_notes": notes,
        }

    def source_data(self, row: "ParsedRow") -> dict:
        kind, language = classify_source(row.source)
        title = f"{self.mapping.label}, row {row.number}"[:300]
        return {"url": row.source, "kind": kind, "language": language, "title": title}

    def add_source(self, row: "ParsedRow", decision: Decision) -> None:
        """A duplicate row: its source and provisions join the decision it duplicates, which says
        which rows were taken as one, so that staff can split two real decisions that happen to
        share authority, date, respondent and amount (e.g. two AEPD files against one company)."""
        if row.source and not Source.objects.filter(case_id=decision.case_id, url=row.source).exists():
            source_create(case=decision.case, user=self.user, data={**self.source_data(row), "decision": decision})
            self.report.created["source"] += 1
        have = {(a.instrument, a.article, a.paragraph, a.point) for a in decision.articles.all()}
        for provision in row.provisions:
            if (provision.instrument, provision.article, provision.paragraph, provision.point) not in have:
                data = {"decision": decision, **provision.as_data()}
                article_create(case=decision.case, user=self.user, data=data)
                self.report.created["article"] += 1
        notes = dict(decision.verification_notes or {})
        merged = f"{self.mapping.label} row {row.number}"
        if merged not in notes.get("duplicates", ""):
            notes["duplicates"] = "; ".join(
                filter(None, [notes.get("duplicates") or "Taken as the same decision (same authority, date, "
                              "respondent and amount)", merged])
            )  # fmt: skip
            decision_update(decision=decision, user=self.user, data={"verification_notes": notes})

    # --- batches ---

    def write_all(self, rows: list["ParsedRow"], progress: Callable[[int], None] | None) -> None:
        for start in range(0, len(rows), BATCH_SIZE):
            batch = rows[start : start + BATCH_SIZE]
            self.write_batch(batch)
            if progress:
                progress(len(batch))

    def write_batch(self, rows: list["ParsedRow"]) -> None:
        keys = {self.import_key(row): row for row in rows}
        stored_keys = set(Decision.objects.filter(import_key__in=keys).values_list("import_key", flat=True))
        stored = self.stored_duplicates(rows)
        fresh: list[_NewRecords] = []
        merges: list[tuple[ParsedRow, tuple]] = []
        pending: dict[tuple, _NewRecords] = {}
        for key, row in keys.items():
            if key in stored_keys:
                self.report.unchanged += 1
                continue
            authority, respondent = self.authority(row), self.respondent(row.respondent)
            duplicate_key = self.duplicate_key(row, authority, respondent)
            if duplicate_key is not None and (duplicate_key in stored or duplicate_key in pending):
                merges.append((row, duplicate_key))
                continue
            records = self.build(row, key, authority, respondent)
            if records is not None:
                fresh.append(records)
                if duplicate_key is not None:
                    pending[duplicate_key] = records
        try:
            with transaction.atomic():
                self.insert(fresh)
        except IntegrityError:
            for records in fresh:
                self.write_one(records.row)
        else:
            self.report.imported += len(fresh)
        for row, duplicate_key in merges:
            decision = stored.get(duplicate_key)
            if decision is None:
                # The first row of the pair went in with this batch, in bulk or one by one.
                first = self.import_key(pending[duplicate_key].row)
                decision = Decision.objects.select_related("case").filter(import_key=first).first()
            if decision is None:  # the first row was refused after all: this one stands alone
                self.write_one(row)
                continue
            self.add_source(row, decision)
            self.report.merged += 1

    def duplicate_key(self, row: "ParsedRow", authority: Authority, respondent: Respondent) -> tuple | None:
        if row.duplicate_key() is None:
            return None
        return (authority.pk, respondent.pk, row.date, row.precision, row.amount)

    def stored_duplicates(self, rows: list["ParsedRow"]) -> dict[tuple, Decision]:
        """Stored decisions that rows of this batch may duplicate, by duplicate key (one query)."""
        dates = {row.date for row in rows if row.duplicate_key() is not None}
        found: dict[tuple, Decision] = {}
        decisions = Decision.objects.filter(decision_date__in=dates).select_related("case").prefetch_related("fines")
        for decision in decisions:
            amounts = [fine.amount for fine in decision.fines.all()]
            if len(amounts) > 1:
                continue
            key = (
                decision.case.authority_id,
                decision.case.respondent_id,
                decision.decision_date,
                decision.decision_date_precision,
                Decimal(amounts[0]).quantize(Decimal("0.01")) if amounts else None,
            )
            found.setdefault(key, decision)
        return found

    def build(self, row: "ParsedRow", key: str, authority: Authority, respondent: Respondent) -> _NewRecords | None:
        case = Case(**self.case_data(row, key, authority, respondent))
        decision = Decision(case=case, import_key=key, **self.decision_data(row))
        fine = Fine(decision=decision, amount=row.amount, currency=row.currency) if row.amount is not None else None
        articles = [ArticleReference(case=case, decision=decision, **p.as_data()) for p in row.provisions]
        source = Source(case=case, decision=decision, **self.source_data(row)) if row.source else None
        try:
            for obj in [case, decision, *filter(None, [fine, source]), *articles]:
                # Unique fields and constraints are checked by the database at insert (step 4);
                # the links to the row's own case and decision are set once those have keys.
                parents = [name for name in ("case", "decision") if hasattr(obj, f"{name}_id")]
                obj.full_clean(exclude=parents, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            self.failures.append((row, row_errors(row.number, self.mapping, exc)))
            return None
        return _NewRecords(row, case, decision, fine, articles, source)

    def insert(self, fresh: list[_NewRecords]) -> None:
        Case.objects.bulk_create([r.case for r in fresh])
        for records in fresh:
            records.decision.case = records.case
        Decision.objects.bulk_create([r.decision for r in fresh])
        fines, articles, sources = [], [], []
        for records in fresh:
            for article in records.articles:
                article.case, article.decision = records.case, records.decision
            articles.extend(records.articles)
            if records.fine is not None:
                records.fine.decision = records.decision
                records.fine.amount_eur, records.fine.eur_rate = fine_eur_values(fine=records.fine)
                fines.append(records.fine)
            if records.source is not None:
                records.source.case, records.source.decision = records.case, records.decision
                sources.append(records.source)
        Fine.objects.bulk_create(fines)
        ArticleReference.objects.bulk_create(articles)
        Source.objects.bulk_create(sources)
        record_events_created(
            events=[
                (r.case, obj)
                for r in fresh
                for obj in [r.case, r.decision, *filter(None, [r.fine, r.source]), *r.articles]
            ],
            user=self.user,
        )
        cases_refresh_summary(case_ids=[r.case.pk for r in fresh])
        cases_classify(case_ids=[r.case.pk for r in fresh])
        self.report.created.update(
            {"case": len(fresh), "fine": len(fines), "article": len(articles), "source": len(sources)}
        )

    def write_one(self, row: "ParsedRow") -> None:
        """One row through the record services, in a savepoint: its errors name it."""
        try:
            with transaction.atomic():
                key = self.import_key(row)
                authority, respondent = self.authority(row), self.respondent(row.respondent)
                case = case_create(user=self.user, data=self.case_data(row, key, authority, respondent))
                decision = decision_create(case=case, user=self.user, import_key=key, data=self.decision_data(row))
                if row.amount is not None:
                    fine_create(
                        decision=decision, user=self.user, data={"amount": row.amount, "currency": row.currency}
                    )
                for provision in row.provisions:
                    article_create(case=case, user=self.user, data={"decision": decision, **provision.as_data()})
                if row.source:
                    source_create(case=case, user=self.user, data={**self.source_data(row), "decision": decision})
                cases_classify(case_ids=[case.pk])
        except ValidationError as exc:
            self.authorities.clear()  # what the row created was rolled back with its savepoint
            self.respondents.clear()
            self.failures.append((row, row_errors(row.number, self.mapping, exc)))
            return
        self.report.imported += 1
        self.report.created.update(
            {
                "case": 1,
                "fine": int(row.amount is not None),
                "article": len(row.provisions),
                "source": int(bool(row.source)),
            }
        )

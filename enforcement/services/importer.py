"""Importing the enforcement JSON file (e.g. the Clearview record in ../shared/data).

`enforcement_import(rows=...)`:
1. validates every row and field (import_parse.validate_rows); on any problem raises
   ImportValidationError listing row id + field + reason, and writes nothing;
2. inside one transaction, upserts authorities, respondents, cases (reference = the id of the
   row that starts the case; a row with `parent_decision` joins its parent's case), decisions
   (import_key = row id) and, per decision, fines, orders, penalty payments, liquidations,
   compliance checks, articles, sources and appeals;
3. is idempotent: a value is only written when it differs, and a set of child records is only
   replaced when it differs from what the file describes. Running it twice changes nothing.
   For rows whose content changed in the file, the file wins over edits made in the UI to the
   imported child records of that decision; history records the replacement.
"""

import datetime as dt
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.utils.text import slugify

from enforcement.dates import DatePrecision, partial_date_display
from enforcement.models import (
    Appeal,
    AppealEvent,
    ArticleReference,
    Authority,
    Case,
    ChangeRecord,
    Decision,
    Fine,
    Order,
    PenaltyLiquidation,
    PenaltyPayment,
    Respondent,
    Source,
)
from enforcement.services.facets import cases_classify
from enforcement.services.history import model_label, record_event
from enforcement.services.import_parse import (
    CASE_NUMBERS,
    EU_EEA,
    UNVERIFIED,
    ImportValidationError,
    Verifiable,
    appeal_event_kind,
    appeal_outcome,
    classify_source,
    courts_in,
    is_unverified,
    parse_amount,
    parse_article,
    parse_orders,
    parse_partial_date,
    parse_penalty_unit,
    parse_period,
    parse_row_date,
    payment_status,
    validate_rows,
    verification,
)
from enforcement.services.money import case_refresh_summary, exchange_rates_seed, fine_refresh_eur

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "data" / "clearview_enforcement.json"


@dataclass
class ImportReport:
    rows: int = 0
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    replaced: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    rates_changed: int = 0

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()) + sum(self.updated.values()) + sum(self.replaced.values()))

    def lines(self) -> list[str]:
        kinds = sorted(set(self.created) | set(self.updated) | set(self.replaced) | set(self.unchanged))
        lines = [f"{self.rows} rows read; exchange rates changed: {self.rates_changed}"]
        for kind in kinds:
            lines.append(
                f"  {kind:<20} created {self.created[kind]:>3}  updated {self.updated[kind]:>3}  "
                f"replaced {self.replaced[kind]:>3}  unchanged {self.unchanged[kind]:>3}"
            )
        return lines


def load_rows(path: Path) -> list:
    """Read the file; a file that is not JSON is reported like a row error."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        from enforcement.services.import_parse import RowError

        raise ImportValidationError([RowError("-", "-", f"cannot read {path}: {exc}")]) from exc
    except json.JSONDecodeError as exc:
        from enforcement.services.import_parse import RowError

        raise ImportValidationError(
            [RowError("-", "-", f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")]
        ) from exc


def enforcement_import(*, rows: list, user=None, source_name: str = "") -> ImportReport:
    errors = validate_rows(rows)
    if errors:
        raise ImportValidationError(errors)
    with transaction.atomic():
        return _Importer(rows, user, source_name).run()


# --- helpers -------------------------------------------------------------------------------------


def _current(obj: models.Model, name: str):
    field_ = obj._meta.get_field(name)
    # The importer writes forward fields only, never a reverse relation (a ForeignObjectRel).
    assert isinstance(field_, models.Field)
    return getattr(obj, field_.attname) if field_.is_relation else getattr(obj, name)


def _desired(obj: models.Model, name: str, value):
    field_ = obj._meta.get_field(name)
    if field_.is_relation:
        return value.pk if isinstance(value, models.Model) else value
    return value


def _sync(model, lookup: dict, values: dict, report: ImportReport, kind: str):
    """get-or-create by `lookup`, then write only the fields whose value differs."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean(validate_unique=False, validate_constraints=False)
        obj.save()
        report.created[kind] += 1
        return obj, True, {}
    changes = {}
    for name, value in values.items():
        old = _current(obj, name)
        if old != _desired(obj, name, value):
            changes[name] = (old, value)
            setattr(obj, name, value)
    if changes:
        obj.full_clean(validate_unique=False, validate_constraints=False)
        obj.save(update_fields=[*changes, *(["updated"] if model is Case else [])])
        report.updated[kind] += 1
    else:
        report.unchanged[kind] += 1
    return obj, False, changes


def _canonical(values: dict) -> str:
    return json.dumps(values, sort_keys=True, default=str)


def _rows_of(queryset, fields):
    return [_canonical({name: row[name] for name in fields}) for row in queryset.values(*fields)]


def _split_respondent(text: str) -> tuple[str, str]:
    name, _, description = text.partition(" - ")
    return name.strip(), description.strip()


def _legal_framework(text: str) -> str:
    lowered = text.lower()
    if lowered.startswith("uk gdpr"):
        return Case.LegalFramework.UK_GDPR
    if "gdpr" in lowered and "not gdpr" not in lowered:
        return Case.LegalFramework.GDPR
    return Case.LegalFramework.NATIONAL


def _parenthetical(text: str) -> str:
    match = re.search(r"\(([^()]*)\)", text)
    return match[1] if match else ""


def _complainant_text(ref: str) -> str:
    """'Decision 35/2022 (complaint by Homo Digitalis, lodged 2021-05-26)' -> the bracket."""
    text = _parenthetical(ref)
    return text if "complaint" in text.lower() else ""


def _public_reference(ref: str) -> str:
    """The authority's reference without the bracket that names the complainant."""
    complainant = _complainant_text(ref)
    return ref.replace(f"({complainant})", "").strip() if complainant else ref


def _money(amount: Decimal, currency: str) -> str:
    return f"{currency} {amount:,.0f}" if amount == amount.to_integral() else f"{currency} {amount:,.2f}"


# --- the import ----------------------------------------------------------------------------------


class _Importer:
    def __init__(self, rows: list, user, source_name: str):
        self.rows = rows
        self.user = user
        self.source_name = source_name or "the import file"
        self.by_id = {row["id"]: row for row in rows}
        self.report = ImportReport(rows=len(rows))
        self.decisions: dict[str, Decision] = {}
        self.cases: dict[str, Case] = {}
        self.created_cases: set[int] = set()

    def root(self, row: dict) -> dict:
        seen = set()
        while row.get("parent_decision") and row["id"] not in seen:
            seen.add(row["id"])
            row = self.by_id[row["parent_decision"]]
        return row

    def run(self) -> ImportReport:
        self.report.rates_changed = exchange_rates_seed()
        authorities = {row["id"]: self.authority(row) for row in self.rows}
        respondents = self.respondents()
        roots = [row for row in self.rows if not row.get("parent_decision")]
        for row in roots:
            self.case(row, authorities[row["id"]], respondents[row["respondent"]])
        # Parents before children so that `parent` can be set.
        for row in sorted(self.rows, key=lambda r: self._depth(r)):
            self.decision(row)
        non_compliance = self.liquidated_non_compliance()
        for row in self.rows:
            self.orders_and_penalties(row, non_compliance)
        for row in self.rows:
            self.liquidation(row)
            self.fines(row)
            self.articles(row)
            self.sources(row)
            self.appeals(row)
        for row in roots:
            self.case_status(row)
            case_refresh_summary(case=self.cases[row["id"]])
        cases_classify(case_ids=[self.cases[row["id"]].pk for row in roots])
        return self.report

    def _depth(self, row: dict) -> int:
        depth = 0
        while row.get("parent_decision"):
            row = self.by_id[row["parent_decision"]]
            depth += 1
        return depth

    # --- parties ---

    def authority(self, row: dict) -> Authority:
        data = row["authority"]
        country = row["country"]
        subdivision = (row.get("subdivision") or "").partition("-")[2]
        short_name = data.get("short_name") or ""
        code = f"{country}-{subdivision}" if subdivision else country
        slug = slugify(f"{code} {short_name or data['name']}")[:120]
        if country in EU_EEA:
            kind = Authority.Kind.EU_EEA_DPA
        elif country == "GB":
            kind = Authority.Kind.UK
        else:
            kind = Authority.Kind.OTHER
        values = {
            "name": data["name"],
            "short_name": short_name,
            "country": country,
            "subdivision": subdivision,
            "kind": kind,
        }
        obj, _, _ = _sync(Authority, {"slug": slug}, values, self.report, "authority")
        return obj

    def respondents(self) -> dict[str, Respondent]:
        result = {}
        for text in dict.fromkeys(row["respondent"] for row in self.rows):
            name, description = _split_respondent(text)
            art27_rows = [
                row["id"]
                for row in self.rows
                if row["respondent"] == text
                and any(
                    ref["article"] == 27 and not ref["instrument"]
                    for item in row.get("articles_violated") or []
                    for ref in parse_article(item)
                )
            ]
            values: dict[str, object] = {"name": name, "description": description[:300]}
            if art27_rows:
                note = (
                    f"Art. 27 GDPR infringement found in {', '.join(art27_rows)}; Art. 27 applies only to "
                    "controllers not established in the Union (Art. 3(2))."
                )
                values |= {
                    "eu_establishment": "no",
                    "art27_representative": "no",
                    "verification_notes": {"eu_establishment": note, "art27_representative": note},
                }
            obj, _, _ = _sync(Respondent, {"slug": slugify(name)[:120]}, values, self.report, "respondent")
            result[text] = obj
        return result

    # --- case and decisions ---

    def case(self, row: dict, authority: Authority, respondent: Respondent) -> Case:
        rows = [r for r in self.rows if self.root(r) is row]
        ref = row["decision_ref"]
        authority_name = row["authority"]["name"]
        if "joint" in ref.lower() or "joint with" in authority_name:
            origin, origin_detail = (
                Case.Origin.JOINT_INVESTIGATION,
                _parenthetical(ref) or _parenthetical(authority_name),
            )
        elif "complaint" in ref.lower():
            # The bracket names the complainant: kept internal (Case.complainant), not published.
            origin, origin_detail = Case.Origin.COMPLAINT, ""
        else:
            origin, origin_detail = Case.Origin.UNKNOWN, _parenthetical(ref) if "Art. 60" in ref else ""
        appeal_lines = []
        for r in rows:
            status = r.get("appeal_status")
            if status:
                appeal_lines.append(status if r is row else f"{r['id']}: {status}")
        appeal_summary = "\n".join(appeal_lines)
        public_notes = "\n".join(r["director_liability"] for r in rows if r.get("director_liability"))
        date, _, _ = parse_row_date(row.get("decision_date"))
        announced, _, _ = parse_row_date(row.get("announced_date"))
        # validate_rows wants a decision or an announcement date, but both may be UNVERIFIED text:
        # the title then says so instead of inventing a year.
        known = date or announced
        year = str(known.year) if known is not None else "date UNVERIFIED"
        title = f"{authority.short_name or authority.name} – {respondent.name} ({year})"
        verifiable = {
            "appeal_summary": Verifiable(
                None, is_unverified(appeal_summary), appeal_summary if is_unverified(appeal_summary) else ""
            ),
            "public_notes": Verifiable(
                None, is_unverified(public_notes), public_notes if is_unverified(public_notes) else ""
            ),
        }
        unverified_fields, notes = verification(verifiable)
        values = {
            "authority": authority,
            "respondent": respondent,
            "title": title[:300],
            "legal_framework": _legal_framework(row["legal_framework"]),
            "legal_framework_detail": row["legal_framework"][:300],
            "origin": origin,
            "origin_detail": origin_detail[:300],
            "complainant": _complainant_text(ref)[:300],
            "summary": self.case_summary(rows),
            "appeal_summary": appeal_summary,
            "public_notes": public_notes,
            "published": True,
            "unverified_fields": unverified_fields,
            "verification_notes": notes,
        }
        case, created, changes = _sync(Case, {"reference": row["id"]}, values, self.report, "case")
        if created:
            self.created_cases.add(case.pk)
            record_event(
                case=case,
                obj=case,
                action=ChangeRecord.Action.CREATE,
                user=self.user,
                text=f"Imported from {self.source_name}",
            )
        self._record(case, case, changes)
        self.cases[row["id"]] = case
        return case

    def case_summary(self, rows: list[dict]) -> str:
        parts = []
        for r in rows:
            date, precision, _ = parse_row_date(r.get("decision_date"))
            when = partial_date_display(date, precision)
            bits = [f"{r['authority'].get('short_name') or r['authority']['name']} decision ({when})"]
            if r.get("fine_amount") is not None:
                fine_amount = parse_amount(r["fine_amount"]).value
                assert fine_amount is not None  # parse_amount gives None only for None
                bits.append(f"{_money(fine_amount, r['currency'])}")
            if r.get("orders"):
                bits.append(f"{len(r['orders'])} order item(s)")
            if r.get("penalty_payment"):
                bits.append("penalty payment")
            parts.append(": ".join([bits[0], ", ".join(bits[1:])]) if len(bits) > 1 else bits[0])
        return "; ".join(parts) + "."

    def decision(self, row: dict) -> Decision:
        case = self.cases[self.root(row)["id"]]
        ref = row["decision_ref"]
        date, date_precision, date_v = parse_row_date(row.get("decision_date"))
        announced, announced_precision, announced_v = parse_row_date(row.get("announced_date"))
        if date is None and not date_v.unverified and re.search(r"decision date UNVERIFIED", ref):
            date_v = Verifiable(None, True, ref)
        penalty = row.get("penalty_payment") or {}
        orders = row.get("orders") or []
        if row.get("parent_decision") and penalty.get("liquidated_total") is not None:
            kind = Decision.Kind.PENALTY_LIQUIDATION
        elif row.get("fine_amount") is not None:
            kind = Decision.Kind.FINE
        elif "information request" in ref.lower():
            kind = Decision.Kind.INFORMATION_REQUEST
        elif "findings" in ref.lower() or any(o.lower().startswith("non-binding") for o in orders):
            kind = Decision.Kind.FINDINGS
        elif orders:
            kind = Decision.Kind.ORDER
        else:
            kind = Decision.Kind.OTHER
        kind_v = Verifiable(kind)
        final_order = re.search(r"[^;]*final order[^;]*UNVERIFIED[^;]*", row.get("appeal_status") or "")
        if final_order:
            kind_v = Verifiable(kind, True, final_order[0].strip())
        _, summary_notes, orders_v = parse_orders(orders)
        if row.get("parent_decision") and row["legal_framework"] != self.root(row)["legal_framework"]:
            summary_notes.insert(0, f"Legal basis: {row['legal_framework']}")
        values_v: dict[str, Verifiable] = {
            "reference": Verifiable(None, True, ref) if ref.startswith(UNVERIFIED) else Verifiable(ref),
            "decision_date": date_v,
            "announced_date": announced_v,
            "kind": kind_v,
        }
        if orders_v:
            values_v["orders"] = orders_v
        unverified_fields, notes = verification(values_v)
        parent_id = row.get("parent_decision")
        values = {
            "case": case,
            "kind": kind,
            "reference": "" if ref.startswith(UNVERIFIED) else _public_reference(ref)[:300],
            "decision_date": date,
            "decision_date_precision": date_precision,
            "announced_date": announced,
            "announced_date_precision": announced_precision,
            "parent": None if parent_id is None else self.decisions.get(parent_id),
            "summary": "\n".join(summary_notes),
            "source_discrepancies": row.get("source_errors") or [],
            "unverified_fields": unverified_fields,
            "verification_notes": notes,
        }
        decision, created, changes = _sync(Decision, {"import_key": row["id"]}, values, self.report, "decision")
        if created:
            record_event(case=case, obj=decision, action=ChangeRecord.Action.CREATE, user=self.user, text=str(decision))
        self._record(case, decision, changes)
        self.decisions[row["id"]] = decision
        return decision

    def _record(self, case: Case, obj: models.Model, changes: dict) -> None:
        now = dt.datetime.now(dt.UTC)
        ChangeRecord.objects.bulk_create(
            ChangeRecord(
                case=case,
                model_label=model_label(obj),
                object_id=str(obj.pk),
                field=name,
                old_value=str(old if old is not None else ""),
                new_value=str(_desired(obj, name, new) if new is not None else ""),
                changed_by=self.user if getattr(self.user, "is_authenticated", False) else None,
                changed_at=now,
            )
            for name, (old, new) in changes.items()
        )

    def _replace(self, *, case: Case, kind: str, existing: list[str], desired: list[dict], create) -> bool:
        """Replace a decision's set of child records when it differs from the file."""
        if existing == [_canonical(item) for item in desired]:
            self.report.unchanged[kind] += len(desired)
            return False
        create()
        if not existing:
            self.report.created[kind] += len(desired)
            return True
        self.report.replaced[kind] += 1
        ChangeRecord.objects.create(
            case=case,
            model_label=kind,
            object_id="",
            field=kind,
            old_value=f"{len(existing)} record(s)",
            new_value=f"{len(desired)} record(s) from {self.source_name}",
            changed_by=self.user if getattr(self.user, "is_authenticated", False) else None,
            changed_at=dt.datetime.now(dt.UTC),
        )
        return True

    # --- children ---

    def liquidated_non_compliance(self) -> dict[str, str]:
        """Parent row id -> why its orders count as not complied with.

        A liquidation decision establishes non-compliance for the period it liquidates, and no
        further: it is not a compliance check. No ComplianceCheck is made up from it (a check
        dated at the liquidation decision would stretch the accrual to that day: 115 days, EUR
        11.5M, instead of the 52 days liquidated). The orders' status is marked as derived."""
        derived = {}
        for row in self.rows:
            penalty = row.get("penalty_payment") or {}
            if row.get("parent_decision") and penalty.get("period") and penalty.get("liquidated_total") is not None:
                derived[row["parent_decision"]] = (
                    f"Derived, not a recorded compliance check: {row['id']} liquidated the penalty "
                    f"for {penalty['period']}" + (f" ({penalty['trigger']})" if penalty.get("trigger") else "") + "."
                )
        return derived

    ORDER_FIELDS = (
        "text",
        "binding",
        "applies_to",
        "applies_to_detail",
        "deadline",
        "compliance_status",
        "position",
        "unverified_fields",
        "verification_notes",
    )
    PENALTY_FIELDS = (
        "order_id",
        "amount_per_unit",
        "currency",
        "unit",
        "unit_detail",
        "max_units",
        "units_count",
        "starts_on",
        "start_rule",
        "cap",
        "cap_scope",
        "trigger",
        "nature",
        "unverified_fields",
        "verification_notes",
    )

    def orders_and_penalties(self, row: dict, non_compliance: dict) -> None:
        decision = self.decisions[row["id"]]
        case = decision.case
        orders, _, _ = parse_orders(row.get("orders") or [])
        for order in orders:
            if row["id"] in non_compliance:
                order["compliance_status"] = "not_complied"
                order["verification_notes"] = {
                    **order["verification_notes"],
                    "compliance_status": non_compliance[row["id"]],
                }
            else:
                order["compliance_status"] = "unknown"

        def create_orders():
            decision.orders.all().delete()
            Order.objects.bulk_create(Order(decision=decision, **order) for order in orders)

        self._replace(
            case=case,
            kind="order",
            existing=_rows_of(decision.orders.order_by("position", "id"), self.ORDER_FIELDS),
            desired=orders,
            create=create_orders,
        )
        penalty = row.get("penalty_payment")
        desired = []
        if penalty and penalty.get("period") is None:
            desired = [self.penalty_values(row, penalty, list(decision.orders.order_by("position", "id")))]

        def create_penalties():
            decision.penalty_payments.all().delete()
            for values in desired:
                obj = PenaltyPayment(decision=decision, **values)
                obj.full_clean()
                obj.save()

        self._replace(
            case=case,
            kind="penalty_payment",
            existing=_rows_of(decision.penalty_payments.order_by("id"), self.PENALTY_FIELDS),
            desired=desired,
            create=create_penalties,
        )

    def penalty_values(self, row: dict, penalty: dict, orders: list[Order]) -> dict:
        per_unit_text = penalty.get("amount", penalty.get("amount_per_order"))
        per_unit = parse_amount(per_unit_text, allow_unverified=True)
        unit, unit_detail, max_units, unit_v = parse_penalty_unit(penalty.get("unit"))
        if "amount_per_order" in penalty and not unit_detail:
            unit_detail = "per order"
        starts = penalty.get("starts") or ""
        starts_on, start_rule = None, starts
        starts_note = ""
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", starts):
            starts_on, start_rule = dt.date.fromisoformat(starts), ""
        else:
            for child in self.rows:
                child_penalty = child.get("penalty_payment") or {}
                if child.get("parent_decision") == row["id"] and child_penalty.get("period"):
                    starts_on = parse_period(child_penalty["period"])[0]
                    starts_note = f"Derived from the liquidation period in {child['id']} ({child_penalty['period']})"
                    break
        cap_raw = penalty.get("cap")
        cap_v = Verifiable(None, is_unverified(cap_raw), cap_raw) if isinstance(cap_raw, str) else parse_amount(cap_raw)
        values_v = {
            "amount_per_unit": Verifiable(per_unit.value, per_unit.unverified, per_unit.note),
            "unit": unit_v,
            "cap": cap_v,
            "starts_on": Verifiable(starts_on, False, starts_note),
        }
        unverified_fields, notes = verification(values_v)
        order = orders[0] if len(orders) == 1 else next((o for o in orders if "penalty" in o.text.lower()), None)
        return {
            "order_id": order.pk if order else None,
            "amount_per_unit": per_unit.value,
            "currency": penalty.get("currency") or penalty.get("cap_currency"),
            "unit": unit,
            "unit_detail": unit_detail,
            "max_units": max_units,
            "units_count": penalty.get("orders_count"),
            "starts_on": starts_on,
            "start_rule": start_rule[:300],
            "cap": cap_v.value,
            "cap_scope": (penalty.get("cap_scope") or "")[:300],
            "trigger": penalty.get("trigger") or "",
            "nature": (penalty.get("type") or "")[:200],
            "unverified_fields": unverified_fields,
            "verification_notes": notes,
        }

    def liquidation(self, row: dict) -> None:
        penalty = row.get("penalty_payment") or {}
        if penalty.get("period") is None:
            return
        decision = self.decisions[row["id"]]
        parent_penalty = self.decisions[row["parent_decision"]].penalty_payments.order_by("id").first()
        # validate_rows: the parent row imposes a penalty, and orders_and_penalties() created it.
        assert parent_penalty is not None
        start, end, days = parse_period(penalty["period"])
        desired = [
            {
                "decision_id": decision.pk,
                "period_start": start,
                "period_end": end,
                "units": days,
                "amount": parse_amount(penalty["liquidated_total"]).value,
                "payment_status": payment_status(row.get("enforcement_status"), appeal_pending=False),
                "payment_note": row.get("enforcement_status") or "",
            }
        ]
        fields = ("decision_id", "period_start", "period_end", "units", "amount", "payment_status", "payment_note")

        def create():
            parent_penalty.liquidations.filter(decision=decision).delete()
            PenaltyLiquidation.objects.bulk_create(PenaltyLiquidation(penalty=parent_penalty, **v) for v in desired)

        self._replace(
            case=decision.case,
            kind="penalty_liquidation",
            existing=_rows_of(parent_penalty.liquidations.filter(decision=decision).order_by("id"), fields),
            desired=desired,
            create=create,
        )

    def fines(self, row: dict) -> None:
        decision = self.decisions[row["id"]]
        desired = []
        # A liquidation row's `fine_amount` repeats its liquidated total: the amount is the
        # liquidation's (see liquidation()), never also a fine.
        if row.get("fine_amount") is not None and decision.kind != Decision.Kind.PENALTY_LIQUIDATION:
            history = [event["event"] for event in row.get("appeal_history") or []]
            pending = bool(history) and appeal_outcome(row.get("appeal_status"), history) == "pending"
            desired = [
                {
                    "amount": parse_amount(row["fine_amount"]).value,
                    "currency": row["currency"],
                    "payment_status": payment_status(row.get("enforcement_status"), appeal_pending=pending),
                    "payment_note": row.get("enforcement_status") or "",
                    "unverified_fields": ["payment_status"] if is_unverified(row.get("enforcement_status")) else [],
                    "verification_notes": {},
                }
            ]
        fields = ("amount", "currency", "payment_status", "payment_note", "unverified_fields", "verification_notes")

        def create():
            decision.fines.all().delete()
            for values in desired:
                fine = Fine(decision=decision, **values)
                fine.full_clean()
                fine.save()
                fine_refresh_eur(fine=fine)

        if not self._replace(
            case=decision.case,
            kind="fine",
            existing=_rows_of(decision.fines.order_by("id"), fields),
            desired=desired,
            create=create,
        ):
            for fine in decision.fines.all():
                fine_refresh_eur(fine=fine)

    ARTICLE_FIELDS = (
        "instrument",
        "article",
        "paragraph",
        "point",
        "read_with",
        "label",
        "note",
        "role",
        "unverified_fields",
        "verification_notes",
    )

    def articles(self, row: dict) -> None:
        decision = self.decisions[row["id"]]
        desired = [
            ref
            for item in row.get("articles_violated") or []
            for ref in parse_article(item, framework_text=row["legal_framework"])
        ]

        def create():
            decision.articles.all().delete()
            ArticleReference.objects.bulk_create(
                ArticleReference(case=decision.case, decision=decision, **values) for values in desired
            )

        self._replace(
            case=decision.case,
            kind="article",
            existing=_rows_of(decision.articles.order_by("id"), self.ARTICLE_FIELDS),
            desired=desired,
            create=create,
        )

    def sources(self, row: dict) -> None:
        decision = self.decisions[row["id"]]
        desired = []
        for url in row.get("sources") or []:
            kind, language = classify_source(url)
            desired.append({"url": url, "kind": kind, "language": language, "title": ""})
        fields = ("url", "kind", "language", "title")

        def create():
            decision.sources.all().delete()
            Source.objects.bulk_create(Source(case=decision.case, decision=decision, **values) for values in desired)

        self._replace(
            case=decision.case,
            kind="source",
            existing=_rows_of(decision.sources.order_by("id"), fields),
            desired=desired,
            create=create,
        )

    def appeals(self, row: dict) -> None:
        decision = self.decisions[row["id"]]
        history = row.get("appeal_history") or []
        status = row.get("appeal_status") or ""
        desired: list[dict[str, Any]] = []
        if history:
            texts = [event["event"] for event in history]
            courts = courts_in(status) or next((courts_in(text) for text in reversed(texts) if courts_in(text)), [])
            numbers = list(dict.fromkeys(n for text in texts for n in CASE_NUMBERS.findall(text)))
            outcome = appeal_outcome(status, texts)
            unverified = is_unverified(status) or (outcome in ("upheld",) and any(is_unverified(t) for t in texts[-1:]))
            events = []
            for event in history:
                date, precision = parse_partial_date(event["date"])
                events.append(
                    {
                        "kind": appeal_event_kind(event["event"]),
                        "date": date,
                        "date_precision": precision,
                        "note": event["event"],
                        "unverified": is_unverified(event["event"]),
                    }
                )
            desired.append(
                {
                    "court": courts[0] if courts else "",
                    "case_number": "; ".join(numbers)[:200],
                    "outcome": outcome,
                    "status_text": status,
                    "unverified_fields": ["outcome"] if unverified else [],
                    "verification_notes": {"outcome": status or texts[-1]} if unverified else {},
                    "events": events,
                }
            )
        existing = []
        for appeal in decision.appeals.order_by("id").prefetch_related("events"):
            item = {name: getattr(appeal, name) for name in ("court", "case_number", "outcome", "status_text")}
            item |= {"unverified_fields": appeal.unverified_fields, "verification_notes": appeal.verification_notes}
            item["events"] = [
                {
                    "kind": e.kind,
                    "date": e.date,
                    "date_precision": e.date_precision,
                    "note": e.note,
                    "unverified": e.unverified,
                }
                for e in sorted(appeal.events.all(), key=lambda e: e.id)
            ]
            existing.append(_canonical(item))

        def create():
            decision.appeals.all().delete()
            for values in desired:
                values = dict(values)
                events = values.pop("events")
                appeal = Appeal.objects.create(case=decision.case, decision=decision, **values)
                AppealEvent.objects.bulk_create(AppealEvent(appeal=appeal, **event) for event in events)

        self._replace(case=decision.case, kind="appeal", existing=existing, desired=desired, create=create)

    def case_status(self, row: dict) -> None:
        case = self.cases[row["id"]]
        outcomes = list(Appeal.objects.filter(case=case).values_list("outcome", flat=True))
        statuses = " ".join(r.get("appeal_status") or "" for r in self.rows if self.root(r) is row).lower()
        short = (case.authority.short_name or "").lower()
        if "pending" in outcomes:
            status = Case.Status.UNDER_APPEAL
        elif re.search(r"(^|; )final\b", statuses) or "no further action" in statuses:
            status = Case.Status.CLOSED
        elif "remitted" in outcomes and short and f"remitted to {short}" in statuses:
            status = Case.Status.OPEN
        else:
            status = Case.Status.DECIDED
        if case.status != status:
            self._record(case, case, {"status": (case.status, status)})
            Case.objects.filter(pk=case.pk).update(status=status)
            case.status = status
            if case.pk not in self.created_cases:
                self.report.updated["case"] += 1


def import_summary_of_file(path: Path = DEFAULT_FILE) -> dict:
    """Counts straight from the file, for tests and the command's report."""
    rows = load_rows(path)
    authorities = {row["authority"]["name"] for row in rows}
    return {
        "rows": len(rows),
        "authorities": len(authorities),
        "cases": sum(1 for row in rows if not row.get("parent_decision")),
        "currencies": sorted({row["currency"] for row in rows if row.get("currency")}),
        "countries": sorted({row["country"] for row in rows}),
        "precision_unknown": [
            row["id"] for row in rows if parse_row_date(row.get("decision_date"))[1] == DatePrecision.UNKNOWN
        ],
    }

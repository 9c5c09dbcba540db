"""Create, update and delete services for every enforcement record, with history.

Each takes keyword arguments only, validates with the model's own validators and constraints
(`full_clean`, raising django.core.exceptions.ValidationError keyed by field name), saves inside a
transaction, writes ChangeRecord rows for what changed, and refreshes the case's list columns.
`data` maps model field names to Python values (FKs as instances, dates as `datetime.date`,
amounts as `Decimal`); forms and serializers pass their cleaned data.
"""

import datetime as dt
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction

from enforcement.dates import DatePrecision
from enforcement.models import (
    Appeal,
    AppealEvent,
    ArticleReference,
    Authority,
    Case,
    ChangeRecord,
    ComplianceCheck,
    Decision,
    Fine,
    Order,
    PenaltyLiquidation,
    PenaltyPayment,
    QuotedConversion,
    Respondent,
    Source,
)
from enforcement.services.history import record_changes, record_event, snapshot
from enforcement.services.law import complaint_refresh_due, date_plausible_check
from enforcement.services.money import case_refresh_summary, fine_refresh_eur

# The save helpers return the very model instance they were given, typed as such.
M = TypeVar("M", bound=models.Model)

VERIFICATION = ("unverified_fields", "verification_notes")

CASE_FIELDS = (
    "reference",
    "authority",
    "respondent",
    "title",
    "legal_framework",
    "legal_framework_detail",
    "origin",
    "origin_detail",
    "complaint_received_on",
    "complainant",
    "complainant_public",
    "lead_authority",
    "concerned_authorities",
    "status",
    "summary",
    "appeal_summary",
    "public_notes",
    "published",
    "internal_notes",
    "sector",
    "violation_types",
    *VERIFICATION,
)
# Staff setting either facet takes it over from the classifier (services.facets).
CASE_FACET_FIELDS = ("sector", "violation_types")
DECISION_FIELDS = (
    "kind",
    "reference",
    "decision_date",
    "decision_date_precision",
    "announced_date",
    "announced_date_precision",
    "parent",
    "summary",
    "short_summary",
    "source_discrepancies",
    *VERIFICATION,
)
FINE_FIELDS = (
    "amount",
    "currency",
    "payment_status",
    "payment_note",
    "ceiling",
    "turnover",
    "turnover_currency",
    "turnover_year",
    *VERIFICATION,
)
ORDER_FIELDS = (
    "text",
    "power",
    "binding",
    "applies_to",
    "applies_to_detail",
    "deadline",
    "compliance_status",
    "position",
    *VERIFICATION,
)
PENALTY_FIELDS = (
    "order",
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
    *VERIFICATION,
)
LIQUIDATION_FIELDS = ("decision", "period_start", "period_end", "units", "amount", "payment_status", "payment_note")
APPEAL_FIELDS = ("decision", "court", "case_number", "outcome", "status_text", *VERIFICATION)
APPEAL_EVENT_FIELDS = ("kind", "date", "date_precision", "note", "unverified")
CHECK_FIELDS = ("checked_on", "complied", "note", "source_url")
SOURCE_FIELDS = ("url", "language", "kind", "title", "decision")
ARTICLE_FIELDS = (
    "decision",
    "instrument",
    "article",
    "paragraph",
    "point",
    "read_with",
    "label",
    "note",
    "role",
    *VERIFICATION,
)
CONVERSION_FIELDS = ("amount", "currency", "quoted_on", "source_url", "note")


# --- the generic machinery ---------------------------------------------------------------------


def _check_fields(data: dict, allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "This field does not exist or cannot be changed here."))


def _assign(obj: models.Model, data: dict) -> dict:
    """Set plain fields now; return the many-to-many values to set after saving."""
    m2m = {}
    for name, value in data.items():
        if obj._meta.get_field(name).many_to_many:
            m2m[name] = value
        else:
            setattr(obj, name, value)
    return m2m


def _normalise_partial_date(data: dict, date_field: str, precision_field: str, current: models.Model | None) -> None:
    """Keep a date and its precision consistent: a new date given without a precision is a full
    date, no date means precision 'unknown', and a month/year precision moves the date to the 1st.
    A date with precision 'unknown' is left for the model constraint to reject with its message."""
    if date_field not in data and precision_field not in data:
        return
    date = data[date_field] if date_field in data else getattr(current, date_field, None)
    if data.get(precision_field):
        precision = data[precision_field]
    elif date_field in data:
        precision = DatePrecision.DAY if date else DatePrecision.UNKNOWN
    else:
        precision = getattr(current, precision_field, DatePrecision.UNKNOWN)
    if date is None:
        precision = DatePrecision.UNKNOWN
    elif isinstance(date, dt.date) and precision == DatePrecision.YEAR:
        date = date.replace(month=1, day=1)
    elif isinstance(date, dt.date) and precision == DatePrecision.MONTH:
        date = date.replace(day=1)
    data[date_field] = date
    data[precision_field] = precision


def _save_new(*, obj: M, data: dict, case: Case, user, fields: tuple[str, ...]) -> M:
    _check_fields(data, fields)
    m2m = _assign(obj, data)
    obj.full_clean()
    obj.save()
    for name, value in m2m.items():
        getattr(obj, name).set(value)
    record_event(case=case, obj=obj, action=ChangeRecord.Action.CREATE, user=user, text=str(obj))
    return obj


def _save_changes(*, obj: M, data: dict, case: Case, user, fields: tuple[str, ...]) -> M:
    _check_fields(data, fields)
    before = snapshot(obj, data)
    m2m = _assign(obj, data)
    obj.full_clean()
    obj.save()
    for name, value in m2m.items():
        getattr(obj, name).set(value)
    record_changes(case=case, obj=obj, before=before, after=snapshot(obj, data), user=user)
    return obj


def _same_case(errors: dict[str, str], field: str, related, case: Case) -> None:
    related_case_id = getattr(related, "case_id", None)
    if related is not None and related_case_id != case.pk:
        errors[field] = "Must belong to the same case."


# --- cases ---------------------------------------------------------------------------------------


@transaction.atomic
def case_create(*, user, data: dict) -> Case:
    case = Case()
    _check_fields(data, CASE_FIELDS)
    date_plausible_check("complaint_received_on", data.get("complaint_received_on"))
    m2m = _assign(case, data)
    case.full_clean()
    case.save()
    for name, value in m2m.items():
        getattr(case, name).set(value)
    record_event(case=case, obj=case, action=ChangeRecord.Action.CREATE, user=user, text=str(case))
    return complaint_refresh_due(case=case)


@transaction.atomic
def case_update(*, case: Case, user, data: dict) -> Case:
    """Staff edits. Setting the sector or violation types marks them as staff's (not derived), so
    that the classifier no longer changes them."""
    data = dict(data)
    date_plausible_check("complaint_received_on", data.get("complaint_received_on"))
    _save_changes(obj=case, data=data, case=case, user=user, fields=CASE_FIELDS)
    complaint_refresh_due(case=case)
    if case.facets_derived and any(name in data for name in CASE_FACET_FIELDS):
        Case.objects.filter(pk=case.pk).update(facets_derived=False)
        case.facets_derived = False
    return case


# --- decisions -----------------------------------------------------------------------------------


def _decision_data(data: dict, current: Decision | None) -> dict:
    data = dict(data)
    _normalise_partial_date(data, "decision_date", "decision_date_precision", current)
    _normalise_partial_date(data, "announced_date", "announced_date_precision", current)
    return data


def _check_parent(decision: Decision, case: Case, parent) -> None:
    if parent is None:
        return
    errors: dict[str, str] = {}
    _same_case(errors, "parent", parent, case)
    node, seen = parent, set()
    while node is not None and not errors:
        if decision.pk is not None and node.pk == decision.pk:
            errors["parent"] = "A decision cannot be its own ancestor."
        if node.pk in seen:
            break
        seen.add(node.pk)
        node = node.parent
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def decision_create(*, case: Case, user, data: dict, import_key: str | None = None) -> Decision:
    """`import_key` is set by importers only (the row's key, so that importing again is a no-op);
    it is not in `data` because no form or API may change it."""
    data = _decision_data(data, None)
    decision = Decision(case=case, import_key=import_key)
    _check_parent(decision, case, data.get("parent"))
    _save_new(obj=decision, data=data, case=case, user=user, fields=DECISION_FIELDS)
    case_refresh_summary(case=case)
    return decision


@transaction.atomic
def decision_update(*, decision: Decision, user, data: dict) -> Decision:
    data = _decision_data(data, decision)
    if "parent" in data:
        _check_parent(decision, decision.case, data["parent"])
    _save_changes(obj=decision, data=data, case=decision.case, user=user, fields=DECISION_FIELDS)
    for fine in decision.fines.all():
        fine_refresh_eur(fine=fine)
    case_refresh_summary(case=decision.case)
    return decision


# --- fines and quoted conversions ----------------------------------------------------------------


@transaction.atomic
def fine_create(*, decision: Decision, user, data: dict) -> Fine:
    if decision.kind == Decision.Kind.PENALTY_LIQUIDATION:
        # Counting a liquidated penalty payment as a fine counted the CNIL's EUR 5.2M twice.
        raise ValidationError(
            "A liquidated penalty payment is not a fine (GDPR Art. 83): record it as a liquidation "
            "of its penalty payment."
        )
    fine = _save_new(obj=Fine(decision=decision), data=dict(data), case=decision.case, user=user, fields=FINE_FIELDS)
    fine_refresh_eur(fine=fine)
    case_refresh_summary(case=decision.case)
    return fine


@transaction.atomic
def fine_update(*, fine: Fine, user, data: dict) -> Fine:
    case = fine.decision.case
    _save_changes(obj=fine, data=dict(data), case=case, user=user, fields=FINE_FIELDS)
    fine_refresh_eur(fine=fine)
    case_refresh_summary(case=case)
    return fine


@transaction.atomic
def quoted_conversion_create(*, fine: Fine, user, data: dict) -> QuotedConversion:
    return _save_new(
        obj=QuotedConversion(fine=fine), data=dict(data), case=fine.decision.case, user=user, fields=CONVERSION_FIELDS
    )


# --- orders and compliance -----------------------------------------------------------------------


@transaction.atomic
def order_create(*, decision: Decision, user, data: dict) -> Order:
    return _save_new(obj=Order(decision=decision), data=dict(data), case=decision.case, user=user, fields=ORDER_FIELDS)


@transaction.atomic
def order_update(*, order: Order, user, data: dict) -> Order:
    return _save_changes(obj=order, data=dict(data), case=order.decision.case, user=user, fields=ORDER_FIELDS)


@transaction.atomic
def compliance_check_create(*, order: Order, user, data: dict, update_status: bool = True) -> ComplianceCheck:
    """Record a dated check; with update_status the order's status follows the latest check."""
    check = _save_new(
        obj=ComplianceCheck(order=order), data=dict(data), case=order.decision.case, user=user, fields=CHECK_FIELDS
    )
    if update_status:
        latest = order.checks.order_by("-checked_on", "-id").first()
        assert latest is not None  # the check saved above is one of them
        status = Order.ComplianceStatus.COMPLIED if latest.complied else Order.ComplianceStatus.NOT_COMPLIED
        if order.compliance_status != status:
            order_update(order=order, user=user, data={"compliance_status": status})
    return check


# --- penalty payments ----------------------------------------------------------------------------


def _check_penalty_order(decision: Decision, order) -> None:
    if order is not None and order.decision_id != decision.pk:
        raise ValidationError({"order": "The order must belong to the same decision."})


@transaction.atomic
def penalty_create(*, decision: Decision, user, data: dict) -> PenaltyPayment:
    _check_penalty_order(decision, data.get("order"))
    return _save_new(
        obj=PenaltyPayment(decision=decision), data=dict(data), case=decision.case, user=user, fields=PENALTY_FIELDS
    )


@transaction.atomic
def penalty_update(*, penalty: PenaltyPayment, user, data: dict) -> PenaltyPayment:
    if "order" in data:
        _check_penalty_order(penalty.decision, data["order"])
    return _save_changes(obj=penalty, data=dict(data), case=penalty.decision.case, user=user, fields=PENALTY_FIELDS)


def _check_liquidation(errors: dict[str, str], penalty: PenaltyPayment, data: dict, *, exclude_pk=None) -> None:
    """A liquidation fixes what a penalty payment came to: its period runs forwards, it cannot
    exceed what accrued (units x amount per unit) and, with what was liquidated before, never
    passes the cap. The one place these rules live (the form, the API and any caller use it)."""
    start, end = data.get("period_start"), data.get("period_end")
    if start and end and end < start:
        errors["period_end"] = "The period must not end before it starts."
    units, amount, rate = data.get("units"), data.get("amount"), penalty.amount_per_unit
    if units is not None and amount is not None and rate is not None and amount > units * rate:
        errors["amount"] = (
            f"More than {units} × {rate:,.2f} {penalty.currency}: a liquidation cannot exceed what accrued."
        )
    cap = penalty.cap
    if amount is not None and cap is not None and "amount" not in errors:
        already = sum(item.amount for item in penalty.liquidations.exclude(pk=exclude_pk))
        if already + amount > cap:
            errors["amount"] = (
                f"With the {already:,.2f} already liquidated this passes the cap of {cap:,.2f} {penalty.currency}."
            )


@transaction.atomic
def penalty_liquidation_create(*, penalty: PenaltyPayment, user, data: dict) -> PenaltyLiquidation:
    case = penalty.decision.case
    # Lock the penalty payment: two liquidations recorded at once cannot pass the cap together.
    penalty = PenaltyPayment.objects.select_for_update().get(pk=penalty.pk)
    errors: dict[str, str] = {}
    _same_case(errors, "decision", data.get("decision"), case)
    _check_liquidation(errors, penalty, data)
    if errors:
        raise ValidationError(errors)
    return _save_new(
        obj=PenaltyLiquidation(penalty=penalty), data=dict(data), case=case, user=user, fields=LIQUIDATION_FIELDS
    )


# --- appeals -------------------------------------------------------------------------------------


@transaction.atomic
def appeal_create(*, case: Case, user, data: dict) -> Appeal:
    errors: dict[str, str] = {}
    _same_case(errors, "decision", data.get("decision"), case)
    if errors:
        raise ValidationError(errors)
    return _save_new(obj=Appeal(case=case), data=dict(data), case=case, user=user, fields=APPEAL_FIELDS)


@transaction.atomic
def appeal_update(*, appeal: Appeal, user, data: dict) -> Appeal:
    errors: dict[str, str] = {}
    if "decision" in data:
        _same_case(errors, "decision", data["decision"], appeal.case)
    if errors:
        raise ValidationError(errors)
    return _save_changes(obj=appeal, data=dict(data), case=appeal.case, user=user, fields=APPEAL_FIELDS)


@transaction.atomic
def appeal_event_create(*, appeal: Appeal, user, data: dict) -> AppealEvent:
    data = dict(data)
    _normalise_partial_date(data, "date", "date_precision", None)
    return _save_new(obj=AppealEvent(appeal=appeal), data=data, case=appeal.case, user=user, fields=APPEAL_EVENT_FIELDS)


# --- sources and articles ------------------------------------------------------------------------


@transaction.atomic
def source_create(*, case: Case, user, data: dict) -> Source:
    errors: dict[str, str] = {}
    _same_case(errors, "decision", data.get("decision"), case)
    if errors:
        raise ValidationError(errors)
    return _save_new(obj=Source(case=case), data=dict(data), case=case, user=user, fields=SOURCE_FIELDS)


@transaction.atomic
def article_create(*, case: Case, user, data: dict) -> ArticleReference:
    errors: dict[str, str] = {}
    _same_case(errors, "decision", data.get("decision"), case)
    if errors:
        raise ValidationError(errors)
    return _save_new(obj=ArticleReference(case=case), data=dict(data), case=case, user=user, fields=ARTICLE_FIELDS)


@transaction.atomic
def source_update(*, source: Source, user, data: dict) -> Source:
    errors: dict[str, str] = {}
    if "decision" in data:
        _same_case(errors, "decision", data["decision"], source.case)
    if errors:
        raise ValidationError(errors)
    return _save_changes(obj=source, data=dict(data), case=source.case, user=user, fields=SOURCE_FIELDS)


@transaction.atomic
def article_update(*, article: ArticleReference, user, data: dict) -> ArticleReference:
    errors: dict[str, str] = {}
    if "decision" in data:
        _same_case(errors, "decision", data["decision"], article.case)
    if errors:
        raise ValidationError(errors)
    return _save_changes(obj=article, data=dict(data), case=article.case, user=user, fields=ARTICLE_FIELDS)


# --- deleting ------------------------------------------------------------------------------------


def _case_of(obj: models.Model) -> Case:
    if isinstance(obj, Case):
        return obj
    for path in ("case", "decision.case", "fine.decision.case", "order.decision.case", "penalty.decision.case"):
        node = obj
        try:
            for part in path.split("."):
                node = getattr(node, part)
        except AttributeError:
            continue
        if isinstance(node, Case):
            return node
    appeal = getattr(obj, "appeal", None)
    if appeal is not None:
        return appeal.case
    raise TypeError(f"cannot find the case of {obj!r}")


@transaction.atomic
def record_delete(*, obj: models.Model, user) -> None:
    """Delete a record that belongs to a case (not the case itself), keeping a history line."""
    if isinstance(obj, Case):
        raise ValidationError("Cases are not deleted; unpublish or close them instead.")
    if isinstance(obj, Decision) and obj.children.exists():
        raise ValidationError({"parent": "Delete the decisions that refer to this one first."})
    case = _case_of(obj)
    record_event(case=case, obj=obj, action=ChangeRecord.Action.DELETE, user=user, text=str(obj))
    obj.delete()
    case_refresh_summary(case=case)
    complaint_refresh_due(case=case)


# --- parties (not part of a case: no case history) -----------------------------------------------

AUTHORITY_FIELDS = ("slug", "name", "short_name", "country", "subdivision", "kind")
RESPONDENT_FIELDS = (
    "slug",
    "name",
    "description",
    "country_of_establishment",
    "eu_establishment",
    "art27_representative",
    "sector",
    *VERIFICATION,
)


def _save_party(obj: M, data: dict, fields: tuple[str, ...]) -> M:
    _check_fields(data, fields)
    _assign(obj, data)
    obj.full_clean()
    obj.save()
    return obj


@transaction.atomic
def authority_create(*, user, data: dict) -> Authority:
    return _save_party(Authority(), dict(data), AUTHORITY_FIELDS)


@transaction.atomic
def authority_update(*, authority: Authority, user, data: dict) -> Authority:
    return _save_party(authority, dict(data), AUTHORITY_FIELDS)


@transaction.atomic
def respondent_create(*, user, data: dict) -> Respondent:
    return _save_party(Respondent(), dict(data), RESPONDENT_FIELDS)


@transaction.atomic
def respondent_update(*, respondent: Respondent, user, data: dict) -> Respondent:
    return _save_party(respondent, dict(data), RESPONDENT_FIELDS)


@transaction.atomic
def party_delete(*, obj: Authority | Respondent, user) -> None:
    """Delete an authority or respondent that no case refers to."""
    in_use = obj.cases.exists() or (
        isinstance(obj, Authority) and (obj.led_cases.exists() or obj.concerned_cases.exists())
    )
    if in_use:
        raise ValidationError("Cases refer to this record; it cannot be deleted.")
    obj.delete()

"""Write services of the enforcement domain. Views, serializers, forms, admin and commands call
these; nothing else writes enforcement records. All are keyword-only and transaction-safe, raise
django.core.exceptions.ValidationError (keyed by field name) for invalid data, and write a
ChangeRecord per changed field (who, when, field, old, new).

Stable signatures (`data` maps model field names to cleaned Python values):

    case_create(*, user, data) -> Case
    case_update(*, case, user, data) -> Case
    decision_create(*, case, user, data, import_key=None) -> Decision
    decision_update(*, decision, user, data) -> Decision
    fine_create(*, decision, user, data) -> Fine
    fine_update(*, fine, user, data) -> Fine
    quoted_conversion_create(*, fine, user, data) -> QuotedConversion
    order_create(*, decision, user, data) -> Order
    order_update(*, order, user, data) -> Order
    compliance_check_create(*, order, user, data, update_status=True) -> ComplianceCheck
    penalty_create(*, decision, user, data) -> PenaltyPayment
    penalty_update(*, penalty, user, data) -> PenaltyPayment
    penalty_liquidation_create(*, penalty, user, data) -> PenaltyLiquidation
    appeal_create(*, case, user, data) -> Appeal
    appeal_update(*, appeal, user, data) -> Appeal
    appeal_event_create(*, appeal, user, data) -> AppealEvent
    source_create(*, case, user, data) -> Source
    article_create(*, case, user, data) -> ArticleReference
    source_update(*, source, user, data) / article_update(*, article, user, data)
    record_delete(*, obj, user) -> None            (any record of a case, not the case)
    authority_create(*, user, data) / authority_update(*, authority, user, data) -> Authority
    respondent_create(*, user, data) / respondent_update(*, respondent, user, data) -> Respondent
    party_delete(*, obj, user) -> None             (authority/respondent no case refers to)
    enforcement_import(*, rows, user=None, source_name="") -> ImportReport   (services.importer)

    penalty_accrued(*, penalty, as_of: date) -> AccrualResult
        (units, amount, capped, cap, remaining_to_cap, periods, liquidated, outstanding,
         max_exposure, stopped_on, explanation, known)
    money_to_eur(amount, currency, on_date) -> Decimal | None
    rate_for(*, currency, on_date) -> ExchangeRate | None
    exchange_rate_set(*, currency, valid_from, units_per_eur, source) -> (ExchangeRate, changed)
    exchange_rates_seed() -> int
    case_refresh_summary(*, case) -> Case
    fine_refresh_eur(*, fine) -> Fine

    fine_ceiling_assess(*, fine) -> CeilingAssessment | None       (services.law: Art. 83(4)-(6))
    complaint_refresh_due(*, case) -> Case                          (services.law: Art. 77(2))
    fine_criterion_create(*, fine, user, data) -> FineCriterionAssessment   (services.legal_records)
    investigative_act_create(*, case, user, data) / investigative_act_update(*, act, user, data)
    complainant_update_create(*, case, user, data) -> ComplainantUpdate
"""

from enforcement.services.law import CeilingAssessment, complaint_refresh_due, fine_ceiling_assess
from enforcement.services.legal_records import (
    complainant_update_create,
    fine_criterion_create,
    investigative_act_create,
    investigative_act_update,
)
from enforcement.services.money import (
    case_refresh_summary,
    exchange_rate_set,
    exchange_rates_seed,
    fine_refresh_eur,
    fines_refresh_eur,
    money_to_eur,
    rate_for,
)
from enforcement.services.penalties import AccrualPeriod, AccrualResult, penalty_accrued
from enforcement.services.records import (
    appeal_create,
    appeal_event_create,
    appeal_update,
    article_create,
    article_update,
    authority_create,
    authority_update,
    case_create,
    case_update,
    compliance_check_create,
    decision_create,
    decision_update,
    fine_create,
    fine_update,
    order_create,
    order_update,
    party_delete,
    penalty_create,
    penalty_liquidation_create,
    penalty_update,
    quoted_conversion_create,
    record_delete,
    respondent_create,
    respondent_update,
    source_create,
    source_update,
)

__all__ = [
    "AccrualPeriod",
    "AccrualResult",
    "CeilingAssessment",
    "complainant_update_create",
    "complaint_refresh_due",
    "fine_ceiling_assess",
    "fine_criterion_create",
    "investigative_act_create",
    "investigative_act_update",
    "appeal_create",
    "appeal_event_create",
    "appeal_update",
    "article_create",
    "article_update",
    "authority_create",
    "authority_update",
    "case_create",
    "case_refresh_summary",
    "case_update",
    "compliance_check_create",
    "decision_create",
    "decision_update",
    "exchange_rate_set",
    "exchange_rates_seed",
    "fine_create",
    "fine_refresh_eur",
    "fine_update",
    "fines_refresh_eur",
    "money_to_eur",
    "order_create",
    "order_update",
    "party_delete",
    "penalty_accrued",
    "penalty_create",
    "penalty_liquidation_create",
    "penalty_update",
    "quoted_conversion_create",
    "rate_for",
    "record_delete",
    "respondent_create",
    "respondent_update",
    "source_create",
    "source_update",
]

"""Staff edit forms for enforcement records.

The forms only validate and hand their cleaned data to enforcement.services, which save, write
the history and refresh the list columns (see ServiceForm). Verification state is edited with
every record that has one.
"""

from enforcement.forms.appeals import AppealEventForm, AppealForm
from enforcement.forms.base import CURRENCY_CODES, CurrencyField, PartialDateField, ServiceForm, VerificationFields
from enforcement.forms.cases import ArticleForm, AuthorityForm, CaseForm, RespondentForm, SourceForm
from enforcement.forms.decisions import (
    ComplainantUpdateForm,
    ComplianceCheckForm,
    DecisionForm,
    FineCriterionForm,
    FineForm,
    InvestigativeActForm,
    LiquidationForm,
    OrderForm,
    PenaltyForm,
    QuotedConversionForm,
)

__all__ = [
    "CURRENCY_CODES",
    "AppealEventForm",
    "AppealForm",
    "ArticleForm",
    "AuthorityForm",
    "CaseForm",
    "ComplainantUpdateForm",
    "ComplianceCheckForm",
    "CurrencyField",
    "DecisionForm",
    "FineCriterionForm",
    "FineForm",
    "InvestigativeActForm",
    "LiquidationForm",
    "OrderForm",
    "PartialDateField",
    "PenaltyForm",
    "QuotedConversionForm",
    "RespondentForm",
    "ServiceForm",
    "SourceForm",
    "VerificationFields",
]

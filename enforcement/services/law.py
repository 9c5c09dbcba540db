"""Rules of the fining law and of the complainant's right to be informed (see enforcement.law).

* `fine_ceiling_assess`: does a fine fit under its Art. 83(4)-(6) maximum, as far as the record
  allows one to tell? A fine above the fixed ceiling is lawful only through the turnover-based
  maximum (Art. 83(4)-(6): "whichever is higher"), so such a fine with no turnover recorded is
  flagged for staff: either the record lacks the turnover or the amount is wrong.
* `complaint_refresh_due`: the date by which the complainant must next hear from the authority
  (Art. 77(2)/78(2)): three months after the complaint or after the last progress update, until
  an update tells them the outcome. Stored on the case (an indexed column) for the worklist.

The services that write the records these rules read are in services.legal_records; they and
the case services call `complaint_refresh_due` after every write that can move the date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.utils import timezone

from enforcement.dates import date_plausibility_problem
from enforcement.law import (
    CEILINGS,
    COMPLAINANT_UPDATE_MONTHS,
    HIGHEST_FIXED_CEILING_EUR,
    FineCeiling,
)
from enforcement.models import Case, ComplainantUpdate, Fine
from enforcement.services.money import money_to_eur

# --- Art. 83: ceilings ---------------------------------------------------------------------------


class CeilingFlag:
    ABOVE_FIXED_NO_TURNOVER = "above_fixed_no_turnover"
    ABOVE_MAXIMUM = "above_maximum"
    TURNOVER_NOT_CONVERTIBLE = "turnover_not_convertible"


@dataclass(frozen=True)
class CeilingAssessment:
    ceiling: str  # FineCeiling value, "" when the decision does not say
    fixed_eur: Decimal  # the fixed ceiling checked against (the highest one when not recorded)
    turnover_eur: Decimal | None
    maximum_eur: Decimal | None  # max(fixed, share x turnover) when the turnover is known
    flag: str | None
    message: str

    @property
    def flagged(self) -> bool:
        return self.flag is not None


def _turnover_eur(fine: Fine) -> Decimal | None:
    if fine.turnover is None:
        return None
    # The turnover of a financial year, converted at the rate stored for that year's end (the
    # rate of the fine's date when the year is not recorded).
    on_date = dt.date(fine.turnover_year, 12, 31) if fine.turnover_year else fine.decision.decision_date
    return money_to_eur(fine.turnover, fine.turnover_currency, on_date)


def fine_ceiling_assess(*, fine: Fine) -> CeilingAssessment | None:
    """None when the fine has no EUR equivalent (no stored rate): nothing can be compared."""
    if fine.amount_eur is None:
        return None
    rule = CEILINGS.get(fine.ceiling)
    fixed = rule.fixed_eur if rule else HIGHEST_FIXED_CEILING_EUR
    turnover_eur = _turnover_eur(fine)
    maximum = None
    flag, message = None, ""
    if fine.turnover is not None and turnover_eur is None:
        flag = CeilingFlag.TURNOVER_NOT_CONVERTIBLE
        message = f"No stored exchange rate converts the turnover ({fine.turnover_currency}) to EUR: compare by hand."
    elif turnover_eur is not None:
        share = rule.turnover_share if rule else max(r.turnover_share for r in CEILINGS.values())
        maximum = max(fixed, (share * turnover_eur).quantize(Decimal("0.01")))
        if fine.amount_eur > maximum:
            flag = CeilingFlag.ABOVE_MAXIMUM
            message = f"Above the maximum of EUR {maximum:,.0f} ({_paragraph(fine.ceiling)}, turnover known)."
    elif fine.amount_eur > fixed:
        flag = CeilingFlag.ABOVE_FIXED_NO_TURNOVER
        message = (
            f"Above the fixed ceiling of EUR {fixed:,.0f} ({_paragraph(fine.ceiling)}) and no turnover is "
            "recorded: record the worldwide annual turnover the decision relied on, or check the amount."
        )
    return CeilingAssessment(
        ceiling=fine.ceiling,
        fixed_eur=fixed,
        turnover_eur=turnover_eur,
        maximum_eur=maximum,
        flag=flag,
        message=message,
    )


def _paragraph(ceiling: str) -> str:
    return f"Art. {ceiling}" if ceiling in FineCeiling.values else "Art. 83(5)/(6), no paragraph recorded"


# --- dates --------------------------------------------------------------------------------------


def date_plausible_check(field: str, value: dt.date | None) -> None:
    """The record's plausibility rule for a full date (enforcement.dates): not before 1970,
    not in the future."""
    if value is None:
        return
    problem = date_plausibility_problem(
        label="This date", span=(value, value), shown=value.isoformat(), today=timezone.localdate()
    )
    if problem:
        raise ValidationError({field: problem})


# --- Art. 77(2) / 78(2): informing the complainant ------------------------------------------------


def complaint_due_date(*, received_on: dt.date | None, updates: list[ComplainantUpdate]) -> dt.date | None:
    """Three calendar months after the complaint or the latest progress update; None once the
    outcome was communicated or while the received date is not recorded. (relativedelta keeps
    month ends: 30 Nov + 3 months is 28/29 Feb.)"""
    if received_on is None or any(update.kind == ComplainantUpdate.Kind.OUTCOME for update in updates):
        return None
    last = max([received_on, *(update.informed_on for update in updates)])
    return last + relativedelta(months=COMPLAINANT_UPDATE_MONTHS)


def complaint_refresh_due(*, case: Case) -> Case:
    due = None
    if case.origin == Case.Origin.COMPLAINT:
        due = complaint_due_date(received_on=case.complaint_received_on, updates=list(case.complainant_updates.all()))
    if case.complainant_update_due != due:
        Case.objects.filter(pk=case.pk).update(complainant_update_due=due)
        case.complainant_update_due = due
    return case

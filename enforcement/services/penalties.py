"""Periodic penalty payments: what has accrued, and against which cap."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypedDict

from dateutil.relativedelta import relativedelta

from enforcement.models import PenaltyPayment

TIME_UNITS = {PenaltyPayment.Unit.DAY, PenaltyPayment.Unit.WEEK, PenaltyPayment.Unit.MONTH}


@dataclass(frozen=True)
class AccrualPeriod:
    start: dt.date
    end: dt.date  # exclusive: the first day that no longer accrues
    units: int
    amount: Decimal | None
    note: str = ""


@dataclass(frozen=True)
class AccrualResult:
    units: int | None  # None: cannot be computed from the data
    amount: Decimal | None  # accrued, already stopped at the cap
    capped: bool
    cap: Decimal | None
    remaining_to_cap: Decimal | None
    periods: list[AccrualPeriod] = field(default_factory=list)
    currency: str = ""
    as_of: dt.date | None = None
    stopped_on: dt.date | None = None  # the first compliance check showing compliance
    established_until: dt.date | None = None  # non-compliance is on record up to this day
    liquidated: Decimal = Decimal(0)
    explanation: str = ""

    @property
    def known(self) -> bool:
        return self.amount is not None

    @property
    def outstanding(self) -> Decimal | None:
        """Accrued but not yet liquidated."""
        return None if self.amount is None else max(self.amount - self.liquidated, Decimal(0))

    @property
    def max_exposure(self) -> Decimal | None:
        """The most the respondent can owe under this penalty: the cap (None when uncapped or unknown)."""
        return self.cap


class _Common(TypedDict):
    """The fields every AccrualResult of one penalty shares, whether or not accrual is known."""

    cap: Decimal | None
    currency: str
    as_of: dt.date
    liquidated: Decimal


def _units_between(unit: str, start: dt.date, end: dt.date) -> int:
    if end <= start:
        return 0
    if unit == PenaltyPayment.Unit.DAY:
        return (end - start).days
    if unit == PenaltyPayment.Unit.WEEK:
        return (end - start).days // 7
    delta = relativedelta(end, start)
    return delta.years * 12 + delta.months


def penalty_accrued(*, penalty: PenaltyPayment, as_of: dt.date) -> AccrualResult:
    """What the penalty has accrued by `as_of`.

    1. Units of non-compliance are counted from `starts_on` (inclusive) up to, not including, the
       earlier of `as_of` and the first compliance check (on or after `starts_on`) that shows the
       order complied with; while no check shows compliance, only up to the last day
       non-compliance is on record (the latest check showing non-compliance, or the end of the
       latest liquidated period). Accrual is what the record
       establishes, never an extrapolation to today: after the CNIL liquidation of 19 Dec 2022 to
       9 Feb 2023 nothing is recorded, so the CNIL penalty shows 52 days, not 52 days plus every
       day since. Checks of the penalty's order are used; without an order, those of any order
       of the decision. Days count as `end - start` (52 days for the CNIL period); weeks and
       months count whole ones.
    2. Amount = units x amount_per_unit, stopped at `cap` when there is one (AP: EUR 5.1M in total).
    3. When the unit is not a time period (e.g. per unanswered set of questions) or the per-unit
       amount or the start is unknown, the accrual cannot be computed: the result carries what the
       liquidations recorded (if any) and says why.
    """
    liquidations = list(penalty.liquidations.all())
    liquidated = sum((liq.amount for liq in liquidations), Decimal(0))
    cap = penalty.cap
    common: _Common = {"cap": cap, "currency": penalty.currency, "as_of": as_of, "liquidated": liquidated}

    missing = []
    if penalty.unit not in TIME_UNITS:
        missing.append(f"the unit ({penalty.get_unit_display()}) is not a period of time")
    if penalty.amount_per_unit is None:
        missing.append("the amount per unit is not known")
    if penalty.starts_on is None:
        missing.append("the start date is not known")
    if missing:
        reason = "Accrual cannot be computed: " + "; ".join(missing) + "."
        if liquidations:
            periods = [
                AccrualPeriod(liq.period_start, liq.period_end, liq.units, liq.amount, "liquidated")
                for liq in liquidations
            ]
            units = sum(liq.units for liq in liquidations)
            return AccrualResult(
                units=units,
                amount=liquidated,
                capped=cap is not None and liquidated >= cap,
                remaining_to_cap=None if cap is None else max(cap - liquidated, Decimal(0)),
                periods=periods,
                explanation=reason + " Shown: the liquidated amounts.",
                **common,
            )
        return AccrualResult(
            units=None,
            amount=None,
            capped=False,
            remaining_to_cap=cap,
            explanation=reason,
            **common,
        )

    # Not None, or `missing` said so and returned above.
    assert penalty.starts_on is not None and penalty.amount_per_unit is not None
    # Read through the relations so that a caller can prefetch them (dashboard: many penalties).
    # (`penalty.order` is None without a query when `order_id` is.)
    orders = [penalty.order] if penalty.order is not None else list(penalty.decision.orders.all())
    compliance_dates = [
        check.checked_on
        for order in orders
        for check in order.checks.all()
        if check.complied and check.checked_on >= penalty.starts_on
    ]
    first_compliance = min(compliance_dates) if compliance_dates else None
    evidence = [
        check.checked_on
        for order in orders
        for check in order.checks.all()
        if not check.complied and check.checked_on >= penalty.starts_on
    ] + [liq.period_end for liq in liquidations if liq.period_end]
    established_until = max(evidence) if evidence else None
    # Proof of compliance ends the penalty (until then the respondent was in breach); without
    # it, accrual stops where the record of non-compliance stops.
    end = min(as_of, first_compliance or established_until or penalty.starts_on)
    units = _units_between(penalty.unit, penalty.starts_on, end)
    amount = units * penalty.amount_per_unit
    capped = cap is not None and amount >= cap
    if capped and cap is not None:
        amount = cap
    explanation = f"{units} x {penalty.currency} {penalty.amount_per_unit:,.2f} {penalty.get_unit_display()}"
    if first_compliance and first_compliance <= as_of:
        explanation += f", stopped by compliance on {first_compliance.isoformat()}"
    elif established_until is None:
        explanation += ": no non-compliance is on record yet (no compliance check or liquidation)"
    elif established_until < as_of:
        explanation += (
            f", non-compliance on record until {established_until.isoformat()}; nothing is recorded after that date"
        )
    if capped:
        explanation += f", stopped at the cap of {penalty.currency} {cap:,.2f}"
    return AccrualResult(
        units=units,
        amount=amount,
        capped=capped,
        remaining_to_cap=None if cap is None else max(cap - amount, Decimal(0)),
        periods=[AccrualPeriod(penalty.starts_on, max(end, penalty.starts_on), units, amount)],
        stopped_on=first_compliance if first_compliance and first_compliance <= as_of else None,
        established_until=established_until,
        explanation=explanation + ".",
        **common,
    )

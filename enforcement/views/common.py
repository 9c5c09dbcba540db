"""Shared helpers of the enforcement views: the clock, decision order and the case timeline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from enforcement.dates import partial_date_display
from enforcement.models import (
    Case,
    Decision,
)

HISTORY_LIMIT = 200


def today() -> dt.date:
    """The date accruals are computed for (tests freeze the clock instead of sleeping)."""
    return timezone.localdate()


def decisions_in_order(case: Case) -> list[Decision]:
    """Oldest first; undated decisions last (their order among themselves by id)."""
    return sorted(
        case.decisions.all(),
        key=lambda d: (d.effective_date is None, d.effective_date or dt.date.min, d.pk),
    )


@dataclass
class TimelineEntry:
    date: dt.date | None
    precision: str
    label: str
    detail: str = ""
    kind: str = "decision"
    unverified_note: str | None = None

    @property
    def when(self) -> str:
        return partial_date_display(self.date, self.precision)


def case_timeline(case: Case, decisions: list[Decision]) -> list[TimelineEntry]:
    """Decisions (decided and announced) and appeal events on one line, undated entries last."""
    entries: list[TimelineEntry] = []
    for decision in decisions:
        label = decision.get_kind_display()
        note = None
        if decision.is_unverified("decision_date"):
            note = decision.verification_note("decision_date") or ""
        entries.append(
            TimelineEntry(
                decision.decision_date,
                decision.decision_date_precision,
                f"{label} decided",
                decision.reference,
                "decision",
                note,
            )
        )
        if decision.announced_date:
            entries.append(
                TimelineEntry(
                    decision.announced_date, decision.announced_date_precision, f"{label} announced", "", "announcement"
                )
            )
    for appeal in case.appeals.all():
        for event in appeal.events.all():
            court = appeal.court or "Appeal"
            entries.append(
                TimelineEntry(
                    event.date,
                    event.date_precision,
                    f"{court}: {event.get_kind_display()}",
                    event.note,
                    "appeal",
                    "" if event.unverified else None,
                )
            )
    return sorted(entries, key=lambda e: (e.date is None, e.date or dt.date.min))

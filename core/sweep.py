"""The one sweep for lost work: what the database says is waiting but no worker has picked up.

A task message can be lost (a broker outage while it was sent, a worker killed past its
message's redelivery). The row the work belongs to stays the record of it, and a sweeper of the
app that owns the row sends its task again. Every task a sweeper sends is idempotent, so a
message that was merely slow does no harm.

1. Each app registers its sweeper explicitly, `sweep_register(name=..., sweep=...)`, from its
   AppConfig.ready() (core registers the email outbox's). A sweeper is called as
   `sweep(now=now)` and returns how much it sent: a count, or counts per kind.
2. `sweep_run()` runs every registered sweeper in turn. One that raises is logged (its name, the
   error's type and where it was raised; never the error's message, which may quote a person's
   data) and the others still run.
3. `sweep_task` (Celery "core.sweep") is the one beat entry that runs them all.

It replaces three sweeps with beat entries of their own; their task names (core.outbox.sweep,
compliance.workflow.sweep, config.requeue_stalled_work) are not kept as aliases: a message of
theirs still queued at a deploy is dropped by the worker as unregistered, which loses nothing,
since the next core.sweep, a minute later, does the same work.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Mapping
from datetime import datetime
from typing import Protocol

from celery import shared_task
from django.utils import timezone

logger = logging.getLogger(__name__)

SweepCounts = int | Mapping[str, int]


class Sweeper(Protocol):
    def __call__(self, *, now: datetime) -> SweepCounts: ...


_SWEEPERS: dict[str, Sweeper] = {}


def sweep_register(*, name: str, sweep: Sweeper) -> None:
    """Register an app's sweeper under `name` (called from an AppConfig.ready()). Registering the
    same function again does nothing; another function under a taken name is an error."""
    existing = _SWEEPERS.get(name)
    if existing is not None and existing is not sweep:
        raise ValueError(f"sweeper {name!r} is already registered")
    _SWEEPERS[name] = sweep


def sweep_unregister(*, name: str) -> None:
    """Remove a sweeper (for tests that register one of their own)."""
    _SWEEPERS.pop(name, None)


def sweepers() -> dict[str, Sweeper]:
    """The registered sweepers by name, in the order they run."""
    return dict(_SWEEPERS)


def _where(error: BaseException) -> str:
    frames = traceback.extract_tb(error.__traceback__)
    return f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "?"


def sweep_run(*, now: datetime | None = None) -> dict[str, SweepCounts | None]:
    """Run every registered sweeper; returns what each sent, None for one that raised."""
    now = now or timezone.now()
    results: dict[str, SweepCounts | None] = {}
    for name, sweep in list(_SWEEPERS.items()):
        try:
            counts = sweep(now=now)
        except Exception as error:  # one broken sweeper must not stop the others
            logger.error("sweeper %s failed: %s at %s", name, type(error).__name__, _where(error))
            results[name] = None
            continue
        results[name] = counts if isinstance(counts, int) else dict(counts)
    return results


# Thin and safe to run twice (every sweeper only sends idempotent tasks).
@shared_task(name="core.sweep")
def sweep_task() -> dict[str, SweepCounts | None]:
    return sweep_run()

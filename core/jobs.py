"""One job lifecycle for every background artefact: reports, access packages, erasures, matching
runs and outbox emails.

A concrete model inherits the abstract `Job` (its shared columns: `attempts`, `last_error`,
`claim_token`) and names its own status values for the lifecycle as class attributes:
`JOB_CLAIMABLE` (the states a run may start from), `JOB_RUNNING`, `JOB_DONE`, `JOB_FAILED`, and
its retry rule (`JOB_MAX_ATTEMPTS`, `JOB_RETRY_STATUS`). Its status choices, check constraints and
domain transitions stay in the module that owns it ("one door per state machine"); that module
calls the three functions below, each a single conditional UPDATE:

1. `job_claim`: claimable -> running, attempts + 1, a fresh `claim_token`; returns the token, or
   None when the row is not claimable (done, failed, or claimed by another run just now). A task
   delivered twice therefore runs once; one whose worker died is claimed again by its next
   delivery, which takes a new token.
2. `job_finish`: running -> done (or another end state the model names, e.g. an erasure's
   "alert"), only for the run that holds the current token.
3. `job_fail`: running -> failed, or back to claimable while the model's retry rule allows,
   with the error recorded (truncated), again only for the holder of the current token.

Why the token: a run can be claimed again while an earlier run of the same job still works (a
task redelivered after the broker's visibility timeout, a claim released after a timeout). The
status alone cannot tell the two runs apart: both see "running". The token can: the earlier run's
finish or fail matches no row, so it records nothing (and deletes what it wrote), and the row
shows only what the current run did.
"""

from __future__ import annotations

import secrets
from typing import Any, ClassVar

from django.db import models
from django.db.models import F, Q

ERROR_LIMIT = 2000


class Job(models.Model):
    """The columns and lifecycle settings every background job shares (see the module docstring)."""

    # The lifecycle's states, named by each concrete model from its own status choices.
    JOB_CLAIMABLE: ClassVar[tuple[str, ...]]
    JOB_RUNNING: ClassVar[str]
    JOB_DONE: ClassVar[str]
    JOB_FAILED: ClassVar[str]
    # The retry rule of a failure: None, failed at once (staff retry); a number, the job goes back
    # to JOB_RETRY_STATUS until it has been claimed that many times.
    JOB_MAX_ATTEMPTS: ClassVar[int | None] = None
    JOB_RETRY_STATUS: ClassVar[str | None] = None
    # Whether a claim clears the previous run's error (False: it stays visible while retrying).
    JOB_CLAIM_CLEARS_ERROR: ClassVar[bool] = True
    JOB_ERROR_LIMIT: ClassVar[int] = ERROR_LIMIT

    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # A fresh token per claim of the job: only the run that holds the current token may finish it,
    # so a redelivered task and a stale one never both record a result.
    claim_token = models.CharField(max_length=32, blank=True)

    class Meta:
        abstract = True


def job_claim(*, job_model: type[Job], pk: int, when: Q | None = None, **fields: Any) -> str | None:
    """Claim the job `pk` for this run: returns the new claim token, or None if it is not
    claimable. `when` narrows what is claimable (e.g. due now); `fields` are set with the claim
    (e.g. `started_at=now`)."""
    token = secrets.token_hex(16)
    condition = Q(status__in=job_model.JOB_CLAIMABLE)
    if when is not None:
        condition &= when
    changes: dict[str, Any] = {"status": job_model.JOB_RUNNING, "claim_token": token, "attempts": F("attempts") + 1}
    if job_model.JOB_CLAIM_CLEARS_ERROR:
        changes["last_error"] = ""
    claimed = job_model._default_manager.filter(condition, pk=pk).update(**changes, **fields)
    return token if claimed else None


def job_finish(*, job: Job, token: str, status: str | None = None, **fields: Any) -> bool:
    """Record the end of the run holding `token`: status JOB_DONE (or `status`, another end state
    of the model) with `fields`. False when this run no longer holds the job: nothing changed."""
    changes: dict[str, Any] = {"status": status or type(job).JOB_DONE}
    return bool(_held(job, token).update(**changes, **fields))


def job_fail_status(*, job: Job) -> str:
    """The status a failure of `job` (as loaded after its claim) moves it to: failed, or back to
    claimable while the model's retry rule allows another attempt."""
    model = type(job)
    retry = model.JOB_MAX_ATTEMPTS is not None and job.attempts < model.JOB_MAX_ATTEMPTS
    return model.JOB_RETRY_STATUS if retry and model.JOB_RETRY_STATUS else model.JOB_FAILED


def job_fail(*, job: Job, token: str, error: str, **fields: Any) -> str | None:
    """Record a failure of the run holding `token`: `error` (truncated) in `last_error` and the
    status of `job_fail_status`, with `fields`. Returns that status, or None when this run no
    longer holds the job (nothing changed)."""
    status = job_fail_status(job=job)
    changes: dict[str, Any] = {"status": status, "last_error": error[: type(job).JOB_ERROR_LIMIT]}
    return status if _held(job, token).update(**changes, **fields) else None


def _held(job: Job, token: str) -> models.QuerySet:
    """The job's row while the run holding `token` has it (running, with that token). The status
    is each concrete model's own field, hence the Q (the abstract base has no `status`)."""
    model = type(job)
    return model._default_manager.filter(Q(status=model.JOB_RUNNING), pk=job.pk, claim_token=token)

"""The durable email outbox: no email is sent any other way.

1. `outbox_add(...)` writes an `OutboxEmail` row inside the caller's transaction, so the email
   exists exactly when the change that causes it is committed (a rollback takes both away), and
   sends the task `core.tasks.outbox_send_task` after the commit.
2. `outbox_send(email_id=...)` (the task calls it) claims the row with a conditional update
   (core.jobs: a fresh claim token, so only this run may record the outcome), renders it with
   the renderer registered for its kind, sends it and marks it sent. A renderer that returns
   None cancels it (the email no longer applies: e.g. a verification email for a request
   already verified). An error puts the row back to pending with `last_error` and a later
   `next_attempt_at` (backoff); after `OutboxEmail.JOB_MAX_ATTEMPTS` attempts it is marked
   failed, which staff see.
3. `outbox_sweep()` (registered as the "outbox" sweeper of core.sweep, which beat runs every
   minute) sends every pending row whose attempt is due, whatever
   happened to its task (a broker outage, a lost message), and releases claims left by a worker
   that died while sending.

Delivery is at least once: a worker killed after the mail server accepted an email but before
the row was marked sent sends it again when its claim times out. Never at most once, never lost.

Renderers are registered explicitly (`outbox_register`) by the app that owns the kind, in its
AppConfig.ready(); `kind` is the key of that registry, not an import path.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.jobs import job_claim, job_fail, job_fail_status, job_finish
from core.models import OutboxEmail, OutboxStatus
from core.queue import enqueue_on_commit

logger = logging.getLogger(__name__)

CLAIM_TIMEOUT = timedelta(minutes=5)
SWEEP_GRACE = timedelta(seconds=60)


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str = ""


Renderer = Callable[[OutboxEmail], RenderedEmail | None]
SentHook = Callable[[OutboxEmail, datetime], None]
_RENDERERS: dict[str, Renderer] = {}
_ON_SENT: dict[str, SentHook] = {}


def outbox_register(*, kind: str, render: Renderer, on_sent: SentHook | None = None) -> None:
    """Register the renderer of one kind of email (called from an AppConfig.ready()), and what
    the owning app records once such an email has gone out (`on_sent(email, sent_at)`, run in
    the transaction that marks it sent)."""
    existing = _RENDERERS.get(kind)
    if existing is not None and existing is not render:
        raise ValueError(f"outbox kind {kind!r} is already registered")
    _RENDERERS[kind] = render
    if on_sent is not None:
        _ON_SENT[kind] = on_sent


def outbox_kinds() -> list[str]:
    return sorted(_RENDERERS)


def outbox_add(
    *,
    kind: str,
    recipient: str,
    language: str = "en",
    params: dict | None = None,
    topic: str = "",
    dedupe_key: str | None = None,
    now: datetime | None = None,
) -> OutboxEmail | None:
    """Queue one email in the caller's transaction. With a `dedupe_key` already used, nothing is
    added and None is returned (a retried change does not email twice)."""
    if kind not in _RENDERERS:
        raise ValueError(f"no renderer registered for outbox kind {kind!r}")
    now = now or timezone.now()
    if dedupe_key and OutboxEmail.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    email = OutboxEmail.objects.create(
        kind=kind,
        recipient=recipient,
        language=language,
        params=params or {},
        topic=str(topic),
        dedupe_key=dedupe_key,
        created_at=now,
        next_attempt_at=now,
    )
    enqueue_on_commit(outbox_send_task, email.pk)
    return email


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(3600, 30 * 2 ** max(0, attempts - 1)))


def outbox_send(*, email_id: int, now: datetime | None = None) -> str | None:
    """Send one queued email if it is due (see the module docstring). Returns its new status, or
    None when another run has it or it is not due."""
    now = now or timezone.now()
    due = Q(status=OutboxStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=OutboxStatus.SENDING, claimed_at__lte=now - CLAIM_TIMEOUT
    )
    token = job_claim(job_model=OutboxEmail, pk=email_id, when=due, claimed_at=now)
    if token is None:
        return None
    email = OutboxEmail.objects.get(pk=email_id)
    try:
        rendered = _RENDERERS[email.kind](email)
        if rendered is None:
            job_finish(job=email, token=token, status=OutboxStatus.CANCELLED, claimed_at=None)
            return OutboxStatus.CANCELLED
        message = EmailMultiAlternatives(
            subject=rendered.subject, body=rendered.text, from_email=settings.DEFAULT_FROM_EMAIL, to=[email.recipient]
        )
        if rendered.html:
            message.attach_alternative(rendered.html, "text/html")
        message.send(fail_silently=False)
    except Exception as error:  # every failure is recorded on the row and retried
        status = job_fail_status(job=email)
        logger.warning("outbox email %s (%s) not sent: %s", email.pk, email.kind, type(error).__name__)
        job_fail(
            job=email,
            token=token,
            error=f"{type(error).__name__}: {error}",
            next_attempt_at=now + _backoff(email.attempts),
            claimed_at=None,
        )
        return status
    sent_at = timezone.now()
    with transaction.atomic():
        marked = job_finish(
            job=email, token=token, sent_at=sent_at, subject=rendered.subject[:300], last_error="", claimed_at=None
        )
        hook = _ON_SENT.get(email.kind)
        if marked and hook is not None:
            hook(email, sent_at)
    return OutboxStatus.SENT


def outbox_sweep(*, now: datetime | None = None, grace: timedelta = SWEEP_GRACE) -> int:
    """Send every email whose attempt is due and whose task did not (yet) do it; returns how many
    were sent now. Rows created within `grace` are left to their own task."""
    now = now or timezone.now()
    due = OutboxEmail.objects.filter(
        Q(status=OutboxStatus.PENDING, next_attempt_at__lte=now, created_at__lte=now - grace)
        | Q(status=OutboxStatus.SENDING, claimed_at__lte=now - CLAIM_TIMEOUT)
    ).order_by("next_attempt_at", "pk")
    sent = 0
    for email_id in list(due.values_list("pk", flat=True)[:500]):
        if outbox_send(email_id=email_id, now=now) == OutboxStatus.SENT:
            sent += 1
    return sent


def outbox_for_topic(topic: str):
    """The emails about one thing (e.g. a request), oldest first, for staff pages."""
    return OutboxEmail.objects.filter(topic=str(topic)).order_by("created_at", "pk")


def outbox_retry(*, email: OutboxEmail, now: datetime | None = None) -> bool:
    """Staff send a failed email again."""
    now = now or timezone.now()
    with transaction.atomic():
        moved = OutboxEmail.objects.filter(pk=email.pk, status=OutboxStatus.FAILED).update(
            status=OutboxStatus.PENDING, next_attempt_at=now, attempts=0
        )
        if moved:
            enqueue_on_commit(outbox_send_task, email.pk)
    return bool(moved)


# The task lives here, not in core/tasks.py, because queueing (outbox_add) sends it and it
# calls back into sending: one module, no import cycle. core/tasks.py re-exports it for Celery's
# autodiscovery. It is thin and safe to run twice (the claim above).


@shared_task(name="core.outbox.send")
def outbox_send_task(email_id: int) -> str | None:
    return outbox_send(email_id=email_id)

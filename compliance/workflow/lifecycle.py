"""The one door of a request's status: every transition of compliance/workflow/machine.py is
fired here, and nowhere else.

Each service below:
1. locks the request row (SELECT ... FOR UPDATE) in a transaction;
2. returns False when the request is already where the transition leads (a task or a
   double-click repeating it does no harm), and raises ActionNotAllowed when the transition
   does not fit the state or one of its guards does not hold (the message says which);
3. sets the fields that go with the transition, fires it and saves, conditional on the status
   it read (django-fsm-2's ConcurrentTransitionMixin);
4. writes the audit record and queues the emails the change causes (core.outbox) in the same
   transaction, so both exist exactly when the change is committed.

The layers above (intake, matching, review, access, erasure, documents, handling) call these
and schedule the work that follows; this module imports none of them.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compliance.models import DataSubjectRequest
from compliance.workflow.machine import ACCESS_TYPES, DECIDED_TYPES, GUARDS, RequestStatus, approval_erases
from core.audit import audit_record
from core.outbox import outbox_add

logger = logging.getLogger(__name__)


class ActionNotAllowed(Exception):
    """The action does not fit the request's state or a guard does not hold; `messages` say
    why (the API answers 409, pages show them). Not a ValidationError: nothing the user typed
    is wrong."""

    def __init__(self, message: str, *, code: str = "conflict", problems: list[str] | None = None):
        super().__init__(message)
        self.message = str(message)
        self.code = code
        self.problems = problems or [self.message]

    @property
    def messages(self) -> list[str]:
        return self.problems


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def guard_problems(request: DataSubjectRequest, transition: str, *, skip: tuple[str, ...] = ()) -> list[str]:
    """What stops `transition` now (empty when every guard holds); `skip` names guards that the
    action itself satisfies (the approval records the erasure's confirmation)."""
    problems = []
    for guard in GUARDS.get(transition, ()):
        if guard.name in skip:
            continue
        problem = guard.problem(request)
        if problem:
            problems.append(problem)
    return problems


def _meta(transition: str):
    return getattr(DataSubjectRequest, transition)._django_fsm


def transition_targets(transition: str) -> set[str]:
    """Every status `transition` may lead to."""
    targets: set[str] = set()
    for item in _meta(transition).transitions.values():
        allowed = getattr(item.target, "allowed_states", None)
        targets.update(allowed if allowed is not None else [item.target])
    return targets


def transition_fits(request: DataSubjectRequest, transition: str) -> bool:
    """The transition starts from the request's status (its guards may still stop it)."""
    return _meta(transition).has_transition(request.status)


def available_transitions(request: DataSubjectRequest) -> list[str]:
    """Transitions that start from the request's status and whose guards hold now."""
    return [t.name for t in request.get_available_status_transitions()]


def _fire(
    request: DataSubjectRequest,
    transition: str,
    *,
    now: datetime,
    actor=None,
    actor_label: str = "",
    fields: dict | None = None,
    details: dict | None = None,
    after=None,
) -> bool:
    """Steps 1-4 of the module docstring. `after(locked)` runs inside the transaction after the
    save (emails, purges). Refreshes `request` in place."""
    fields = fields or {}
    with transaction.atomic():
        locked = DataSubjectRequest.objects.select_for_update().get(pk=request.pk)
        if not transition_fits(locked, transition):
            request.refresh_from_db()
            if locked.status in transition_targets(transition):
                return False
            raise ActionNotAllowed(
                _("This cannot be done while the request is %(status)s.")
                % {"status": str(locked.get_status_display()).lower()},
                code="conflict",
            )
        for name, value in fields.items():
            setattr(locked, name, value)
        problems = guard_problems(locked, transition)
        if problems:
            raise ActionNotAllowed(" ".join(problems), code="guard", problems=problems)
        previous = locked.status
        getattr(locked, transition)()
        locked.updated = now
        locked.save(update_fields=["status", "updated", *fields])
        audit_record(
            action=f"request.{transition}",
            actor=actor,
            actor_label="" if actor else (actor_label or "system"),
            request=locked,
            details={"from": previous, "to": locked.status, **(details or {})},
        )
        if after is not None:
            after(locked)
    request.refresh_from_db()
    return True


# --- emails -----------------------------------------------------------------------------------


def request_email(request: DataSubjectRequest, kind: str, *, now: datetime, key: str = "", **params) -> None:
    """Queue an email to the requester in the current transaction (core.outbox). `key` makes it
    once per cause (default: once per request and kind)."""
    outbox_add(
        kind=f"request.{kind}",
        recipient=request.email,
        language=request.language,
        params={"request_id": request.pk, **params},
        topic=str(request.public_id),
        dedupe_key=f"request:{request.pk}:{kind}:{key}" if key is not None else None,
        now=now,
    )


# --- biometric data ---------------------------------------------------------------------------


def _purge_biometrics(request: DataSubjectRequest, *, now: datetime) -> bool:
    """Delete the selfies and the identity-document photo the moment their purpose ends (GDPR
    Art. 5(1)(c), (e)); call inside the transaction that ends the purpose. The fields are
    emptied and the time recorded in the transaction; the files are deleted once it commits
    (a crash in between leaves files no row points to, which the leftovers sweep deletes)."""
    fields = DataSubjectRequest.BIOMETRIC_FILE_FIELDS
    names = [f.name for f in (getattr(request, field) for field in fields) if f and f.name]
    if not names and request.biometrics_purged_at:
        return False
    storage = request.selfie.storage
    DataSubjectRequest.objects.filter(pk=request.pk).update(
        **dict.fromkeys(fields), biometrics_purged_at=now, updated=now
    )
    for field in fields:
        setattr(request, field, None)
    request.biometrics_purged_at = now
    audit_record(
        action="request.biometrics_purged",
        actor_label="system",
        request=request,
        details={"selfie_deleted": bool(names), "files": len(names)},
    )

    def delete_files() -> None:
        for name in names:
            try:
                storage.delete(name)
            except OSError:  # the leftovers sweep tries again
                logger.warning("request %s: a purged photo file could not be deleted now", request.public_id)

    transaction.on_commit(delete_files)
    return True


def request_purge_biometrics(*, request: DataSubjectRequest, now: datetime | None = None) -> bool:
    """Purge outside a transition (the erasure does it after its re-check, before its
    certificate). Safe to run any number of times."""
    now = _now(now)
    with transaction.atomic():
        locked = DataSubjectRequest.objects.select_for_update().get(pk=request.pk)
        purged = _purge_biometrics(locked, now=now)
    request.refresh_from_db()
    return purged


# --- the transitions ----------------------------------------------------------------------------


def request_verify_email(*, request: DataSubjectRequest, now: datetime | None = None) -> bool:
    """awaiting_email_verification -> verified; the acknowledgement email carries the due date
    and the status link. The single-use token is checked by compliance.workflow.intake."""
    now = _now(now)
    return _fire(
        request,
        "verify_email",
        now=now,
        actor_label="citizen",
        fields={"email_verified_at": now},
        after=lambda locked: request_email(locked, "acknowledgement", now=now),
    )


def request_expire(*, request: DataSubjectRequest, now: datetime | None = None) -> bool:
    """awaiting_email_verification -> expired (the caller selects requests older than 7 days)."""
    now = _now(now)
    return _fire(
        request,
        "expire",
        now=now,
        fields={"expired_at": now},
        after=lambda locked: _purge_biometrics(locked, now=now),
    )


def request_start_matching(*, request: DataSubjectRequest, now: datetime | None = None) -> bool:
    return _fire(request, "start_matching", now=_now(now), actor_label="worker")


def request_finish_matching(*, request: DataSubjectRequest, now: datetime | None = None) -> bool:
    return _fire(request, "finish_matching", now=_now(now), actor_label="worker")


def request_finish_review(*, request: DataSubjectRequest, user, now: datetime | None = None) -> bool:
    confirmed = request.matches.filter(review_status="confirmed").count()
    return _fire(request, "finish_review", now=_now(now), actor=user, details={"confirmed_matches": confirmed})


def request_answer_prepared(*, request: DataSubjectRequest, now: datetime | None = None) -> bool:
    return _fire(request, "answer_prepared", now=_now(now), actor_label="worker")


def request_reopen_review(*, request: DataSubjectRequest, user, now: datetime | None = None) -> bool:
    return _fire(request, "reopen_review", now=_now(now), actor=user)


def request_approve(
    *, request: DataSubjectRequest, user, outcome: str = "", outcome_reason: str = "", now: datetime | None = None
) -> bool:
    """awaiting_approval -> issuing (access, and a decided rectification, restriction or rejected
    objection: the answer's facts are final and the selfie goes) or -> erasing (erasure, both,
    upheld objection: the confirmed plan runs; the selfie stays for the re-check). A decided
    right is approved with its `outcome` and `outcome_reason` (the caller validated them:
    compliance.workflow.rights); the guard `decision_recorded` checks them again."""
    now = _now(now)
    fields: dict = {"approved_at": now, "approved_by": user}
    details = {}
    if request.request_type in DECIDED_TYPES:
        fields.update(outcome=outcome, outcome_reason=outcome_reason.strip())
        details = {"outcome": outcome, "reason": outcome_reason.strip()}
    if not approval_erases(request.request_type, fields.get("outcome", request.outcome)):
        fields["facts_final_at"] = now

    def after(locked: DataSubjectRequest) -> None:
        if locked.status == RequestStatus.ISSUING:
            _purge_biometrics(locked, now=now)

    return _fire(request, "approve", now=now, actor=user, fields=fields, details=details, after=after)


def request_finish_erasure(*, request: DataSubjectRequest, now: datetime | None = None) -> bool:
    now = _now(now)
    return _fire(request, "finish_erasure", now=now, actor_label="worker", fields={"facts_final_at": now})


def request_complete(*, request: DataSubjectRequest, now: datetime | None = None) -> bool:
    """issuing -> completed once every final document is issued; the requester is told."""
    now = _now(now)
    return _fire(
        request,
        "complete",
        now=now,
        actor_label="worker",
        fields={"completed_at": now},
        after=lambda locked: request_email(locked, "completed", now=now),
    )


def request_refuse(
    *,
    request: DataSubjectRequest,
    user,
    basis: str,
    reason: str,
    law: str = "",
    late_reason: str = "",
    now: datetime | None = None,
) -> bool:
    """Refuse to act (GDPR Art. 12(4)-(6), 17(3), 23); the caller has validated basis, reason and
    law (compliance.workflow.handling). After the
    first month from receipt the refusal is flagged late and needs `late_reason`, which the
    requester is shown. The photos go; the refusal email names the remedies."""
    now = _now(now)
    fields = {
        "refusal_basis": basis,
        "refusal_reason": reason,
        "refusal_law": law.strip(),
        "refused_at": now,
        "late_refusal_reason": late_reason.strip(),
        "facts_final_at": now,
    }
    fields["refused_late"] = timezone.localdate(now) > request.due_date

    def after(locked: DataSubjectRequest) -> None:
        _purge_biometrics(locked, now=now)
        request_email(locked, "refusal", now=now)

    return _fire(
        request,
        "refuse",
        now=now,
        actor=user,
        fields=fields,
        details={"basis": basis, "reason": reason, "law": fields["refusal_law"], "late": fields["refused_late"]},
        after=after,
    )


def request_withdraw(*, request: DataSubjectRequest, user=None, now: datetime | None = None) -> bool:
    """The requester (or staff on their behalf) withdraws; the photos go at once."""
    now = _now(now)

    def after(locked: DataSubjectRequest) -> None:
        _purge_biometrics(locked, now=now)
        request_email(locked, "withdrawn", now=now)

    return _fire(
        request,
        "withdraw",
        now=now,
        actor=user,
        actor_label="citizen",
        fields={"withdrawn_at": now},
        after=after,
    )


def request_answers_access(request: DataSubjectRequest) -> bool:
    return request.request_type in ACCESS_TYPES

"""The state machine of a data-subject request: its states, its transitions and their guards.

    awaiting_email_verification --verify_email--> verified --start_matching--> processing
      --finish_matching--> awaiting_staff_review --finish_review--> preparing (access, both)
                                                                  | awaiting_approval (erasure)
      preparing --answer_prepared--> awaiting_approval
      preparing | awaiting_approval --reopen_review--> awaiting_staff_review
      awaiting_approval --approve--> issuing (access, decided rights)
                                     | erasing (erasure, both, objection upheld)
      erasing --finish_erasure--> issuing --complete--> completed
      awaiting_email_verification --expire--> expired
      verified .. awaiting_approval --refuse--> refused
      awaiting_email_verification .. awaiting_approval --withdraw--> withdrawn

The transitions are django-fsm-2 transitions on `DataSubjectRequest` (this mixin), the status
field is protected (it cannot be assigned) and every save of a transition is conditional on the
status the row had when it was read (ConcurrentTransitionMixin). Only
compliance.workflow.lifecycle fires them; everything else (pages, API, tasks, commands) calls
the lifecycle's services. The README's diagram is generated from this module
(`python manage.py request_states`), and a test keeps it in sync.

Each guard is a condition of its transition and has a message saying what is missing; the
lifecycle shows staff every unmet guard. Guards read the request's own rows through its related
managers, so this module imports no model and models.py can import it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import GET_STATE, transition


class RequestStatus(models.TextChoices):
    AWAITING_EMAIL = "awaiting_email_verification", _("Awaiting email confirmation")
    VERIFIED = "verified", _("Email confirmed")
    PROCESSING = "processing", _("Searching the store")
    AWAITING_REVIEW = "awaiting_staff_review", _("Under staff review")
    PREPARING = "preparing", _("Preparing the answer")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    ERASING = "erasing", _("Erasing")
    ISSUING = "issuing", _("Issuing the final documents")
    COMPLETED = "completed", _("Completed")
    REFUSED = "refused", _("Refused")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


S = RequestStatus
UNVERIFIED_STATUSES = (S.AWAITING_EMAIL,)
# Being handled: the deadline runs and staff can act.
OPEN_STATUSES = (S.VERIFIED, S.PROCESSING, S.AWAITING_REVIEW, S.PREPARING, S.AWAITING_APPROVAL, S.ERASING, S.ISSUING)
# Nothing irreversible has happened yet: the requester may withdraw, staff may refuse.
BEFORE_APPROVAL = (S.VERIFIED, S.PROCESSING, S.AWAITING_REVIEW, S.PREPARING, S.AWAITING_APPROVAL)
# States that end a request; photos and encodings are gone in all of them.
FINAL_STATUSES = (S.COMPLETED, S.REFUSED, S.EXPIRED, S.WITHDRAWN)
# The facts a request's final documents state no longer change from these states on.
FACTS_FINAL_STATUSES = (S.ISSUING, S.COMPLETED, S.REFUSED)

ACCESS_TYPES = ("access", "both")
ERASURE_TYPES = ("erasure", "both")
# Rights staff decide on the requester's statement (GDPR Art. 16, 18, 21): the decision is
# recorded with the approval (compliance.workflow.rights).
DECIDED_TYPES = ("rectification", "restriction", "objection")
OUTCOMES_OF_TYPE = {
    "rectification": ("rectified", "not_rectified"),
    "restriction": ("restricted", "not_restricted"),
    "objection": ("objection_upheld", "objection_rejected"),
}


def approval_erases(request_type: str, outcome: str) -> bool:
    """The approval runs an erasure: erasure and both requests, and an upheld objection (GDPR
    Art. 21(1): processing stops, and in this store that means erasing the faces)."""
    return request_type in ERASURE_TYPES or (request_type == "objection" and outcome == "objection_upheld")


def erases(req) -> bool:
    return approval_erases(req.request_type, req.outcome)


# --- guards -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Guard:
    """A condition of a transition: `problem(request)` is None when it holds, else what is missing."""

    name: str
    problem: Callable[[object], str | None]

    def holds(self, request) -> bool:
        return self.problem(request) is None

    def condition(self) -> Callable[[object], bool]:
        def check(instance) -> bool:
            return self.holds(instance)

        check.__name__ = self.name
        return check


def _one(manager_owner, name: str):
    """The reverse one-to-one `name` of a request, or None."""
    try:
        return getattr(manager_owner, name)
    except models.ObjectDoesNotExist:
        return None


def _matching_claimed(req) -> str | None:
    run = _one(req, "matching_run")
    return None if run is not None and run.status == "running" else "The store search has not been started."


def _matching_done(req) -> str | None:
    run = _one(req, "matching_run")
    return None if run is not None and run.status == "done" else "The store has not been searched yet."


def _no_pending_matches(req) -> str | None:
    pending = req.matches.filter(review_status="pending").count()
    return f"{pending} match(es) still need a decision." if pending else None


def _identity_assessed(req) -> str | None:
    return None if req.identity_assessment else "Staff have not recorded an identity assessment."


def _identity_consistent(req) -> str | None:
    """GDPR Art. 12(6), 15(4): an identity document that does not match the selfie blocks the
    release of anyone's photos unless staff overrode it with a written reason."""
    if req.request_type not in ACCESS_TYPES or req.identity_check != "mismatch":
        return None
    if req.identity_assessment == "mismatch_overridden" and req.identity_assessment_note.strip():
        return None
    return "The identity document does not match the selfie: release is blocked unless staff override it."


def _identity_check_finished(req) -> str | None:
    """An identity document's check runs in the background: nothing is released before its
    result is in, or a mismatch found after the release could no longer block it."""
    if req.request_type not in ACCESS_TYPES or req.identity_check != "pending":
        return None
    return "The identity-document check has not finished: release waits for its result."


def _draft_matches_decisions(req) -> str | None:
    if req.request_type not in ACCESS_TYPES:
        return None
    package = _one(req, "access_package")
    if package is None or package.status != "ready":
        return "The access package has not been prepared."
    if package.decisions_fingerprint != req.decisions_fingerprint():
        return "Match decisions changed after the access package was prepared."
    return None


def _decision_recorded(req) -> str | None:
    """A rectification, restriction or objection is approved with its decision and reasons."""
    if req.request_type not in DECIDED_TYPES:
        return None
    if req.outcome not in OUTCOMES_OF_TYPE[req.request_type]:
        return "The decision on the request has not been recorded."
    if not req.outcome_reason.strip():
        return "The decision needs its reasons."
    return None


def _erasure_confirmed(req) -> str | None:
    if not erases(req):
        return None
    erasure = _one(req, "erasure")
    if erasure is None or erasure.confirmed_at is None:
        return "The erasure plan has not been confirmed."
    return None


def _erasure_finished(req) -> str | None:
    """GDPR Art. 17 and 19: the erasure is done, a new search finds nothing, every confirmed
    face is gone from the store, every recipient was told, and the selfie is deleted."""
    erasure = _one(req, "erasure")
    if erasure is None or erasure.status != "done":
        return "The erasure has not finished."
    if erasure.recheck_matches != 0:
        return "The re-check after the erasure found faces left in the store."
    left = req.matches.filter(review_status="confirmed", face__isnull=False).count()
    if left:
        return f"{left} confirmed face(s) are still in the store."
    untold = erasure.recipients.filter(notified_at__isnull=True).count()
    if untold:
        return f"{untold} recipient(s) have not been told of the erasure (Art. 19)."
    if req.selfie or req.biometrics_purged_at is None:
        return "The selfie has not been deleted yet."
    return None


def _documents_issued(req) -> str | None:
    missing = sorted(set(req.required_document_kinds()) - set(req.documents.values_list("kind", flat=True)))
    return f"Documents not issued yet: {', '.join(missing)}." if missing else None


def _refusal_timely_or_explained(req) -> str | None:
    """GDPR Art. 12(4): a refusal reaches the requester within one month of receipt (an
    extension does not extend it); a later one needs a stated reason for the delay."""
    if req.refusal_is_late() and not req.late_refusal_reason.strip():
        return "The first month after receipt has passed: a late refusal needs a reason for the delay."
    return None


GUARDS: dict[str, tuple[Guard, ...]] = {
    "start_matching": (Guard("matching_claimed", _matching_claimed),),
    "finish_matching": (Guard("matching_done", _matching_done),),
    "finish_review": (
        Guard("matching_done", _matching_done),
        Guard("no_pending_matches", _no_pending_matches),
        Guard("identity_assessed", _identity_assessed),
    ),
    "answer_prepared": (Guard("draft_matches_decisions", _draft_matches_decisions),),
    "approve": (
        Guard("no_pending_matches", _no_pending_matches),
        Guard("identity_assessed", _identity_assessed),
        Guard("identity_check_finished", _identity_check_finished),
        Guard("identity_consistent", _identity_consistent),
        Guard("draft_matches_decisions", _draft_matches_decisions),
        Guard("decision_recorded", _decision_recorded),
        Guard("erasure_confirmed", _erasure_confirmed),
    ),
    "finish_erasure": (Guard("erasure_finished", _erasure_finished),),
    "complete": (Guard("documents_issued", _documents_issued),),
    "refuse": (Guard("refusal_timely_or_explained", _refusal_timely_or_explained),),
}


def _conditions(name: str) -> list[Callable[[object], bool]]:
    return [guard.condition() for guard in GUARDS.get(name, ())]


def _after_review(req) -> str:
    return S.PREPARING if req.request_type in ACCESS_TYPES else S.AWAITING_APPROVAL


def _after_approval(req) -> str:
    return S.ERASING if erases(req) else S.ISSUING


class RequestMachine:
    """The transitions of DataSubjectRequest.status. Their bodies are empty: the lifecycle sets
    the fields that go with each, saves, and writes the audit trail in one transaction."""

    @transition(field="status", source=S.AWAITING_EMAIL, target=S.VERIFIED)
    def verify_email(self):
        """The requester used the single-use link in the verification email."""

    @transition(field="status", source=S.AWAITING_EMAIL, target=S.EXPIRED)
    def expire(self):
        """The email address was not confirmed within 7 days."""

    @transition(field="status", source=S.VERIFIED, target=S.PROCESSING, conditions=_conditions("start_matching"))
    def start_matching(self):
        """A worker claimed the store search."""

    @transition(
        field="status", source=S.PROCESSING, target=S.AWAITING_REVIEW, conditions=_conditions("finish_matching")
    )
    def finish_matching(self):
        """The store search finished; staff review the matches and the identity."""

    @transition(
        field="status",
        source=S.AWAITING_REVIEW,
        target=GET_STATE(_after_review, states=[S.PREPARING, S.AWAITING_APPROVAL]),
        conditions=_conditions("finish_review"),
    )
    def finish_review(self):
        """Staff decided every match and recorded an identity assessment."""

    @transition(
        field="status", source=S.PREPARING, target=S.AWAITING_APPROVAL, conditions=_conditions("answer_prepared")
    )
    def answer_prepared(self):
        """The access package was built from the confirmed matches."""

    @transition(field="status", source=[S.PREPARING, S.AWAITING_APPROVAL], target=S.AWAITING_REVIEW)
    def reopen_review(self):
        """Staff take the request back to review to change a decision."""

    @transition(
        field="status",
        source=S.AWAITING_APPROVAL,
        target=GET_STATE(_after_approval, states=[S.ERASING, S.ISSUING]),
        conditions=_conditions("approve"),
    )
    def approve(self):
        """Staff approve the answer: an access answer is issued, an erasure runs."""

    @transition(field="status", source=S.ERASING, target=S.ISSUING, conditions=_conditions("finish_erasure"))
    def finish_erasure(self):
        """The erasure is complete and verified; the final documents can state it."""

    @transition(field="status", source=S.ISSUING, target=S.COMPLETED, conditions=_conditions("complete"))
    def complete(self):
        """Every final document is issued."""

    @transition(field="status", source=list(BEFORE_APPROVAL), target=S.REFUSED, conditions=_conditions("refuse"))
    def refuse(self):
        """Staff refuse to act, with a basis and reasons (GDPR Art. 12(4)-(6))."""

    @transition(field="status", source=[*UNVERIFIED_STATUSES, *BEFORE_APPROVAL], target=S.WITHDRAWN)
    def withdraw(self):
        """The requester withdraws the request and with it the consent for the photo (Art. 7(3))."""


TRANSITION_NAMES = (
    "verify_email",
    "expire",
    "start_matching",
    "finish_matching",
    "finish_review",
    "answer_prepared",
    "reopen_review",
    "approve",
    "finish_erasure",
    "complete",
    "refuse",
    "withdraw",
)


# --- what the citizen sees --------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    key: str
    label: str


STEPS = (
    Step("received", _("Received")),
    Step("email", _("Email confirmed")),
    Step("search", _("Searching")),
    Step("review", _("Under review")),
    Step("answer", _("Answered")),
)
STEP_OF_STATUS = {
    S.AWAITING_EMAIL: 1,
    S.VERIFIED: 2,
    S.PROCESSING: 2,
    S.AWAITING_REVIEW: 3,
    S.PREPARING: 3,
    S.AWAITING_APPROVAL: 3,
    S.ERASING: 4,
    S.ISSUING: 4,
    S.COMPLETED: 4,
}
NEXT_FOR_REQUESTER = {
    S.AWAITING_EMAIL: _(
        "Confirm your email address with the link in the first email we sent you. We start once you have; "
        "without it the request lapses after 7 days."
    ),
    S.VERIFIED: _("We will search the collected photos for your face. This usually takes a few minutes."),
    S.PROCESSING: _("We are searching the collected photos for your face."),
    S.AWAITING_REVIEW: _(
        "A member of staff checks every photo found and your identity, so that nobody else's photo reaches you."
    ),
    S.PREPARING: _("We are preparing your answer; a member of staff approves it before it is sent."),
    S.AWAITING_APPROVAL: _("Your answer is ready and waits for a member of staff to approve it."),
    S.ERASING: _("We are erasing your photos and checking that none is left. You will receive a certificate."),
    S.ISSUING: _("We are issuing your final documents. They appear on this page when ready."),
    S.COMPLETED: _("Your request is answered. Your documents are below."),
    S.REFUSED: _("We did not act on your request. The reasons and your rights are below."),
    S.EXPIRED: _("The email address was not confirmed within 7 days, so the request lapsed. Your photo was deleted."),
    S.WITHDRAWN: _("You withdrew the request. Your photo was deleted."),
}


def stepper(*, status: str, request_type: str, email_confirmed: bool) -> list[dict]:
    """The steps of the status page: each with `label` and `state` ("done", "current", "todo");
    a request that ended early (refused, withdrawn, expired) shows the steps it had passed as
    done and no current step."""
    answer_label = _("Erased") if request_type == "erasure" else _("Answered")
    if request_type in DECIDED_TYPES:
        answer_label = _("Decision sent")
    if request_type == "both":
        answer_label = _("Answered and erased")
    current = STEP_OF_STATUS.get(status)
    ended_early = current is None
    if ended_early:
        current = 2 if email_confirmed else 1
    steps = []
    for index, step in enumerate(STEPS):
        label = answer_label if step.key == "answer" else step.label
        if index < current or (index == current and status == S.COMPLETED):
            state = "done"
        elif index == current and not ended_early:
            state = "current"
        else:
            state = "todo"
        steps.append({"key": step.key, "label": label, "state": state})
    return steps

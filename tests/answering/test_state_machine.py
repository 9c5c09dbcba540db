"""Issue 11, property-based: random sequences of staff page actions, API calls, citizen actions
and task runs (including workers killed mid-task and tasks retried) against one request, with
real photos and real face matching, and the invariants checked after every step:

- no erasure request is completed while a face it confirmed is still in the store, or before its
  erasure was done and its re-check found nothing;
- no access answer is issued while the identity document mismatch is unresolved;
- no document is rendered before its request's facts are final;
- no photo is disclosed without a confirmed match.

Each example runs in a savepoint that is rolled back afterwards, on a small store of its own.
Tasks never run behind the machine's back: the services' on-commit sends are inert inside the
test transaction, so a task runs only when a rule runs it (a lost message is the default).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import zipfile

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from biometrics.models import Face
from compliance.models import (
    AccessPackage,
    DataSubjectRequest,
    DocumentKind,
    ErasureRecipient,
    ErasureRecord,
    ErasureStatus,
    RequestStatus,
)
from compliance.services.tokens import status_token_for
from compliance.workflow import documents, erasure, intake, lifecycle, matching
from compliance.workflow.access import package_build
from compliance.workflow.lifecycle import ActionNotAllowed
from compliance.workflow.machine import ACCESS_TYPES, ERASURE_TYPES, FACTS_FINAL_STATUSES
from compliance.workflow.sweep import workflow_sweep
from core.outbox import outbox_sweep
from tests.answering.conftest import SOURCE_PREFIX

pytestmark = [pytest.mark.faces, pytest.mark.slow]

SELFIE = "people/obama/obama.jpg"
STORE = ("people/obama/obama2.jpg", "people/obama/obama_small.jpg", "group/two_people.jpg", "people/biden/biden.jpg")
ERASURE_CHECKPOINTS = ("erasure:planned", "erasure:action_done", "erasure:rechecked", "erasure:selfie_purged")
EXAMPLES = int(os.environ.get("WORKFLOW_MACHINE_EXAMPLES", "20"))


class Killed(BaseException):
    """A worker dying mid-task: not an Exception, so no handler in the code under test sees it."""


@contextlib.contextmanager
def killed_at(name: str | None):
    """Make the erasure's checkpoint `name` kill the worker once."""
    from biometrics import erasure as store_erasure
    from compliance.workflow import erasure as workflow_erasure

    real = store_erasure.checkpoint

    def checkpoint(point: str) -> None:
        if point == name:
            raise Killed(point)
        real(point)

    store_erasure.checkpoint = workflow_erasure.checkpoint = checkpoint
    try:
        yield
    finally:
        store_erasure.checkpoint = workflow_erasure.checkpoint = real


def refused(call):
    """Run an action that the workflow may refuse; a refusal is an answer, not a failure."""
    from django.core.exceptions import PermissionDenied, ValidationError

    try:
        return call()
    except (ActionNotAllowed, ValidationError, PermissionDenied, documents.DocumentsNotFinal):
        return None


class RequestWorkflow(RuleBasedStateMachine):
    context: dict = {}
    reached: set = set()
    log: list = []

    @initialize(
        kind=st.sampled_from(["access", "erasure", "both"]),
        identity=st.sampled_from(["not_provided", "mismatch", "pending"]),
        suppression=st.booleans(),
    )
    def file_a_request(self, kind, identity, suppression):
        from biometrics.ingest import IngestItem, store_analysis
        from biometrics.search.store import stores_forget

        self.savepoint = transaction.savepoint()
        stores_forget()
        analyses, faces_dir = self.context["analyses"], self.context["faces_dir"]
        for path in STORE:
            data, analysis = analyses[path]
            store_analysis(IngestItem(path=path, source_url=SOURCE_PREFIX + path, page_url=""), analysis, data)
        # Two customers searched for the person: one can be emailed (Art. 19), one must be told by staff.
        from biometrics.services import customer_ensure, search_event_record

        face = Face.objects.filter(photo__source_url__endswith="obama2.jpg").first()
        for name, email in (("Example Police", "dpo@police.example"), ("Border Agency", "")):
            search_event_record(
                customer=customer_ensure(name=name, country="NL", contact_email=email), matches=[(face.pk, 0.3)]
            )
        request, token = intake.request_submit(
            data={
                "request_type": kind,
                "name": "Random Walker",
                "email": "walker@example.org",
                "country": "NL",
                "language": "en",
                "selfie_consent": True,
                "suppression_consent": suppression,
            },
            selfie_file=(faces_dir / SELFIE).read_bytes(),
        )
        intake.request_confirm_email(token=token)
        # The automated comparison with an identity document: none, already "not the same person",
        # or still running (its result may come back at any later step: see the rule below).
        DataSubjectRequest.objects.filter(pk=request.pk).update(identity_check=identity)
        self.request = DataSubjectRequest.objects.get(pk=request.pk)
        self.staff = Client()
        self.staff.force_login(self.context["staff"])
        self.citizen = Client()
        self.citizen.post(reverse("compliance:status_open"), {"token": status_token_for(self.request)})
        from rest_framework.test import APIClient

        self.api = APIClient()
        self.api.force_authenticate(self.context["staff"])

    def teardown(self):
        if hasattr(self, "request"):
            req = self.req
            RequestWorkflow.log.append((req.request_type, req.status, req.identity_check, req.identity_assessment))
        if hasattr(self, "savepoint"):
            transaction.savepoint_rollback(self.savepoint)

    # --- helpers ------------------------------------------------------------------------------

    @property
    def req(self) -> DataSubjectRequest:
        self.request.refresh_from_db()
        return self.request

    def review_url(self, name, *args):
        return reverse(f"answering:{name}", args=[self.request.public_id, *args])

    def api_url(self, action):
        return f"/api/v1/requests/{self.request.public_id}/{action}/"

    # --- staff, on the pages --------------------------------------------------------------------

    @rule(index=st.integers(0, 5), confirm=st.booleans())
    def page_decide_one(self, index, confirm):
        matches = list(self.req.matches.order_by("pk"))
        if matches:
            match = matches[index % len(matches)]
            self.staff.post(self.review_url("decide", match.pk), {"decision": "confirm" if confirm else "reject"})

    @rule(confirm=st.booleans())
    def page_decide_all(self, confirm):
        ids = list(self.req.matches.values_list("pk", flat=True))
        self.staff.post(
            self.review_url("decide_many"), {"decision": "confirm" if confirm else "reject", "matches": ids}
        )

    @rule(override=st.booleans())
    def page_assess_identity(self, override):
        outcome = "mismatch_overridden" if override else "established"
        self.staff.post(self.review_url("assess_identity"), {"outcome": outcome, "note": "Checked in person today."})

    @rule()
    def page_finish_review(self):
        self.staff.post(self.review_url("finish_review"))

    @rule()
    def page_reopen_review(self):
        self.staff.post(self.review_url("reopen_review"))

    @rule(confirm=st.booleans())
    def page_approve(self, confirm):
        self.staff.get(self.review_url("approve"))
        self.staff.post(self.review_url("approve"), {"confirm": "on"} if confirm else {})

    @rule(late_reason=st.booleans(), dice=st.integers(0, 3))
    def page_refuse(self, late_reason, dice):
        if dice:  # refusing ends the walk too
            return
        data = {"refuse-basis": "other", "refuse-reason": "The photo shows a drawing, not a person."}
        if late_reason:
            data["refuse-late_reason"] = "A migration delayed the handling by weeks."
        url = reverse("compliance:request_action", args=[self.request.public_id, "refuse"])
        self.staff.post(url, data)

    @rule()
    def page_tell_recipients(self):
        for recipient in ErasureRecipient.objects.filter(erasure__request=self.request, notified_at__isnull=True):
            self.staff.post(
                self.review_url("recipient_notified", recipient.pk),
                {"how": "other_means", "note": "Told by registered letter."},
            )

    @rule()
    def page_retry_erasure(self):
        self.staff.post(self.review_url("erasure_retry"), {"confirm": "yes"})

    # --- staff, through the API -----------------------------------------------------------------

    @rule(confirm=st.booleans())
    def api_decide_all(self, confirm):
        ids = list(self.req.matches.values_list("pk", flat=True))
        if ids:
            self.api.post(
                self.api_url("decide-matches"), {"decision": "confirm" if confirm else "reject", "matches": ids}
            )

    @rule(override=st.booleans())
    def api_assess_identity(self, override):
        outcome = "mismatch_overridden" if override else "established"
        self.api.post(self.api_url("assess-identity"), {"outcome": outcome, "note": "Passport seen at the desk."})

    @rule()
    def api_finish_review(self):
        self.api.post(self.api_url("finish-review"))

    @rule(confirm=st.booleans())
    def api_approve(self, confirm):
        self.api.post(self.api_url("approve"), {"confirm_erasure": confirm}, format="json")

    @rule()
    def api_shortcuts_of_old(self):
        for gone in ("start-processing", "mark-awaiting-review", "mark-awaiting-approval"):
            assert self.api.post(self.api_url(gone)).status_code == 404

    @precondition(lambda self: self.req.identity_check == "pending")
    @rule(result=st.sampled_from(["matched", "mismatch"]))
    def identity_check_comes_back(self, result):
        """The identity-document check is asynchronous: its result may arrive after staff
        assessed the identity (the task writes it, as compliance.services.identity does)."""
        DataSubjectRequest.objects.filter(pk=self.request.pk, identity_check="pending").update(identity_check=result)

    @precondition(lambda self: self.req.identity_check == "pending")
    @rule(result=st.sampled_from(["matched", "mismatch"]))
    def identity_check_comes_back_later(self, result):
        self.identity_check_comes_back(result)

    @precondition(lambda self: self.req.identity_check == "pending")
    @rule(result=st.sampled_from(["matched", "mismatch"]))
    def identity_check_comes_back_last(self, result):
        self.identity_check_comes_back(result)

    # --- the requester ----------------------------------------------------------------------------

    @rule(dice=st.integers(0, 3))
    def citizen_withdraws(self, dice):
        if dice:  # a quarter of the draws: withdrawing ends the walk, the rest should go on
            return
        self.citizen.post(reverse("compliance:withdraw", args=[self.request.public_id]), {"confirm": "yes"})

    @rule()
    def citizen_withdraws_consent(self):
        self.citizen.post(reverse("compliance:suppression_withdraw_status", args=[self.request.public_id]))

    @rule()
    def citizen_downloads_everything(self):
        page = self.citizen.get(reverse("compliance:status", args=[self.request.public_id]))
        assert page.status_code == 200
        import re

        links = re.findall(r'href="(/requests/status/[^"]+/documents/[^"]+)"', page.content.decode())
        assert len(links) == len(set(links)) == self.req.documents.filter(file_deleted_at__isnull=True).count()
        for link in links:
            assert self.citizen.get(link).status_code == 200

    # --- workers (each may be killed, and every task may run again) -------------------------------

    @rule(killed=st.booleans())
    def task_matching(self, killed):
        if killed:
            real = matching.audit_record

            def dying(*, action, **kwargs):
                if action == "answering.matching_done":
                    raise Killed(action)
                return real(action=action, **kwargs)

            matching.audit_record = dying
            try:
                with contextlib.suppress(Killed):
                    matching.matching_run(request_id=self.request.pk)
            finally:
                matching.audit_record = real
        else:
            matching.matching_run(request_id=self.request.pk)

    @rule()
    def task_draft(self):
        package_build(request_id=self.request.pk)

    @rule(kill_at=st.sampled_from((None, *ERASURE_CHECKPOINTS)))
    def task_erasure(self, kill_at):
        with killed_at(kill_at), contextlib.suppress(Killed):
            erasure.erasure_execute(request_id=self.request.pk)

    @rule()
    def task_documents(self):
        refused(lambda: documents.documents_issue(request_id=self.request.pk))

    @rule()
    def task_sweeps(self):
        later = timezone.now() + timezone.timedelta(hours=2)
        workflow_sweep(now=later)
        outbox_sweep(now=later)

    # --- any caller firing any transition directly: the guards are the last barrier -------------------

    def fire(self, choice: int) -> None:
        """A task, a command or a future page calling the lifecycle at the wrong moment: any
        transition that starts from the current state, whether or not its work was done. Only
        the transition's own guards stand between it and a wrong outcome."""
        staff = self.context["staff"]
        calls = {
            "start_matching": lambda r: lifecycle.request_start_matching(request=r),
            "finish_matching": lambda r: lifecycle.request_finish_matching(request=r),
            "finish_review": lambda r: lifecycle.request_finish_review(request=r, user=staff),
            "answer_prepared": lambda r: lifecycle.request_answer_prepared(request=r),
            "reopen_review": lambda r: lifecycle.request_reopen_review(request=r, user=staff),
            "approve": lambda r: lifecycle.request_approve(request=r, user=staff),
            "finish_erasure": lambda r: lifecycle.request_finish_erasure(request=r),
            "complete": lambda r: lifecycle.request_complete(request=r),
        }
        req = self.req
        fitting = [name for name in calls if lifecycle.transition_fits(req, name)]
        if fitting:
            name = fitting[choice % len(fitting)]
            refused(lambda: calls[name](req))

    @rule(choice=st.integers(0, 7))
    def someone_fires(self, choice):
        self.fire(choice)

    @rule(choice=st.integers(0, 7))
    def someone_else_fires(self, choice):
        self.fire(choice)

    @rule(choice=st.integers(0, 7))
    def a_retried_task_fires(self, choice):
        self.fire(choice)

    # --- the sensible next step, so that random walks also reach the end ---------------------------

    @rule(steps=st.integers(1, 3))
    def advance(self, steps):
        """Do what staff and the workers would do next, `steps` times (its own steps can still
        be interleaved with any other rule's)."""
        for _ in range(steps):
            status = self.req.status
            if status in (RequestStatus.VERIFIED, RequestStatus.PROCESSING):
                self.task_matching(killed=False)
            elif status == RequestStatus.AWAITING_REVIEW:
                self.page_decide_all(confirm=True)
                self.page_assess_identity(override=self.req.identity_check == "mismatch")
                self.page_finish_review()
            elif status == RequestStatus.PREPARING:
                self.task_draft()
            elif status == RequestStatus.AWAITING_APPROVAL:
                self.page_approve(confirm=True)
            elif status == RequestStatus.ERASING:
                erasure_row = ErasureRecord.objects.get(request=self.request)
                if erasure_row.status in (ErasureStatus.PLANNED, ErasureStatus.RUNNING):
                    self.task_erasure(kill_at=None)
                elif erasure_row.status == ErasureStatus.DONE:
                    self.page_tell_recipients()
                else:
                    self.page_decide_all(confirm=True)
                    self.page_retry_erasure()
            elif status == RequestStatus.ISSUING:
                self.task_documents()
            RequestWorkflow.reached.add(self.req.status)

    # The same rule under three names: a walk picks one of them about as often as all the
    # interfering rules together, so walks reach the end while still being interleaved.
    @rule(steps=st.integers(1, 3))
    def advance_again(self, steps):
        self.advance(steps)

    @rule(steps=st.integers(1, 3))
    def advance_once_more(self, steps):
        self.advance(steps)

    # --- the invariants ---------------------------------------------------------------------------

    @invariant()
    def no_erasure_completed_with_a_face_left(self):
        if not hasattr(self, "request"):
            return
        req = self.req
        if req.request_type in ERASURE_TYPES and req.status in (RequestStatus.ISSUING, RequestStatus.COMPLETED):
            confirmed = list(req.matches.filter(review_status="confirmed").values_list("face_id_snapshot", flat=True))
            assert not Face.objects.filter(pk__in=confirmed).exists()
            assert req.erasure.status == ErasureStatus.DONE and req.erasure.recheck_matches == 0
            assert not req.selfie and req.biometrics_purged_at is not None
            assert not req.erasure.recipients.filter(notified_at__isnull=True).exists()

    @invariant()
    def no_release_with_an_unresolved_mismatch(self):
        if not hasattr(self, "request"):
            return
        req = self.req
        if req.documents.filter(kind__in=[DocumentKind.ACCESS_LETTER, DocumentKind.ACCESS_DATA]).exists():
            assert req.request_type in ACCESS_TYPES
            if req.identity_check == "mismatch":
                assert req.identity_assessment == "mismatch_overridden" and req.identity_assessment_note.strip()

    @invariant()
    def no_document_before_the_final_facts(self):
        if not hasattr(self, "request"):
            return
        req = self.req
        for document in req.documents.all():
            assert req.status in FACTS_FINAL_STATUSES and req.facts_final_at is not None
            assert document.issued_at >= req.facts_final_at
        if req.status == RequestStatus.COMPLETED:
            assert set(req.documents.values_list("kind", flat=True)) == set(req.required_document_kinds())

    @invariant()
    def nothing_disclosed_without_a_confirmed_match(self):
        if not hasattr(self, "request"):
            return
        req = self.req
        confirmed = {
            str(p) for p in req.matches.filter(review_status="confirmed").values_list("photo_public_id", flat=True)
        }
        data = req.documents.filter(kind=DocumentKind.ACCESS_DATA, file_deleted_at__isnull=True).first()
        if data is not None:
            with data.file.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
                disclosed = {p["photo_id"] for p in json.loads(archive.read("access_response.json"))["photos"]}
                images = {n.split("/")[1][:-4] for n in archive.namelist() if n.startswith("images/")}
            assert disclosed <= confirmed and images <= confirmed
        package = AccessPackage.objects.filter(request=req).first()
        if package is not None and package.status == "ready" and req.status != RequestStatus.AWAITING_REVIEW:
            assert set(package.copies) <= confirmed


def test_no_sequence_of_actions_breaks_the_request_invariants(db, staff_user, faces_dir, analyses, settings_override):
    RequestWorkflow.context = {"staff": staff_user, "faces_dir": faces_dir, "analyses": analyses}
    RequestWorkflow.reached = set()
    run_state_machine_as_test(
        RequestWorkflow,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=40,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
    # The walks went the whole way, not only around the start.
    assert RequestStatus.COMPLETED in RequestWorkflow.reached, RequestWorkflow.reached


@pytest.fixture
def settings_override(settings):
    """Emails are sent by the rules' outbox sweep, not by on-commit tasks (inert in here)."""
    settings.ANSWERING_AUTOSTART = False
    return settings

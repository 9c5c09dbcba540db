"""Access then erasure for one person, in-process (eager Celery), on whatever database the run
uses (SQLite by default, PostgreSQL in CI). The real-worker version is test_worker.py."""

import io
import json
import zipfile

import pytest

from compliance.models import (
    AccessPackageStatus,
    DocumentKind,
    ErasureStatus,
    MatchBand,
    RequestStatus,
    ReviewStatus,
)
from compliance.workflow import approval, review
from compliance.workflow.lifecycle import ActionNotAllowed
from tests.answering import checks
from tests.answering.conftest import person_paths
from tests.workflow import assess_identity, decide_all

pytestmark = [pytest.mark.faces, pytest.mark.slow]


def finish_review(request, staff, capture):
    decide_all(request, staff)
    assess_identity(request, staff)
    with capture(execute=True):
        review.review_finish(request=request, user=staff)
    request.refresh_from_db()
    return request


def approve(request, staff, capture, **kwargs):
    with capture(execute=True):
        approval.answer_approve(request=request, user=staff, **kwargs)
    request.refresh_from_db()
    return request


def test_access_then_erasure_in_process(
    store,
    file_request,
    staff_user,
    manifest,
    faces_dir,
    detections,
    media_root,
    client,
    django_capture_on_commit_callbacks,
):
    capture = django_capture_on_commit_callbacks
    selfie_encoding = detections["people/obama/obama.jpg"][1][0].encoding

    # Access: every match of obama is confident; staff still review and assess the identity.
    request = file_request(request_type="access")
    assert request.status == RequestStatus.AWAITING_REVIEW, request.last_error
    assert request.matching_run.status == "done"
    assert set(request.matches.values_list("band", flat=True)) == {MatchBand.CONFIDENT}
    assert not request.documents.exists()
    request = finish_review(request, staff_user, capture)
    assert request.status == RequestStatus.AWAITING_APPROVAL
    package = request.access_package
    assert package.status == AccessPackageStatus.READY
    checks.check_access_package(
        request=request,
        store_ids=store,
        manifest=manifest,
        faces_dir=faces_dir,
        detections=detections,
        selfie_encoding=selfie_encoding,
    )
    assert not request.documents.exists()  # nothing issued before approval

    request = approve(request, staff_user, capture)
    assert request.status == RequestStatus.COMPLETED
    assert not request.selfie and request.biometrics_purged_at  # purged when the facts became final
    kinds = sorted(request.documents.values_list("kind", flat=True))
    assert kinds == [DocumentKind.ACCESS_DATA, DocumentKind.ACCESS_LETTER]
    assert all(d.issued_at >= request.facts_final_at for d in request.documents.all())
    package.refresh_from_db()
    assert package.status == AccessPackageStatus.DISCARDED and not package.zip
    data = request.documents.get(kind=DocumentKind.ACCESS_DATA)
    with data.file.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
        document = json.loads(archive.read("access_response.json"))
    assert len(document["photos"]) == len(person_paths(manifest, "obama"))

    # Erasure of the same person: the plan is confirmed, then everything goes.
    before = checks.store_snapshot()
    erasure_request = file_request(request_type="erasure", email="barack.erase@example.org")
    erasure_request = finish_review(erasure_request, staff_user, capture)
    assert erasure_request.status == RequestStatus.AWAITING_APPROVAL
    with pytest.raises(Exception, match="Confirm the erasure"):
        approval.answer_approve(request=erasure_request, user=staff_user)  # no confirmation: nothing happens
    erasure_request.refresh_from_db()
    assert erasure_request.status == RequestStatus.AWAITING_APPROVAL
    erasure_request = approve(erasure_request, staff_user, capture, confirm_erasure=True)
    erasure = erasure_request.erasure
    assert erasure.status == ErasureStatus.DONE, erasure.last_error or erasure.alert
    assert erasure.recheck_matches == 0
    assert erasure_request.status == RequestStatus.COMPLETED
    assert not erasure_request.selfie
    obama = person_paths(manifest, "obama")
    assert erasure.confirmed_faces == erasure.faces_deleted == len(obama)
    assert erasure.photos_redacted == 2 and erasure.photos_deleted == len(obama) - 2
    assert all(action.state == "done" and action.old_sha256 for action in erasure.actions.all())
    checks.check_erasure(
        before=before,
        after=checks.store_snapshot(),
        store_ids=store,
        manifest=manifest,
        person="obama",
        detections=detections,
        selfie_encoding=selfie_encoding,
        media_root=media_root,
    )
    certificate = erasure_request.documents.get(kind=DocumentKind.ERASURE_CERTIFICATE)
    with certificate.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    from biometrics.models import SuppressionEntry

    assert not SuppressionEntry.objects.exists()  # no consent: nothing biometric stays
    # The earlier access answer showed these photos: its files went with the erasure (issue 11.9).
    for document in request.documents.all():
        document.refresh_from_db()
        assert not document.available and document.file_deleted_reason.startswith("erasure")
    assert erasure.earlier_documents_deleted == 2


def test_possible_matches_wait_for_staff_review(
    store, file_request, staff_user, settings, django_capture_on_commit_callbacks
):
    """With a strict confident band some of obama's photos become possible matches: nothing is
    disclosed until staff confirm, and rejected ones stay out."""
    from compliance.workflow.access import disclosed_matches

    settings.FACE_MATCH_CONFIDENT = 0.3
    request = file_request(request_type="access")
    assert request.status == RequestStatus.AWAITING_REVIEW
    possible = list(request.matches.filter(band=MatchBand.POSSIBLE))
    assert possible and all(m.review_status == ReviewStatus.PENDING for m in possible)
    assess_identity(request, staff_user)
    with pytest.raises(ActionNotAllowed, match="still need a decision"):
        review.review_finish(request=request, user=staff_user)
    review.review_decide(match=possible[0], user=staff_user, confirm=False)
    for match in possible[1:]:
        review.review_decide(match=match, user=staff_user, confirm=True)
    with django_capture_on_commit_callbacks(execute=True):
        review.review_finish(request=request, user=staff_user)
    request.refresh_from_db()
    assert request.status == RequestStatus.AWAITING_APPROVAL
    disclosed = {m.pk for m in disclosed_matches(request)}
    assert possible[0].pk not in disclosed and {m.pk for m in possible[1:]} <= disclosed
    from core.models import AuditEvent

    actions = list(AuditEvent.objects.filter(request_public_id=request.public_id).values_list("action", flat=True))
    assert actions.count("answering.match_rejected") == 1
    assert actions.count("answering.match_confirmed") == len(possible) - 1


class SimulatedKill(Exception):
    pass


def test_matching_interrupted_and_retried_gives_the_same_matches_and_one_message(
    store, file_request, monkeypatch, django_capture_on_commit_callbacks
):
    """A run that dies after inserting its matches but before recording the end, then retried,
    ends exactly like an uninterrupted run: same matches, one staff note, one audit record."""
    from compliance.models import MatchingRun, MatchingStatus, RequestMatch, RequestMessage
    from compliance.workflow import matching
    from core.models import AuditEvent

    def rows(request):
        return sorted(RequestMatch.objects.filter(request=request).values_list("face_id_snapshot", "distance", "band"))

    clean = file_request(request_type="access", email="first@example.org")
    real_audit = matching.audit_record

    def dying_audit(*, action, **kwargs):
        if action == "answering.matching_done":
            raise SimulatedKill
        return real_audit(action=action, **kwargs)

    monkeypatch.setattr(matching, "audit_record", dying_audit)
    with pytest.raises(SimulatedKill):
        file_request(request_type="access", email="second@example.org")
    from compliance.models import DataSubjectRequest

    interrupted = DataSubjectRequest.objects.get(email="second@example.org")
    assert interrupted.matching_run.status == MatchingStatus.RUNNING
    assert interrupted.status == RequestStatus.PROCESSING
    assert rows(interrupted) == rows(clean)  # inserted before the "kill"
    monkeypatch.setattr(matching, "audit_record", real_audit)
    with django_capture_on_commit_callbacks(execute=True):
        matching.matching_run(request_id=interrupted.pk)  # the redelivered task
        matching.matching_run(request_id=interrupted.pk)  # and a duplicate delivery
    interrupted.refresh_from_db()
    assert MatchingRun.objects.get(request=interrupted).status == MatchingStatus.DONE
    assert rows(interrupted) == rows(clean)
    assert RequestMessage.objects.filter(request=interrupted).count() == 1
    done = AuditEvent.objects.filter(request_public_id=interrupted.public_id, action="answering.matching_done")
    assert done.count() == 1
    assert interrupted.status == clean.status == RequestStatus.AWAITING_REVIEW


def test_erasure_with_suppression_consent_keeps_only_the_encoding(
    store, file_request, staff_user, django_capture_on_commit_callbacks
):
    from biometrics.models import SuppressionEntry

    request = file_request(request_type="erasure", selfie="people/obama/obama2.jpg", suppression=True)
    request = finish_review(request, staff_user, django_capture_on_commit_callbacks)
    request = approve(request, staff_user, django_capture_on_commit_callbacks, confirm_erasure=True)
    assert request.erasure.status == ErasureStatus.DONE
    assert request.erasure.suppression_kept
    entry = SuppressionEntry.objects.get(request_public_id=request.public_id)
    assert len(bytes(entry.encoding)) == 512
    assert not request.selfie
    assert request.status == RequestStatus.COMPLETED


def test_sweep_starts_matching_that_was_never_queued(store, faces_dir, django_capture_on_commit_callbacks):
    """A verified request whose matching task was lost is picked up by the beat sweep."""
    from datetime import timedelta

    from django.utils import timezone

    from compliance.workflow import intake
    from compliance.workflow.sweep import workflow_sweep

    request, token = intake.request_submit(
        data={
            "request_type": "access",
            "name": "Lost Task",
            "email": "lost@example.org",
            "country": "BE",
            "language": "fr",
            "selfie_consent": True,
        },
        selfie_file=(faces_dir / "people/biden/biden.jpg").read_bytes(),
        ip="198.51.100.8",
    )
    request = intake.request_confirm_email(token=token)  # no matching queued (autostart is off here)
    assert workflow_sweep(now=timezone.now())["matching"] == 0  # within the grace period
    with django_capture_on_commit_callbacks(execute=True):
        assert workflow_sweep(now=timezone.now() + timedelta(minutes=5))["matching"] == 1
    request.refresh_from_db()
    assert request.status == RequestStatus.AWAITING_REVIEW
    assert request.matches.count() == 4  # biden: two portraits and two group photos
    assert workflow_sweep(now=timezone.now() + timedelta(minutes=5))["matching"] == 0

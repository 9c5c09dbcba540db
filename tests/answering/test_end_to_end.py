"""Access then erasure for one person, in-process (eager Celery), on whatever database the run
uses (SQLite by default, PostgreSQL in CI). The real-worker version is test_worker.py."""

import pytest

from compliance.models import (
    AccessPackageStatus,
    ErasureStatus,
    MatchBand,
    RequestStatus,
    ReviewStatus,
)
from tests.answering import checks
from tests.answering.conftest import person_paths

pytestmark = [pytest.mark.faces, pytest.mark.slow]


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
    from compliance.answering.selectors import requester_downloads
    from compliance.answering.services import answer_approve

    selfie_encoding = detections["people/obama/obama.jpg"][1][0].encoding

    # Access: every match of obama is confident with the default bands, so the request goes
    # straight to approval with the package built.
    request = file_request(request_type="access")
    assert request.status == RequestStatus.AWAITING_APPROVAL, request.last_error
    assert request.matching_run.status == "done"
    assert set(request.matches.values_list("band", flat=True)) == {MatchBand.CONFIDENT}
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
    assert requester_downloads(request) == []  # nothing before staff approval

    answer_approve(request=request, user=staff_user)
    request.refresh_from_db()
    package.refresh_from_db()
    assert package.status == AccessPackageStatus.RELEASED
    assert request.status == RequestStatus.COMPLETED
    assert not request.selfie  # purged on completion
    links = requester_downloads(request)
    assert len(links) == 2
    response = client.get(links[1]["url"])
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert b"".join(response.streaming_content)[:2] == b"PK"

    # Erasure of the same person.
    before = checks.store_snapshot()
    erasure_request = file_request(request_type="erasure", email="barack.erase@example.org")
    assert erasure_request.status == RequestStatus.AWAITING_APPROVAL
    with django_capture_on_commit_callbacks(execute=True):
        answer_approve(request=erasure_request, user=staff_user)
    erasure_request.refresh_from_db()
    erasure = erasure_request.erasure
    assert erasure.status == ErasureStatus.DONE, erasure.last_error or erasure.alert
    assert erasure.recheck_matches == 0
    assert erasure_request.status == RequestStatus.COMPLETED
    assert not erasure_request.selfie
    obama = person_paths(manifest, "obama")
    assert erasure.faces_deleted == len(obama)
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
    with erasure.certificate.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    from biometrics.models import SuppressionEntry

    assert not SuppressionEntry.objects.exists()  # no consent: nothing biometric stays


def test_possible_matches_wait_for_staff_review(
    store, file_request, staff_user, settings, django_capture_on_commit_callbacks
):
    """With a strict confident band some of obama's photos become possible matches: the request
    waits for review, nothing is disclosed until staff confirm, and rejected ones stay out."""
    from compliance.answering.access import disclosed_matches
    from compliance.answering.services import AnswerNotAllowed, review_decide, review_finish

    settings.FACE_MATCH_CONFIDENT = 0.3
    request = file_request(request_type="access")
    assert request.status == RequestStatus.AWAITING_REVIEW
    possible = list(request.matches.filter(band=MatchBand.POSSIBLE))
    assert possible and all(m.review_status == ReviewStatus.PENDING for m in possible)
    assert not hasattr(request, "access_package") or request.access_package is None
    with pytest.raises(AnswerNotAllowed):
        review_finish(request=request, user=staff_user)
    review_decide(match=possible[0], user=staff_user, confirm=False)
    for match in possible[1:]:
        review_decide(match=match, user=staff_user, confirm=True)
    with django_capture_on_commit_callbacks(execute=True):
        review_finish(request=request, user=staff_user)
    request.refresh_from_db()
    assert request.status == RequestStatus.AWAITING_APPROVAL
    disclosed = {m.pk for m in disclosed_matches(request)}
    assert possible[0].pk not in disclosed and {m.pk for m in possible[1:]} <= disclosed
    from compliance.models import AuditEvent

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
    from compliance.answering import matching
    from compliance.models import AuditEvent, MatchingRun, MatchingStatus, RequestMatch, RequestMessage

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
    assert interrupted.status == clean.status == RequestStatus.AWAITING_APPROVAL


def test_erasure_with_suppression_consent_keeps_only_the_encoding(
    store, file_request, staff_user, django_capture_on_commit_callbacks
):
    from biometrics.models import SuppressionEntry
    from compliance.answering.services import answer_approve

    request = file_request(request_type="erasure", selfie="people/obama/obama2.jpg", suppression=True)
    with django_capture_on_commit_callbacks(execute=True):
        answer_approve(request=request, user=staff_user)
    request.refresh_from_db()
    assert request.erasure.status == ErasureStatus.DONE
    assert request.erasure.suppression_kept
    entry = SuppressionEntry.objects.get(request_public_id=request.public_id)
    assert len(bytes(entry.encoding)) == 512
    assert not request.selfie


def test_sweep_starts_matching_that_was_never_queued(store, faces_dir, django_capture_on_commit_callbacks):
    """A verified request whose matching task was lost is picked up by the beat sweep."""
    from datetime import timedelta

    from django.utils import timezone

    from compliance import services
    from compliance.answering.services import answering_sweep

    request, token = services.request_submit(
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
    request, _token = services.request_verify_email(token=token)  # no matching queued
    assert answering_sweep(now=timezone.now()) == 0  # within the grace period
    with django_capture_on_commit_callbacks(execute=True):
        assert answering_sweep(now=timezone.now() + timedelta(minutes=5)) == 1
    request.refresh_from_db()
    assert request.status == RequestStatus.AWAITING_APPROVAL
    assert request.matches.count() == 4  # biden: two portraits and two group photos
    assert answering_sweep(now=timezone.now() + timedelta(minutes=5)) == 0

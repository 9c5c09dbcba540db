"""Erasure in-process: interrupted at every step and run again, recipients told (Art. 19), the
re-check that keeps a request open, and the certificate (no biometric data)."""

import numpy as np
import pytest
from django.core import mail

from compliance.models import DocumentKind, ErasureStatus, RequestStatus
from compliance.workflow import approval, review
from compliance.workflow import erasure as workflow_erasure
from tests.answering import checks
from tests.answering.conftest import person_paths
from tests.workflow import assess_identity, decide_all

pytestmark = [pytest.mark.faces, pytest.mark.slow]


def reviewed(request, staff, capture):
    """Staff decide every match and assess the identity; the request waits for approval (an
    access or both request once its draft is built)."""
    decide_all(request, staff)
    assess_identity(request, staff)
    with capture(execute=True):
        review.review_finish(request=request, user=staff)
    request.refresh_from_db()
    assert request.status == RequestStatus.AWAITING_APPROVAL
    return request


def approve(request, staff):
    """Approve with the confirmation of the erasure plan (callbacks are the caller's)."""
    return approval.answer_approve(request=request, user=staff, confirm_erasure=True)


def certificates(request):
    return request.documents.filter(kind=DocumentKind.ERASURE_CERTIFICATE)


class SimulatedKill(BaseException):
    """Like SIGKILL: nothing after it runs, no except-clause handles it."""


CHECKPOINTS = [
    "erasure:planned",
    "redact:file_staged",
    "redact:staged",
    "redact:file_moved",
    "redact:db_done",
    "redact:old_file_deleted",
    "delete:db_done",
    "delete:file_deleted",
    "erasure:action_done",
    "erasure:rechecked",
    # The certificate is no longer rendered inside the erasure (it is issued afterwards from the
    # final facts); the erasure's own last steps are the selfie's purge and its end.
    "erasure:selfie_purged",
    "erasure:done",
]


@pytest.mark.parametrize("kill_at", CHECKPOINTS)
def test_erasure_interrupted_at_each_step_then_retried(
    kill_at,
    store,
    file_request,
    staff_user,
    manifest,
    detections,
    media_root,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    from biometrics import erasure as store_erasure

    selfie_encoding = detections["people/obama/obama.jpg"][1][0].encoding
    request = reviewed(file_request(request_type="erasure"), staff_user, django_capture_on_commit_callbacks)
    before = checks.store_snapshot()
    reached = []

    def dying_checkpoint(name):
        reached.append(name)
        if name == kill_at and reached.count(name) == 1:
            raise SimulatedKill(name)

    monkeypatch.setattr(store_erasure, "checkpoint", dying_checkpoint)
    monkeypatch.setattr(workflow_erasure, "checkpoint", dying_checkpoint)
    with pytest.raises(SimulatedKill), django_capture_on_commit_callbacks(execute=True):
        approve(request, staff_user)
    assert kill_at in reached
    request.refresh_from_db()
    assert request.status == RequestStatus.ERASING  # approved; the erasure has not finished
    killed_after_the_end = kill_at == "erasure:done"
    assert request.erasure.status == (ErasureStatus.DONE if killed_after_the_end else ErasureStatus.RUNNING)
    assert not request.documents.exists()

    with django_capture_on_commit_callbacks(execute=True):
        workflow_erasure.erasure_execute(request_id=request.pk)  # the redelivered task
    request.refresh_from_db()
    erasure = request.erasure
    assert erasure.status == ErasureStatus.DONE, erasure.last_error
    assert request.status == RequestStatus.COMPLETED
    assert erasure.faces_deleted == len(person_paths(manifest, "obama"))
    assert certificates(request).count() == 1 and not request.selfie
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


def test_recipients_are_recorded_and_told(store, file_request, staff_user, client, django_capture_on_commit_callbacks):
    """Art. 19: customers whose searches returned one of the erased faces are recorded; those
    with an address get a notice, the others are marked by staff. Customers that only received
    other people's faces are not involved."""
    from django.urls import reverse

    from biometrics.models import Face
    from biometrics.services import customer_ensure, search_event_record

    obama_face = Face.objects.get(photo_id=store["people/obama/obama2.jpg"])
    biden_face = Face.objects.get(photo_id=store["people/biden/biden.jpg"])
    police = customer_ensure(name="Example Police", country="NL", kind="police", contact_email="dpo@police.example")
    agency = customer_ensure(name="Border Agency", country="FR", kind="border")
    bank = customer_ensure(name="Unrelated Bank", country="IT", contact_email="privacy@bank.example")
    search_event_record(customer=police, matches=[(obama_face.pk, 0.3)])
    search_event_record(customer=police, matches=[(obama_face.pk, 0.31), (biden_face.pk, 0.5)])
    search_event_record(customer=agency, matches=[(obama_face.pk, 0.4)])
    search_event_record(customer=bank, matches=[(biden_face.pk, 0.2)])

    request = reviewed(file_request(request_type="both"), staff_user, django_capture_on_commit_callbacks)
    document, _images = checks.read_package(request.access_package)
    assert {r["name"] for r in document["recipients"]["list"]} == {"Example Police", "Border Agency"}
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        approve(request, staff_user)
    request.refresh_from_db()
    erasure = request.erasure
    assert erasure.status == ErasureStatus.DONE
    recipients = {r.customer_name: r for r in erasure.recipients.all()}
    assert set(recipients) == {"Example Police", "Border Agency"}
    assert recipients["Example Police"].searches_count == 2
    assert recipients["Border Agency"].notified_at is None  # no address: staff tell them
    notices = [m for m in mail.outbox if "Art. 19" in m.subject]
    assert [m.to for m in notices] == [["dpo@police.example"]]
    # The certificate states every notice as given: it waits for the agency.
    assert request.status == RequestStatus.ERASING and not certificates(request).exists()
    client.force_login(staff_user)
    url = reverse("answering:recipient_notified", args=[request.public_id, recipients["Border Agency"].pk])
    client.post(url, {"how": "other_means"})  # no note: refused
    recipients["Border Agency"].refresh_from_db()
    assert recipients["Border Agency"].notified_at is None
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"how": "other_means", "note": "Registered letter to the agency's DPO."})
    assert response.status_code == 302
    for recipient in recipients.values():
        recipient.refresh_from_db()
    assert recipients["Border Agency"].notified_at is not None
    assert recipients["Border Agency"].notified_how == "other_means"
    assert recipients["Example Police"].notified_at and recipients["Example Police"].notified_how == "email"
    request.refresh_from_db()
    assert request.status == RequestStatus.COMPLETED and certificates(request).count() == 1


def test_recheck_finding_a_remaining_face_keeps_the_request_open(
    store, file_request, staff_user, monkeypatch, faces_dir, tmp_path, django_capture_on_commit_callbacks
):
    """If the store still answers with a face of the person after the erasure (here: a copy of
    one of their photos, saved again so its bytes differ, ingested between approval and the
    re-check), the erasure is not certified."""
    from PIL import Image

    from compliance.models import RequestMessage

    request = reviewed(file_request(request_type="erasure"), staff_user, django_capture_on_commit_callbacks)
    real_recheck = workflow_erasure._recheck
    copy = tmp_path / "rescraped.jpg"
    with Image.open(faces_dir / "people/obama/obama.jpg") as original:
        original.save(copy, format="JPEG", quality=85)

    def recheck_after_a_new_photo(**kwargs):
        from biometrics.ingest import IngestItem, ingest_item

        if not ingested:
            assert ingest_item(IngestItem(path=str(copy))).status == "created"
            ingested.append(copy)
        return real_recheck(**kwargs)

    ingested = []

    monkeypatch.setattr(workflow_erasure, "_recheck", recheck_after_a_new_photo)
    with django_capture_on_commit_callbacks(execute=True):
        approve(request, staff_user)
    request.refresh_from_db()
    erasure = request.erasure
    assert erasure.status == ErasureStatus.ALERT
    assert erasure.recheck_matches == 1 and "stays open" in erasure.alert
    assert not request.documents.exists()
    assert request.status == RequestStatus.ERASING and request.selfie
    assert RequestMessage.objects.filter(request=request, body=erasure.alert).count() == 1

    # The face left is now a match of the request, to decide on the review page; "run again"
    # waits for the decision, then erases it and the request completes with its certificate.
    from biometrics.models import Face
    from compliance.workflow.lifecycle import ActionNotAllowed

    added = request.matches.get(face__photo__image__isnull=False, face__isnull=False)
    assert Face.objects.filter(pk=added.face_id).exists()
    added.review_status = "pending"  # as a face in the possible band would be
    added.save(update_fields=["review_status"])
    with pytest.raises(ActionNotAllowed, match="1 face"):
        workflow_erasure.erasure_retry(request=request, user=staff_user, confirmed=True)
    assert review.review_decide(match=added, user=staff_user, confirm=True)
    with django_capture_on_commit_callbacks(execute=True):
        workflow_erasure.erasure_retry(request=request, user=staff_user, confirmed=True)
    request.refresh_from_db()
    erasure = request.erasure
    assert erasure.status == ErasureStatus.DONE, (erasure.alert, erasure.last_error)
    assert erasure.recheck_matches == 0 and certificates(request).count() == 1
    assert request.status == RequestStatus.COMPLETED
    assert not Face.objects.filter(pk=added.face_id_snapshot).exists()
    assert erasure.actions.filter(photo_ref=added.photo_id_snapshot).exists()


def test_certificate_and_audit_hold_no_biometric_data(
    store, file_request, staff_user, django_capture_on_commit_callbacks
):
    from pypdf import PdfReader

    from core.audit import audit_verify
    from core.models import AuditEvent

    request = reviewed(file_request(request_type="erasure"), staff_user, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        approve(request, staff_user)
    erasure = request.erasure
    erasure.refresh_from_db()
    with certificates(request).get().file.open("rb") as handle:
        reader = PdfReader(handle)
        text = "".join(page.extract_text() for page in reader.pages)
        images = sum(len(page.images) for page in reader.pages)
    assert images == 0
    for action in erasure.actions.all():
        assert action.old_sha256 in text.replace("\n", "").replace(" ", "")
    done = AuditEvent.objects.get(request_public_id=request.public_id, action="answering.erasure_done")
    assert done.details["faces_deleted"] == erasure.faces_deleted
    assert audit_verify().ok


def test_two_erasures_blurring_the_same_photo_do_not_undo_each_other(
    store, file_request, staff_user, monkeypatch, detections, django_capture_on_commit_callbacks
):
    """Obama's erasure blurs him in the group photos but stops (killed) before repointing the
    photo; Biden's erasure of the same photos completes; Obama's then resumes. Neither face may
    come back from a stale copy."""
    from biometrics import erasure as store_erasure
    from biometrics.faces import detect_faces
    from biometrics.images import image_to_array, load_image_checked
    from biometrics.models import Face, SourcePhoto

    capture = django_capture_on_commit_callbacks
    obama = reviewed(file_request(request_type="erasure", email="obama@example.org"), staff_user, capture)
    biden = file_request(request_type="erasure", selfie="people/biden/biden.jpg", email="biden@example.org")
    biden = reviewed(biden, staff_user, capture)
    real = store_erasure.checkpoint

    def kill_once(name):
        if name == "redact:staged" and not kill_once.done:
            kill_once.done = True
            raise SimulatedKill(name)
        real(name)

    kill_once.done = False
    monkeypatch.setattr(store_erasure, "checkpoint", kill_once)
    with pytest.raises(SimulatedKill), django_capture_on_commit_callbacks(execute=True):
        approve(obama, staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        approve(biden, staff_user)
    biden.refresh_from_db()
    assert biden.erasure.actions.get(photo_ref=store["group/two_people.jpg"]).kind == "redact_photo"
    with django_capture_on_commit_callbacks(execute=True):
        workflow_erasure.erasure_execute(request_id=obama.pk)  # the redelivered task
    for request in (obama, biden):
        request.refresh_from_db()
        assert request.erasure.status == ErasureStatus.DONE, request.erasure.last_error
    for path, left in (("group/two_people.jpg", 0), ("group/obama_and_biden.jpg", 1)):
        photo = SourcePhoto.objects.get(pk=store[path])
        assert Face.objects.filter(photo=photo).count() == left
        with photo.image.open("rb") as handle:
            found = detect_faces(image_to_array(load_image_checked(handle)))
        assert len(found) == left, path
        for face in found:
            for person in ("people/obama/obama.jpg", "people/biden/biden.jpg"):
                assert float(np.linalg.norm(face.encoding - detections[person][1][0].encoding)) > 0.6


def test_sweep_resumes_an_erasure_whose_worker_died(
    store, file_request, staff_user, monkeypatch, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from biometrics import erasure as store_erasure
    from compliance.workflow.sweep import workflow_sweep

    request = reviewed(file_request(request_type="erasure"), staff_user, django_capture_on_commit_callbacks)
    real = store_erasure.checkpoint

    def die(name):
        if name == "delete:db_done":
            raise SimulatedKill(name)
        real(name)

    monkeypatch.setattr(store_erasure, "checkpoint", die)
    with pytest.raises(SimulatedKill), django_capture_on_commit_callbacks(execute=True):
        approve(request, staff_user)
    monkeypatch.setattr(store_erasure, "checkpoint", real)
    request.refresh_from_db()
    assert request.erasure.status == ErasureStatus.RUNNING
    assert workflow_sweep(now=timezone.now())["erasures"] == 0  # it may still be running
    with django_capture_on_commit_callbacks(execute=True):
        assert workflow_sweep(now=timezone.now() + timedelta(minutes=20))["erasures"] == 1
    request.refresh_from_db()
    assert request.erasure.status == ErasureStatus.DONE
    assert request.status == RequestStatus.COMPLETED


def test_erased_bytes_are_not_ingested_again(
    store, file_request, staff_user, manifest, analyses, faces_dir, django_capture_on_commit_callbacks
):
    """Scraping the same files again after an erasure: the photos it deleted and the originals
    of those it blurred are refused ("erased"), every other photo is a duplicate as before, and
    the requester's face is not in the store again."""
    from biometrics.ingest import IngestItem, Listing, run_ingest
    from biometrics.models import ErasedPhoto, Face, SourcePhoto
    from biometrics.services import IngestStatus

    request = reviewed(file_request(request_type="erasure"), staff_user, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        approve(request, staff_user)
    request.refresh_from_db()
    assert request.status == RequestStatus.COMPLETED, request.erasure.last_error
    obama = person_paths(manifest, "obama")
    original = {row.path: analyses[row.path][1].sha256 for row in manifest}
    gone = {path for path in obama if not SourcePhoto.objects.filter(sha256=original[path]).exists()}
    assert gone == obama  # deleted, or replaced by a blurred copy with another hash
    assert set(ErasedPhoto.objects.values_list("sha256", flat=True)) == {original[path] for path in obama}
    faces_before = Face.objects.count()

    listing = Listing(items=[IngestItem(path=str(faces_dir / row.path)) for row in manifest], problems=[], ignored=0)
    report = run_ingest(listing, mode="local", workers=1)
    assert report.counts[IngestStatus.ERASED] == len(obama)
    assert report.counts[IngestStatus.DUPLICATE] == len(manifest) - len(obama)
    assert report.counts[IngestStatus.CREATED] == 0 and Face.objects.count() == faces_before
    assert {problem.code for problem in report.problems} == {"erased"}
    # The service refuses them too (a Celery worker storing an analysis made before the erasure).
    from biometrics.ingest import store_analysis

    path = sorted(obama)[0]
    data, analysis = analyses[path]
    assert store_analysis(IngestItem(path=path), analysis, data).status == IngestStatus.ERASED

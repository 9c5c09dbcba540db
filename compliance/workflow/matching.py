"""Searching the biometric store for a request's selfies.

Bands (settings FACE_MATCH_CONFIDENT, FACE_MATCH_POSSIBLE; Euclidean distances between
face_recognition encodings, 5-point model):

- confident: distance <= FACE_MATCH_CONFIDENT (default 0.50);
- possible: up to FACE_MATCH_POSSIBLE (default 0.60), face_recognition's own threshold and the
  store's search default;
- no match: anything further away.

What is disclosed or erased is exactly the set of matches staff confirmed: every match, of either
band, waits for a decision, except that confident matches are confirmed by rule when the store
is small enough that a stranger within the confident band is not to be expected
(compliance.workflow.disclosure.auto_confirm_allowed: no stranger expected among them at the
store's size); staff may still reject those.

Up to three selfies (issue 14.3): a stored face is a match only when it is within the tolerance
of EVERY selfie the requester gave; its distance is the largest of its distances to the selfies
(so the bands above apply to that largest distance). `store_search_selfies` is the one place
this rule lives; the erasure's re-check uses it too. Why this rule (benchmarks/multi_selfie.py,
25 photos, 28 labelled faces of 6 people; the sets of 2 selfies come from 3 people, of 3
selfies from 2):
- it can only remove candidates that one selfie alone would give, never add one: a stranger
  close to one selfie but not to another is excluded. The nearest different-person face moved
  from 0.656 (one selfie) to 0.686 with two selfies and 0.699 with three (p1 0.689 -> 0.706 and
  0.686 -> 0.711), while the farthest same-person face stayed at 0.525 and 0.481: no
  same-person face was lost at 0.60 (0 of 1228 and 0 of 9906 pairs);
- a selfie of somebody else added by the requester cannot widen the search. With a second
  selfie of another person, "within tolerance of one selfie" (min) found that person's faces
  (1937 of them over 336 such pairs) and the mean encoding found them too (1890) plus 64 faces
  of third people; "within tolerance of every selfie" found none, and staff see an empty
  result with a note that the selfies disagree;
- the mean encoding drew same-person faces closer (farthest 0.492 / 0.429) but strangers too
  (nearest 0.649 / 0.651), and its tolerance would need a calibration of its own.
On these data no different-person pair came within 0.60 under any rule, so the false-match
rate at the tolerance cannot be told apart here; the margins above are what moved.

Why these numbers (benchmarks/match_calibration.py on the shared photos): same person 0.03-0.52,
different people 0.66-1.11 on 28 labelled faces of 8 people. Disclosing someone else's photo is
itself a personal-data breach (GDPR Art. 4(12), 33, 34); a set of eight people cannot show how
close the nearest of millions of strangers comes, hence the margin and the per-photo review.

`matching_run` (the task calls it) is idempotent and resumable:
1. the run row is created once per request and claimed with a conditional update and a fresh
   token (core.jobs); in the same transaction, with the request row locked, the request moves
   verified -> processing (a repeat is a no-op);
2. each selfie is encoded (EXIF-upright, the project's detector and 5-point encoder);
3. the store is searched once with the one search function at the possible tolerance (one
   query per selfie), keeping the faces within it of every selfie;
4. matches are inserted with ON CONFLICT DO NOTHING on (request, face id);
5. one transaction marks the run done (only if this run still holds the claim) and writes the
   audit record and the staff note; then the request moves processing -> awaiting_staff_review.
A retry after a kill anywhere above ends in the same state.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from celery import shared_task
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import OperationalError, transaction
from django.utils import timezone

from biometrics.faces import QUERY_MAX_SIDE, DetectedFace, detect_faces, largest_face
from biometrics.images import ImageRejected, image_to_array, load_image_checked
from biometrics.models import Face
from biometrics.search import search_faces, search_faces_batch
from compliance.models import (
    DataSubjectRequest,
    MatchBand,
    MatchingRun,
    MatchingStatus,
    RequestMatch,
    RequestMessage,
    RequestStatus,
    RequestType,
    ReviewStatus,
)
from compliance.workflow import lifecycle, restriction
from compliance.workflow.disclosure import auto_confirm_allowed
from core.audit import audit_record
from core.jobs import job_claim, job_fail, job_finish
from core.queue import enqueue_on_commit

logger = logging.getLogger(__name__)


class MatchingError(Exception):
    """The selfie cannot be matched (no face, unreadable); the message is for staff."""


@dataclass(frozen=True)
class StoreMatch:
    face_id: int
    photo_id: int
    distance: float


def match_tolerances() -> tuple[float, float]:
    confident, possible = float(settings.FACE_MATCH_CONFIDENT), float(settings.FACE_MATCH_POSSIBLE)
    if not 0 <= confident <= possible:
        raise ImproperlyConfigured("FACE_MATCH_CONFIDENT must be between 0 and FACE_MATCH_POSSIBLE")
    return confident, possible


def band_for(distance: float, *, confident: float) -> str:
    return MatchBand.CONFIDENT if distance <= confident else MatchBand.POSSIBLE


def match_rows(*, request: DataSubjectRequest, run: MatchingRun, results: list[StoreMatch]) -> list[RequestMatch]:
    """Unsaved RequestMatch rows for the faces the store returned, each with the snapshot that
    survives its erasure. Confident matches are confirmed by rule only when
    `auto_confirm_allowed()` says the store is small enough that no stranger is expected among
    them (compliance/workflow/disclosure.py); every other match waits for staff."""
    faces = {f.pk: f for f in Face.objects.filter(pk__in=[r.face_id for r in results]).select_related("photo")}
    by_rule = auto_confirm_allowed(store_faces=Face.objects.count())
    rows = []
    for result in results:
        stored = faces.get(result.face_id)
        if stored is None:
            continue  # erased between the search and now
        photo = stored.photo
        band = band_for(result.distance, confident=run.confident_tolerance)
        rows.append(
            RequestMatch(
                request=request,
                face=stored,
                face_id_snapshot=stored.pk,
                photo_id_snapshot=photo.pk,
                photo_public_id=photo.public_id,
                photo_sha256=photo.sha256,
                source_url=photo.source_url,
                page_url=photo.page_url,
                collected_at=photo.collected_at,
                top=stored.top,
                right=stored.right,
                bottom=stored.bottom,
                left=stored.left,
                distance=result.distance,
                band=band,
                review_status=(
                    ReviewStatus.CONFIRMED if band == MatchBand.CONFIDENT and by_rule else ReviewStatus.PENDING
                ),
            )
        )
    return rows


def store_search(encoding, *, tolerance: float) -> list[StoreMatch]:
    """Every stored face within `tolerance`, by the one search function of the store. Each
    becomes a RequestMatch row (match_rows), so here the arrays turn into objects."""
    hits = search_faces(encoding, tolerance=tolerance)
    return [
        StoreMatch(face_id=face_id, photo_id=photo_id, distance=distance)
        for face_id, photo_id, distance in zip(
            hits.ids.tolist(), hits.photo_ids.tolist(), hits.distances.tolist(), strict=True
        )
    ]


def store_search_selfies(encodings, *, tolerance: float) -> list[StoreMatch]:
    """Every stored face within `tolerance` of EVERY selfie (see the module docstring), its
    distance the largest of its distances to them, nearest first. One selfie: exactly
    `store_search`."""
    if len(encodings) == 0:
        return []
    first, *others = search_faces_batch(list(encodings), tolerance=tolerance)
    distances = dict(zip(first.ids.tolist(), first.distances.tolist(), strict=True))
    for hits in others:
        near = dict(zip(hits.ids.tolist(), hits.distances.tolist(), strict=True))
        distances = {
            face_id: max(distance, near[face_id]) for face_id, distance in distances.items() if face_id in near
        }
    photos = dict(zip(first.ids.tolist(), first.photo_ids.tolist(), strict=True))
    results = [
        StoreMatch(face_id=face_id, photo_id=photos[face_id], distance=distance)
        for face_id, distance in distances.items()
    ]
    return sorted(results, key=lambda match: match.distance)  # stable: ties keep the store's order


def _face_in(field_file, which: str) -> DetectedFace:
    try:
        with field_file.open("rb") as handle:
            image = load_image_checked(handle)
    except (ImageRejected, OSError) as error:
        raise MatchingError(f"The {which} cannot be read: {error}") from error
    faces = detect_faces(image_to_array(image), max_side=QUERY_MAX_SIDE)
    if not faces:
        raise MatchingError(f"No face was found in the {which}.")
    return largest_face(faces)


SELFIE_NAMES = {"selfie": "selfie", "selfie_2": "second selfie", "selfie_3": "third selfie"}


def selfie_faces(request: DataSubjectRequest) -> list[DetectedFace]:
    """The face in each selfie the request holds (upright, full resolution), the first selfie's
    first. The form accepted exactly one face per selfie; if detection now finds several, the
    largest is the requester's."""
    if not request.selfie:
        raise MatchingError("The selfie has been deleted; the store cannot be searched again.")
    return [
        _face_in(getattr(request, field), SELFIE_NAMES[field])
        for field in DataSubjectRequest.SELFIE_FIELDS
        if getattr(request, field)
    ]


def selfies_disagree(faces: list[DetectedFace], *, tolerance: float) -> float | None:
    """The largest distance between two of the selfies when it is over `tolerance` (they may
    not show one person, and few or no stored faces will be within tolerance of all of them),
    else None."""
    largest = max(
        (float(np.linalg.norm(a.encoding - b.encoding)) for i, a in enumerate(faces) for b in faces[i + 1 :]),
        default=0.0,
    )
    return largest if largest > tolerance else None


def staff_note(request: DataSubjectRequest, body: str, *, now: datetime | None = None) -> None:
    """A note on the request for staff only (never shown to the requester)."""
    RequestMessage.objects.create(
        request=request, author=None, body=body, visible_to_requester=False, created_at=now or timezone.now()
    )


def _fail(run: MatchingRun, token: str, request: DataSubjectRequest, message: str) -> None:
    with transaction.atomic():
        if job_fail(job=run, token=token, error=message, finished_at=timezone.now()):
            audit_record(
                action="answering.matching_failed", actor_label="worker", request=request, details={"reason": message}
            )
            staff_note(request, f"Matching failed: {message}")


def _claim(request: DataSubjectRequest, now: datetime) -> tuple[MatchingRun | None, str | None]:
    """The request's run (created once) and this run's claim token: (run, None) when it is done
    already, (None, None) when it cannot be claimed (failed: staff restart it; or another run)."""
    confident, possible = match_tolerances()
    run, _created = MatchingRun.objects.get_or_create(
        request=request, defaults={"confident_tolerance": confident, "possible_tolerance": possible}
    )
    if run.status == MatchingStatus.DONE:
        return run, None
    token = job_claim(job_model=MatchingRun, pk=run.pk, started_at=now)
    if token is None:
        return None, None
    run.refresh_from_db()
    return run, token


def _record_done(request: DataSubjectRequest, run: MatchingRun, token: str, faces: list[DetectedFace]) -> None:
    with transaction.atomic():
        matches = RequestMatch.objects.filter(request=request)
        confident = matches.filter(band=MatchBand.CONFIDENT).count()
        possible = matches.filter(band=MatchBand.POSSIBLE).count()
        top, right, bottom, left = faces[0].box
        disagreement = selfies_disagree(faces, tolerance=run.possible_tolerance)
        finished = job_finish(
            job=run,
            token=token,
            finished_at=timezone.now(),
            matches_found=confident + possible,
            selfie_top=top,
            selfie_right=right,
            selfie_bottom=bottom,
            selfie_left=left,
            extra_selfie_boxes=[[int(v) for v in face.box] for face in faces[1:]],
        )
        if finished:
            details = {
                "faces_given": len(faces),  # how many selfies were searched with
                "confident": confident,
                "possible": possible,
                "confident_tolerance": run.confident_tolerance,
                "possible_tolerance": run.possible_tolerance,
                "confirmed_by_rule": matches.filter(review_status=ReviewStatus.CONFIRMED).count(),
            }
            audit_record(action="answering.matching_done", actor_label="worker", request=request, details=details)
            if request.request_type == RequestType.OBJECTION:
                # GDPR Art. 18(1)(d), 21(1): withheld from customers at once, pending the decision
                # (compliance.workflow.restriction).
                restriction.restriction_apply(
                    request=request,
                    face_ids=[face for face in matches.values_list("face_id", flat=True) if face is not None],
                    basis=restriction.BASIS_OBJECTION_PENDING,
                )
            staff_note(
                request,
                f"The store was searched: {confident} confident and {possible} possible matches "
                f"(tolerances {run.confident_tolerance} / {run.possible_tolerance})"
                + (f", with {len(faces)} selfies: a match is within tolerance of each." if len(faces) > 1 else "."),
            )
            if disagreement is not None:
                staff_note(
                    request,
                    f"The requester's selfies may not show one person: two of them are {disagreement:.3f} apart "
                    f"(over {run.possible_tolerance}), so few or no stored faces are within tolerance of all "
                    "of them. Check the selfies and the identity before answering.",
                )


def matching_run(*, request_id: int, now: datetime | None = None) -> MatchingRun | None:
    """Search the store for a verified request's selfie (see the module docstring)."""
    now = now or timezone.now()
    request = DataSubjectRequest.objects.filter(pk=request_id).first()
    if request is None or request.status not in (RequestStatus.VERIFIED, RequestStatus.PROCESSING):
        return MatchingRun.objects.filter(request_id=request_id).first()  # past matching, or closed
    with transaction.atomic():  # the run is claimed and the request is processing, or neither
        DataSubjectRequest.objects.select_for_update().filter(pk=request.pk).first()  # request first, as _fire
        run, token = _claim(request, now)
        if token is not None:
            lifecycle.request_start_matching(request=request, now=now)
    if run is None:
        return MatchingRun.objects.filter(request=request).first()  # failed: staff restart it
    if token is not None:
        try:
            faces = selfie_faces(request)
        except MatchingError as error:
            _fail(run, token, request, str(error))
            run.refresh_from_db()
            return run
        results = store_search_selfies([face.encoding for face in faces], tolerance=run.possible_tolerance)
        RequestMatch.objects.bulk_create(match_rows(request=request, run=run, results=results), ignore_conflicts=True)
        _record_done(request, run, token, faces)
        run.refresh_from_db()
    if run.status == MatchingStatus.DONE:
        lifecycle.request_finish_matching(request=request, now=now)
    return run


def matching_schedule(*, request: DataSubjectRequest) -> None:
    """Queue the search after the current transaction commits."""
    enqueue_on_commit(matching_task, request.pk)


def matching_restart(*, request: DataSubjectRequest, user) -> MatchingRun | None:
    """Staff retry a failed run (e.g. the store was unavailable)."""
    with transaction.atomic():
        restarted = MatchingRun.objects.filter(request=request, status=MatchingStatus.FAILED).update(
            status=MatchingStatus.PENDING, last_error=""
        )
        if restarted:
            audit_record(action="answering.matching_restarted", actor=user, request=request)
            matching_schedule(request=request)
    return MatchingRun.objects.filter(request=request).first()


# Database hiccups (a restarted server, a lock timeout) are retried with backoff; everything
# else is recorded on the row by the service and shown to staff.
TRANSIENT = (OperationalError,)


@shared_task(
    name="compliance.workflow.match",
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=10,
    retry_backoff_max=600,
    max_retries=8,
)
def matching_task(request_id: int) -> int | None:
    run = matching_run(request_id=request_id)
    return run.matches_found if run else None

"""Matching a request's selfie against the biometric store, and the staff review of the result.

Bands (settings FACE_MATCH_CONFIDENT, FACE_MATCH_POSSIBLE; distances are Euclidean between
face_recognition encodings, 5-point model):

- confident: distance <= FACE_MATCH_CONFIDENT (default 0.50). Counted as the requester's face
  without a per-photo decision (staff still approve the whole answer and may reject any match).
- possible: FACE_MATCH_CONFIDENT < distance <= FACE_MATCH_POSSIBLE (default 0.60). Shown to a
  member of staff side by side with the selfie; counts only once confirmed.
- no match: anything further away.

Why these numbers (benchmarks/match_calibration.py on the shared photos, 28 labelled faces of
8 people, 96 same-person and 279 different-person pairs): same person 0.03-0.52 (median 0.37,
95th percentile 0.44); different people 0.66-1.11. Disclosing someone else's photo to a
requester is itself a personal-data breach (GDPR Art. 4(12), 33, 34), so the confident band
stays strictly below the closest different-person pair (0.658) with a wide margin (0.15, rounded
down to 0.50): a set of eight people cannot show how close the nearest of millions of strangers
comes. The possible band ends at 0.60, face_recognition's own same-person threshold and the
store's search default: all same-person pairs here lie within it, and a missed face would mean an
incomplete answer or a failed erasure, so the band is wide and a person decides.

`matching_run` (the Celery task `answering_match_request` calls it) is idempotent and resumable:
1. the run row is created once per request (one-to-one) and claimed with a conditional update;
2. the request moves verified -> processing (the core service ignores a repeat);
3. the selfie is encoded (EXIF-corrected, the project's detector and 5-point encoder);
4. the store is searched once with the one search function at the possible tolerance;
5. matches are inserted with ON CONFLICT DO NOTHING on (request, face id), so a retried run
   inserts nothing twice;
6. one transaction marks the run done (conditional on it still running) and writes the audit
   record and the staff note: only the run that makes that change writes them, so nothing is
   written twice;
7. the request moves on (to review; with no possible match to decide, straight on to the
   package and approval). Each move is a guarded service call, so a retry after a kill anywhere
   above ends in the same state.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from biometrics.faces import DetectedFace, detect_faces
from biometrics.images import ImageRejected, image_to_array, load_image_checked
from biometrics.models import Face
from compliance.audit import audit_record
from compliance.models import (
    DataSubjectRequest,
    MatchBand,
    MatchingRun,
    MatchingStatus,
    RequestMatch,
    RequestStatus,
    ReviewStatus,
)
from config.resilience import enqueue_on_commit

logger = logging.getLogger(__name__)

DEFAULT_CONFIDENT = 0.50
DEFAULT_POSSIBLE = 0.60


class MatchingError(Exception):
    """The selfie cannot be matched (no face, unreadable); the message is for staff."""


@dataclass(frozen=True)
class StoreMatch:
    face_id: int
    photo_id: int
    distance: float


def match_tolerances() -> tuple[float, float]:
    confident = float(getattr(settings, "FACE_MATCH_CONFIDENT", DEFAULT_CONFIDENT))
    possible = float(getattr(settings, "FACE_MATCH_POSSIBLE", DEFAULT_POSSIBLE))
    if not 0 <= confident <= possible:
        raise ImproperlyConfigured("FACE_MATCH_CONFIDENT must be between 0 and FACE_MATCH_POSSIBLE")
    return confident, possible


def band_for(distance: float, *, confident: float) -> str:
    return MatchBand.CONFIDENT if distance <= confident else MatchBand.POSSIBLE


def match_rows(*, request: DataSubjectRequest, run: MatchingRun, results: list[StoreMatch]) -> list[RequestMatch]:
    """Unsaved RequestMatch rows for faces the store returned, each with the snapshot that
    survives its erasure. Confident matches are marked confirmed (staff may still reject them);
    possible ones wait for a decision."""
    faces = {f.pk: f for f in Face.objects.filter(pk__in=[r.face_id for r in results]).select_related("photo")}
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
                review_status=ReviewStatus.CONFIRMED if band == MatchBand.CONFIDENT else ReviewStatus.PENDING,
            )
        )
    return rows


def store_search(encoding, *, tolerance: float) -> list[StoreMatch]:
    """Every stored face within `tolerance`, by the one search function of the store."""
    from biometrics.search import search_faces

    return [
        StoreMatch(face_id=int(m.face_id), photo_id=int(m.photo_id), distance=float(m.distance))
        for m in search_faces(encoding, tolerance=tolerance)
    ]


def selfie_face(request: DataSubjectRequest) -> DetectedFace:
    """The face in the request's selfie (upright, full resolution). The form accepted exactly one
    face; if detection now finds several, the largest is the requester's."""
    if not request.selfie:
        raise MatchingError("The selfie has been deleted; the store cannot be searched again.")
    try:
        with request.selfie.open("rb") as handle:
            image = load_image_checked(handle)
    except (ImageRejected, OSError) as error:
        raise MatchingError(f"The selfie cannot be read: {error}") from error
    faces = detect_faces(image_to_array(image))
    if not faces:
        raise MatchingError("No face was found in the selfie.")
    return max(faces, key=lambda face: (face.box[2] - face.box[0]) * (face.box[1] - face.box[3]))


def _fail(run: MatchingRun, request: DataSubjectRequest, message: str) -> None:
    from compliance.services.requests import request_add_message

    with transaction.atomic():
        failed = MatchingRun.objects.filter(pk=run.pk, status=MatchingStatus.RUNNING).update(
            status=MatchingStatus.FAILED, last_error=message[:2000], finished_at=timezone.now()
        )
        if failed:
            audit_record(
                action="answering.matching_failed",
                actor_label="worker",
                request=request,
                details={"reason": message[:300]},
            )
            request_add_message(
                request=request, user=None, body=f"Matching failed: {message}", visible_to_requester=False
            )


def matching_run(*, request_id: int, now: datetime | None = None) -> MatchingRun | None:
    """Search the store for a verified request's selfie (see the module docstring)."""
    from compliance.services.requests import request_start_processing

    now = now or timezone.now()
    request = DataSubjectRequest.objects.filter(pk=request_id).first()
    if request is None:
        return None
    run = MatchingRun.objects.filter(request=request).first()
    if request.status not in (RequestStatus.VERIFIED, RequestStatus.PROCESSING):
        return run  # already past matching, or closed: nothing to do
    if run is None:
        confident, possible = match_tolerances()
        run, _created = MatchingRun.objects.get_or_create(
            request=request, defaults={"confident_tolerance": confident, "possible_tolerance": possible}
        )
    if run.status == MatchingStatus.DONE:
        matching_advance(request=request)
        return run
    claimed = MatchingRun.objects.filter(pk=run.pk, status__in=[MatchingStatus.PENDING, MatchingStatus.RUNNING]).update(
        status=MatchingStatus.RUNNING, attempts=F("attempts") + 1, started_at=now, last_error=""
    )
    if not claimed:
        return run  # failed: staff restart it
    request_start_processing(request=request, user=None, now=now)
    try:
        face = selfie_face(request)
    except MatchingError as error:
        _fail(run, request, str(error))
        run.refresh_from_db()
        return run

    results = store_search(face.encoding, tolerance=run.possible_tolerance)
    rows = match_rows(request=request, run=run, results=results)
    RequestMatch.objects.bulk_create(rows, ignore_conflicts=True)

    from compliance.services.requests import request_add_message

    with transaction.atomic():
        matches = RequestMatch.objects.filter(request=request)
        confident = matches.filter(band=MatchBand.CONFIDENT).count()
        possible = matches.filter(band=MatchBand.POSSIBLE).count()
        top, right, bottom, left = face.box
        finished = MatchingRun.objects.filter(pk=run.pk, status=MatchingStatus.RUNNING).update(
            status=MatchingStatus.DONE,
            finished_at=timezone.now(),
            matches_found=confident + possible,
            selfie_top=top,
            selfie_right=right,
            selfie_bottom=bottom,
            selfie_left=left,
        )
        if finished:
            audit_record(
                action="answering.matching_done",
                actor_label="worker",
                request=request,
                details={
                    "confident": confident,
                    "possible": possible,
                    "confident_tolerance": run.confident_tolerance,
                    "possible_tolerance": run.possible_tolerance,
                },
            )
            request_add_message(
                request=request,
                user=None,
                body=(
                    f"The store was searched: {confident} confident and {possible} possible matches "
                    f"(tolerances {run.confident_tolerance} / {run.possible_tolerance})."
                ),
                visible_to_requester=False,
            )
    run.refresh_from_db()
    if run.status == MatchingStatus.DONE:
        matching_advance(request=request)
    return run


def matching_advance(*, request: DataSubjectRequest, user=None) -> None:
    """After matching: to staff review; with nothing left to decide, on to the answer."""
    from compliance.answering.services import review_finish
    from compliance.services.requests import request_mark_awaiting_review

    request.refresh_from_db()
    if request.status == RequestStatus.PROCESSING:
        request_mark_awaiting_review(request=request, user=user)
    if (
        request.status == RequestStatus.AWAITING_REVIEW
        and not request.matches.filter(review_status=ReviewStatus.PENDING).exists()
    ):
        review_finish(request=request, user=user)


def matching_restart(*, request: DataSubjectRequest, user) -> MatchingRun | None:
    """Staff retry a failed run (e.g. the store was unavailable)."""
    from compliance.answering_tasks import answering_match_request

    with transaction.atomic():
        restarted = MatchingRun.objects.filter(request=request, status=MatchingStatus.FAILED).update(
            status=MatchingStatus.PENDING, last_error=""
        )
        if restarted:
            audit_record(action="answering.matching_restarted", actor=user, request=request)
            enqueue_on_commit(answering_match_request, request.pk)
    return MatchingRun.objects.filter(request=request).first()

"""Completing a store ingested before issue 14 (`manage.py rescan_photos`).

Until issue 14 ingestion skipped the detector's first pyramid levels, so faces under about 90 px
were not stored: not found for a requester, not disclosed, not erased. This runs the current
detector (biometrics.faces.DETECTOR, the full one) on every stored photo not marked with it, and
`photo_rescan_record` adds the faces found anew, one transaction per photo.

The parent reads each stored file through the storage and writes to the database; detection
runs in `workers` local processes (biometrics.ingest.analysis_pool and pool_results), a few
photos in flight per process. Interrupted, a rerun goes on where it stopped: a photo is marked only together with its
new faces. Nothing here logs encodings, boxes or file names.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from biometrics import selectors
from biometrics.faces import DETECTOR, box_iou
from biometrics.images import ImageLimits
from biometrics.ingest import Analysis, analyse_bytes, analysis_pool, ingest_limits, pool_results
from biometrics.models import SourcePhoto
from biometrics.services import FaceFound, faces_create


class RescanStatus:
    COMPLETED = "completed"  # the faces it lacked were added (maybe none); the photo is marked
    CURRENT = "current"  # scanned by the current detector already, or deleted meanwhile
    SUPPRESSED = "suppressed"  # a face found anew belongs to a suppression entry: left for staff


@dataclass(frozen=True)
class RescanOutcome:
    status: str
    added: int = 0


# A face found again is a stored one when their boxes overlap this much: the detector before
# issue 14 returned the full detector's own box for faces of 90 px and up, and for 75-90 px at
# times the box one pyramid level larger (IoU about 0.7).
SAME_FACE_IOU = 0.5


def photo_rescan_record(
    *, photo_id: int, faces: Sequence[FaceFound], now: datetime | None = None, tolerance: float | None = None
) -> RescanOutcome:
    """Add to a stored photo the faces that the current detector finds and its stored faces do not
    cover, and mark it as scanned by that detector (SourcePhoto.detector).

    `faces` is the analysis of the stored file (biometrics.ingest.analyse_bytes), made outside the
    transaction. Stored faces are kept as they are. When a face found anew is within `tolerance`
    of a suppression entry nothing is added and the photo stays unmarked: ingestion would not have
    stored the photo at all, and deleting it is for staff (the admin's delete records every
    removal); each later rescan reports it again until then.
    """
    now = now or timezone.now()
    tolerance = settings.FACE_TOLERANCE if tolerance is None else tolerance
    with transaction.atomic():
        photo = SourcePhoto.objects.select_for_update().filter(pk=photo_id).first()
        if photo is None or photo.detector == DETECTOR:
            return RescanOutcome(RescanStatus.CURRENT)
        stored = [face.box for face in photo.faces.all()]
        new = [face for face in faces if all(box_iou(face.box, box) < SAME_FACE_IOU for box in stored)]
        if new and selectors.suppression_matches_any([face.encoding for face in new], tolerance=tolerance):
            return RescanOutcome(RescanStatus.SUPPRESSED)
        created = faces_create(photo=photo, faces=new, now=now) if new else []
        SourcePhoto.objects.filter(pk=photo.pk).update(detector=DETECTOR)
    return RescanOutcome(RescanStatus.COMPLETED, added=len(created))


@dataclass
class RescanReport:
    total: int = 0  # photos to rescan when the run started
    completed: int = 0
    faces_added: int = 0
    current: int = 0  # marked meanwhile by another run, or deleted
    suppressed: list[str] = field(default_factory=list)  # public ids, for staff to delete
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (public id, reason)
    interrupted: bool = False
    seconds: float = 0.0


def _photos(batch: int = 500):
    """The photos to rescan in batches by primary key (a store may hold millions): the ones a
    batch leaves unmarked (suppressed, unreadable) are not read again in this run."""
    last = 0
    while rows := list(selectors.photos_to_rescan().filter(pk__gt=last).only("pk", "public_id", "image")[:batch]):
        yield from rows
        last = rows[-1].pk


def _read(photo) -> bytes:
    with photo.image.open("rb") as handle:
        return handle.read()


def _record(photo, analysis: Analysis, report: RescanReport) -> None:
    if analysis.error_code:
        report.unreadable.append((str(photo.public_id), analysis.error_message))
        return
    outcome = photo_rescan_record(photo_id=photo.pk, faces=analysis.faces)
    if outcome.status == RescanStatus.COMPLETED:
        report.completed += 1
        report.faces_added += outcome.added
    elif outcome.status == RescanStatus.SUPPRESSED:
        report.suppressed.append(str(photo.public_id))
    else:
        report.current += 1


def run_rescan(
    *, workers: int = 2, on_photo: Callable[[], None] | None = None, limits: ImageLimits | None = None
) -> RescanReport:
    """Rescan every photo selectors.photos_to_rescan() lists; KeyboardInterrupt stops cleanly
    (the report says so)."""
    limits = limits or ingest_limits()
    report = RescanReport(total=selectors.photos_to_rescan().count())
    started = time.monotonic()

    def analysed(photo, analysis: Analysis) -> None:
        _record(photo, analysis, report)
        if on_photo:
            on_photo()

    def unreadable(photo, error: OSError) -> None:
        report.unreadable.append((str(photo.public_id), f"the stored file cannot be read ({type(error).__name__})"))
        if on_photo:
            on_photo()

    def readable():
        for photo in _photos():
            try:
                yield photo, _read(photo)
            except OSError as error:
                unreadable(photo, error)

    try:
        if workers <= 1:
            for photo, data in readable():
                analysed(photo, analyse_bytes(data, limits=limits))
        else:
            calls = ((photo, partial(analyse_bytes, data, limits=limits)) for photo, data in readable())
            with analysis_pool(workers) as pool:
                for photo, future in pool_results(pool, calls, in_flight=2 * workers):
                    analysed(photo, future.result())
    except KeyboardInterrupt:
        report.interrupted = True
    report.seconds = time.monotonic() - started
    return report

"""Completing a store ingested before issue 14 (`manage.py rescan_photos`).

Until issue 14 ingestion skipped the detector's first pyramid levels, so faces under about 90 px
were not stored: not found for a requester, not disclosed, not erased. This runs the current
detector (biometrics.faces.DETECTOR, the full one) on every stored photo not marked with it, and
biometrics.services.photo_rescan_record adds the faces found anew, one transaction per photo.

The parent reads each stored file through the storage and writes to the database; detection
runs in `workers` local processes (biometrics.ingest.analysis_pool), a few photos in flight per
process. Interrupted, a rerun goes on where it stopped: a photo is marked only together with its
new faces. Nothing here logs encodings, boxes or file names.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field

from biometrics import selectors
from biometrics.images import ImageLimits
from biometrics.ingest import Analysis, analyse_bytes, analysis_pool, ingest_limits
from biometrics.services import RescanStatus, photo_rescan_record


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

    @property
    def done(self) -> int:
        return self.completed + self.current + len(self.suppressed) + len(self.unreadable)


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
    photos = list(selectors.photos_to_rescan().only("pk", "public_id", "image"))
    report = RescanReport(total=len(photos))
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
        for photo in photos:
            try:
                yield photo, _read(photo)
            except OSError as error:
                unreadable(photo, error)

    try:
        if workers <= 1:
            for photo, data in readable():
                analysed(photo, analyse_bytes(data, limits=limits))
        else:
            pending: dict[Future, object] = {}
            with analysis_pool(workers) as pool:
                for photo, data in readable():
                    pending[pool.submit(analyse_bytes, data, limits=limits)] = photo
                    while len(pending) >= 2 * workers:
                        _drain(pending, analysed)
                while pending:
                    _drain(pending, analysed)
    except KeyboardInterrupt:
        report.interrupted = True
    report.seconds = time.monotonic() - started
    return report


def _drain(pending: dict, analysed) -> None:
    done, _ = wait(list(pending), return_when=FIRST_COMPLETED)
    for future in done:
        analysed(pending.pop(future), future.result())

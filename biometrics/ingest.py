"""Ingesting scraped photos into the store: from a folder (recursively) or a CSV manifest.

Per photo:
1. read the bytes (refused when unreadable, empty or above the size limit) and hash them;
   a SHA-256 already stored, or already seen in this run, is skipped as a duplicate;
2. analyse: decode once with biometrics.images (format from the bytes, pixel count and side
   checked before decoding, EXIF orientation applied, every colour mode made RGB), detect faces
   (biometrics.faces) and encode them from the full-resolution upright image;
3. store (biometrics.services.photo_ingest): suppression check, file written to a temp name and
   moved into place, photo + faces + FaceChange audit rows in one transaction.

Step 2 is the expensive one. Without a broker it runs in a pool of local processes while the
parent does steps 1 and 3 (the database stays in one process); with a broker every photo is a
Celery task (biometrics.tasks.ingest_photo_file) that does 1-3 on a worker, so any number of
machines that see the same files can share the work. Either way the run can be interrupted at
any point: a photo is either fully stored or not at all, and a rerun skips what is stored.
"""

from __future__ import annotations

import csv
import hashlib
import multiprocessing
import os
import signal
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import DatabaseError
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from biometrics.faces import detect_faces
from biometrics.images import FORMAT_SUFFIX, ImageLimits, ImageRejected, image_to_array, load_image_and_format
from biometrics.models import encoding_to_bytes
from biometrics.services import FaceFound, IngestStatus, photo_ingest, temp_files_cleanup

# File names ingestion looks at in a folder. Anything else (HTML, JSON, the manifest itself) is
# counted as ignored; files with these names are all tried and every failure is reported.
IMAGE_SUFFIXES = frozenset(
    {".jpg", ".jpeg", ".jpe", ".jfif", ".mpo", ".png", ".heic", ".heif", ".webp", ".avif"}
    | {".gif", ".bmp", ".tif", ".tiff"}  # not accepted, but tried so that the report names them
)
PATH_COLUMNS = ("path", "file", "file_path", "filename")

K = TypeVar("K")
V = TypeVar("V")


def ingest_limits() -> ImageLimits:
    """Scraped originals may be larger than uploads; these are still far below a bomb."""
    return ImageLimits(
        max_bytes=settings.INGEST_MAX_BYTES,
        max_pixels=settings.INGEST_MAX_PIXELS,
    )


@dataclass(frozen=True)
class IngestItem:
    path: str
    source_url: str = ""
    page_url: str = ""
    collected_at: datetime | None = None


@dataclass(frozen=True)
class Analysis:
    sha256: str
    size: int
    suffix: str = ""
    width: int = 0
    height: int = 0
    faces: tuple[FaceFound, ...] = ()
    error_code: str = ""
    error_message: str = ""


@dataclass(frozen=True)
class ItemResult:
    path: str
    status: str  # an IngestStatus value, "rejected" or "error"
    faces: int = 0
    code: str = ""
    message: str = ""


REJECTED = "rejected"
ERROR = "error"
ERASED_MESSAGE = ("erased", _("An erasure (GDPR Art. 17) removed these exact bytes; they are not stored again."))


@dataclass
class IngestReport:
    total: int = 0
    counts: Counter = field(default_factory=Counter)
    faces: int = 0
    problems: list[ItemResult] = field(default_factory=list)
    ignored: int = 0
    temp_files_removed: int = 0
    interrupted: bool = False
    seconds: float = 0.0
    mode: str = "local"

    def add(self, result: ItemResult) -> None:
        self.counts[result.status] += 1
        self.faces += result.faces
        if result.status in (REJECTED, ERROR, IngestStatus.FACELESS, IngestStatus.SUPPRESSED, IngestStatus.ERASED):
            self.problems.append(result)

    @property
    def done(self) -> int:
        return sum(self.counts.values())


# --- what to ingest -------------------------------------------------------------------------


@dataclass(frozen=True)
class Listing:
    items: list[IngestItem]
    problems: list[ItemResult]
    ignored: int


def _url_or_problem(value: str, what: str, where: str) -> tuple[str, ItemResult | None]:
    value = (value or "").strip()
    if not value:
        return "", None
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        return "", ItemResult(
            where, REJECTED, code="bad_url", message=_("The %(what)s is not an http(s) URL.") % {"what": what}
        )
    if len(value) > 2000:
        return "", ItemResult(
            where, REJECTED, code="bad_url", message=_("The %(what)s is longer than 2000 characters.") % {"what": what}
        )
    return value, None


def _mtime(path: Path) -> datetime | None:
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    except OSError:
        return None


def _prefixed(prefix: str, relative: str) -> str:
    if not prefix:
        return ""
    return prefix.rstrip("/") + "/" + quote(relative.replace(os.sep, "/"))


def list_folder(root: Path, *, source_url_prefix: str = "") -> Listing:
    items, problems, ignored = [], [], 0
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(name for name in dirnames if not name.startswith("."))
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if name.startswith(".") or path.suffix.lower() not in IMAGE_SUFFIXES:
                ignored += 1
                continue
            relative = str(path.relative_to(root))
            source_url, problem = _url_or_problem(_prefixed(source_url_prefix, relative), "source URL", str(path))
            if problem:
                problems.append(problem)
                continue
            items.append(IngestItem(path=str(path), source_url=source_url, collected_at=_mtime(path)))
    return Listing(items, problems, ignored)


def list_manifest(manifest: Path, *, source_url_prefix: str = "") -> Listing:
    """A CSV with a header naming `path` (or file/file_path/filename) and optionally source_url,
    page_url and collected_at; or, without a header, the columns path, source_url, page_url.
    Relative paths are relative to the manifest's folder."""
    items, problems = [], []
    base = manifest.parent
    with open(manifest, newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    if not rows:
        return Listing([], [], 0)
    header = [cell.strip().lower() for cell in rows[0]]
    if header and header[0] in PATH_COLUMNS or any(column in header for column in ("source_url", "page_url")):
        path_column = next((header.index(c) for c in PATH_COLUMNS if c in header), 0)
        column = {name: header.index(name) for name in ("source_url", "page_url", "collected_at") if name in header}
        body = rows[1:]
    else:
        path_column, column, body = 0, {"source_url": 1, "page_url": 2}, rows
    for number, row in enumerate(body, start=2 if body is not rows else 1):
        if not row or not "".join(row).strip():
            continue

        def cell(name: str, row=row) -> str:
            index = column.get(name)
            return row[index].strip() if index is not None and index < len(row) else ""

        raw_path = row[path_column].strip() if path_column < len(row) else ""
        where = f"{manifest.name}:{number} {raw_path}"
        if not raw_path:
            problems.append(ItemResult(where, REJECTED, code="no_path", message=_("The row names no file.")))
            continue
        path = Path(raw_path)
        path = path if path.is_absolute() else base / path
        source_url, problem = _url_or_problem(
            cell("source_url") or _prefixed(source_url_prefix, raw_path), "source URL", where
        )
        page_url, page_problem = _url_or_problem(cell("page_url"), "page URL", where)
        if problem or page_problem:
            problems.append(problem or page_problem)
            continue
        collected_at = None
        if cell("collected_at"):
            try:
                collected_at = parse_datetime(cell("collected_at"))
            except ValueError:
                collected_at = None
            if collected_at is None:
                problems.append(
                    ItemResult(
                        where, REJECTED, code="bad_date", message=_("collected_at is not an ISO 8601 date and time.")
                    )
                )
                continue
            if collected_at.tzinfo is None:
                collected_at = collected_at.replace(tzinfo=UTC)
        items.append(
            IngestItem(
                path=str(path), source_url=source_url, page_url=page_url, collected_at=collected_at or _mtime(path)
            )
        )
    return Listing(items, problems, 0)


def list_source(path: str | Path, *, source_url_prefix: str = "") -> Listing:
    path = Path(path)
    if path.is_dir():
        return list_folder(path, source_url_prefix=source_url_prefix)
    if path.is_file() and path.suffix.lower() == ".csv":
        return list_manifest(path, source_url_prefix=source_url_prefix)
    if path.is_file():
        return Listing(
            [IngestItem(path=str(path), source_url=_prefixed(source_url_prefix, path.name), collected_at=_mtime(path))],
            [],
            0,
        )
    raise FileNotFoundError(_("%(path)s is neither a folder, a CSV manifest nor a file.") % {"path": path})


# --- analysis (runs in worker processes; no database) ----------------------------------------


def read_photo(path: str, *, limits: ImageLimits) -> bytes:
    try:
        size = os.stat(path).st_size
    except OSError as exc:
        raise ImageRejected("unreadable", _("The file could not be read.")) from exc
    if size > limits.max_bytes:
        raise ImageRejected(
            "too_large",
            _("The file is too large: the limit is %(mb)s MB.") % {"mb": round(limits.max_bytes / 1_048_576, 1)},
        )
    try:
        with open(path, "rb") as handle:
            data = handle.read(limits.max_bytes + 1)
    except OSError as exc:
        raise ImageRejected("unreadable", _("The file could not be read.")) from exc
    if not data:
        raise ImageRejected("empty", _("The file is empty."))
    if len(data) > limits.max_bytes:
        raise ImageRejected("too_large", _("The file is too large."))
    return data


def analyse_bytes(data: bytes, *, limits: ImageLimits) -> Analysis:
    """Decode once, detect and encode. Never raises for a bad image: the reason is in the result."""
    sha256 = hashlib.sha256(data).hexdigest()
    try:
        image, fmt = load_image_and_format(data, limits=limits)
    except ImageRejected as rejected:
        return Analysis(sha256=sha256, size=len(data), error_code=rejected.code, error_message=str(rejected.message))
    rgb = image_to_array(image)
    faces = detect_faces(rgb)
    return Analysis(
        sha256=sha256,
        size=len(data),
        suffix=FORMAT_SUFFIX.get(fmt, ".jpg"),
        width=image.width,
        height=image.height,
        faces=tuple(FaceFound(box=face.box, encoding=encoding_to_bytes(face.encoding)) for face in faces),
    )


def analyse_file(path: str, limits: ImageLimits) -> Analysis:
    try:
        data = read_photo(path, limits=limits)
    except ImageRejected as rejected:
        return Analysis(sha256="", size=0, error_code=rejected.code, error_message=str(rejected.message))
    return analyse_bytes(data, limits=limits)


def _worker_init() -> None:
    # Ctrl-C goes to the whole process group: only the parent decides what to do with it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


# --- storing (parent process or Celery worker) ------------------------------------------------


def store_analysis(item: IngestItem, analysis: Analysis, data: bytes, *, now: datetime | None = None) -> ItemResult:
    if analysis.error_code:
        return ItemResult(item.path, REJECTED, code=analysis.error_code, message=analysis.error_message)
    try:
        outcome = photo_ingest(
            data=data,
            sha256=analysis.sha256,
            suffix=analysis.suffix,
            width=analysis.width,
            height=analysis.height,
            faces=analysis.faces,
            source_url=item.source_url,
            page_url=item.page_url,
            collected_at=item.collected_at,
            now=now,
        )
    except DatabaseError as exc:
        # The database's message can quote the failing row (an encoding): report the kind only.
        return ItemResult(item.path, ERROR, code="database_error", message=type(exc).__name__)
    messages = {
        IngestStatus.FACELESS: ("no_face", _("No face was found in this photo; it was not stored.")),
        IngestStatus.SUPPRESSED: (
            "suppressed",
            _("A face in this photo is on the suppression list; it was not stored."),
        ),
        IngestStatus.ERASED: ERASED_MESSAGE,
    }
    code, message = messages.get(outcome.status, ("", ""))
    return ItemResult(item.path, outcome.status, faces=outcome.faces, code=code, message=message)


def ingest_item(item: IngestItem, *, limits: ImageLimits | None = None) -> ItemResult:
    """Steps 1-3 for one photo in this process (what a Celery task runs)."""
    limits = limits or ingest_limits()
    try:
        data = read_photo(item.path, limits=limits)
    except ImageRejected as rejected:
        return ItemResult(item.path, REJECTED, code=rejected.code, message=str(rejected.message))
    sha256 = hashlib.sha256(data).hexdigest()
    known = _known(item, sha256)
    if known:
        return known
    return store_analysis(item, analyse_bytes(data, limits=limits), data)


def _known(item: IngestItem, sha256: str) -> ItemResult | None:
    """These bytes are stored already, or an erasure removed them: nothing to analyse."""
    from biometrics.models import ErasedPhoto, SourcePhoto

    if SourcePhoto.objects.filter(sha256=sha256).exists():
        return ItemResult(item.path, IngestStatus.DUPLICATE)
    if ErasedPhoto.objects.filter(sha256=sha256).exists():
        code, message = ERASED_MESSAGE
        return ItemResult(item.path, IngestStatus.ERASED, code=code, message=message)
    return None


# --- running a whole listing ---------------------------------------------------------------


Progress = Callable[[ItemResult], None]


def _hash_for_dedupe(item: IngestItem, limits: ImageLimits) -> tuple[str | None, ItemResult | None]:
    try:
        data = read_photo(item.path, limits=limits)
    except ImageRejected as rejected:
        return None, ItemResult(item.path, REJECTED, code=rejected.code, message=str(rejected.message))
    return hashlib.sha256(data).hexdigest(), None


def run_ingest(
    listing: Listing,
    *,
    workers: int = 2,
    mode: str = "auto",
    on_result: Progress | None = None,
    limits: ImageLimits | None = None,
) -> IngestReport:
    """Ingest every item of the listing; `mode` is "local", "celery" or "auto" (Celery when a
    broker is configured). KeyboardInterrupt stops cleanly: the report says so."""
    limits = limits or ingest_limits()
    if mode == "auto":
        mode = "local" if settings.CELERY_TASK_ALWAYS_EAGER else "celery"
    report = IngestReport(total=len(listing.items) + len(listing.problems), ignored=listing.ignored, mode=mode)
    report.temp_files_removed = temp_files_cleanup()
    started = time.monotonic()

    def record(result: ItemResult) -> None:
        report.add(result)
        if on_result:
            on_result(result)

    for problem in listing.problems:
        record(problem)
    try:
        if mode == "celery":
            _run_celery(listing.items, limits=limits, record=record, in_flight=max(4, 4 * workers))
        else:
            _run_local(listing.items, limits=limits, record=record, workers=workers)
    except KeyboardInterrupt:
        report.interrupted = True
    report.seconds = time.monotonic() - started
    return report


def _new_items(items: list[IngestItem], limits: ImageLimits, record: Progress) -> Iterator[tuple[IngestItem, str]]:
    """Items whose bytes are neither stored, nor erased, nor seen earlier in this run, with their
    hash."""
    seen: set[str] = set()
    for item in items:
        sha256, problem = _hash_for_dedupe(item, limits)
        if problem:
            record(problem)
            continue
        known = ItemResult(item.path, IngestStatus.DUPLICATE) if sha256 in seen else _known(item, sha256)
        if known:
            record(known)
            continue
        seen.add(sha256)
        yield item, sha256


@contextmanager
def analysis_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """Local processes for detection and encoding. Forked: they share the loaded dlib models and
    never touch the database connection; Ctrl-C reaches only the parent. When the block raises
    (Ctrl-C included), queued work is cancelled and the processes are stopped at once."""
    executor = ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context("fork"), initializer=_worker_init
    )
    try:
        yield executor
    except BaseException:
        executor.shutdown(wait=False, cancel_futures=True)
        for process in list((getattr(executor, "_processes", None) or {}).values()):
            process.terminate()
        raise
    executor.shutdown(wait=True)


def pool_results(
    pool: ProcessPoolExecutor, calls: Iterable[tuple[K, Callable[[], V]]], *, in_flight: int
) -> Iterator[tuple[K, Future[V]]]:
    """Run each (key, call) in the pool, at most `in_flight` at a time, and yield (key, future)
    as they finish. `calls` is read only as room frees up, so a long listing is never queued
    whole; the caller handles each result in this process (the database is only touched here)."""
    pending: dict[Future[V], K] = {}

    def finished() -> Iterator[tuple[K, Future[V]]]:
        done, _ = wait(list(pending), return_when=FIRST_COMPLETED)
        for future in done:
            yield pending.pop(future), future

    for key, call in calls:
        pending[pool.submit(call)] = key
        while len(pending) >= in_flight:
            yield from finished()
    while pending:
        yield from finished()


def _run_local(items, *, limits, record, workers: int) -> None:
    if workers <= 1:
        for item, _sha in _new_items(items, limits, record):
            record(ingest_item(item, limits=limits))
        return
    calls = ((item, partial(analyse_file, item.path, limits)) for item, _sha in _new_items(items, limits, record))
    with analysis_pool(workers) as pool:
        for item, future in pool_results(pool, calls, in_flight=3 * workers):
            _collect(item, future, limits, record)


def _collect(item: IngestItem, future: Future, limits: ImageLimits, record: Progress) -> None:
    try:
        analysis = future.result()
    except Exception as exc:  # a crash in dlib or a killed worker: reported, run continues
        record(ItemResult(item.path, ERROR, code="analysis_failed", message=type(exc).__name__))
        return
    if analysis.error_code:
        record(ItemResult(item.path, REJECTED, code=analysis.error_code, message=analysis.error_message))
        return
    try:
        data = read_photo(item.path, limits=limits)
    except ImageRejected as rejected:
        record(ItemResult(item.path, REJECTED, code=rejected.code, message=str(rejected.message)))
        return
    if hashlib.sha256(data).hexdigest() != analysis.sha256:
        record(ItemResult(item.path, ERROR, code="changed", message=_("The file changed while it was being ingested.")))
        return
    record(store_analysis(item, analysis, data))


def _run_celery(items, *, limits, record, in_flight: int) -> None:
    from biometrics.tasks import ingest_photo_file

    pending: list[tuple[IngestItem, object]] = []

    def drain(keep: int) -> None:
        while len(pending) > keep:
            for index, (item, result) in enumerate(pending):
                if result.ready():
                    pending.pop(index)
                    record(_celery_result(item, result))
                    break
            else:
                time.sleep(0.05)

    try:
        for item, _sha in _new_items(items, limits, record):
            result = ingest_photo_file.delay(
                path=item.path,
                source_url=item.source_url,
                page_url=item.page_url,
                collected_at=item.collected_at.isoformat() if item.collected_at else None,
            )
            pending.append((item, result))
            drain(in_flight)
        drain(0)
    except KeyboardInterrupt:
        # Tasks already sent still run on the workers (they are idempotent); we stop waiting.
        raise


def _celery_result(item: IngestItem, result) -> ItemResult:
    try:
        value = result.get(propagate=True, disable_sync_subtasks=False)
    except Exception as exc:
        return ItemResult(item.path, ERROR, code="task_failed", message=type(exc).__name__)
    return ItemResult(
        item.path,
        value["status"],
        faces=value.get("faces", 0),
        code=value.get("code", ""),
        message=value.get("message", ""),
    )

"""Fixtures for answering requests (issue 6): the shared photos ingested into the store, a
request filed with one of them as the selfie and moved through verification, and Celery run
in-process unless a test starts a real worker.
"""

import csv
import fcntl
import hashlib
import os
import pickle
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import tasks_in_process_unless_worker

SOURCE_PREFIX = "https://photos.example.org/"
PAGE_PREFIX = "https://pages.example.org/"


@pytest.fixture(autouse=True)
def eager_celery(request):
    yield from tasks_in_process_unless_worker(request)


@dataclass(frozen=True)
class ManifestRow:
    path: str
    faces: int
    people: tuple[str, ...]


@pytest.fixture(scope="session")
def manifest(faces_dir) -> list[ManifestRow]:
    with open(faces_dir / "manifest.csv", newline="") as handle:
        return [
            ManifestRow(row["path"], int(row["faces"]), tuple(p for p in row["people"].split(";") if p))
            for row in csv.DictReader(handle)
        ]


@dataclass(frozen=True)
class DetectedFace:
    box: tuple[int, int, int, int]
    encoding: np.ndarray


@pytest.fixture(scope="session")
def analyses(faces_dir, manifest, tmp_path_factory) -> dict:
    """Each shared photo analysed once per test run by the ingestion's own analysis (EXIF-upright
    detection and 5-point encodings): {path: (bytes, Analysis)}.

    Under pytest-xdist the first test process to need it computes it and leaves it, pickled, in
    the run's temporary folder (shared by the processes; pytest deletes old runs' folders); the
    others wait on a file lock and read it, instead of each spending about 25 s of CPU on the
    same 61 photos. The file is keyed by the photos' bytes, so a changed photo is never read
    from a stale copy."""
    from biometrics.ingest import analyse_bytes, ingest_limits

    datas = {row.path: (faces_dir / row.path).read_bytes() for row in manifest}
    key = hashlib.sha256(b"".join(hashlib.sha256(data).digest() for data in datas.values())).hexdigest()[:16]
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the run's folder, above each process's own
    cache = shared / f"shared-photo-analyses-{key}.pickle"
    with open(shared / f"shared-photo-analyses-{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if cache.exists():
                analysed = pickle.loads(cache.read_bytes())  # noqa: S301 - written by this run
            else:
                analysed = {path: analyse_bytes(data, limits=ingest_limits()) for path, data in datas.items()}
                partial = cache.with_suffix(".partial")
                partial.write_bytes(pickle.dumps(analysed))
                partial.replace(cache)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return {path: (datas[path], analysed[path]) for path in datas}


@pytest.fixture(scope="session")
def detections(analyses) -> dict:
    """{path: ((width, height), [DetectedFace])}, from the ingestion analysis."""
    from biometrics.models import encoding_from_bytes

    return {
        path: (
            (analysis.width, analysis.height),
            [DetectedFace(face.box, encoding_from_bytes(face.encoding).astype(np.float64)) for face in analysis.faces],
        )
        for path, (_data, analysis) in analyses.items()
    }


def ingest_shared_photos(faces_dir: Path, manifest, analyses) -> dict[str, int]:
    """Put every shared photo into the store through the ingestion service; {path: photo id}."""
    from biometrics.ingest import IngestItem, store_analysis
    from biometrics.models import SourcePhoto
    from biometrics.services import IngestStatus

    ids = {}
    for row in manifest:
        data, analysis = analyses[row.path]
        item = IngestItem(path=row.path, source_url=SOURCE_PREFIX + row.path, page_url=PAGE_PREFIX + row.path)
        result = store_analysis(item, analysis, data)
        assert result.status == IngestStatus.CREATED, (row.path, result)
        ids[row.path] = SourcePhoto.objects.get(sha256=analysis.sha256).pk
    return ids


@pytest.fixture
def store(db, faces_dir, manifest, analyses):
    return ingest_shared_photos(faces_dir, manifest, analyses)


@pytest.fixture
def file_request(db, faces_dir, django_capture_on_commit_callbacks):
    """File a request with a shared photo as the selfie and verify its email; matching is queued
    on commit as the verification hook does. Returns the request."""
    from compliance.workflow import intake, matching

    def do(
        *,
        selfie: str = "people/obama/obama.jpg",
        request_type: str = "access",
        language: str = "en",
        suppression: bool = False,
        email: str = "barack@example.org",
        extra_selfies: tuple[str, ...] = (),
    ):
        data = {
            "request_type": request_type,
            "name": "Barack Example",
            "email": email,
            "country": "NL",
            "language": language,
            "selfie_consent": True,
            "suppression_consent": suppression,
        }
        with django_capture_on_commit_callbacks(execute=True):
            request, token = intake.request_submit(
                data=data,
                selfie_file=(faces_dir / selfie).read_bytes(),
                extra_selfie_files=[(faces_dir / path).read_bytes() for path in extra_selfies],
                ip="198.51.100.7",
            )
        from django.db import transaction

        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            request = intake.request_confirm_email(token=token)
            matching.matching_schedule(request=request)
        request.refresh_from_db()
        return request

    return do


def person_paths(manifest, person: str) -> set[str]:
    return {row.path for row in manifest if person in row.people}


def encoding_distance(a, b) -> float:
    return float(np.linalg.norm(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)))

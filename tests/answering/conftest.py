"""Fixtures for answering requests (issue 6): the shared photos ingested into the store, a
request filed with one of them as the selfie and moved through verification, and Celery run
in-process unless a test starts a real worker.
"""

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

SOURCE_PREFIX = "https://photos.example.org/"
PAGE_PREFIX = "https://pages.example.org/"


@pytest.fixture(autouse=True)
def eager_celery(request):
    if "start_worker" in request.fixturenames:
        yield
        return
    from config.celery import app

    previous = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = previous


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


@pytest.fixture(scope="session")
def detections(faces_dir, manifest) -> dict:
    """Faces of every shared photo, detected once per session (upright boxes, encodings)."""
    from biometrics.faces import detect_faces
    from biometrics.images import ImageLimits, image_to_array, load_image_checked

    limits = ImageLimits(max_bytes=50 * 1024 * 1024, max_pixels=100_000_000)
    result = {}
    for row in manifest:
        image = load_image_checked(faces_dir / row.path, limits=limits)
        result[row.path] = (image.size, detect_faces(image_to_array(image)))
    return result


def ingest_shared_photos(faces_dir: Path, manifest, detections) -> dict[str, int]:
    """Put every shared photo into the store; returns {manifest path: photo id}.

    Uses the store's ingestion service when it is installed; until then rows are written the
    way that service writes them (file under its content-addressed name, faces with float32
    encodings, a FaceChange per added face for the search indexes)."""
    from django.core.files.base import ContentFile
    from django.db import transaction

    from biometrics.faces import MODEL_VERSION
    from biometrics.models import Face, FaceChange, FaceChangeKind, SourcePhoto, encoding_to_bytes, source_domain_of

    ids = {}
    for row in manifest:
        data = (faces_dir / row.path).read_bytes()
        (width, height), faces = detections[row.path]
        sha = hashlib.sha256(data).hexdigest()
        with transaction.atomic():
            photo = SourcePhoto(
                source_url=SOURCE_PREFIX + row.path,
                page_url=PAGE_PREFIX + row.path,
                source_domain=source_domain_of(SOURCE_PREFIX),
                sha256=sha,
                width=width,
                height=height,
                size_bytes=len(data),
            )
            photo.image.save(Path(row.path).name, ContentFile(data), save=False)
            photo.save()
            for face in faces:
                top, right, bottom, left = face.box
                stored = Face.objects.create(
                    photo=photo,
                    top=top,
                    right=right,
                    bottom=bottom,
                    left=left,
                    encoding=encoding_to_bytes(face.encoding),
                    model_name="dlib",
                    model_version=MODEL_VERSION,
                )
                FaceChange.objects.create(face_id=stored.pk, photo_id=photo.pk, kind=FaceChangeKind.ADDED)
        ids[row.path] = photo.pk
    return ids


@pytest.fixture
def store(db, faces_dir, manifest, detections):
    return ingest_shared_photos(faces_dir, manifest, detections)


@pytest.fixture
def file_request(db, faces_dir, django_capture_on_commit_callbacks):
    """File a request with a shared photo as the selfie and verify its email; matching is queued
    on commit as the verification hook does. Returns the request."""
    from compliance import services
    from compliance.answering.services import answering_schedule_matching

    def do(
        *,
        selfie: str = "people/obama/obama.jpg",
        request_type: str = "access",
        language: str = "en",
        suppression: bool = False,
        email: str = "barack@example.org",
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
            request, token = services.request_submit(
                data=data, selfie_file=(faces_dir / selfie).read_bytes(), ip="198.51.100.7"
            )
        from django.db import transaction

        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            request, _status_token = services.request_verify_email(token=token)
            answering_schedule_matching(request=request)
        request.refresh_from_db()
        return request

    return do


def person_paths(manifest, person: str) -> set[str]:
    return {row.path for row in manifest if person in row.people}


def encoding_distance(a, b) -> float:
    return float(np.linalg.norm(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)))

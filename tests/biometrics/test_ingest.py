"""Ingestion on the shared photos: every face in manifest.csv is found, reruns add nothing,
interrupted runs resume without duplicates, bad files are reported and skipped, suppressed
faces are refused, and Celery workers give the same result as local processes."""

import csv
import io
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from PIL import Image

from biometrics import services
from biometrics.faces import detect_faces
from biometrics.images import image_to_array, load_image_checked
from biometrics.ingest import REJECTED, IngestItem, Listing, list_source, run_ingest
from biometrics.models import Face, FaceChange, SourcePhoto
from biometrics.services import TEMP_DIR, IngestStatus
from tests.conftest import ROOT, controller_env, database_url_for_subprocess

PREFIX = "https://scrape.example/faces"


def manifest_rows(faces_dir: Path) -> list[dict]:
    with open(faces_dir / "manifest.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def faces_per_file() -> Counter:
    """Faces stored per manifest path (recovered from the source URL)."""
    counts = Counter()
    for url, count in SourcePhoto.objects.values_list("source_url", "id"):
        counts[url.removeprefix(PREFIX + "/")] = Face.objects.filter(photo_id=count).count()
    return counts


def expected_per_file(faces_dir: Path) -> Counter:
    return Counter({row["path"]: int(row["faces"]) for row in manifest_rows(faces_dir)})


def assert_store_matches_manifest(faces_dir: Path) -> None:
    assert faces_per_file() == expected_per_file(faces_dir)
    assert SourcePhoto.objects.count() == len(manifest_rows(faces_dir))
    assert Face.objects.count() == sum(expected_per_file(faces_dir).values())
    assert SourcePhoto.objects.values("sha256").distinct().count() == SourcePhoto.objects.count()


@pytest.fixture
def manifest_listing(faces_dir):
    return list_source(faces_dir / "manifest.csv", source_url_prefix=PREFIX)


@pytest.mark.faces
@pytest.mark.django_db
def test_local_ingestion_finds_every_face_in_the_manifest_and_a_rerun_adds_nothing(faces_dir, manifest_listing):
    report = run_ingest(manifest_listing, workers=2, mode="local")

    assert report.counts[IngestStatus.CREATED] == 25, report.problems
    assert_store_matches_manifest(faces_dir)
    # The photo stored rotated with EXIF Orientation=6 is stored upright, with its face.
    rotated = SourcePhoto.objects.get(source_url=f"{PREFIX}/odd/obama_exif_rotated.jpg")
    assert (rotated.width, rotated.height) == (626, 1200) and rotated.faces.count() == 1
    rgba = SourcePhoto.objects.get(source_url=f"{PREFIX}/odd/32bit.png")
    assert rgba.faces.count() == 1 and rgba.image.name.endswith(".png")
    # Files are in storage under their hash and hold the original bytes.
    for photo in SourcePhoto.objects.all():
        with photo.image.open("rb") as handle:
            data = handle.read()
        import hashlib

        assert hashlib.sha256(data).hexdigest() == photo.sha256 and len(data) == photo.size_bytes
    # Each face is logged once, and carries the model it was encoded with.
    assert FaceChange.objects.count() == Face.objects.count()
    assert set(Face.objects.values_list("model_version", flat=True)) == {
        "dlib_face_recognition_resnet_model_v1+shape_predictor_5_face_landmarks"
    }

    again = run_ingest(manifest_listing, workers=2, mode="local")
    assert again.counts == Counter({IngestStatus.DUPLICATE: 25})
    assert_store_matches_manifest(faces_dir)


@pytest.mark.faces
@pytest.mark.django_db
def test_stored_encodings_match_a_direct_encoding_of_the_upright_image(faces_dir, manifest_listing):
    run_ingest(
        Listing([item for item in manifest_listing.items if "kit_with_rose" in item.path], [], 0),
        workers=1,
        mode="local",
    )
    photo = SourcePhoto.objects.get()
    rgb = image_to_array(load_image_checked(faces_dir / "group" / "kit_with_rose.jpg"))
    direct = {face.box: face.encoding for face in detect_faces(rgb)}
    for face in photo.faces.all():
        assert np.allclose(face.encoding_array(), direct[face.box], atol=1e-6)


@pytest.mark.faces
@pytest.mark.django_db
def test_interrupted_run_resumes_without_duplicates_or_half_written_photos(faces_dir, manifest_listing, media_root):
    seen = []

    def interrupt_after_eight(result):
        seen.append(result)
        if len(seen) == 8:
            raise KeyboardInterrupt

    report = run_ingest(manifest_listing, workers=2, mode="local", on_result=interrupt_after_eight)

    assert report.interrupted
    stored = SourcePhoto.objects.count()
    assert 1 <= stored < 25
    expected = expected_per_file(faces_dir)
    for path, count in faces_per_file().items():  # every stored photo is complete
        assert count == expected[path]
    assert not list((media_root / TEMP_DIR).glob("*.part")) if (media_root / TEMP_DIR).exists() else True

    resumed = run_ingest(manifest_listing, workers=2, mode="local")
    assert resumed.counts[IngestStatus.DUPLICATE] == stored
    assert resumed.counts[IngestStatus.CREATED] == 25 - stored
    assert_store_matches_manifest(faces_dir)


@pytest.mark.faces
@pytest.mark.django_db(transaction=True)
def test_killed_command_resumes_without_duplicates(faces_dir, media_root, tmp_path):
    """A real `manage.py ingest_photos` process is killed with SIGKILL mid-run, then rerun."""
    database_url = database_url_for_subprocess()  # skips unless PostgreSQL (shared by both processes)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(media_root),
        "CELERY_BROKER_URL": "",
        "DJANGO_SECRET_KEY": "test-only-secret-key-not-for-production-use-0123456789",
        **controller_env(),  # the system checks refuse to start without the controller's identity
    }
    process = subprocess.Popen(
        [sys.executable, "manage.py", "ingest_photos", str(faces_dir / "manifest.csv"),
         "--source-url-prefix", PREFIX, "--workers", "2", "--mode", "local", "--no-progress"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 300
        while SourcePhoto.objects.count() < 3:
            assert process.poll() is None, "the command finished before it could be interrupted"
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    stored = SourcePhoto.objects.count()
    assert stored < 25

    call_command("ingest_photos", str(faces_dir / "manifest.csv"), source_url_prefix=PREFIX, workers=2,
                 mode="local", no_progress=True, stdout=io.StringIO())  # fmt: skip

    assert_store_matches_manifest(faces_dir)
    assert not list((media_root / TEMP_DIR).glob("*.part")) if (media_root / TEMP_DIR).exists() else True


@pytest.mark.django_db
def test_temp_files_of_dead_processes_are_cleaned_and_live_ones_kept(media_root):
    folder = media_root / TEMP_DIR
    folder.mkdir(parents=True)
    host = socket.gethostname()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    orphan = folder / f"{host}__{dead.pid}__{'a' * 32}.part"
    live = folder / f"{host}__{os.getpid()}__{'b' * 32}.part"
    other_host_old = folder / f"elsewhere__1__{'c' * 32}.part"
    other_host_new = folder / f"elsewhere__2__{'d' * 32}.part"
    for path in (orphan, live, other_host_old, other_host_new):
        path.write_bytes(b"partial")
    os.utime(other_host_old, (time.time() - 2 * 86400,) * 2)

    assert services.temp_files_cleanup() == 2
    assert sorted(p.name for p in folder.iterdir()) == sorted([live.name, other_host_new.name])


def _write_image(path: Path, image: Image.Image, fmt: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, format=fmt)
    return path


@pytest.mark.faces
@pytest.mark.django_db
def test_bad_files_are_reported_and_the_run_continues(faces_dir, tmp_path, settings):
    settings.INGEST_MAX_BYTES = 2_000_000
    folder = tmp_path / "scrape"
    (folder / "good").mkdir(parents=True)
    (folder / "good" / "biden.jpg").write_bytes((faces_dir / "people/biden/biden.jpg").read_bytes())
    (folder / "empty.jpg").write_bytes(b"")
    (folder / "truncated.jpg").write_bytes((faces_dir / "people/obama/obama.jpg").read_bytes()[:20_000])
    (folder / "not-really.png").write_bytes(b"<html>hello</html>")
    (folder / "huge.jpg").write_bytes(b"\xff\xd8\xff" + os.urandom(2_100_000))
    _write_image(folder / "blank.png", Image.new("RGB", (300, 200), "white"), "PNG")
    _write_image(folder / "strip.png", Image.new("RGB", (20_000, 2), "white"), "PNG")
    _write_image(folder / "anim.gif", Image.new("P", (20, 20)), "GIF")
    (folder / "notes.txt").write_text("scraper notes")

    report = run_ingest(list_source(folder), workers=2, mode="local")

    problems = {Path(p.path).name: p.code for p in report.problems}
    assert problems == {
        "empty.jpg": "empty",
        "truncated.jpg": "corrupt",
        "not-really.png": "not_an_image",
        "huge.jpg": "too_large",
        "blank.png": "no_face",
        "strip.png": "absurd_size",
        "anim.gif": "unsupported_format",
    }
    assert all(p.message for p in report.problems)
    assert report.counts[IngestStatus.CREATED] == 1 and report.ignored == 1
    assert SourcePhoto.objects.get().faces.count() == 1


@pytest.mark.faces
@pytest.mark.django_db
def test_web_formats_are_ingested_with_their_faces_and_kept_in_their_format(faces_dir, tmp_path):
    """Issue 14 item 1: WEBP (still and animated) and AVIF scraped from the web were refused
    ("WEBP images are not accepted"), so their faces were neither disclosed nor erased."""
    folder = tmp_path / "scrape"
    biden = Image.open(faces_dir / "people/biden/biden.jpg").convert("RGB")
    kit = Image.open(faces_dir / "people/kit_harington/kit1.jpg").convert("RGB")
    blank = Image.new("RGB", kit.size, "white")
    _write_image(folder / "biden.webp", biden, "WEBP")
    _write_image(folder / "obama.avif", Image.open(faces_dir / "people/obama/obama.jpg").convert("RGB"), "AVIF")
    folder.joinpath("kit_animated.webp").write_bytes(_encoded(kit, "WEBP", save_all=True, append_images=[blank]))
    webp = _encoded(Image.open(faces_dir / "people/rose_leslie/rose1.jpg").convert("RGB"), "WEBP")
    folder.joinpath("truncated.webp").write_bytes(webp[: len(webp) // 2])

    report = run_ingest(list_source(folder, source_url_prefix=PREFIX), workers=1, mode="local")

    assert {Path(p.path).name: p.code for p in report.problems} == {"truncated.webp": "corrupt"}
    assert "damaged" in report.problems[0].message
    photos = {photo.source_url.rsplit("/", 1)[1]: photo for photo in SourcePhoto.objects.all()}
    assert sorted(photos) == ["biden.webp", "kit_animated.webp", "obama.avif"]
    for name, photo in photos.items():
        assert photo.faces.count() == 1, name
        suffix = name.rsplit(".", 1)[1]
        assert photo.image.name.endswith(f".{suffix}")  # the original bytes, named after their format
        with photo.image.open("rb") as handle:
            assert Image.open(handle).format == suffix.upper()
    # The stored faces are the people in the photos: another photo of each finds theirs nearest.
    faces = list(Face.objects.all())
    for reference, name in (
        ("people/biden/biden2.jpg", "biden.webp"),
        ("people/obama/obama2.jpg", "obama.avif"),
        ("people/kit_harington/kit2.jpg", "kit_animated.webp"),
    ):
        (query,) = detect_faces(image_to_array(load_image_checked(faces_dir / reference)))
        distance, nearest = min((np.linalg.norm(face.encoding_array() - query.encoding), face) for face in faces)
        assert distance <= 0.6 and nearest.photo_id == photos[name].pk, reference


def _encoded(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


@pytest.mark.faces
@pytest.mark.django_db
def test_suppressed_person_is_refused_at_ingestion(faces_dir, manifest_listing, now_utc):
    rgb = image_to_array(load_image_checked(faces_dir / "people/obama/obama.jpg"))
    (obama,) = detect_faces(rgb)
    services.suppression_entry_add(
        encoding=obama.encoding, consented_at=now_utc, request_public_id="7d0c4a0e-6c59-4d44-9d0e-0d8a7b3f8f11"
    )
    wanted = ("people/obama/obama2.jpg", "people/biden/biden.jpg", "group/two_people.jpg")
    items = [item for item in manifest_listing.items if item.path.endswith(wanted)]

    report = run_ingest(Listing(items, [], 0), workers=1, mode="local")

    assert {Path(p.path).name: p.code for p in report.problems} == {
        "obama2.jpg": "suppressed",
        "two_people.jpg": "suppressed",  # Obama is in it: the photo would still show him
    }
    assert list(SourcePhoto.objects.values_list("source_url", flat=True)) == [f"{PREFIX}/people/biden/biden.jpg"]

    services.suppression_entries_withdraw(request_public_id="7d0c4a0e-6c59-4d44-9d0e-0d8a7b3f8f11")
    assert run_ingest(Listing(items, [], 0), workers=1, mode="local").counts[IngestStatus.CREATED] == 2


@pytest.fixture
def now_utc():
    from datetime import UTC, datetime

    return datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_manifest_with_urls_and_bad_rows(tmp_path):
    image = tmp_path / "a.jpg"
    Image.new("RGB", (40, 40)).save(image)
    manifest = tmp_path / "list.csv"
    manifest.write_text(
        "path,source_url,page_url,collected_at\n"
        "a.jpg,https://cdn.example/a.jpg,https://example.com/post/1,2024-05-01T10:00:00+02:00\n"
        "b.jpg,javascript:alert(1),,\n"
        ",https://cdn.example/c.jpg,,\n"
        "a.jpg,https://cdn.example/a.jpg,,yesterday\n"
    )
    listing = list_source(manifest)
    assert [(i.path, i.source_url, i.page_url, i.collected_at.isoformat()) for i in listing.items] == [
        (str(image), "https://cdn.example/a.jpg", "https://example.com/post/1", "2024-05-01T10:00:00+02:00")
    ]
    assert [p.code for p in listing.problems] == ["bad_url", "no_path", "bad_date"]


@pytest.mark.django_db
def test_missing_file_in_manifest_is_reported(tmp_path):
    manifest = tmp_path / "list.csv"
    manifest.write_text("path\nmissing.jpg\n")
    report = run_ingest(list_source(manifest), workers=1, mode="local")
    assert [(p.status, p.code) for p in report.problems] == [(REJECTED, "unreadable")]


@pytest.mark.django_db
def test_command_rejects_bad_arguments(tmp_path):
    with pytest.raises(CommandError, match="neither a folder"):
        call_command("ingest_photos", str(tmp_path / "nothing-here"), stdout=io.StringIO())
    with pytest.raises(CommandError, match="--workers"):
        call_command("ingest_photos", str(tmp_path), workers=0, stdout=io.StringIO())
    with pytest.raises(CommandError, match="http"):
        call_command("ingest_photos", str(tmp_path), source_url_prefix="ftp://x", stdout=io.StringIO())


@pytest.mark.faces
@pytest.mark.django_db
def test_command_prints_a_summary_with_every_problem(faces_dir, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "kit.jpg").write_bytes((faces_dir / "people/kit_harington/kit2.jpg").read_bytes())
    (folder / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 50)
    out = io.StringIO()
    call_command("ingest_photos", str(folder), workers=1, mode="local", no_progress=True, stdout=out)
    text = out.getvalue()
    assert "photos stored          1 (1 faces)" in text
    assert "broken.png: corrupt:" in text
    assert "photos/s" in text


@pytest.mark.faces
@pytest.mark.worker
def test_celery_workers_ingest_the_same_faces(faces_dir, manifest_listing, start_worker, settings):
    start_worker(queue="celery")
    report = run_ingest(manifest_listing, workers=2, mode="celery")
    assert report.mode == "celery"
    assert report.counts[IngestStatus.CREATED] == 25, report.problems
    assert_store_matches_manifest(faces_dir)
    # A task delivered again (acks late after a lost worker) stores nothing twice.
    from biometrics.tasks import ingest_photo_file

    item: IngestItem = manifest_listing.items[0]
    again = ingest_photo_file.delay(path=item.path, source_url=item.source_url).get(timeout=120)
    assert again["status"] == IngestStatus.DUPLICATE
    assert_store_matches_manifest(faces_dir)


@pytest.mark.django_db
def test_a_database_refusal_is_reported_without_quoting_the_row(media_root):
    from biometrics.ingest import ERROR, Analysis, store_analysis
    from biometrics.models import encoding_to_bytes
    from biometrics.services import FaceFound

    encoding = encoding_to_bytes(np.linspace(-0.2, 0.2, 128))
    empty_box = FaceFound(box=(5, 9, 5, 1), encoding=encoding)  # violates a check constraint
    broken = Analysis(sha256="f" * 64, size=3, suffix=".jpg", width=10, height=10, faces=(empty_box,))
    result = store_analysis(IngestItem(path="/x.jpg"), broken, b"abc")
    assert (result.status, result.code, result.message) == (ERROR, "database_error", "IntegrityError")
    assert not SourcePhoto.objects.exists()  # the photo row rolled back with its face

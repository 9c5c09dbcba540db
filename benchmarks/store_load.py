"""A fresh worker's first answer from the PostgreSQL face store at 1M and 10M faces (issue 14 item 5).

    python -m benchmarks.store_load [--faces 1000000 10000000] [--database bench_store] [--baseline-up-to N]

Steps:
1. A PostgreSQL database of its own (default `bench_store` on the server of DATABASE_URL, or
   postgres://postgres@127.0.0.1:5432) is created if missing and migrated, then topped up with
   synthetic faces (random 128-d float32 encodings, 8 faces per photo row) to each size in
   turn, smallest first, with binary COPY (the change-log triggers are off while filling; the
   generation epoch is renewed afterwards, so every reader reloads in full). Kept between runs.
2. At each size, a fresh Python process (a new worker) sets Django up and answers one search:
   the time from its first `search_faces` call to the answer (checking the triggers, reading the
   store's state, loading every face, building the index, searching) and the process's peak
   RSS are printed, for the store's loader (one binary COPY parsed by numpy) and, as the
   baseline in the same run, the ORM loader it replaced (`values_list(...).iterator()`).
3. PASS when the first answer at the largest size comes within FIRST_ANSWER_BOUND_S.
"""

import argparse
import json
import os
import subprocess
import sys
import time
import uuid

import numpy as np

DEFAULT_DB = "bench_store"
FACES_PER_PHOTO = 8
FILL_BLOCK = 250_000
# The bound this project states for a worker's first answer at 10M faces on one 2-core node.
FIRST_ANSWER_BOUND_S = 60.0
PG_EPOCH_US = 946_684_800 * 1_000_000  # 2000-01-01 UTC in microseconds since 1970
MODEL_NAME = b"dlib_face_recognition_resnet_model_v1"
MODEL_VERSION = b"benchmark"


def database_url(name: str) -> str:
    from urllib.parse import urlparse, urlunparse

    base = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
    return urlunparse(urlparse(base)._replace(path=f"/{name}"))


def ensure_database(url: str) -> None:
    from urllib.parse import urlparse, urlunparse

    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    with psycopg.connect(urlunparse(parsed._replace(path="/postgres")), autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import django

    django.setup()


# --- filling -----------------------------------------------------------------------------------

HEADER = b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big")
TRAILER = b"\xff\xff"


def _photo_rows(first_id: int, count: int, now_us: int) -> bytes:
    image_length = len(f"x/{'0' * 64}.jpg")
    dtype = np.dtype(
        [
            ("fields", ">i2"),
            ("l_id", ">i4"),
            ("id", ">i8"),
            ("l_uuid", ">i4"),
            ("uuid", "V16"),
            ("l_source_url", ">i4"),
            ("l_page_url", ">i4"),
            ("l_domain", ">i4"),
            ("l_collected", ">i4"),
            ("collected", ">i8"),
            ("l_sha", ">i4"),
            ("sha", "S64"),
            ("l_image", ">i4"),
            ("image", f"S{image_length}"),
            ("l_width", ">i4"),
            ("width", ">i4"),
            ("l_height", ">i4"),
            ("height", ">i4"),
            ("l_size", ">i4"),
            ("size", ">i8"),
            ("l_created", ">i4"),
            ("created", ">i8"),
        ]
    )
    rows = np.zeros(count, dtype=dtype)
    ids = np.arange(first_id, first_id + count, dtype=np.int64)
    shas = [f"bench{int(i):059d}".encode() for i in ids]
    rows["fields"] = 12
    rows["l_id"], rows["id"] = 8, ids
    rows["l_uuid"] = 16
    rows["uuid"] = np.frombuffer(b"".join(uuid.uuid4().bytes for _ in range(count)), dtype="V16")
    rows["l_collected"], rows["collected"] = 8, now_us
    rows["l_sha"], rows["sha"] = 64, shas
    rows["l_image"], rows["image"] = image_length, [b"x/" + sha + b".jpg" for sha in shas]
    rows["l_width"], rows["width"] = 4, 640
    rows["l_height"], rows["height"] = 4, 480
    rows["l_size"], rows["size"] = 8, 50_000
    rows["l_created"], rows["created"] = 8, now_us
    return rows.tobytes()


def _face_rows(photo_ids: np.ndarray, vectors: np.ndarray, now_us: int) -> bytes:
    dtype = np.dtype(
        [
            ("fields", ">i2"),
            ("l_photo", ">i4"),
            ("photo", ">i8"),
            ("l_top", ">i4"),
            ("top", ">i4"),
            ("l_right", ">i4"),
            ("right", ">i4"),
            ("l_bottom", ">i4"),
            ("bottom", ">i4"),
            ("l_left", ">i4"),
            ("left", ">i4"),
            ("l_encoding", ">i4"),
            ("encoding", "<f4", (128,)),
            ("l_name", ">i4"),
            ("name", f"S{len(MODEL_NAME)}"),
            ("l_version", ">i4"),
            ("version", f"S{len(MODEL_VERSION)}"),
            ("l_encoded", ">i4"),
            ("encoded", ">i8"),
        ]
    )
    rows = np.zeros(len(vectors), dtype=dtype)
    rows["fields"] = 9
    rows["l_photo"], rows["photo"] = 8, photo_ids
    rows["l_top"], rows["top"] = 4, 10
    rows["l_right"], rows["right"] = 4, 110
    rows["l_bottom"], rows["bottom"] = 4, 110
    rows["l_left"], rows["left"] = 4, 10
    rows["l_encoding"], rows["encoding"] = 512, vectors
    rows["l_name"], rows["name"] = len(MODEL_NAME), MODEL_NAME
    rows["l_version"], rows["version"] = len(MODEL_VERSION), MODEL_VERSION
    rows["l_encoded"], rows["encoded"] = 8, now_us
    return rows.tobytes()


def fill_to(target: int, rng: np.random.Generator) -> int:
    """Top the face table up to `target` faces; returns how many there are."""
    from django.db import connection
    from tqdm import tqdm

    from biometrics.search.triggers import GENERATION

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM biometrics_face")
        have = cursor.fetchone()[0]
    if have >= target:
        return have
    now_us = time.time_ns() // 1000 - PG_EPOCH_US
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE biometrics_face DISABLE TRIGGER USER")
        try:
            with tqdm(total=target - have, unit="face", desc=f"filling to {target:,}") as bar:
                while have < target:
                    count = min(FILL_BLOCK, target - have)
                    photos = -(-count // FACES_PER_PHOTO)
                    cursor.execute("SELECT coalesce(max(id), 0) FROM biometrics_sourcephoto")
                    first_photo = cursor.fetchone()[0] + 1
                    with cursor.cursor.copy(
                        "COPY biometrics_sourcephoto (id, public_id, source_url, page_url, source_domain, "
                        "collected_at, sha256, image, width, height, size_bytes, created_at) FROM STDIN (FORMAT binary)"
                    ) as copy:
                        copy.write(HEADER + _photo_rows(first_photo, photos, now_us) + TRAILER)
                    vectors = rng.normal(0, 0.09, size=(count, 128)).astype(np.float32)
                    photo_ids = first_photo + np.arange(count, dtype=np.int64) // FACES_PER_PHOTO
                    with cursor.cursor.copy(
                        'COPY biometrics_face (photo_id, top, "right", bottom, "left", encoding, model_name, '
                        "model_version, encoded_at) FROM STDIN (FORMAT binary)"
                    ) as copy:
                        copy.write(HEADER + _face_rows(photo_ids, vectors, now_us) + TRAILER)
                    have += count
                    bar.update(count)
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('biometrics_sourcephoto', 'id'), "
                "(SELECT max(id) FROM biometrics_sourcephoto))"
            )
        finally:
            cursor.execute("ALTER TABLE biometrics_face ENABLE TRIGGER USER")
        # The faces added without the change log: a new epoch makes every reader reload in full.
        cursor.execute(f"UPDATE {GENERATION} SET epoch = md5(random()::text), value = value + 1 WHERE id = 1")
        if connection.get_autocommit():
            cursor.execute("VACUUM ANALYZE biometrics_face")
    return have


# --- measuring in a fresh process --------------------------------------------------------------


def child(url: str, loader: str) -> int:
    """One cold worker: time its first answer, print JSON."""
    import resource

    setup_django(url)
    from biometrics.search import search_faces
    from biometrics.search.store import StoreIndex, store_for

    store = store_for()
    if loader == "orm":
        store._read_all = lambda: StoreIndex._read_all(store, via_copy=False)
    query = np.random.default_rng(7).normal(0, 0.09, size=128).astype(np.float32)
    started = time.perf_counter()
    hits = search_faces(query, tolerance=0.6)
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    search_faces(query, tolerance=0.6)
    second = time.perf_counter() - started
    print(
        json.dumps(
            {
                "seconds": seconds,
                "second_query_ms": second * 1000,
                "faces": store.stats()["faces"],
                "index_bytes": store.stats()["bytes"],
                "found": len(hits.ids),
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )
    return 0


def measure(url: str, loader: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.store_load", "--child", loader, "--url", url],
        capture_output=True,
        text=True,
        check=False,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode or not lines:
        raise RuntimeError(f"the {loader} worker failed:\n{result.stderr[-3000:]}")
    return json.loads(lines[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--faces", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--database", default=DEFAULT_DB)
    parser.add_argument(
        "--baseline-up-to",
        type=int,
        default=1_000_000,
        help="run the ORM loader (the baseline) at sizes up to this many faces (it takes minutes at 10M)",
    )
    parser.add_argument("--child", choices=["copy", "orm"], help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args.url, args.child)

    url = database_url(args.database)
    try:
        ensure_database(url)
    except Exception as exc:  # report any connection problem plainly
        print(f"PostgreSQL not reachable for {url}: {exc}")
        return 1
    setup_django(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, skip_checks=True)
    print(f"machine: {os.cpu_count()} cores; database {args.database}; {FACES_PER_PHOTO} faces per photo row")
    rng = np.random.default_rng(1)
    header = (
        f"{'faces':>12} {'loader':<34} {'first answer s':>15} {'2nd query ms':>13} "
        f"{'peak RSS MB':>12} {'index B/face':>13}"
    )
    print(header)
    print("-" * len(header))
    largest = None
    for size in sorted(args.faces):
        have = fill_to(size, rng)
        if have != size:
            print(f"(the table holds {have:,} faces, more than {size:,}: measuring {have:,})")
        copy_run = measure(url, "copy")
        runs = [("binary COPY + numpy (the store)", copy_run)]
        if size <= args.baseline_up_to:
            runs.append(("ORM values_list (baseline)", measure(url, "orm")))
        for name, run in runs:
            print(
                f"{run['faces']:>12,} {name:<34} {run['seconds']:>15.1f} {run['second_query_ms']:>13.1f} "
                f"{run['peak_rss_mb']:>12.0f} {run['index_bytes'] / max(run['faces'], 1):>13.0f}"
            )
        if len(runs) > 1:
            print(f"{'':>12} {'ORM / COPY first answer':<34} {runs[1][1]['seconds'] / copy_run['seconds']:>15.2f}x")
        largest = copy_run
    verdict = "PASS" if largest and largest["seconds"] <= FIRST_ANSWER_BOUND_S else "FAIL"
    print(
        f"\nfirst answer at {largest['faces']:,} faces: {largest['seconds']:.1f} s: {verdict} "
        f"(bound {FIRST_ANSWER_BOUND_S:.0f} s)"
    )
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())

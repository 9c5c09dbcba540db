"""Face search at scale: the exact index against face_recognition.face_distance (issue 4).

    python -m benchmarks.face_search [--size 1000000] [--ten-million] [--queries 100] [--faces-dir DIR] [--json]

Steps:
1. Real encodings: every face in the shared photos (manifest.csv) is encoded as ingestion does
   (EXIF orientation applied, 5-point model).
2. Synthetic store: `--size` encodings drawn around the real ones' centre (the mean of the
   per-person means; norm about 1.4 like real encodings), a fifth of them grouped into
   synthetic people with 2-8 photos each (same-person distance about 0.4, strangers about
   0.84 apart, as measured on the shared photos); the real encodings are planted at random rows.
3. The production index (biometrics.search.index.FaceIndex) is built over it; its size and the
   process's peak memory are reported.
4. Queries: every real encoding, synthetic people's photos (perturbed), random strangers, and
   boundary queries whose tolerance is exactly the float64 distance of some stored face (that
   face must come back) or the float64 number just below it (it must not). Each answer is
   compared with a float64 brute-force scan (recall and extras must both be perfect).
5. Timing in the same run: face_recognition.face_distance(array, query) over the same float32
   array (the baseline) against FaceIndex.search, single-threaded, median over the queries;
   then batch throughput for 256 queries (numba threads).
6. With --ten-million, the same at 10,000,000 (the baseline there is face_distance summed over
   1,000,000-row slices, since one call would need 20 GB of float64 temporaries).
"""

import argparse
import gc
import json
import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

TARGET_RATIO = 50.0
STRANGER_DISTANCE = 0.84  # median different-person distance on the shared photos
SAME_PERSON_DISTANCE = 0.40
TOLERANCES = (0.6, 0.5)


def peak_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def real_encodings(faces_dir: Path) -> np.ndarray:
    import csv

    from biometrics.faces import detect_faces
    from biometrics.images import ImageLimits, image_to_array, load_image_checked

    limits = ImageLimits(max_bytes=50 * 1024 * 1024, max_pixels=100_000_000)
    encodings, people = [], []
    with open(faces_dir / "manifest.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            rgb = image_to_array(load_image_checked(faces_dir / row["path"], limits=limits))
            for face in detect_faces(rgb):
                encodings.append(face.encoding)
                listed = [p for p in row["people"].split(";") if p]
                people.append(listed[0] if len(listed) == 1 else "")
    encodings = np.asarray(encodings, dtype=np.float64)
    return encodings, people


def balanced_centre(encodings: np.ndarray, people: list[str]) -> np.ndarray:
    names = sorted({p for p in people if p})
    if not names:
        return encodings.mean(axis=0)
    return np.mean([encodings[[p == name for p in people]].mean(axis=0) for name in names], axis=0)


def synthetic_store(size: int, centre: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """float32 (size, 128): strangers plus synthetic people with several photos."""
    sigma = STRANGER_DISTANCE / np.sqrt(2 * 128)
    sigma_within = SAME_PERSON_DISTANCE / np.sqrt(2 * 128)
    sigma_between = np.sqrt(sigma**2 - sigma_within**2)
    store = np.empty((size, 128), dtype=np.float32)
    chunk = 1_000_000
    for start in range(0, size, chunk):
        stop = min(size, start + chunk)
        block = rng.standard_normal((stop - start, 128), dtype=np.float32)
        block *= np.float32(sigma)
        block += centre.astype(np.float32)
        store[start:stop] = block
    grouped = size // 5
    start = 0
    while start < grouped:
        photos = int(rng.integers(2, 9))
        stop = min(grouped, start + photos)
        person = centre + rng.standard_normal(128) * sigma_between
        store[start:stop] = person + rng.standard_normal((stop - start, 128)) * sigma_within
        start = stop
    return store


def brute_force_distances(vectors: np.ndarray, query: np.ndarray, chunk: int = 1_000_000) -> np.ndarray:
    from biometrics.search.exact import exact_distances

    return np.concatenate([exact_distances(vectors[i : i + chunk], query) for i in range(0, len(vectors), chunk)])


def expected(ids: np.ndarray, distances: np.ndarray, tolerance: float) -> list[tuple[int, float]]:
    keep = np.flatnonzero(distances <= tolerance)
    order = np.lexsort((ids[keep], distances[keep]))
    return [(int(ids[keep][i]), float(distances[keep][i])) for i in order]


def median_ms(samples: list[float]) -> float:
    return float(np.median(samples) * 1000)


def run(size: int, real: np.ndarray, people: list[str], queries: int, rng: np.random.Generator, log) -> dict:
    import face_recognition
    import numba

    from biometrics.search.index import FaceIndex

    log(f"\n== {size:,} stored encodings ==")
    centre = balanced_centre(real, people)
    started = time.perf_counter()
    store = synthetic_store(size, centre, rng)
    planted_rows = rng.choice(size, len(real), replace=False)
    store[planted_rows] = real.astype(np.float32)
    ids = rng.permutation(np.arange(1, size + 1, dtype=np.int64) * 7)  # not row order
    photo_ids = ids // 3
    log(f"synthetic store generated in {time.perf_counter() - started:.1f} s")

    gc.collect()
    rss_before = peak_rss_bytes()
    tracemalloc.start()
    started = time.perf_counter()
    index = FaceIndex.build(ids, photo_ids, store)
    build_seconds = time.perf_counter() - started
    _current, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del store  # from here on the index's own float32 rows are "the array"
    gc.collect()
    vectors = index.vectors[: index.n]
    ids = index.ids[: index.n]
    log(
        f"index built in {build_seconds:.1f} s: {index.nbytes / 2**20:,.0f} MiB "
        f"({index.nbytes / index.n:.0f} bytes per face, of which {64 + 4 + 4} scanned per query); "
        f"peak traced during build {traced_peak / 2**20:,.0f} MiB; process peak RSS {peak_rss_bytes() / 2**30:.2f} GiB "
        f"(before build {rss_before / 2**30:.2f} GiB)"
    )

    # Queries: real faces, synthetic people (perturbed photos), strangers.
    query_list = [("real", q) for q in real]
    sigma_within = SAME_PERSON_DISTANCE / np.sqrt(2 * 128)
    for row in rng.choice(len(vectors) // 5, max(0, queries // 2), replace=False):
        query_list.append(("person", vectors[row] + rng.standard_normal(128) * sigma_within))
    for _ in range(max(0, queries - queries // 2)):
        query_list.append(("stranger", centre + rng.standard_normal(128) * STRANGER_DISTANCE / np.sqrt(2 * 128)))

    numba.set_num_threads(1)
    index.search(real[0], tolerance=0.6)  # compile / warm up
    checked = mismatches = total_matches = 0
    index_times, candidates = [], []
    boundary_checked = 0
    real_matches = {tolerance: [] for tolerance in TOLERANCES}
    reference_rows = len(query_list) if size <= 2_000_000 else min(len(query_list), len(real) + 10)
    for position, (kind, query) in enumerate(query_list):
        for tolerance in TOLERANCES:
            started = time.perf_counter()
            hits = index.search(query, tolerance=tolerance)
            index_times.append(time.perf_counter() - started)
            if tolerance == 0.6:
                candidates.append(len(index.candidates(np.asarray(query, dtype=np.float64), tolerance)))
            if kind == "real":
                real_matches[tolerance].append(len(hits))
        if position >= reference_rows:
            continue
        distances = brute_force_distances(vectors, query)
        for tolerance in TOLERANCES:
            hits = index.search(query, tolerance=tolerance)
            got = list(zip(hits.ids.tolist(), hits.distances.tolist(), strict=True))
            want = expected(ids, distances, tolerance)
            checked += 1
            total_matches += len(want)
            mismatches += got != want
        # Boundary: the tolerance equal to a stored face's float64 distance keeps it; one ulp
        # less drops it.
        nearest = np.argsort(distances)[: 3 if kind != "stranger" else 1]
        for row in nearest:
            edge = float(distances[row])
            for tolerance in (edge, float(np.nextafter(edge, 0))):
                hits = index.search(query, tolerance=tolerance)
                got = list(zip(hits.ids.tolist(), hits.distances.tolist(), strict=True))
                mismatches += got != expected(ids, distances, tolerance)
                checked += 1
                boundary_checked += 1

    # Baseline on the same array, same run.
    baseline_times = []
    baseline_queries = [q for _kind, q in query_list[: 5 if size <= 2_000_000 else 2]]
    for query in baseline_queries:
        started = time.perf_counter()
        for start in range(0, len(vectors), 1_000_000):
            face_recognition.face_distance(vectors[start : start + 1_000_000], query)
        baseline_times.append(time.perf_counter() - started)
    baseline = median_ms(baseline_times)
    single = median_ms(index_times)

    # Batch throughput (all of numba's threads).
    numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    batch = np.stack([q for _kind, q in query_list][:256])
    if len(batch) < 256:
        batch = np.resize(batch, (256, 128))
    index.search_batch(batch[:2], tolerance=0.6)
    started = time.perf_counter()
    batch_hits = index.search_batch(batch, tolerance=0.6)
    batch_seconds = time.perf_counter() - started
    batch_ok = all(
        np.array_equal(b.ids, index.search(q, tolerance=0.6).ids)
        for b, q in zip(batch_hits[:32], batch[:32], strict=True)
    )

    result = {
        "size": size,
        "index_mib": round(index.nbytes / 2**20, 1),
        "peak_rss_gib": round(peak_rss_bytes() / 2**30, 2),
        "build_seconds": round(build_seconds, 2),
        "queries_timed": len(index_times),
        "single_query_median_ms": round(single, 3),
        "single_query_p95_ms": round(float(np.percentile(index_times, 95) * 1000), 3),
        "baseline_face_distance_median_ms": round(baseline, 1),
        "speedup": round(baseline / single, 1),
        "candidates_median": int(np.median(candidates)),
        "candidates_max": int(np.max(candidates)),
        "answers_checked_against_float64_brute_force": checked,
        "boundary_answers_checked": boundary_checked,
        "matches_in_checked_answers": total_matches,
        "mismatching_answers": mismatches,
        "recall_exact": mismatches == 0,
        "real_query_matches": {str(t): int(sum(v)) for t, v in real_matches.items()},
        "batch_queries_per_second": round(len(batch) / batch_seconds, 1),
        "batch_threads": numba.config.NUMBA_NUM_THREADS,
        "batch_equals_single": batch_ok,
    }
    log(
        f"single query: median {single:.2f} ms (p95 {result['single_query_p95_ms']:.2f} ms), "
        f"baseline face_distance {baseline:.0f} ms -> {baseline / single:.0f}x (target {TARGET_RATIO:.0f}x)"
    )
    log(
        f"exactness: {checked} answers ({boundary_checked} at a boundary, {total_matches} matches) vs float64 brute "
        f"force: {mismatches} mismatching -> recall {'100%' if mismatches == 0 else 'NOT exact'}; "
        f"candidates per query median {result['candidates_median']}, max {result['candidates_max']}"
    )
    log(
        f"real faces as queries: {result['real_query_matches']['0.6']} matches at 0.6, "
        f"{result['real_query_matches']['0.5']} at 0.5 (their own planted rows included)"
    )
    log(
        f"batch of {len(batch)}: {result['batch_queries_per_second']:.0f} queries/s on {result['batch_threads']} "
        f"threads ({result['batch_queries_per_second'] * single / 1000:.1f}x the single-query rate); "
        f"equal to single searches: {batch_ok}"
    )
    del index, vectors
    gc.collect()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--ten-million", action="store_true", help="also run at 10,000,000 (about 8 GB)")
    parser.add_argument("--queries", type=int, default=100, help="synthetic queries besides the real faces")
    parser.add_argument("--faces-dir", default=None)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    here = Path(__file__).resolve().parent.parent
    faces_dir = Path(args.faces_dir or os.environ.get("FACES_DIR") or here.parent / "shared" / "faces")
    log = (lambda *a: print(*a, file=sys.stderr)) if args.json else print
    if not (faces_dir / "manifest.csv").exists():
        print(f"shared photos not found at {faces_dir} (set FACES_DIR)", file=sys.stderr)
        return 2
    started = time.perf_counter()
    real, people = real_encodings(faces_dir)
    log(
        f"{len(real)} real encodings from {faces_dir} in {time.perf_counter() - started:.1f} s; norms "
        f"{np.linalg.norm(real, axis=1).min():.2f}-{np.linalg.norm(real, axis=1).max():.2f}"
    )
    rng = np.random.default_rng(4)
    results = [run(args.size, real, people, args.queries, rng, log)]
    if args.ten_million:
        results.append(run(10_000_000, real, people, min(args.queries, 40), rng, log))
    ok = all(r["recall_exact"] and r["speedup"] >= TARGET_RATIO and r["batch_equals_single"] for r in results)
    log(f"\n{'PASS' if ok else 'FAIL'}: exact answers and >= {TARGET_RATIO:.0f}x the baseline at every size")
    if args.json:
        print(json.dumps(results, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""Face search at scale: the exact index against a float32 BLAS scan and face_distance (issue 14).

    python -m benchmarks.face_search [--size 1000000 | --sizes 100000,1000000] [--ten-million]
                                     [--queries 100] [--faces-dir DIR] [--json]

Steps:
1. Real encodings: every face in the shared photos (manifest.csv) is encoded as ingestion does.
2. Synthetic store shaped like a scraped one, around the real encodings' centre:
   - identities with a heavy-tailed number of photos (Pareto, alpha PHOTOS_ALPHA, 1-1,000 each);
   - identity centres spread anisotropically (variance of the k-th of 128 random directions
     proportional to k**-SPECTRUM_DECAY, as embeddings concentrate variance in few directions),
     scaled so that the 1st percentile of different-identity ("stranger") distances is
     STRANGER_P1 (look-alikes exist);
   - photos of one identity spread by a per-identity factor (log-normal, sigma WITHIN_SPREAD:
     some people photographed alike, others not), same-person distances' median about
     SAME_PERSON_MEDIAN;
   - the real encodings planted at random rows;
   - adversarial rows: for ADVERSARIAL_QUERIES queries and each tolerance, one stored float32 row
     whose float64 distance is the largest <= tolerance and one the smallest > tolerance found
     by walking one coordinate ulp by ulp (a row "exactly at" the tolerance, just inside and
     just outside).
   The measured percentiles of stranger and same-person distances are printed.
3. The production index (biometrics.search.index.FaceIndex) is built over it.
4. Queries: every real encoding, new photos of stored identities (chosen by row, so large
   identities come up often), new identities (strangers) and the adversarial queries, each at
   tolerances 0.6 and 0.5. Every answer is compared with a float64 brute-force scan (at 10M only
   a subset), plus boundary answers at tolerance = a row's exact distance and one ulp below.
5. Timing in the same run, single-threaded (numba 1 thread, OpenBLAS 1 thread), per query:
   FaceIndex.search; a float32 BLAS scan (||x||^2 - 2 x.q + ||q||^2 with precomputed row norms
   over the same contiguous float32 matrix, sqrt, threshold); face_recognition.face_distance
   (on a few queries only, it takes about a second per million rows).
PASS: the index's answers equal the float64 brute force (100% recall, 0 extras, same order) and
its p50 is at least TARGET_RATIO times faster than the BLAS scan's at every size run.
"""

import os

# Single-threaded BLAS for the baseline, like the single-threaded index; must precede numpy.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse  # noqa: E402
import csv  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

TARGET_RATIO = 2.0  # the index must be this many times faster than the BLAS scan (p50)
TOLERANCES = (0.6, 0.5)
PHOTOS_ALPHA = 1.2  # P(an identity has >= k photos) = k ** -alpha
MAX_PHOTOS = 1000
SPECTRUM_DECAY = 0.7
STRANGER_P1 = 0.65  # 1st percentile of different-identity distances
SAME_PERSON_MEDIAN = 0.40
WITHIN_SPREAD = 0.25
ADVERSARIAL_QUERIES = 20
FACE_DISTANCE_QUERIES = 5
CHUNK = 1_000_000


def peak_rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def real_encodings(faces_dir: Path) -> tuple[np.ndarray, list[str]]:
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
    return np.asarray(encodings, dtype=np.float64), people


def balanced_centre(encodings: np.ndarray, people: list[str]) -> np.ndarray:
    names = sorted({p for p in people if p})
    if not names:
        return encodings.mean(axis=0)
    return np.mean([encodings[[p == name for p in people]].mean(axis=0) for name in names], axis=0)


def percentiles(values: np.ndarray) -> str:
    p = np.percentile(values, [1, 5, 50, 95, 99])
    return " ".join(f"p{q}={v:.3f}" for q, v in zip((1, 5, 50, 95, 99), p, strict=True))


class Population:
    """The distribution of identities and photos (see step 2 of the module docstring)."""

    def __init__(self, centre: np.ndarray, rng: np.random.Generator):
        self.centre = centre
        basis, _ = np.linalg.qr(rng.standard_normal((128, 128)))
        variances = np.arange(1, 129, dtype=np.float64) ** -SPECTRUM_DECAY
        self.shape = np.sqrt(variances / variances.mean())[:, None] * basis.T  # z @ shape
        # A difference of two photos of one identity is N(0, 2 sigma^2 I): median of chi(128).
        self.sigma_within = SAME_PERSON_MEDIAN / np.sqrt(2 * 127.33)
        self.scale = self._calibrate(rng)

    def _calibrate(self, rng: np.random.Generator, pairs: int = 200_000) -> float:
        between = (rng.standard_normal((pairs, 128)) * np.sqrt(2)) @ self.shape
        spreads = self.sigma_within * np.exp(rng.normal(0, WITHIN_SPREAD, (pairs, 2)))
        within = rng.standard_normal((pairs, 128)) * np.sqrt((spreads**2).sum(axis=1))[:, None]
        low, high = 0.0, 1.0
        for _ in range(40):
            scale = (low + high) / 2
            p1 = np.percentile(np.linalg.norm(scale * between + within, axis=1), 1)
            low, high = (scale, high) if p1 < STRANGER_P1 else (low, scale)
        return (low + high) / 2

    def identities(self, count: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """Centres (float32 (count, 128)) and the spread of each identity's photos."""
        z = rng.standard_normal((count, 128))
        spreads = self.sigma_within * np.exp(rng.normal(0, WITHIN_SPREAD, count))
        return (self.centre + self.scale * (z @ self.shape)).astype(np.float32), spreads.astype(np.float32)

    def photos(self, centres: np.ndarray, spreads: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        return centres + rng.standard_normal(centres.shape, dtype=np.float32) * spreads[:, None]


def photo_counts(size: int, rng: np.random.Generator) -> np.ndarray:
    counts = []
    total = 0
    while total < size:
        draw = np.floor(rng.random(100_000) ** (-1 / PHOTOS_ALPHA)).clip(1, MAX_PHOTOS).astype(np.int64)
        counts.append(draw)
        total += int(draw.sum())
    counts = np.concatenate(counts)
    counts = counts[: int(np.searchsorted(np.cumsum(counts), size)) + 1]
    counts[-1] -= int(counts.sum()) - size
    return counts[counts > 0]


def straddling_rows(query: np.ndarray, tolerance: float, rng: np.random.Generator) -> np.ndarray:
    """Two float32 rows: float64 distance to `query` the largest <= tolerance, the smallest > it."""
    from biometrics.search.exact import exact_distances

    direction = rng.standard_normal(128)
    base = (query + tolerance * direction / np.linalg.norm(direction)).astype(np.float32)
    j = int(np.argmax(np.abs(base - query)))
    steps = np.arange(-4000, 4001, dtype=np.int32)
    rows = np.repeat(base[None], len(steps), axis=0)
    rows[:, j] = (base[j : j + 1].view(np.int32) + steps).view(np.float32)  # one ulp apart
    distances = exact_distances(rows, query)
    inside = np.flatnonzero(distances <= tolerance)
    outside = np.flatnonzero(distances > tolerance)
    return np.stack([rows[inside[np.argmax(distances[inside])]], rows[outside[np.argmin(distances[outside])]]])


def generate(size: int, real: np.ndarray, population: Population, rng: np.random.Generator, log):
    """float32 store, identity per row (-1 for planted rows), adversarial queries."""
    counts = photo_counts(size, rng)
    identity = rng.permutation(np.repeat(np.arange(len(counts), dtype=np.int64), counts))
    centres, spreads = population.identities(len(counts), rng)
    store = np.empty((size, 128), dtype=np.float32)
    for start in range(0, size, CHUNK):
        stop = min(size, start + CHUNK)
        store[start:stop] = population.photos(centres[identity[start:stop]], spreads[identity[start:stop]], rng)
    planted = rng.choice(size, len(real) + 4 * ADVERSARIAL_QUERIES, replace=False)
    store[planted[: len(real)]] = real.astype(np.float32)
    identity[planted] = -1
    adversarial = []
    for k in range(ADVERSARIAL_QUERIES):
        person = identity[rng.integers(size)]
        query = population.photos(centres[person][None], spreads[person][None], rng)[0].astype(np.float64)
        rows = np.concatenate([straddling_rows(query, tolerance, rng) for tolerance in TOLERANCES])
        store[planted[len(real) + 4 * k : len(real) + 4 * (k + 1)]] = rows
        adversarial.append(query)
    log(
        f"{len(counts):,} identities, photos per identity: median {int(np.median(counts))}, mean "
        f"{counts.mean():.1f}, max {counts.max()}, {int((counts >= 100).sum())} with >= 100; "
        f"{len(real)} real and {4 * ADVERSARIAL_QUERIES} adversarial rows planted"
    )
    pairs = 200_000
    a, b = rng.integers(size, size=pairs), rng.integers(size, size=pairs)
    strangers = (identity[a] != identity[b]) & (identity[a] >= 0) & (identity[b] >= 0)
    log(f"stranger distances:     {percentiles(np.linalg.norm(store[a[strangers]] - store[b[strangers]], axis=1))}")
    order = np.argsort(identity, kind="stable")
    starts = np.searchsorted(identity[order], identity[a])
    sizes = np.searchsorted(identity[order], identity[a], side="right") - starts
    several = (sizes > 1) & (identity[a] >= 0)
    partner = order[starts[several] + (rng.random(several.sum()) * sizes[several]).astype(np.int64)]
    distinct = partner != a[several]
    same = np.linalg.norm(store[a[several][distinct]] - store[partner[distinct]], axis=1)
    log(f"same-person distances:  {percentiles(same)}")
    return store, identity, (centres, spreads), adversarial


class BlasScan:
    """The simple baseline: float32 distances by one BLAS matrix-vector product."""

    def __init__(self, vectors: np.ndarray):
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.norms = np.einsum("ij,ij->i", self.vectors, self.vectors)
        self.buffer = np.empty(len(self.vectors), dtype=np.float32)

    def search(self, query: np.ndarray, tolerance: float) -> np.ndarray:
        """Rows within `tolerance` by float32 arithmetic (may differ from float64 at the edge)."""
        q = query.astype(np.float32)
        d = np.dot(self.vectors, q, out=self.buffer)
        d *= np.float32(-2)
        d += self.norms
        d += np.float32(q @ q)
        np.maximum(d, 0, out=d)
        np.sqrt(d, out=d)
        return np.flatnonzero(d <= np.float32(tolerance))


def brute_force_distances(vectors: np.ndarray, query: np.ndarray) -> np.ndarray:
    from biometrics.search.exact import exact_distances

    return np.concatenate([exact_distances(vectors[i : i + CHUNK], query) for i in range(0, len(vectors), CHUNK)])


def expected(ids: np.ndarray, distances: np.ndarray, tolerance: float) -> list[tuple[int, float]]:
    keep = np.flatnonzero(distances <= tolerance)
    order = np.lexsort((ids[keep], distances[keep]))
    return [(int(ids[keep][i]), float(distances[keep][i])) for i in order]


def ms(samples: list[float], q: float) -> float:
    return float(np.percentile(samples, q) * 1000)


def run(size: int, real: np.ndarray, population: Population, queries: int, rng: np.random.Generator, log) -> dict:
    import face_recognition
    import numba

    from biometrics.search.index import FaceIndex

    log(f"\n== {size:,} stored encodings ==")
    started = time.perf_counter()
    store, identity, (centres, spreads), adversarial = generate(size, real, population, rng, log)
    ids = rng.permutation(np.arange(1, size + 1, dtype=np.int64) * 7)  # not row order
    log(f"generated in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    index = FaceIndex.build(ids, ids // 3, store)
    build_seconds = time.perf_counter() - started
    del store
    gc.collect()
    vectors = index.vectors[: index.n]
    ids = index.ids[: index.n]
    blas = BlasScan(vectors)
    bytes_per_face = index.nbytes / index.n
    log(
        f"index built in {build_seconds:.1f} s: {index.nbytes / 2**20:,.0f} MiB allocated, "
        f"{bytes_per_face:.0f} bytes per face; BLAS baseline {blas.vectors.nbytes / index.n + 4:.0f} bytes per "
        f"face; peak RSS {peak_rss_gib():.1f} GiB"
    )

    query_list = [("real", q) for q in real]
    rows = rng.choice(index.n, queries * 2 // 5, replace=False)
    known = identity[rows] >= 0
    people = identity[rows[known]]
    query_list += [("person", q) for q in population.photos(centres[people], spreads[people], rng).astype(np.float64)]
    strangers = population.photos(*population.identities(queries * 2 // 5, rng), rng).astype(np.float64)
    query_list += [("stranger", q) for q in strangers]
    query_list += [("adversarial", q) for q in adversarial]
    # Above 2M the float64 reference (seconds a query) checks the real, 10 more and the adversarial queries.
    checked_queries = len(query_list) if size <= 2_000_000 else len(real) + 10

    numba.set_num_threads(1)
    index.search(real[0], tolerance=0.6)  # compile / warm up
    blas.search(real[0], 0.6)
    index_times, blas_times, kinds = [], [], []
    counts = {"index": [0, 0, 0], "blas": [0, 0, 0]}  # found true matches, true matches, extras
    mismatching = answers = boundary = 0
    candidates = []
    for position, (kind, query) in enumerate(query_list):
        check = position < checked_queries or kind == "adversarial"
        distances = brute_force_distances(vectors, query) if check else None
        for tolerance in TOLERANCES:
            started = time.perf_counter()
            hits = index.search(query, tolerance=tolerance)
            index_times.append(time.perf_counter() - started)
            kinds.append(kind)
            started = time.perf_counter()
            blas_rows = blas.search(query, tolerance)
            blas_times.append(time.perf_counter() - started)
            if tolerance == 0.6:
                candidates.append(len(index.candidates(query, tolerance)))
            if not check:
                continue
            want = expected(ids, distances, tolerance)
            truth = {face_id for face_id, _ in want}
            for name, got_ids in (("index", hits.ids.tolist()), ("blas", ids[blas_rows].tolist())):
                got = set(got_ids)
                counts[name][0] += len(got & truth)
                counts[name][1] += len(truth)
                counts[name][2] += len(got - truth)
            answers += 1
            mismatching += list(zip(hits.ids.tolist(), hits.distances.tolist(), strict=True)) != want
        if check and kind != "stranger":
            # A tolerance equal to a stored face's float64 distance keeps it; one ulp less drops it.
            for row in np.argsort(distances)[1:4]:
                for tolerance in (float(distances[row]), float(np.nextafter(distances[row], 0))):
                    hits = index.search(query, tolerance=tolerance)
                    got = list(zip(hits.ids.tolist(), hits.distances.tolist(), strict=True))
                    mismatching += got != expected(ids, distances, tolerance)
                    boundary += 1

    face_distance_times = []
    for _kind, query in query_list[:FACE_DISTANCE_QUERIES]:
        started = time.perf_counter()
        for start in range(0, len(vectors), CHUNK):
            face_recognition.face_distance(vectors[start : start + CHUNK], query)
        face_distance_times.append(time.perf_counter() - started)

    def recall(name: str) -> float:
        found, total, _extras = counts[name]
        return 100.0 * found / total if total else 100.0

    result = {
        "size": size,
        "queries": len(query_list),
        "timed_searches": len(index_times),
        "index_p50_ms": ms(index_times, 50),
        "index_p95_ms": ms(index_times, 95),
        "blas_p50_ms": ms(blas_times, 50),
        "blas_p95_ms": ms(blas_times, 95),
        "face_distance_p50_ms": ms(face_distance_times, 50),
        "face_distance_p95_ms": ms(face_distance_times, 95),
        "index_recall_percent": recall("index"),
        "index_extras": counts["index"][2],
        "blas_recall_percent": recall("blas"),
        "blas_extras": counts["blas"][2],
        "true_matches_checked": counts["index"][1],
        "answers_checked": answers,
        "boundary_answers_checked": boundary,
        "index_mismatching_answers": mismatching,
        "index_bytes_per_face": round(bytes_per_face, 1),
        "blas_bytes_per_face": 512 + 4,
        "candidates_p50": int(np.median(candidates)),
        "candidates_p95": int(np.percentile(candidates, 95)),
        "build_seconds": round(build_seconds, 1),
        "peak_rss_gib": round(peak_rss_gib(), 1),
    }
    result["index_over_blas_p50"] = result["index_p50_ms"] / result["blas_p50_ms"]
    result["exact"] = mismatching == 0 and counts["index"][2] == 0 and result["index_recall_percent"] == 100.0
    log(
        f"{len(query_list)} queries x {len(TOLERANCES)} tolerances {TOLERANCES} timed, single-threaded; "
        f"{answers} answers ({result['true_matches_checked']:,} true matches) + {boundary} boundary answers "
        f"checked against float64 brute force; index candidates per query at 0.6: p50 "
        f"{result['candidates_p50']:,}, p95 {result['candidates_p95']:,}"
    )
    log(f"{'method':<30} {'p50 ms':>9} {'p95 ms':>9} {'recall':>9} {'extras':>7} {'bytes/face':>11}")
    log(
        f"{'FaceIndex.search':<30} {result['index_p50_ms']:>9.2f} {result['index_p95_ms']:>9.2f} "
        f"{result['index_recall_percent']:>8.4f}% {result['index_extras']:>7} {bytes_per_face:>11.0f}"
    )
    log(
        f"{'float32 BLAS scan':<30} {result['blas_p50_ms']:>9.2f} {result['blas_p95_ms']:>9.2f} "
        f"{result['blas_recall_percent']:>8.4f}% {result['blas_extras']:>7} {516:>11}"
    )
    log(
        f"{f'face_distance ({len(face_distance_times)} queries)':<30} {result['face_distance_p50_ms']:>9.1f} "
        f"{result['face_distance_p95_ms']:>9.1f} {'(same as brute force)':>29}"
    )
    by_kind = {
        kind: ms([t for t, k in zip(index_times, kinds, strict=True) if k == kind], 50)
        for kind in ("real", "person", "stranger", "adversarial")
    }
    result["index_p50_ms_by_query_kind"] = by_kind
    log("FaceIndex.search p50 by query kind: " + ", ".join(f"{k} {v:.2f} ms" for k, v in by_kind.items()))
    log(
        f"index / BLAS at p50: {result['index_over_blas_p50']:.2f} (target <= {1 / TARGET_RATIO:.2f}); "
        f"index answers equal to float64 brute force: {'yes' if result['exact'] else 'NO'} "
        f"({mismatching} mismatching)"
    )
    del index, vectors, blas
    gc.collect()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--sizes", default="", help="comma-separated sizes, instead of --size")
    parser.add_argument("--ten-million", action="store_true", help="also run at 10,000,000 (about 12 GB)")
    parser.add_argument("--queries", type=int, default=100, help="synthetic queries besides the real faces")
    parser.add_argument("--faces-dir", default=None)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    here = Path(__file__).resolve().parent.parent
    faces_dir = Path(args.faces_dir or os.environ.get("FACES_DIR") or here.parent / "shared" / "faces")
    log = (lambda *a: print(*a, file=sys.stderr, flush=True)) if args.json else (lambda *a: print(*a, flush=True))
    if not (faces_dir / "manifest.csv").exists():
        print(f"shared photos not found at {faces_dir} (set FACES_DIR)", file=sys.stderr)
        return 2
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()] or [args.size]
    if args.ten_million and 10_000_000 not in sizes:
        sizes.append(10_000_000)

    started = time.perf_counter()
    real, people = real_encodings(faces_dir)
    rng = np.random.default_rng(4)
    population = Population(balanced_centre(real, people), rng)
    pairs = [(i, j) for i in range(len(real)) for j in range(i) if people[i] and people[j]]
    same = [np.linalg.norm(real[i] - real[j]) for i, j in pairs if people[i] == people[j]]
    other = [np.linalg.norm(real[i] - real[j]) for i, j in pairs if people[i] != people[j]]
    log(
        f"{len(real)} real encodings from {faces_dir} in {time.perf_counter() - started:.1f} s; "
        f"same person {min(same):.2f}-{max(same):.2f}, different people {min(other):.2f}-{max(other):.2f}"
    )
    log(
        f"generator: photos per identity Pareto alpha {PHOTOS_ALPHA} in 1-{MAX_PHOTOS}; identity spread "
        f"spectrum k^-{SPECTRUM_DECAY}, scaled to stranger p1 {STRANGER_P1}; same-person median "
        f"{SAME_PERSON_MEDIAN}; {ADVERSARIAL_QUERIES} adversarial queries x {len(TOLERANCES)} tolerances x "
        f"(just inside, just outside); OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}, "
        f"numba threads 1; {os.cpu_count()} CPUs"
    )
    results = [run(size, real, population, args.queries, rng, log) for size in sizes]
    ok = all(r["exact"] and r["index_over_blas_p50"] <= 1 / TARGET_RATIO for r in results)
    log(
        f"\n{'PASS' if ok else 'FAIL'}: exact answers (100% recall, 0 extras) and >= {TARGET_RATIO:.0f}x faster "
        f"than the float32 BLAS scan at p50 at every size ("
        + ", ".join(f"{r['size']:,}: {r['blas_p50_ms'] / r['index_p50_ms']:.2f}x" for r in results)
        + ")"
    )
    if args.json:
        print(json.dumps(results, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

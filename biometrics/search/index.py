"""An exact in-memory index of face encodings: an 8-bit scan with a guaranteed bound, then an
exact float64 check of every candidate.

Why it is exact (recall 100%, no extras)
----------------------------------------
1. Every stored vector x (float32) and every query q are rotated by the same fixed orthogonal
   matrix R (distances are unchanged: ||Rx - Rq|| = ||x - q||). The rotation spreads variance
   evenly over the 128 dimensions, so one step size suits them all.
2. Stored: x' = Rx is rounded to 8-bit codes c (x^ = offset + step * c, clamped to -127..127)
   and the row keeps bounds[i] >= ||x' - x^||, computed in float64 from the float32 values and
   rounded up to float32.
3. Query: q' = Rq is rounded to a grid 16 times finer (q^ = offset + step/16 * u), with
   r_q = ||q' - q^||.
4. Triangle inequality: ||x^ - q^|| <= ||x^ - x'|| + ||x' - q'|| + ||q' - q^||, so any x within
   the tolerance has ||x^ - q^|| <= tolerance + bounds[i] + r_q. ||x^ - q^|| is computed from
   an exact integer (kernels.py), so the test "could be within the tolerance" has no rounding
   of its own beyond float64 in the limit, covered by MARGIN (1e-6, about 10^9 times the
   float64 rounding of distances near 1).
5. Candidates (the true matches plus the rows within a few hundredths beyond the tolerance)
   get the exact float64 distance (exact.exact_distances, face_recognition's formula) and are
   kept when <= tolerance. So the result is exactly the float64 brute-force answer, ties at the
   boundary included; the codes only decide how much work is skipped, never what is returned.

Bytes read per stored face per query: 128 (codes) + 4 (norm) + 4 (bound), against 512 for a
float32 scan. 8 bits rather than 4: the 4-bit bound is about 8 times looser, and on realistic
data (strangers' distances reaching down to 0.65) it let thousands to tens of thousands of
candidates per query through to the exact check (figures of both in README.md).

Erasure (`remove`) moves the last row into the hole and zeroes the vacated row in every array:
the vector is gone from memory, not masked.
"""

import functools
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import numba
import numpy as np

from biometrics.search import kernels
from biometrics.search.exact import DIMENSIONS, as_query, check_tolerance, exact_distances
from biometrics.search.hits import Hits

FINE = kernels.FINE
CODE_MAX = kernels.CODE_MAX
MARGIN = 1e-6
PRECHECK_MARGIN = 1e-9
ROTATION_SEED = 20_250_128
# Codes span +-5 standard deviations of a rotated dimension (rows beyond are clamped and carry a
# larger bound). The fit only affects speed, never the results.
STEP_PER_SIGMA = 5.0 / CODE_MAX
DEFAULT_SIGMA = 0.05  # typical spread of one rotated dimension of dlib encodings
QUERY_CODE_LIMIT = FINE * 2 * CODE_MAX  # int16, and |c * u| * 128 stays within int32
FIT_SAMPLE = 100_000
# Rows quantised per step. Its float64 scratch (16,384 x 128 x 8 bytes = 16 MiB, twice) stays
# below glibc's largest mmap threshold (32 MiB), so the buffers are reused from the heap instead
# of being mapped afresh (and page-faulted in again) for every chunk: fresh pages cost about 2 s
# per GB on the measured machine, which dominated a 10M-face load (issue 14 item 5).
ENCODE_CHUNK = 16_384
BATCH_CANDIDATES = 4096
# numba's parallel kernels may not be entered from two threads at once (its "workqueue"
# threading layer aborts the process); single-query scans are sequential and need no lock.
_PARALLEL = threading.Lock()


@functools.cache
def _rotation() -> np.ndarray:
    """The fixed rotation (computed once per process; read-only, shared by every quantiser)."""
    gaussian = np.random.default_rng(ROTATION_SEED).standard_normal((DIMENSIONS, DIMENSIONS))
    q, r = np.linalg.qr(gaussian)
    rotation = q * np.sign(np.diag(r))  # a Haar-random orthogonal matrix
    rotation.flags.writeable = False
    return rotation


def _round_up_float32(values: np.ndarray) -> np.ndarray:
    rounded = values.astype(np.float32)
    low = rounded.astype(np.float64) < values
    rounded[low] = np.nextafter(rounded[low], np.float32(np.inf))
    return rounded


@dataclass(frozen=True)
class QueryCode:
    u: np.ndarray  # int16 (128,)
    total_u: int
    error: float  # r_q


@dataclass(frozen=True, eq=False)
class Quantizer:
    rotation: np.ndarray  # float64 (128, 128), orthogonal
    offset: np.ndarray  # float64 (128,)
    step: float

    @classmethod
    def fit(cls, sample: np.ndarray | None) -> "Quantizer":
        rotation = _rotation()
        if sample is None or len(sample) == 0:
            return cls(rotation, np.zeros(DIMENSIONS), STEP_PER_SIGMA * DEFAULT_SIGMA)
        rotated = np.asarray(sample, dtype=np.float64) @ rotation.T
        mean = rotated.mean(axis=0)
        sigma = float(np.sqrt(rotated.var(axis=0).mean())) if len(sample) > 1 else 0.0
        if not np.isfinite(sigma) or sigma < 1e-4:
            sigma = DEFAULT_SIGMA
        return cls(rotation, mean, STEP_PER_SIGMA * sigma)

    def encode(self, vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """float32 rows -> (codes int8 (n, 128), norms int32 (n,), bounds float32 (n,))."""
        vectors = np.asarray(vectors, dtype=np.float32).reshape(-1, DIMENSIONS)
        codes = np.empty((len(vectors), DIMENSIONS), dtype=np.int8)
        norms = np.empty(len(vectors), dtype=np.int32)  # <= 256 * 128 * 127**2 < 2**31
        bounds = np.empty(len(vectors), dtype=np.float32)
        self.encode_into(vectors, codes, norms, bounds)
        return codes, norms, bounds

    def encode_into(self, vectors, codes, norms, bounds, scratch=None) -> None:
        """`encode` writing into the given arrays (slices of an index). `scratch`, two float64
        (m >= rows, 128) buffers, is reused between calls when given; the caller zeroes it when
        done (it holds the rows' float64 copies). Without it, buffers of its own are used and
        zeroed here."""
        rows = len(vectors)
        own = scratch is None or len(scratch[0]) < rows
        if own:
            scratch = (np.empty((rows, DIMENSIONS)), np.empty((rows, DIMENSIONS)))
        wide, rotated = scratch[0][:rows], scratch[1][:rows]
        wide[...] = vectors
        np.matmul(wide, self.rotation.T, out=rotated)
        error = np.empty(rows)
        # One compiled pass (kernels.quantize_rows) instead of six numpy passes over float64
        # temporaries: the quantising step of a full load of the store (issue 14 item 5).
        offset = np.ascontiguousarray(self.offset, dtype=np.float64)
        with _PARALLEL:
            kernels.quantize_rows(rotated, offset, self.step, codes, norms, error)
        bounds[...] = _round_up_float32(error)
        if own:
            wide[...] = 0
            rotated[...] = 0

    def encode_numpy(self, vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The numpy twin of `encode` (the tests check that both agree)."""
        rotated = np.asarray(vectors, dtype=np.float64) @ self.rotation.T
        codes = np.clip(np.rint((rotated - self.offset) / self.step), -CODE_MAX, CODE_MAX)
        error = np.linalg.norm(rotated - (self.offset + self.step * codes), axis=1)
        wide = codes.astype(np.int32)
        norms = (FINE * FINE) * np.einsum("ij,ij->i", wide, wide)
        return codes.astype(np.int8), norms.astype(np.int32), _round_up_float32(error)

    def encode_query(self, query: np.ndarray) -> QueryCode:
        rotated = self.rotation @ query
        fine_step = self.step / FINE
        u = np.clip(np.rint((rotated - self.offset) / fine_step), -QUERY_CODE_LIMIT, QUERY_CODE_LIMIT)
        error = float(np.linalg.norm(rotated - (self.offset + fine_step * u)))
        return QueryCode(u.astype(np.int16), int(np.dot(u.astype(np.int64), u.astype(np.int64))), error)


def _wait_all(futures: list[Future]) -> None:
    """Wait for each of `futures`, raising the first error; empties the list."""
    for future in futures:
        future.result()
    futures.clear()


class FaceIndex:
    """Rows of (face id, photo id, float32 encoding) searchable exactly by Euclidean distance.

    Not thread-safe: `biometrics.search.store` serialises access per process.
    """

    def __init__(self, quantizer: Quantizer | None = None, capacity: int = 0):
        self.quantizer = quantizer or Quantizer.fit(None)
        self.n = 0
        self._allocate(max(0, int(capacity)))

    # --- building ---------------------------------------------------------------------------

    @classmethod
    def build(cls, ids, photo_ids, vectors, *, headroom: float = 0.05) -> "FaceIndex":
        """An index fitted to `vectors` (quantiser fitted on a sample of at most 100,000 rows)."""
        vectors = np.asarray(vectors, dtype=np.float32).reshape(-1, DIMENSIONS)
        return cls.build_from_blocks([(ids, photo_ids, vectors)], expected=len(vectors), headroom=headroom)

    @classmethod
    def build_from_blocks(
        cls,
        blocks,
        *,
        expected: int,
        headroom: float = 0.05,
        wipe_blocks: bool = False,
        quantizer: "Quantizer | None" = None,
    ) -> "FaceIndex":
        """An index of the blocks' rows, without ever holding them twice: each (ids, photo_ids,
        vectors) block is copied straight into the index's arrays (allocated for `expected`
        rows plus `headroom`, grown if more come) and, with `wipe_blocks`, zeroed. This is how
        a worker loads the store (issue 14 item 5); the old way (concatenate the blocks, then
        copy them into the index) touched every byte of fresh memory three times over.

        Without `quantizer`: once every row is in, the quantiser is fitted on the sample `build`
        draws and the rows are encoded in place, so the arrays equal `build`'s of the blocks
        concatenated, bit for bit. With a `quantizer` fitted beforehand (the store fits one on
        a sample the database draws): each block is encoded on a second thread while the next
        one is read, so reading (Python, holding the GIL) and encoding (BLAS and a compiled
        kernel, releasing it) run on both cores at once. The quantiser only decides how much
        the scan prunes, never what a search returns."""
        index = cls(quantizer or Quantizer.fit(None), capacity=int(max(0, expected) * (1 + headroom)) + 16)
        pending: list[Future] = []
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="face-index-encode") as encoder:
            try:
                for ids, photo_ids, vectors in blocks:
                    if pending and index.n + len(ids) > index.capacity:
                        _wait_all(pending)  # growing moves the arrays: let the encoder finish
                    start, stop = index._append_raw(ids, photo_ids, vectors)
                    if wipe_blocks:
                        vectors[...] = 0  # the loader's block leaves no copy of a vector behind
                    if quantizer is not None:
                        pending.append(encoder.submit(index._encode_rows, start, stop))
                        finished = [future for future in pending if future.done()]
                        pending = [future for future in pending if future not in finished]
                        _wait_all(finished)  # an encoding error surfaces now
                _wait_all(pending)
            except BaseException:
                for future in pending:
                    future.cancel()
                raise
        if quantizer is None:
            n = index.n
            if n > FIT_SAMPLE:
                sample = index.vectors[np.random.default_rng(0).choice(n, FIT_SAMPLE, replace=False)]
            else:
                sample = index.vectors[:n]
            index.quantizer = Quantizer.fit(sample)
            index._encode_rows(0, n)
        return index

    def _allocate(self, capacity: int) -> None:
        self.ids = np.zeros(capacity, dtype=np.int64)
        self.photo_ids = np.zeros(capacity, dtype=np.int64)
        self.vectors = np.zeros((capacity, DIMENSIONS), dtype=np.float32)
        self.codes = np.zeros((capacity, kernels.WIDTH), dtype=np.int8)
        self.norms = np.zeros(capacity, dtype=np.int32)
        self.bounds = np.zeros(capacity, dtype=np.float32)

    def _arrays(self) -> tuple[np.ndarray, ...]:
        return (self.ids, self.photo_ids, self.vectors, self.codes, self.norms, self.bounds)

    @property
    def capacity(self) -> int:
        return len(self.ids)

    def _grow(self, needed: int) -> None:
        if needed <= self.capacity:
            return
        old = self._arrays()
        self._allocate(max(needed, int(self.capacity * 1.25) + 1024))
        for new_array, old_array in zip(self._arrays(), old, strict=True):
            new_array[: self.n] = old_array[: self.n]
            old_array[: self.n] = 0  # the old buffers leave no copy of any vector behind
        del old

    def _append_raw(self, ids, photo_ids, vectors) -> tuple[int, int]:
        """Copy rows in after the last one without encoding them; returns their row range."""
        ids = np.asarray(ids, dtype=np.int64).reshape(-1)
        photo_ids = np.asarray(photo_ids, dtype=np.int64).reshape(-1)
        vectors = np.asarray(vectors, dtype=np.float32).reshape(-1, DIMENSIONS)
        if not (len(ids) == len(photo_ids) == len(vectors)):
            raise ValueError("ids, photo ids and vectors differ in length")
        if not np.all(np.isfinite(vectors)):
            raise ValueError("a face encoding must contain only finite numbers")
        start = self.n
        self._grow(start + len(ids))
        rows = slice(start, start + len(ids))
        self.ids[rows] = ids
        self.photo_ids[rows] = photo_ids
        self.vectors[rows] = vectors
        self.n += len(ids)
        return start, self.n

    def _encode_rows(self, start: int, stop: int) -> None:
        size = min(ENCODE_CHUNK, max(0, stop - start))
        scratch = (np.empty((size, DIMENSIONS)), np.empty((size, DIMENSIONS)))
        for low in range(start, stop, ENCODE_CHUNK):
            rows = slice(low, min(stop, low + ENCODE_CHUNK))
            self.quantizer.encode_into(
                self.vectors[rows], self.codes[rows], self.norms[rows], self.bounds[rows], scratch
            )
        for buffer in scratch:
            buffer[...] = 0  # no float64 copy of a vector stays behind

    def add(self, ids, photo_ids, vectors) -> None:
        """Append rows. Ids must not be present already (use `upsert` when unsure)."""
        self._encode_rows(*self._append_raw(ids, photo_ids, vectors))

    def rows_of(self, ids) -> np.ndarray:
        wanted = np.unique(np.asarray(ids, dtype=np.int64).reshape(-1))
        out = np.empty(len(wanted), dtype=np.int64)
        if len(wanted) > self.n:
            out = np.empty(self.n, dtype=np.int64)
        found = kernels.rows_of(self.ids, self.n, wanted, out)
        return out[:found]

    def remove(self, ids) -> int:
        """Delete rows by face id; returns how many were present.

        Holes below the new end are filled with the surviving rows from the tail, and the tail
        rows are zeroed, so a removed vector no longer exists anywhere in this index."""
        rows = np.sort(self.rows_of(ids))
        if len(rows) == 0:
            return 0
        new_n = self.n - len(rows)
        holes = rows[rows < new_n]
        tail = np.setdiff1d(np.arange(new_n, self.n), rows, assume_unique=True)
        for array in self._arrays():
            array[holes] = array[tail]
            array[new_n : self.n] = 0
        self.n = new_n
        return len(rows)

    def upsert(self, ids, photo_ids, vectors) -> None:
        self.remove(ids)
        self.add(ids, photo_ids, vectors)

    def wipe(self) -> None:
        """Zero every array and empty the index (before dropping it: no vector stays behind)."""
        for array in self._arrays():
            array[: self.n] = 0
        self.n = 0

    @property
    def nbytes(self) -> int:
        return sum(array.nbytes for array in self._arrays())

    # --- searching --------------------------------------------------------------------------

    def _exact(self, rows: np.ndarray, query: np.ndarray, tolerance: float) -> Hits:
        if len(rows) > 32:
            # Cheap float64 pre-check of many candidates; the kept ones are decided below.
            near = np.empty(len(rows), dtype=np.int64)
            limit = tolerance + PRECHECK_MARGIN
            rows = near[: kernels.rows_within(self.vectors, rows, query, limit * limit, near)]
        distances = exact_distances(self.vectors[rows], query)
        keep = distances <= tolerance
        rows, distances = rows[keep], distances[keep]
        ids = self.ids[rows]
        order = np.lexsort((ids, distances))
        return Hits(ids[order], self.photo_ids[rows][order], distances[order])

    def candidates(self, query: np.ndarray, tolerance: float) -> np.ndarray:
        """Rows that may be within `tolerance` (a superset of the true matches)."""
        code = self.quantizer.encode_query(query)
        out = np.empty(self.n, dtype=np.int64)
        found = kernels.scan_candidates(
            self.codes,
            self.norms,
            self.bounds,
            self.n,
            code.u,
            code.total_u,
            tolerance + code.error + MARGIN,
            FINE / self.quantizer.step,
            out,
        )
        return out[:found]

    def search(self, encoding, *, tolerance: float) -> Hits:
        query = as_query(encoding)
        tolerance = check_tolerance(tolerance)
        return self._exact(self.candidates(query, tolerance), query, tolerance)

    def search_batch(self, encodings, *, tolerance: float) -> list[Hits]:
        """Many queries in one pass per query, spread over numba's threads."""
        tolerance = check_tolerance(tolerance)
        queries = [as_query(encoding) for encoding in np.asarray(encodings, dtype=np.float64).reshape(-1, DIMENSIONS)]
        if not queries or self.n == 0:
            return [self._exact(np.empty(0, dtype=np.int64), query, tolerance) for query in queries]
        codes = [self.quantizer.encode_query(query) for query in queries]
        u = np.stack([code.u for code in codes])
        total_u = np.array([code.total_u for code in codes], dtype=np.int64)
        reach = np.array([tolerance + code.error + MARGIN for code in codes], dtype=np.float64)
        out = np.empty((len(queries), min(self.n, BATCH_CANDIDATES)), dtype=np.int64)
        counts = np.zeros(len(queries), dtype=np.int64)
        with _PARALLEL:
            kernels.scan_candidates_batch(
                self.codes,
                self.norms,
                self.bounds,
                self.n,
                u,
                total_u,
                reach,
                FINE / self.quantizer.step,
                out,
                counts,
                numba.get_num_threads(),
            )
        results = []
        for position, query in enumerate(queries):
            if counts[position] > out.shape[1]:
                rows = self.candidates(query, tolerance)
            else:
                rows = out[position, : counts[position]]
            results.append(self._exact(rows, query, tolerance))
        return results

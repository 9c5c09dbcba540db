"""Compiled scan kernels (numba) over 8-bit codes, and a plain numpy twin used to test them.

A stored vector is 128 signed bytes (int8 codes c, one per rotated dimension). A query is given
on a grid FINE times finer (int16 codes `u`), so

    S = sum_j (FINE * c_j - u_j) ** 2 = norms[i] - 2 * FINE * sum_j c_j * u_j + U

is an exact integer (norms[i] = FINE**2 * sum_j c_j**2 is precomputed, U = sum_j u_j**2). The
approximate distance is (step / FINE) * sqrt(S). Row i is a candidate when

    S <= ((reach + bounds[i]) * FINE / step) ** 2

where bounds[i] is the row's quantisation error bound and `reach` = tolerance + the query's
error bound + a margin (see index.py for why this never drops a true match). Only the dot
product runs per dimension, in int32: |c_j * u_j| <= 127 * 4064, so 128 of them cannot
overflow (numba types small ints as int64 unless each step is cast back; the casts let LLVM
use 16-bit multiply-adds).
"""

import numpy as np
from numba import njit, prange

FINE = 16
CODE_MAX = 127  # codes are -127..127
WIDTH = 128  # bytes per stored vector: one int8 code per dimension


@njit(cache=True, nogil=True, boundscheck=False)
def scan_candidates(codes, norms, bounds, n, u, total_u, reach, scale, out):
    """Write the row numbers (< n) that may be within reach into `out`; return how many."""
    found = 0
    for i in range(n):
        dot = np.int32(0)
        for j in range(WIDTH):
            dot = np.int32(dot + np.int32(np.int16(codes[i, j]) * u[j]))
        squared = np.int64(norms[i]) - np.int64(2 * FINE) * np.int64(dot) + total_u
        limit = (reach + bounds[i]) * scale
        if squared <= limit * limit:
            out[found] = i
            found += 1
    return found


BLOCK = 2048  # rows scanned by every query of a thread while they sit in cache (256 KB of codes)


@njit(cache=True, nogil=True, parallel=True, boundscheck=False)
def scan_candidates_batch(codes, norms, bounds, n, u, total_u, reach, scale, out, counts, threads):
    """scan_candidates for many queries: the queries are split over the threads, and each thread
    walks the rows block by block, running all of its queries over a block while it is in cache
    (the codes are read from memory once per thread, not once per query). A query whose
    candidates overflow its row of `out` gets counts[q] > out.shape[1]; the caller rescans it."""
    capacity = out.shape[1]
    queries = u.shape[0]
    threads = max(1, min(threads, queries))
    for t in prange(threads):
        first = t * queries // threads
        last = (t + 1) * queries // threads
        for q in range(first, last):
            counts[q] = 0
        for start in range(0, n, BLOCK):
            stop = min(n, start + BLOCK)
            for q in range(first, last):
                u_q = u[q]
                total = total_u[q]
                reach_q = reach[q]
                found = counts[q]
                for i in range(start, stop):
                    dot = np.int32(0)
                    for j in range(WIDTH):
                        dot = np.int32(dot + np.int32(np.int16(codes[i, j]) * u_q[j]))
                    squared = np.int64(norms[i]) - np.int64(2 * FINE) * np.int64(dot) + total
                    limit = (reach_q + bounds[i]) * scale
                    if squared <= limit * limit:
                        if found < capacity:
                            out[q, found] = i
                        found += 1
                counts[q] = found


@njit(cache=True, nogil=True, boundscheck=False, fastmath={"reassoc", "contract"})
def rows_within(vectors, rows, query, limit_squared, out):
    """The rows (from `rows`) whose float64 squared distance to `query` is <= limit_squared.

    Any summation order is within about 1e-14 (relative) of numpy's, so with a limit a little
    above the tolerance this only discards rows numpy would also reject; the rows it keeps are
    decided by numpy itself (exact.exact_distances)."""
    found = 0
    for k in range(rows.shape[0]):
        i = rows[k]
        total = 0.0
        for j in range(vectors.shape[1]):
            difference = np.float64(vectors[i, j]) - query[j]
            total += difference * difference
        if total <= limit_squared:
            out[found] = i
            found += 1
    return found


@njit(cache=True, nogil=True, boundscheck=False)
def rows_of(ids, n, wanted_sorted, out):
    """Row numbers (< n) whose id is in `wanted_sorted` (ascending); returns how many."""
    found = 0
    m = wanted_sorted.shape[0]
    if m == 0:
        return 0
    low_id = wanted_sorted[0]
    high_id = wanted_sorted[m - 1]
    for i in range(n):
        value = ids[i]
        if value < low_id or value > high_id:
            continue
        position = np.searchsorted(wanted_sorted, value)
        if position < m and wanted_sorted[position] == value:
            out[found] = i
            found += 1
    return found


def scan_candidates_numpy(codes, norms, bounds, n, u, total_u, reach, scale) -> np.ndarray:
    """The same candidate set as `scan_candidates`, written plainly (for tests)."""
    dot = codes[:n].astype(np.int64) @ u.astype(np.int64)
    squared = norms[:n].astype(np.int64) - 2 * FINE * dot + int(total_u)
    limit = (reach + bounds[:n].astype(np.float64)) * scale
    return np.flatnonzero(squared <= limit * limit)


@njit(cache=True, nogil=True, parallel=True, boundscheck=False)
def quantize_rows(rotated, offset, step, codes, norms, errors):
    """Quantizer.encode's per-row work in one pass over the rotated float64 rows: the int8 codes
    (round half to even, clipped to +-CODE_MAX), norms = FINE**2 * sum(c**2) and the float64
    Euclidean norm of the quantisation residual (the caller rounds it up to float32). The same
    operations as the numpy expressions it replaced, element by element; only the residual's
    sum runs in row order instead of numpy's pairwise order (a difference in the last bits of a
    float64, far below the float32 rounding-up that follows)."""
    for i in prange(rotated.shape[0]):
        total = np.int64(0)
        squared = 0.0
        for j in range(rotated.shape[1]):
            code = np.rint((rotated[i, j] - offset[j]) / step)
            if code > CODE_MAX:
                code = CODE_MAX
            elif code < -CODE_MAX:
                code = -CODE_MAX
            residual = rotated[i, j] - (offset[j] + step * code)
            squared += residual * residual
            c = np.int64(code)
            codes[i, j] = c
            total += c * c
        norms[i] = np.int32(FINE * FINE * total)
        errors[i] = np.sqrt(squared)

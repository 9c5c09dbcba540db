"""The exact distance every search result is decided by.

`exact_distances` is face_recognition's `face_distance` (the Euclidean norm of the difference,
`numpy.linalg.norm(..., axis=1)`) evaluated in float64 on the stored float32 values, so a face
exactly at the tolerance is decided the same way as a float64 brute-force scan decides it.
"""

import numpy as np

DIMENSIONS = 128


def as_query(encoding) -> np.ndarray:
    """A query encoding as float64 (128,), or ValueError with a message people can read."""
    query = np.asarray(encoding, dtype=np.float64)
    if query.shape != (DIMENSIONS,):
        query = query.reshape(-1)
        if query.shape != (DIMENSIONS,):
            raise ValueError(f"a face encoding has {DIMENSIONS} numbers, got {query.size}")
    if not np.all(np.isfinite(query)):
        raise ValueError("a face encoding must contain only finite numbers")
    return query


def check_tolerance(tolerance: float) -> float:
    value = float(tolerance)
    if not np.isfinite(value) or value < 0:
        raise ValueError("the tolerance must be a finite number of at least 0")
    return value


def exact_distances(vectors: np.ndarray, query: np.ndarray) -> np.ndarray:
    """float64 Euclidean distances from each row of `vectors` to `query`."""
    if len(vectors) == 0:
        return np.empty(0, dtype=np.float64)
    difference = np.asarray(vectors, dtype=np.float64) - np.asarray(query, dtype=np.float64)
    return np.linalg.norm(difference, axis=1)


def brute_force(ids: np.ndarray, vectors: np.ndarray, query: np.ndarray, tolerance: float) -> list[tuple[int, float]]:
    """Reference answer: every (id, distance) within `tolerance`, by distance then id."""
    distances = exact_distances(vectors, query)
    keep = np.flatnonzero(distances <= tolerance)
    order = np.lexsort((ids[keep], distances[keep]))
    return [(int(ids[keep][i]), float(distances[keep][i])) for i in order]

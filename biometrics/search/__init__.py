"""Face search: the one function every part of the project uses to find faces in the store.

    from biometrics.search import search_faces, Match
    matches = search_faces(encoding, tolerance=0.6)  # every face within 0.6, nearest first

The answer is exactly what a float64 brute-force scan of the face table gives (see index.py),
from an index kept in memory per process and fresh on every call (see store.py). With
settings.FACE_SEARCH_SHARDS > 1 the store is split into that many shards searched in parallel
by Celery workers (see shards.py and README.md).

This module imports no models, so that the app registry can import it.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Match:
    """A stored face within the tolerance. Answers list them by distance, then face id."""

    face_id: int
    photo_id: int
    distance: float


def search_faces_batch(encodings, *, tolerance: float) -> list[list[Match]]:
    """For each encoding, every stored face within `tolerance` (Euclidean), nearest first."""
    import numpy as np

    from biometrics.search.exact import as_query, check_tolerance
    from biometrics.search.shards import configured_shards, search_sharded
    from biometrics.search.store import store_for

    tolerance = check_tolerance(tolerance)
    queries = np.stack([as_query(encoding) for encoding in encodings]) if len(encodings) else np.empty((0, 128))
    if len(queries) == 0:
        return []
    shards = configured_shards()
    if shards > 1:
        return search_sharded(queries, tolerance=tolerance, shards=shards)
    results = store_for(0, 1).search(queries, tolerance)
    return [
        [Match(int(i), int(p), float(d)) for i, p, d in zip(hits.ids, hits.photo_ids, hits.distances, strict=True)]
        for hits in results
    ]


def search_faces(encoding, *, tolerance: float) -> list[Match]:
    """Every stored face within `tolerance` of `encoding` (128 numbers), nearest first."""
    return search_faces_batch([encoding], tolerance=tolerance)[0]


__all__ = ["Match", "search_faces", "search_faces_batch"]

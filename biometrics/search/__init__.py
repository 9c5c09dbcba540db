"""Face search: the one function every part of the project uses to find faces in the store.

    from biometrics.search import search_faces
    hits = search_faces(encoding, tolerance=0.6)  # every face within 0.6, nearest first
    hits.ids, hits.photo_ids, hits.distances      # numpy arrays, in that order
    for match in hits: ...                        # Match(face_id, photo_id, distance) objects

The answer is exactly what a float64 brute-force scan of the face table gives (see index.py),
from an index kept in memory per process and fresh on every call (see store.py). With
settings.FACE_SEARCH_SHARDS > 1 the store is split into that many shards searched in parallel
by Celery workers (see shards.py and README.md).

This module imports no models, so that the app registry can import it.
"""

import numpy as np

from biometrics.search.hits import Hits, Match


def search_faces_batch(encodings, *, tolerance: float) -> list[Hits]:
    """For each encoding, every stored face within `tolerance` (Euclidean), nearest first."""
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
    return store_for(0, 1).search(queries, tolerance)


def search_faces(encoding, *, tolerance: float) -> Hits:
    """Every stored face within `tolerance` of `encoding` (128 numbers), nearest first."""
    return search_faces_batch([encoding], tolerance=tolerance)[0]


__all__ = ["Hits", "Match", "search_faces", "search_faces_batch"]

"""What a search returns: arrays, not one object per face.

A query can return tens of thousands of faces (a look-alike cluster at a loose tolerance);
building a Python object per face cost more than the search itself (issue 14 item 5). `Hits`
keeps the three columns as numpy arrays, and callers that need only ids or distances use them
directly; iterating yields `Match` objects for the callers that want them, one at a time.

This module imports numpy only (no models, no numba), so the package can import it early.
"""

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Match:
    """A stored face within the tolerance. Answers list them by distance, then face id."""

    face_id: int
    photo_id: int
    distance: float


@dataclass(frozen=True, eq=False)
class Hits:
    """Matches of one query, sorted by distance then face id."""

    ids: np.ndarray  # int64
    photo_ids: np.ndarray  # int64
    distances: np.ndarray  # float64

    @classmethod
    def of(cls, ids, photo_ids, distances) -> "Hits":
        """Hits from unsorted columns, put in answer order (distance, then face id)."""
        ids = np.asarray(ids, dtype=np.int64)
        photo_ids = np.asarray(photo_ids, dtype=np.int64)
        distances = np.asarray(distances, dtype=np.float64)
        order = np.lexsort((ids, distances))
        return cls(ids[order], photo_ids[order], distances[order])

    def __len__(self) -> int:
        return len(self.ids)

    def __iter__(self) -> Iterator[Match]:
        return map(Match, self.ids.tolist(), self.photo_ids.tolist(), self.distances.tolist())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Hits):
            return NotImplemented
        return (
            np.array_equal(self.ids, other.ids)
            and np.array_equal(self.photo_ids, other.photo_ids)
            and np.array_equal(self.distances, other.distances)
        )

    __hash__ = None  # mutable arrays inside

    def without(self, face_ids: np.ndarray) -> "Hits":
        """These hits less the given face ids (order kept)."""
        keep = ~np.isin(self.ids, face_ids)
        return Hits(self.ids[keep], self.photo_ids[keep], self.distances[keep])

"""Scale-out: the face table split into shards (face id modulo the shard count) searched in
parallel by Celery workers, one group per search, merged here.

Each worker process keeps the index of every shard it has been asked about (store.store_for),
fresh through the same protocol as a single process. The broker carries only the query
encodings and, back, (face id, photo id, distance) triples: never stored encodings. The merged
answer is re-checked against the face table once more, so a face erased while the shards were
answering is not returned. See README.md for growing this to billions of faces.
"""

import numpy as np
from celery import group
from celery.exceptions import TimeoutError as CeleryTimeoutError
from celery.result import allow_join_result
from django.conf import settings

from biometrics.search.hits import Hits
from biometrics.search.store import faces_missing, store_for


class SearchUnavailable(RuntimeError):
    """The shard workers did not answer in time (no worker on the queue, or overloaded)."""


def configured_shards() -> int:
    return int(settings.FACE_SEARCH_SHARDS or 0)


def shard_search(*, shard: int, shards: int, encodings: list[list[float]], tolerance: float) -> list[list[list]]:
    """Search this process's index of one shard; [[face_id, photo_id, distance], ...] per query."""
    queries = np.asarray(encodings, dtype=np.float64).reshape(-1, 128)
    results = store_for(shard, shards).search(queries, tolerance)
    return [
        [list(row) for row in zip(hits.ids.tolist(), hits.photo_ids.tolist(), hits.distances.tolist(), strict=True)]
        for hits in results
    ]


def merge(per_shard: list[list[list[list]]], queries: int) -> list[Hits]:
    """One answer per query from the shards' answers, in answer order (distance, face id)."""
    merged = []
    for position in range(queries):
        rows = [row for shard_answer in per_shard for row in shard_answer[position]]
        ids, photo_ids, distances = zip(*rows, strict=True) if rows else ((), (), ())
        merged.append(Hits.of(ids, photo_ids, distances))
    return merged


def shard_queue(base: str | None, shard: int, per_shard: bool) -> str | None:
    """The queue a shard's task goes to: `base`, or `base.<shard>` when each shard has its own
    workers (so that a machine keeps only its shards in memory)."""
    if not base:
        return None
    return f"{base}.{shard}" if per_shard else base


def search_sharded(
    queries: np.ndarray,
    *,
    tolerance: float,
    shards: int,
    queue: str | None = None,
    per_shard_queues: bool | None = None,
    timeout: float | None = None,
):
    """Fan the queries out to `shards` shard tasks (a Celery group), merge and re-check."""
    from biometrics.search.tasks import search_shard

    queue = queue or settings.FACE_SEARCH_QUEUE
    timeout = timeout or settings.FACE_SEARCH_TIMEOUT
    encodings = np.asarray(queries, dtype=np.float64).tolist()  # float64 repr round-trips exactly in JSON
    if per_shard_queues is None:
        per_shard_queues = bool(settings.FACE_SEARCH_QUEUE_PER_SHARD)
    signatures = []
    for shard in range(shards):
        signature = search_shard.s(shard, shards, encodings, tolerance)
        name = shard_queue(queue, shard, per_shard_queues)
        signatures.append(signature.set(queue=name) if name else signature)
    job = group(signatures)
    result = job.apply_async()
    try:
        # Joining inside a task is allowed because shard tasks never wait on anything
        # themselves; in production give them their own queue (FACE_SEARCH_QUEUE) so that they
        # are never stuck behind the tasks that wait for them.
        with allow_join_result():
            per_shard = result.get(timeout=timeout)
    except CeleryTimeoutError as exc:
        result.revoke()
        raise SearchUnavailable(f"face search shards did not answer within {timeout} s") from exc
    merged = merge(per_shard, len(encodings))
    found = np.unique(np.concatenate([hits.ids for hits in merged])) if merged else np.empty(0, dtype=np.int64)
    gone = faces_missing(found)
    return [hits.without(gone) for hits in merged] if len(gone) else merged

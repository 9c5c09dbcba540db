from datetime import timedelta

from celery import shared_task

from biometrics.search.shards import shard_search
from biometrics.search.store import index_changes_prune


@shared_task(name="biometrics.search_shard", acks_late=False)
def search_shard(shard: int, shards: int, encodings: list[list[float]], tolerance: float) -> list[list[list]]:
    """Search one shard of the face store held in this worker's memory.

    Reads only; a lost or repeated run does no harm (acks_late off: a search is re-asked, not
    redelivered). The arguments are query encodings, the result (face id, photo id, distance)
    triples per query: stored encodings never travel through the broker."""
    return shard_search(shard=shard, shards=shards, encodings=encodings, tolerance=tolerance)


@shared_task(name="biometrics.search_prune_changes")
def search_prune_changes(days: int = 7) -> int:
    """Periodic: forget index changes older than `days` (idle indexes then reload in full)."""
    return index_changes_prune(older_than=timedelta(days=days))

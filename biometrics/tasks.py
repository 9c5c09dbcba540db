"""Celery tasks of the biometric store. Thin: they call biometrics.ingest / services."""

from celery import shared_task
from django.utils.dateparse import parse_datetime

from biometrics.ingest import IngestItem, ingest_item


@shared_task(acks_late=True, reject_on_worker_lost=True, name="biometrics.ingest_photo_file")
def ingest_photo_file(
    *,
    path: str,
    source_url: str = "",
    page_url: str = "",
    collected_at: str | None = None,
) -> dict:
    """Ingest one file that this worker can read at `path`.

    Idempotent: the photo's SHA-256 is unique in the store, so a task delivered twice (acks late:
    a worker lost mid-task hands it to another) stores it once and reports a duplicate.
    """
    item = IngestItem(
        path=path,
        source_url=source_url,
        page_url=page_url,
        collected_at=parse_datetime(collected_at) if collected_at else None,
    )
    result = ingest_item(item)
    return {"status": result.status, "faces": result.faces, "code": result.code, "message": result.message}

import socket

from celery import shared_task

from config.health import database_status


@shared_task(name="config.probe_roundtrip")
def probe_roundtrip(nonce: str) -> dict:
    """Answer from inside a worker: which host ran it and whether it reached the database.

    Used by the worker round-trip test and by operators (`make worker` then `manage.py probe_worker`).
    """
    return {"nonce": nonce, "hostname": socket.gethostname(), "database": database_status()}

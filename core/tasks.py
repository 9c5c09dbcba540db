"""Celery tasks of the shared mechanisms, collected here for Celery's autodiscovery."""

import socket

from celery import shared_task

from core.health import database_status
from core.outbox import outbox_send_task
from core.sweep import sweep_task

__all__ = ["outbox_send_task", "probe_roundtrip", "sweep_task"]


# The task name is kept from when it lived in config/tasks.py, so a worker and an operator's
# probe of different versions still understand each other.
@shared_task(name="config.probe_roundtrip")
def probe_roundtrip(nonce: str) -> dict:
    """Answer from inside a worker: which host ran it and whether it reached the database.

    Used by the worker round-trip test and by operators (`make worker` then `manage.py probe_worker`).
    """
    return {"nonce": nonce, "hostname": socket.gethostname(), "database": database_status()}

"""Celery tasks of the shared mechanisms, collected here for Celery's autodiscovery."""

from core.outbox import outbox_send_task, outbox_sweep_task

__all__ = ["outbox_send_task", "outbox_sweep_task"]

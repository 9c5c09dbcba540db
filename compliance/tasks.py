"""The Celery tasks of the request service, collected here for Celery's autodiscovery. Each is
defined next to the service it calls (thin: primary keys in, one service, safe to run twice)."""

from compliance.retention import retention_sweep_task
from compliance.workflow.access import package_task
from compliance.workflow.documents import documents_task
from compliance.workflow.erasure import erasure_task
from compliance.workflow.handling import due_reminders_task
from compliance.workflow.intake import expire_unverified_task, identity_check_task
from compliance.workflow.matching import matching_task
from compliance.workflow.sweep import leftovers_task

__all__ = [
    "documents_task",
    "due_reminders_task",
    "erasure_task",
    "expire_unverified_task",
    "identity_check_task",
    "leftovers_task",
    "matching_task",
    "package_task",
    "retention_sweep_task",
]

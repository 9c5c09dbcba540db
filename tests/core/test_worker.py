"""The Celery round-trip through the real broker and a worker process."""

import uuid

import pytest

from core.tasks import probe_roundtrip


@pytest.mark.worker
def test_task_round_trip_through_broker_and_worker(start_worker):
    worker = start_worker()
    nonce = uuid.uuid4().hex
    result = probe_roundtrip.apply_async(args=[nonce], queue=worker.queue).get(timeout=60)
    assert result["nonce"] == nonce
    assert result["database"] == {"ok": True, "vendor": "postgresql"}


def test_task_runs_in_process_without_broker(settings):
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.skip("a broker is configured; the round-trip test above covers it")
    result = probe_roundtrip.delay("abc").get()
    assert result["nonce"] == "abc"

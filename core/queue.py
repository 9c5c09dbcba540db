"""Sending Celery tasks so that a broker outage never fails the caller.

`enqueue_on_commit(task, *args)` sends a task once the current transaction commits, failing fast
(one quick retry) and never raising: the row the caller saved is the record of the work still to
do, and the one sweep (core.sweep: every app's registered sweeper) sends it again later. Every
task sent this way must be idempotent.
"""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError, transaction

logger = logging.getLogger(__name__)

# Sending a task must not hold a web request for long: one quick retry, then give up (the sweep
# sends it again later).
FAST_PUBLISH = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}


def _unavailable_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [OperationalError, InterfaceError, ConnectionError, TimeoutError]
    try:
        from kombu.exceptions import OperationalError as BrokerError

        errors.append(BrokerError)
    except ImportError:  # pragma: no cover - kombu comes with celery
        pass
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError

        errors += [RedisConnectionError, RedisTimeoutError]
    except ImportError:  # pragma: no cover - redis is optional without a Redis cache/broker
        pass
    return tuple(errors)


UNAVAILABLE_ERRORS = _unavailable_errors()


def service_unavailable_cause(error: BaseException | None) -> BaseException | None:
    """The database/broker/cache connection error behind `error`, if there is one.

    Follows the exception chain because libraries wrap these: Celery's Redis result backend
    raises RuntimeError("Retry limit exceeded ...") from a redis ConnectionError."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, UNAVAILABLE_ERRORS):
            return error
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return None


def task_send(task, *args, **kwargs) -> bool:
    """Send `task` now; False (logged, never raised) when the broker cannot take it. Without a
    broker (tasks run in-process) the task runs here and its errors propagate as usual."""
    if task.app.conf.task_always_eager:
        task.apply_async(args=args, kwargs=kwargs)
        return True
    try:
        task.apply_async(args=args, kwargs=kwargs, ignore_result=True, retry=True, retry_policy=FAST_PUBLISH)
    except Exception as error:  # a send failure must never fail the caller
        cause = service_unavailable_cause(error) or error
        logger.warning(
            "task %s not sent (%s: %s); the sweep (core.sweep) sends it later",
            task.name,
            type(cause).__name__,
            str(cause)[:200],
        )
        return False
    return True


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Send `task(*args, **kwargs)` once the current transaction commits (see task_send)."""
    transaction.on_commit(lambda: task_send(task, *args, **kwargs))

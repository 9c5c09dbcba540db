"""Sending a project task while Redis is down, in-process: `dead_broker.route(module, name)` makes
the call sites that import `module.name` send that task through a Celery app whose broker and
result backend refuse connections (port 1), the same task function under the same name.
`dead_broker.restore()` puts the project's task back (e.g. before running the sweep that sends it
again). Import the fixture into a test module: `from tests.dead_broker import dead_broker`.

The real outages (Redis stopped under gunicorn) are in tests/faults/test_service_outages.py.
"""

import pytest
from celery import Celery

DEAD_URL = "redis://127.0.0.1:1/0"


class DeadBroker:
    def __init__(self) -> None:
        self._patch = pytest.MonkeyPatch()
        # Celery lets CELERY_BROKER_URL in the environment override an app's own broker.
        self._patch.delenv("CELERY_BROKER_URL", raising=False)
        self._patch.delenv("CELERY_RESULT_BACKEND", raising=False)
        self.app = Celery("dead", broker=DEAD_URL, backend=DEAD_URL, set_as_current=False)
        assert self.app.conf.broker_url == DEAD_URL

    def route(self, module, name: str):
        real = getattr(module, name)
        dead = self.app.task(name=real.name)(real.run)
        self._patch.setattr(module, name, dead)
        return dead

    def restore(self) -> None:
        self._patch.undo()


@pytest.fixture
def dead_broker():
    broker = DeadBroker()
    yield broker
    broker.restore()
    broker.app.close()

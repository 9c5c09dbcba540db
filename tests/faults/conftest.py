"""Fixtures of the fault tests (issue 8): workers killed mid-task, Redis and PostgreSQL going
away under a running app, and database constraints.

Worker kills use the shared `start_worker` fixture (PostgreSQL + Redis; skipped on SQLite unless
REQUIRE_SERVICES=1). Redelivery after a SIGKILL: tasks are acks_late, so the message of the task
the worker was running stays unacknowledged in Redis; kombu's Redis transport gives it out again
once it has been unacknowledged for longer than the visibility timeout, at a restore sweep of a
consuming worker: one when the worker starts (`on_poll_init`), then one about every 100 s
(`unacked_restore_interval` 10 s x `unacked_restore_throttle` 10). Workers here get a 5 s timeout
(CELERY_VISIBILITY_TIMEOUT) instead of the production hour, and the next worker is started once
that has passed, so its startup sweep restores the message at once. Every kill test checks in the
new worker's log that it received the killed task's id.

Service faults run the app in gunicorn against a throwaway Redis and a throwaway PostgreSQL
cluster (tests/faults/stack.py) that the tests stop and start; the machine's own servers are
never touched. They need the redis-server and PostgreSQL binaries and run where the suite runs
against PostgreSQL (CI); on SQLite they skip unless REQUIRE_SERVICES=1.
"""

import csv
import os
import shutil
import signal
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import require_or_skip
from tests.faults import stack

VISIBILITY_SECONDS = 5
WORKER_ENV = {"CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_SECONDS)}
# A killed task is redelivered by the new worker's startup sweep; if that were missed, the periodic
# sweep (about every 100 s) still comes within this limit.
REDELIVERY_TIMEOUT = 150


def kill_mid_task(worker, task_name: str, *, when=lambda: True, timeout: float = 180) -> set[str]:
    """Wait until `worker` is running a `task_name` task (received and not finished, by its log)
    and `when()` holds, then SIGKILL it. Returns the ids of the tasks it held unacknowledged.

    The worker is frozen (SIGSTOP) before its log is read for the last time, so a short task
    cannot finish between that check and the kill (under load it did: a photo's ingestion task
    ended in between). If the frozen worker holds no such task after all, it is thawed and the
    wait goes on."""

    def running():
        return stack.tasks_in_flight(worker.log_path, task_name) and when()

    deadline = time.monotonic() + timeout
    while True:
        stack.wait_for(
            running,
            timeout=max(1.0, deadline - time.monotonic()),
            what=f"{task_name} to run on the worker",
            detail=lambda: stack.tail(worker.log_path),
        )
        worker.process.send_signal(signal.SIGSTOP)
        held = stack.tasks_in_flight(worker.log_path, task_name)
        if held:
            break
        worker.process.send_signal(signal.SIGCONT)
    worker.kill()
    worker.killed_at = time.monotonic()
    return held


def replace_worker(start_worker, killed):
    """Start the next worker once the killed worker's unacknowledged message is older than the
    visibility timeout, so that the new worker's startup sweep restores it (otherwise the next
    sweep comes about 100 s later). The wait is on the broker's real clock: there is nothing to
    freeze in another process."""
    remaining = killed.killed_at + VISIBILITY_SECONDS + 0.5 - time.monotonic()
    if remaining > 0:
        time.sleep(remaining)
    return start_worker(queue="celery", extra_env=WORKER_ENV)


def wait_redelivered(worker, task_ids: set[str], task_name: str) -> None:
    """The new worker received every task the killed one held: the redelivery really happened."""
    stack.wait_for(
        lambda: task_ids <= set(stack.tasks_received(worker.log_path, task_name)),
        timeout=REDELIVERY_TIMEOUT,
        what=f"redelivery of {sorted(task_ids)} to the new worker",
        detail=lambda: stack.tail(worker.log_path),
    )


@dataclass(frozen=True)
class SharedPhoto:
    path: str
    faces: int
    people: tuple[str, ...]
    data: bytes
    analysis: object  # biometrics.ingest.Analysis


@pytest.fixture(scope="session")
def shared_photos(faces_dir) -> dict[str, SharedPhoto]:
    """Every photo of manifest.csv analysed once per session by the ingestion's own analysis."""
    from biometrics.ingest import analyse_bytes, ingest_limits

    photos = {}
    with open(faces_dir / "manifest.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            data = (faces_dir / row["path"]).read_bytes()
            photos[row["path"]] = SharedPhoto(
                path=row["path"],
                faces=int(row["faces"]),
                people=tuple(p for p in row["people"].split(";") if p),
                data=data,
                analysis=analyse_bytes(data, limits=ingest_limits()),
            )
    return photos


def store_shared_photos(photos: dict[str, SharedPhoto], prefix: str) -> dict[int, str]:
    """Store every shared photo through the ingestion service; returns {photo id: path}."""
    from biometrics.ingest import IngestItem, store_analysis
    from biometrics.models import SourcePhoto
    from biometrics.services import IngestStatus

    stored = {}
    for photo in photos.values():
        result = store_analysis(IngestItem(path=photo.path, source_url=prefix + photo.path), photo.analysis, photo.data)
        assert result.status == IngestStatus.CREATED, (photo.path, result)
        stored[SourcePhoto.objects.get(sha256=photo.analysis.sha256).pk] = photo.path
    return stored


def private_files(root: Path, pattern: str = "*") -> list[Path]:
    return sorted(path for path in root.rglob(pattern) if path.is_file())


# --- throwaway services for the app --------------------------------------------------------------


def services_or_skip() -> None:
    missing = [name for name in ("redis-server", "psql") if not shutil.which(name)]
    if not (stack.PG_BIN / "initdb").exists():
        missing.append(str(stack.PG_BIN / "initdb"))
    if missing:
        require_or_skip("REQUIRE_SERVICES", f"fault tests need {', '.join(missing)}")
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql" and (
        os.environ.get("REQUIRE_SERVICES") != "1"
    ):
        pytest.skip("service fault tests run with the PostgreSQL + Redis suite (CI); set REQUIRE_SERVICES=1 to force")


class Stack:
    """Throwaway PostgreSQL and Redis, a migrated database with a staff account, and the app in
    gunicorn (restartable with other settings)."""

    STAFF = ("stella", "correct horse battery")

    def __init__(self, folder: Path):
        self.folder = folder
        self.pg = stack.PostgresCluster(folder / "pg")
        self.redis = stack.RedisServer(folder)
        self.app: stack.AppServer | None = None
        self.workers: list[stack.CeleryWorker] = []

    def up(self) -> "Stack":
        self.pg.init().start()
        self.database_url = self.pg.create_database("app")
        self.redis.start()
        stack.manage(self.env(), "migrate", "--noinput")
        stack.manage(
            self.env(),
            "shell",
            "-c",
            "from core.services import roles_ensure_groups\n"
            "from django.contrib.auth import get_user_model\n"
            "groups = roles_ensure_groups()\n"
            f"user = get_user_model().objects.create_user({self.STAFF[0]!r}, password={self.STAFF[1]!r})\n"
            "user.groups.add(groups['DPA staff'])\n"
            "from enforcement.services.importer import DEFAULT_FILE, enforcement_import, load_rows\n"
            "enforcement_import(rows=load_rows(DEFAULT_FILE), source_name=DEFAULT_FILE.name)\n",
        )
        return self

    def env(self, **extra: str) -> dict:
        # Static files from the source folders (as the test suite serves them) instead of a
        # two-minute collectstatic: the storage backend is all that differs from production.
        return stack.app_environment(
            database_url=self.database_url,
            broker_url=self.redis.url(0),
            cache_url=extra.pop("CACHE_URL", self.redis.url(1)),
            data_dir=self.folder / "data",
            DJANGO_SETTINGS_MODULE="tests.faults.app_settings",
            **extra,
        )

    def start_app(self, **extra: str) -> stack.AppServer:
        if self.app:
            self.app.stop()
        self.app = stack.AppServer(self.env(**extra), self.folder / "gunicorn.log", workers=2).start()
        return self.app

    def start_worker(self, **extra: str) -> stack.CeleryWorker:
        worker = stack.CeleryWorker(
            self.env(**extra), self.folder / f"worker-{len(self.workers)}.log", include=("reports.tasks",)
        ).start()
        self.workers.append(worker)
        return worker

    def sql(self, query: str) -> str:
        return self.pg.psql(query, database="app")

    def down(self) -> None:
        for worker in self.workers:
            worker.stop()
        if self.app:
            self.app.stop()
        self.redis.stop(crash=False)
        self.pg.destroy()


@pytest.fixture(scope="session")
def service_stack():
    """The folder is made outside pytest's temporary tree: under pytest-xdist another test
    process creating its own temporary folder resets `pytest-of-<user>` to 0700, and the
    `postgres` user could no longer reach this cluster's data mid-test."""
    services_or_skip()
    folder = Path(tempfile.mkdtemp(prefix="faults-stack-"))
    running = Stack(folder)
    try:
        running.up()
        yield running
    finally:
        running.down()
        shutil.rmtree(folder, ignore_errors=True)

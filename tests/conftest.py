"""Shared fixtures: the named cast of users, the shared photos, a real Celery worker process and
a Playwright-driven Chromium.

Tests that need something this machine may lack (the photos, the shared data files, a broker,
Chromium) skip without it, unless the matching REQUIRE_* variable is set, as CI does: then a
missing dependency fails the run instead of silently skipping.
"""

import contextlib
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.utils import translation

from core.services import roles_ensure_groups

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"

# Tests serve static files straight from the source folders (as `make run` does) instead of
# requiring a `collectstatic` manifest; production keeps the hashed, compressed manifest.
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
settings.WHITENOISE_USE_FINDERS = True
settings.WHITENOISE_AUTOREFRESH = True

# Tests run with DEBUG off, where the controller's identity is required (compliance.checks): a
# test identity, plain enough to be recognised in every letter.
TEST_CONTROLLER = {
    "CONTROLLER_NAME": "Test Face Search B.V.",
    "CONTROLLER_ADDRESS": "Teststraat 1\n1000 AA Amsterdam",
    "CONTROLLER_EMAIL": "privacy@test-face-search.example",
    "CONTROLLER_DPO_NAME": "Dana Officer",
    "CONTROLLER_DPO_EMAIL": "dpo@test-face-search.example",
    "CONTROLLER_EU_REPRESENTATIVE": "",
    "CONTROLLER_COUNTRY": "NL",
    "STORE_LAWFUL_BASIS": ["6(1)(f)", "9(2)(e)"],
    "STORE_RETENTION": "until_erased",
    "STORE_DPIA_REFERENCE": "DPIA-TEST-1",
}
for _name, _value in TEST_CONTROLLER.items():
    setattr(settings, _name, _value)


def _broker_of_this_xdist_worker(url: str, worker: str) -> str:
    """Under pytest-xdist (`make test` runs with -n), each test process sends tasks through a
    Redis database of its own: a worker process one test starts on the shared "celery" queue must
    never take a task another test sent (they use different test databases). gw0 keeps the
    configured database; gwN uses the next ones, wrapping within Redis's 16."""
    parts = urlsplit(url)
    base = int(parts.path.lstrip("/") or 0)
    number = (base + int(worker.removeprefix("gw"))) % 16
    return urlunsplit(parts._replace(path=f"/{number}"))


if os.environ.get("PYTEST_XDIST_WORKER") and settings.CELERY_BROKER_URL.startswith("redis://"):
    from config.celery import app as _celery_app

    _own = _broker_of_this_xdist_worker(settings.CELERY_BROKER_URL, os.environ["PYTEST_XDIST_WORKER"])
    if settings.CELERY_RESULT_BACKEND == settings.CELERY_BROKER_URL:
        settings.CELERY_RESULT_BACKEND = _own
        _celery_app.conf.result_backend = _own
    settings.CELERY_BROKER_URL = _own
    os.environ["CELERY_BROKER_URL"] = _own  # Celery lets the environment override the app's broker
    _celery_app.conf.broker_url = _own


def controller_env() -> dict[str, str]:
    """TEST_CONTROLLER as environment variables, for the worker and app processes tests start."""
    return {name: ",".join(value) if isinstance(value, list) else value for name, value in TEST_CONTROLLER.items()}


def require_or_skip(variable: str, reason: str) -> None:
    if os.environ.get(variable) == "1":
        pytest.fail(f"{reason} ({variable}=1 forbids skipping)")
    pytest.skip(reason)


# --- users ---------------------------------------------------------------------------------


@contextlib.contextmanager
def tasks_in_process():
    """Celery tasks run in this process, at once, and raise here (also when a broker is
    configured, as in CI): a test sees what they did, and no worker consumes its queue."""
    from config.celery import app

    previous = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.task_eager_propagates = previous


def tasks_in_process_unless_worker(request):
    """For an app's autouse fixture: tasks in process, unless the test starts a real worker."""
    if "start_worker" in request.fixturenames:
        yield
        return
    with tasks_in_process():
        yield


@pytest.fixture
def eager():
    """Tasks run in this process (see tasks_in_process)."""
    with tasks_in_process():
        yield


@pytest.fixture
def groups(db):
    return roles_ensure_groups()


@pytest.fixture
def make_user(db, groups, django_user_model):
    def make(username: str, group: str | None = None, *, active: bool = True, password: str = "correct horse battery"):
        user = django_user_model.objects.create_user(username=username, password=password, is_active=active)
        if group:
            user.groups.add(groups[group])
        return user

    return make


@pytest.fixture
def staff_user(make_user):
    return make_user("stella_staff", "DPA staff")


@pytest.fixture
def auditor_user(make_user):
    return make_user("aldo_auditor", "Auditor")


@pytest.fixture
def outsider_user(make_user):
    return make_user("olga_outsider")


@pytest.fixture
def inactive_staff_user(make_user):
    return make_user("ivan_inactive", "DPA staff", active=False)


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def auditor_client(client, auditor_user):
    client.force_login(auditor_user)
    return client


# --- shared photos -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def faces_dir() -> Path:
    path = Path(os.environ.get("FACES_DIR", ROOT.parent / "shared" / "faces")).resolve()
    if not (path / "manifest.csv").exists():
        require_or_skip("REQUIRE_FACES", f"shared photos not found at {path}")
    return path


# --- shared data files (other trackers' exports) ----------------------------------------------


@pytest.fixture(scope="session")
def shared_data_dir() -> Path:
    """../shared/data (SHARED_DATA_DIR): test input that must not be copied into the repository."""
    path = Path(os.environ.get("SHARED_DATA_DIR", ROOT.parent / "shared" / "data")).resolve()
    if not (path / "gdpr_violations_tidytuesday.tsv").exists():
        require_or_skip("REQUIRE_SHARED_DATA", f"shared data files not found at {path}")
    return path


# --- Celery worker in its own process --------------------------------------------------------


def broker_required() -> None:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        require_or_skip("REQUIRE_SERVICES", "no CELERY_BROKER_URL: tasks run in-process")


def database_url_for_subprocess() -> str:
    """The URL of the database this test run uses (pytest-django's test database)."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        require_or_skip("REQUIRE_SERVICES", "a worker process needs a shared server database (PostgreSQL)")
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}{port}/{db['NAME']}"


class WorkerProcess:
    """A `celery worker` subprocess on a queue of its own, pointed at the test database."""

    def __init__(self, queue: str, log_path: Path, extra_env: dict | None = None):
        self.queue = queue
        self.log_path = log_path
        self.extra_env = extra_env or {}
        self.process: subprocess.Popen | None = None

    def start(self) -> "WorkerProcess":
        env = {
            **os.environ,
            "DATABASE_URL": database_url_for_subprocess(),
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "CELERY_RESULT_BACKEND": settings.CELERY_RESULT_BACKEND,
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            **controller_env(),
            # The worker applies the same disclosure limit as the test (small_store_disclosure_limit).
            "DISCLOSURE_MAX_EXPECTED_STRANGERS": str(settings.DISCLOSURE_MAX_EXPECTED_STRANGERS),
            **self.extra_env,
        }
        self.log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "-Q",
                self.queue,
                "-n",
                f"{self.queue}@%h",
                "--loglevel=INFO",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.wait_ready()
        return self

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited early: {self.log_path.read_text()[-2000:]}")
            if b"ready." in self.log_path.read_bytes():
                return
            time.sleep(0.2)
        raise RuntimeError(f"worker not ready after {timeout}s: {self.log_path.read_text()[-2000:]}")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()


@pytest.fixture
def start_worker(transactional_db, tmp_path):
    """Start worker processes on fresh queues; they are stopped after the test."""
    broker_required()
    workers: list[WorkerProcess] = []

    def start(extra_env: dict | None = None, queue: str | None = None) -> WorkerProcess:
        """`queue=None` gives a queue of its own; pass "celery" to serve tasks sent by app code."""
        queue = queue or f"test-{uuid.uuid4().hex[:10]}"
        worker = WorkerProcess(queue, tmp_path / f"{queue}.log", extra_env).start()
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


# --- browser ---------------------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        require_or_skip("REQUIRE_BROWSER", f"{CHROMIUM} not installed (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
    # test itself (not the live server) are still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def browser_login(page, live_server, username: str, password: str = "correct horse battery") -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


@pytest.fixture(autouse=True)
def small_store_disclosure_limit(settings):
    """The workflow tests search stores of a few dozen faces and describe confident matches
    confirmed by rule: they run under a limit that such a store meets (30 faces x the shipped
    false-match bound 0.0107 = 0.32). The production default (0.01, under which every match of
    any store needs a staff decision) and the rule itself are tested in
    tests/answering/test_disclosure_rule.py, which sets the limit it tests."""
    settings.DISCLOSURE_MAX_EXPECTED_STRANGERS = 1.0


@pytest.fixture(autouse=True)
def default_language():
    """LocaleMiddleware activates the visitor's language in the thread and nothing resets it after
    a test-client request: without this, a Dutch page in one test makes the next test's lazy
    messages Dutch."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Test users are created in nearly every test; PBKDF2's cost (0.6 s a user on 2 cores) is
    for attackers, not for us. Production keeps Django's default hashers (config/settings.py sets
    none); password validation does not depend on the hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache():
    """Rate-limit and login-throttle counters live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def matching_started_by_the_test(settings):
    """Fixtures across the suite verify requests and then start (or fake) matching themselves;
    the automatic start on verification is tested on its own, with the setting on
    (tests/security/test_object_access.py::test_confirming_the_email_starts_matching)."""
    settings.ANSWERING_AUTOSTART = False


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path_factory):
    """Each test writes files into its own media folder, never into ./var/media."""
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))
    return Path(settings.MEDIA_ROOT)


def have(command: str) -> bool:
    return shutil.which(command) is not None

"""Redis and PostgreSQL going away under the running app (gunicorn, DEBUG off) and coming back.

The servers are throwaway instances this test session starts (tests/faults/conftest.py): Redis is
killed with SIGKILL and comes back empty, as a Redis without persistence does after a crash, so
a message queued before or during the outage is gone; PostgreSQL is stopped in "immediate" mode
(connections cut, crash recovery on start). What must hold:

- Redis down: pages that need only the database still serve; /healthz says 503 and names the
  broker; the citizen request form files the request and its verification email (an outbox row
  written with the request) goes out once Redis is back (core.outbox.outbox_sweep), also when the
  rate-limit cache lives in Redis (the limits then count in each process until it is back).
- PostgreSQL down: every page that needs it answers 503 "temporarily unavailable" with
  Retry-After, never a 500 or a traceback, while requests keep arriving; once it is back every
  gunicorn worker serves again without a restart.
"""

import re
import signal
import threading
import time
from pathlib import Path

import pytest

from core.sweep import sweepers
from reports.tasks import requeue_stalled
from tests.faults import stack

pytestmark = [pytest.mark.slow]

SELFIE = "people/obama/obama.jpg"
PAGES = ("/", "/enforcement/register/", "/requests/new/", "/accounts/login/", "/api/v1/cases/")
STAFF_PAGES = ("/enforcement/cases/", "/requests/staff/")


def test_settings_wire_the_resilience_pieces(settings):
    """The production settings use what these tests exercise (the app processes here add them
    when they are missing, see tests/faults/app_settings.py)."""
    assert "core.resilience.ServiceUnavailableMiddleware" in settings.MIDDLEWARE
    assert "reports.tasks" in getattr(settings, "CELERY_IMPORTS", ())
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "core.sweep" in tasks and sweepers()["reports"] is requeue_stalled
    # A hung Redis must fail a request in seconds (test_a_hung_redis_...). The broker's options
    # are Redis's only (none in the zero-config default, which has no broker); that a Redis URL
    # always gets them is checked in every environment by
    # tests/config/test_settings.py::test_rabbitmq_is_a_supported_broker.
    if settings.BROKER_IS_REDIS:
        assert settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("socket_timeout")
    assert getattr(settings, "CELERY_REDIS_SOCKET_TIMEOUT", None)
    if "redis" in settings.CACHES["default"]["BACKEND"].lower():
        assert settings.CACHES["default"].get("OPTIONS", {}).get("socket_timeout")


# --- helpers ---------------------------------------------------------------------------------------


def submit_request(client: stack.HttpClient, faces_dir: Path, email: str) -> stack.Response:
    form = client.get("/requests/new/")
    assert form.status == 200
    return client.post_form(
        "/requests/new/",
        {"request_type": "access", "name": "Ann Example", "email": email, "country": "NL", "selfie_consent": "on"},
        files={"selfie": ("me.jpg", (faces_dir / SELFIE).read_bytes(), "image/jpeg")},
        csrf=client.csrf_from(form),
    )


def assert_clear_503(response: stack.Response) -> None:
    assert response.status == 503, (response.url, response.status, response.text[:500])
    assert response.headers.get("Retry-After")
    assert "Traceback" not in response.text and "Exception" not in response.text
    if response.headers.get("Content-Type", "").startswith("text/html"):
        assert "Temporarily unavailable" in response.text


def requests_with(run, email: str) -> list[tuple[str, str]]:
    assert re.fullmatch(r"[\w.@-]+", email)  # interpolated into SQL below
    rows = run.sql(f"SELECT status, public_id FROM compliance_datasubjectrequest WHERE email = '{email}'")  # noqa: S608
    return [tuple(line.split("|")) for line in rows.splitlines() if line]


def outbox_status(run, email: str) -> str:
    assert re.fullmatch(r"[\w.@-]+", email)  # interpolated into SQL below
    return run.sql(f"SELECT status FROM core_outboxemail WHERE recipient = '{email}'")  # noqa: S608


def healthz(app) -> tuple[int, str]:
    answer = stack.HttpClient(app.url).get("/healthz")
    return answer.status, answer.text


@pytest.fixture
def services_restored(service_stack):
    """Whatever a test stops is running again afterwards, for the next test."""
    yield service_stack
    if not service_stack.redis.ping():
        service_stack.redis.start()
    if not service_stack.pg.ready():
        service_stack.pg.start()


# --- Redis ---------------------------------------------------------------------------------------


@pytest.mark.faces
def test_redis_down_the_form_files_the_request_and_nothing_is_lost(services_restored, faces_dir):
    """Default cache (per process): with Redis dead the pages serve, the form files the request
    at once and says so; the verification email, whose message could not be queued, goes out
    once Redis is back and the sweep runs, and its link verifies the request."""
    run = services_restored
    app = run.start_app(CACHE_URL="")
    visitor, staff = stack.HttpClient(app.url), stack.HttpClient(app.url)
    staff.login(*run.STAFF)

    run.redis.stop(crash=True)
    status, body = healthz(app)
    assert status == 503 and '"broker": {"ok": false' in body
    for path in PAGES:
        assert visitor.get(path).status == 200, path
    for path in STAFF_PAGES:
        assert staff.get(path).status == 200, path
    assert stack.HttpClient(app.url).login(*run.STAFF).status == 302  # sessions live in PostgreSQL

    email = "outage@example.org"
    answer = submit_request(visitor, faces_dir, email)
    assert answer.status == 302 and answer.headers["Location"].endswith("/requests/new/sent/"), answer.text[:500]
    assert answer.seconds < 10  # failed fast: no 20 s of reconnects inside the request
    assert [status for status, _ in requests_with(run, email)] == ["awaiting_email_verification"]
    assert outbox_status(run, email) == "pending"  # its send task could not be queued

    run.redis.start()  # empty: whatever was queued before the crash is gone too
    stack.wait_for(lambda: healthz(app)[0] == 200, timeout=30, what="/healthz to recover")
    worker = run.start_worker()
    # The outbox sweeper (core.sweep, beat every minute; without its grace period here) sends it; the console
    # email backend prints the email.
    sent = stack.manage(
        run.env(),
        "shell",
        "-c",
        "from datetime import timedelta; from core.outbox import outbox_sweep; "
        "print('sent:', outbox_sweep(grace=timedelta(0)))",
    )
    assert "sent: 1" in sent, sent
    assert outbox_status(run, email) == "sent"
    link = re.search(r"/requests/verify/#([\w-]+)", sent)
    assert link, "no verification link in the email"
    page = visitor.get("/requests/verify/")
    verified = visitor.post_form("/requests/verify/", {"token": link.group(1)}, csrf=visitor.csrf_from(page))
    assert verified.status == 302 and "/requests/status/" in verified.headers["Location"], verified.text[:500]
    # Verified; with the production default (ANSWERING_AUTOSTART) the worker may already have
    # started matching it.
    assert requests_with(run, email)[0][0] in ("verified", "processing", "awaiting_staff_review")
    verified_at_set = f"SELECT email_verified_at IS NOT NULL FROM compliance_datasubjectrequest WHERE email = '{email}'"  # noqa: S608
    assert run.sql(verified_at_set) == "t"
    worker.stop()


@pytest.mark.faces
def test_redis_down_with_the_cache_in_redis_still_files_requests_and_logs_in(services_restored, faces_dir):
    """Rate limits in the Redis cache (several processes): with Redis dead the form used to answer
    503 and file nothing, and every log-in 503 (issue 12). Now the limits count in each process
    while Redis is away and log-in throttling lives in PostgreSQL: the request is filed, staff log
    in; once Redis is back the shared count is used again."""
    run = services_restored
    app = run.start_app()
    visitor = stack.HttpClient(app.url)
    email = "cache-outage@example.org"

    run.redis.stop(crash=True)
    for path in PAGES:
        assert visitor.get(path).status == 200, path
    answer = submit_request(visitor, faces_dir, email)
    assert answer.status == 302 and answer.headers["Location"].endswith("/requests/new/sent/"), answer.text[:500]
    assert answer.seconds < 10
    assert [status for status, _ in requests_with(run, email)] == ["awaiting_email_verification"]
    assert stack.HttpClient(app.url).login(*run.STAFF).status == 302
    assert "rate-limit cache unavailable" in stack.tail(run.folder / "gunicorn.log", 200_000)

    run.redis.start()
    stack.wait_for(lambda: healthz(app)[0] == 200, timeout=30, what="/healthz to recover")
    assert submit_request(visitor, faces_dir, "after-outage@example.org").status == 302
    assert stack.HttpClient(app.url).login(*run.STAFF).status == 302


@pytest.mark.faces
def test_a_hung_redis_fails_requests_in_seconds_not_minutes(services_restored, faces_dir):
    """Redis stopped with SIGSTOP: connections open but nothing ever answers (a hung server, or a
    link that drops packets). /healthz says 503 and the form files the request within seconds,
    instead of holding gunicorn's worker until it is killed (a 500 after 60 s)."""
    run = services_restored
    app = run.start_app(CACHE_URL="")
    visitor = stack.HttpClient(app.url, timeout=120)
    assert healthz(app)[0] == 200
    run.redis.process.send_signal(signal.SIGSTOP)
    try:
        started = time.monotonic()
        status, body = healthz(app)
        assert status == 503 and '"broker": {"ok": false' in body
        assert time.monotonic() - started < 15
        answer = submit_request(visitor, faces_dir, "hung@example.org")
        assert answer.status == 302, answer.text[:300]
        assert answer.seconds < 20
        assert visitor.get("/enforcement/register/").status == 200
    finally:
        run.redis.process.send_signal(signal.SIGCONT)
    stack.wait_for(lambda: healthz(app)[0] == 200, timeout=30, what="/healthz to recover")
    assert [status for status, _ in requests_with(run, "hung@example.org")] == ["awaiting_email_verification"]


# --- PostgreSQL ----------------------------------------------------------------------------------


def test_postgres_restart_mid_run_fails_cleanly_and_recovers(services_restored):
    """Requests keep arriving from two threads while PostgreSQL is stopped (immediate mode) and
    started again: every answer is a page, a redirect or a clear 503, never a 500 or a dropped
    connection; after the restart every gunicorn worker serves again."""
    run = services_restored
    app = run.start_app()
    staff = stack.HttpClient(app.url)
    staff.login(*run.STAFF)
    for path in (*PAGES, *STAFF_PAGES):
        assert staff.get(path).status == 200, path

    seen: dict[int, int] = {}
    stop = threading.Event()

    def browse():
        client = stack.HttpClient(app.url, timeout=30)
        while not stop.is_set():
            for path in ("/enforcement/register/", "/api/v1/cases/", "/healthz"):
                try:
                    status = client.get(path).status
                except OSError:
                    status = 0  # connection refused or reset: a crashed worker
                seen[status] = seen.get(status, 0) + 1

    threads = [threading.Thread(target=browse, daemon=True) for _ in range(2)]
    for thread in threads:
        thread.start()
    try:
        run.pg.stop(mode="immediate")
        down = time.monotonic()
        for path in ("/enforcement/register/", "/api/v1/cases/", *STAFF_PAGES):
            assert_clear_503(staff.get(path))
        assert_clear_503(stack.HttpClient(app.url).get("/enforcement/register/"))
        status, body = healthz(app)
        assert status == 503 and '"database": {"ok": false' in body
        assert time.monotonic() - down < 30  # no request hangs on the dead server
        run.pg.start()
        stack.wait_for(
            lambda: stack.HttpClient(app.url).get("/enforcement/register/").status == 200,
            timeout=30,
            what="the app to serve again",
        )
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)

    assert set(seen) <= {200, 503}, seen
    assert seen.get(503, 0) > 0 and seen.get(200, 0) > 0, seen
    # Every worker recovers: a burst of requests spread over both gunicorn workers all succeed.
    statuses = [staff.get(path).status for _ in range(5) for path in (*PAGES, *STAFF_PAGES)]
    assert set(statuses) == {200}
    assert "WORKER TIMEOUT" not in stack.tail(run.folder / "gunicorn.log", 5_000_000)  # no worker hung or died

"""Load on a production-like run: gunicorn, PostgreSQL, Redis and a Celery worker (issue 8).

    python -m benchmarks.load [--cases 2000] [--levels 1,4,16] [--seconds 8] [--database bench_load]
                              [--redis redis://127.0.0.1:6379/7] [--gunicorn-workers 4] [--fresh]

Steps:
1. A PostgreSQL database of its own (default `bench_load` on the server of DATABASE_URL, or
   postgres://postgres@127.0.0.1:5432) is created if missing and migrated; the Clearview record
   is imported and `generate_cases` tops it up to `--cases` synthetic cases; a staff account is
   made. Static files are collected once (hashed, compressed manifest, as in production) into
   var/bench_load/ and kept between runs; `--fresh` drops the database first.
2. The app runs under gunicorn with DEBUG off and production settings (whitenoise manifest,
   Redis cache and broker), plus one Celery worker that sends the requests' verification emails
   (console backend, into its log). Only 127.0.0.1 is used.
3. A closed-loop load generator (a thread per simulated user, urllib, a new connection per request
   as gunicorn's sync workers close them anyway) runs each scenario at each concurrency level for
   `--seconds` or `--max-requests`, whichever comes first, after a short warm-up:
   - register: the public register, pages 1-5, and a published case's page (anonymous);
   - case list: the staff case list, pages 1-5 and two filters (a logged-in staff session);
   - api: /api/v1/cases/ pages 1-5 and /api/v1/authorities/ (anonymous reads);
   - request form: GET the citizen form then POST it with a real selfie from FACES_DIR (face
     detection runs on every POST); the POST is what is timed. The form's rate limits (30 per
     address per hour, 3 per email per day) would refuse a load test from one address: every
     submission uses its own email and its own X-Forwarded-For address, with the app told it
     runs behind one proxy (DJANGO_TRUSTED_PROXIES=1), i.e. many citizens, not one abuser.
4. Printed per scenario and level: requests, errors (anything but the expected status, or a
   connection error), throughput (requests/s), p50/p95/p99 latency, and throughput relative to
   concurrency 1 of the same scenario, measured in the same run (how far the run scales on this
   machine). The load generator shares the machine's cores with the server, so the numbers are a
   floor. Exit status 1 when any request failed.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "bench_load"
STAFF = ("bench_staff", "load-bench-staff-password-1")
SELFIE = "people/obama/obama.jpg"


def database_url(name: str) -> str:
    base = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
    return urlunparse(urlparse(base)._replace(path=f"/{name}"))


def ensure_database(url: str, fresh: bool) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    with psycopg.connect(urlunparse(parsed._replace(path="/postgres")), autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


SETUP_SCRIPT = """
from core.services import roles_ensure_groups
from django.contrib.auth import get_user_model
from enforcement.models import Case
from enforcement.services.importer import DEFAULT_FILE, enforcement_import, load_rows
groups = roles_ensure_groups()
user, _ = get_user_model().objects.get_or_create(username={username!r})
user.set_password({password!r}); user.is_active = True; user.save()
user.groups.add(groups["DPA staff"])
if not Case.objects.filter(reference__startswith="fr-cnil").exists():
    enforcement_import(rows=load_rows(DEFAULT_FILE), source_name=DEFAULT_FILE.name)
print("CASES", Case.objects.count())
published = Case.objects.filter(published=True).order_by("reference").values_list("public_id", flat=True)
print("PUBLISHED", published.first())
"""


# --- measuring -----------------------------------------------------------------------------


@dataclass
class Result:
    scenario: str
    level: int
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def requests(self) -> int:
        return len(self.latencies) + self.errors

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


class Scenario:
    name = ""
    expected = 200

    def __init__(self, base_url: str, context: dict):
        self.base_url, self.context = base_url, context

    def client(self):
        from tests.faults.stack import HttpClient

        return HttpClient(self.base_url, timeout=120)

    def operation(self, client, rng: random.Random):
        """One timed operation: returns the Response that counts."""
        raise NotImplementedError


class Register(Scenario):
    name = "register"

    def operation(self, client, rng):
        if rng.random() < 0.2 and self.context.get("published"):
            return client.get(f"/enforcement/register/{self.context['published']}/")
        return client.get(f"/enforcement/register/?page={rng.randint(1, 5)}")


class StaffCaseList(Scenario):
    name = "case list (staff)"
    PATHS = (
        "/enforcement/cases/?page={n}",
        "/enforcement/cases/?country=FR&page=1",
        "/enforcement/cases/?ordering=-amount",
    )

    def client(self):
        client = super().client()
        client.headers["Cookie"] = f"sessionid={self.context['staff_session']}"
        return client

    def operation(self, client, rng):
        return client.get(rng.choice(self.PATHS).format(n=rng.randint(1, 5)))


class ApiReads(Scenario):
    name = "api reads"

    def operation(self, client, rng):
        if rng.random() < 0.2:
            return client.get("/api/v1/authorities/")
        return client.get(f"/api/v1/cases/?page={rng.randint(1, 5)}")


class RequestForm(Scenario):
    name = "request form POST"
    expected = 302

    def operation(self, client, rng):
        address = f"198.18.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
        headers = {"X-Forwarded-For": address}
        form = client.get("/requests/new/", headers=headers)
        if form.status != 200:
            return form
        return client.post_form(
            "/requests/new/",
            {
                "request_type": rng.choice(["access", "erasure", "both"]),
                "name": "Load Test",
                "email": f"load-{uuid.uuid4().hex[:12]}@example.org",
                "country": rng.choice(["NL", "FR", "IT", "DE"]),
                "selfie_consent": "on",
            },
            files={"selfie": ("selfie.jpg", self.context["selfie"], "image/jpeg")},
            csrf=client.csrf_from(form),
            headers=headers,
        )


def run_level(scenario: Scenario, level: int, *, seconds: float, max_requests: int, seed: int) -> Result:
    result = Result(scenario.name, level)
    lock = threading.Lock()
    budget = [max_requests]
    deadline = time.monotonic() + seconds

    def user(index: int) -> None:
        rng = random.Random(seed * 1000 + index)
        client = scenario.client()
        while time.monotonic() < deadline:
            with lock:
                if budget[0] <= 0:
                    return
                budget[0] -= 1
            try:
                response = scenario.operation(client, rng)
                ok, latency, detail = response.status == scenario.expected, response.seconds, str(response.status)
            except Exception as error:  # a connection error is a failed request, counted
                ok, latency, detail = False, 0.0, f"{type(error).__name__}: {error}"
            with lock:
                if ok:
                    result.latencies.append(latency)
                else:
                    result.errors += 1
                    if len(result.error_samples) < 5:
                        result.error_samples.append(detail)

    threads = [threading.Thread(target=user, args=(i,), daemon=True) for i in range(level)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.monotonic() - started
    return result


def print_table(results: list[Result]) -> None:
    header = (
        f"{'scenario':<20} {'conc':>4} {'requests':>8} {'errors':>6} {'req/s':>8} {'x c=1':>6} "
        f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
    )
    print(header)
    print("-" * len(header))
    base = {}
    for result in results:
        base.setdefault(result.scenario, result.throughput)
        ratio = result.throughput / base[result.scenario] if base[result.scenario] else float("nan")
        print(
            f"{result.scenario:<20} {result.level:>4} {result.requests:>8} {result.errors:>6} "
            f"{result.throughput:>8.1f} {ratio:>6.2f} {result.percentile(50) * 1000:>8.0f} "
            f"{result.percentile(95) * 1000:>8.0f} {result.percentile(99) * 1000:>8.0f}"
        )


# --- the run ---------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--levels", default="1,4,16")
    parser.add_argument("--seconds", type=float, default=8.0, help="per scenario and level")
    parser.add_argument("--max-requests", type=int, default=600, help="per scenario and level")
    parser.add_argument("--max-form-posts", type=int, default=80, help="per level (each runs face detection)")
    parser.add_argument("--database", default=DEFAULT_DB)
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7"))
    parser.add_argument("--gunicorn-workers", type=int, default=4)
    parser.add_argument("--only", default="", help="comma-separated scenario names (register,case,api,form)")
    parser.add_argument("--fresh", action="store_true")
    args = parser.parse_args(argv)
    levels = [int(level) for level in args.levels.split(",") if level.strip()]
    if not levels or min(levels) < 1 or max(levels) > 64:
        parser.error("--levels: concurrency between 1 and 64")

    sys.path.insert(0, str(ROOT))
    from tests.faults.stack import AppServer, CeleryWorker, HttpClient, app_environment, manage

    faces = Path(os.environ.get("FACES_DIR", ROOT.parent / "shared" / "faces"))
    if not (faces / SELFIE).exists():
        print(f"no selfie at {faces / SELFIE}: set FACES_DIR", file=sys.stderr)
        return 2
    data_dir = ROOT / "var" / "bench_load"
    data_dir.mkdir(parents=True, exist_ok=True)
    url = database_url(args.database)
    ensure_database(url, args.fresh)
    env = app_environment(
        database_url=url,
        broker_url=args.redis,
        cache_url=args.redis,
        data_dir=data_dir,
        DJANGO_TRUSTED_PROXIES="1",
        LOG_LEVEL="WARNING",
    )
    timings = {}
    started = time.monotonic()
    manage(env, "migrate", "--noinput")
    out = manage(env, "shell", "-c", SETUP_SCRIPT.format(username=STAFF[0], password=STAFF[1]))
    cases = int(out.split("CASES ")[1].split()[0])
    if cases < args.cases:
        manage(env, "generate_cases", str(args.cases - cases), "--seed", "81", "--prefix", "load", "--no-progress")
        out = manage(env, "shell", "-c", SETUP_SCRIPT.format(username=STAFF[0], password=STAFF[1]))
    published = out.split("PUBLISHED ")[1].split()[0]
    timings["database"] = time.monotonic() - started
    if not (data_dir / "staticfiles" / "staticfiles.json").exists():
        started = time.monotonic()
        print("collecting static files (once; kept in var/bench_load/) ...", flush=True)
        manage(env, "collectstatic", "--noinput", timeout=1800)
        timings["collectstatic"] = time.monotonic() - started

    logs = data_dir / "logs"
    logs.mkdir(exist_ok=True)
    app = AppServer(env, logs / "gunicorn.log", workers=args.gunicorn_workers)
    worker = CeleryWorker(env, logs / "worker.log", pool="prefork", concurrency=1)
    try:
        app.start()
        worker.start()
        staff = HttpClient(app.url)
        staff.login(*STAFF)
        session = next(cookie.value for cookie in staff.cookies if cookie.name == "sessionid")
        context = {"staff_session": session, "published": published, "selfie": (faces / SELFIE).read_bytes()}
        scenarios = [cls(app.url, context) for cls in (Register, StaffCaseList, ApiReads, RequestForm)]
        if args.only:
            wanted = [name.strip() for name in args.only.split(",")]
            scenarios = [s for s in scenarios if any(w in s.name for w in wanted)]
        print(
            f"\n{cases if cases >= args.cases else args.cases} cases; gunicorn {args.gunicorn_workers} sync workers, "
            f"DEBUG off; PostgreSQL {urlparse(url).path.lstrip('/')}; Redis {args.redis}; 1 Celery worker; "
            f"{os.cpu_count()} CPUs shared with the load generator\n",
            flush=True,
        )
        results = []
        for scenario in scenarios:
            form = isinstance(scenario, RequestForm)
            run_level(scenario, 2, seconds=3, max_requests=6 if form else 30, seed=0)  # warm-up
            for level in levels:
                result = run_level(
                    scenario,
                    level,
                    seconds=args.seconds * (2 if form else 1),
                    max_requests=args.max_form_posts if form else args.max_requests,
                    seed=level,
                )
                results.append(result)
                print(
                    f"  {scenario.name} x{level}: {result.requests} requests, {result.errors} errors"
                    + (f" ({'; '.join(result.error_samples)})" if result.errors else ""),
                    flush=True,
                )
        print()
        print_table(results)
        print(f"\nsetup: {', '.join(f'{k} {v:.0f}s' for k, v in timings.items())}; logs in {logs}")
        errors = sum(result.errors for result in results)
        print("no errors" if not errors else f"{errors} failed requests")
        return 1 if errors else 0
    finally:
        worker.stop()
        app.stop()


if __name__ == "__main__":
    sys.exit(main())

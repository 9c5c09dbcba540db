"""Processes for fault tests and the load benchmark: throwaway Redis and PostgreSQL servers, the
app under gunicorn, Celery workers, and a small cookie-keeping HTTP client.

Nothing here touches the machine's main PostgreSQL (5432) or Redis (6379) unless given their
URLs: fault tests stop and start servers of their own, on free ports, in temporary folders.
PostgreSQL refuses to run as root, so when the tests run as root its binaries run as `postgres`.
"""

from __future__ import annotations

import http.client
import http.cookiejar
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
SECRET_KEY = "test-only-secret-key-not-for-production-use-0123456789"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        if sock.connect_ex((host, port)) != 0:
            return False
        # A TCP "self-connect" (the kernel picked `port` itself as our local port) is not a server.
        return sock.getsockname() != sock.getpeername()


def wait_for(predicate, *, timeout: float, what: str, interval: float = 0.1, detail=lambda: ""):
    """Poll another process's state until `predicate()` is truthy; never a fixed sleep."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}\n{detail()}")


def tail(path: Path, size: int = 3000) -> str:
    try:
        return path.read_bytes()[-size:].decode(errors="replace")
    except FileNotFoundError:
        return ""


# --- Redis -----------------------------------------------------------------------------------


class RedisServer:
    """`redis-server` on a free port, without persistence: a restart loses every key, which is
    what a crashed Redis without AOF does to queued Celery messages."""

    def __init__(self, folder: Path, port: int | None = None):
        self.folder = folder
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None
        self.log_path = folder / f"redis-{self.port}.log"

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> RedisServer:
        self.log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [shutil.which("redis-server") or "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", str(self.folder)],
            stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        wait_for(lambda: self.ping(), timeout=20, what=f"redis on {self.port}", detail=lambda: tail(self.log_path))
        return self

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self, *, crash: bool = True) -> None:
        """SIGKILL by default (a crash: nothing saved, clients see a reset connection)."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL if crash else signal.SIGTERM)
            self.process.wait(timeout=20)
        if getattr(self, "log", None):
            self.log.close()
        wait_for(lambda: not port_open(self.port), timeout=10, what=f"redis port {self.port} to close")


# --- PostgreSQL ------------------------------------------------------------------------------


class PostgresCluster:
    """A throwaway PostgreSQL cluster (initdb) on a free port, owned by `postgres` when we are
    root. Durability settings are relaxed: it lives for one test session."""

    def __init__(self, folder: Path, port: int | None = None):
        self.folder = folder
        self.port = port or free_port()
        self.data = folder / "data"
        self.log_path = folder / "postgres.log"
        self.as_root = os.geteuid() == 0

    def _run(self, *args: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess:
        command = [str(PG_BIN / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True, timeout=timeout)

    def init(self) -> PostgresCluster:
        self.folder.mkdir(parents=True, exist_ok=True)
        if self.as_root:
            postgres = pwd.getpwnam("postgres")
            os.chown(self.folder, postgres.pw_uid, postgres.pw_gid)
            # The folder's parents must be searchable by postgres (tmp_path_factory uses 0700).
            for parent in self.folder.parents:
                if str(parent) in ("/", tempfile.gettempdir()):
                    break
                os.chmod(parent, os.stat(parent).st_mode | 0o711)  # noqa: S103 - postgres must traverse it
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        return self

    def start(self) -> PostgresCluster:
        # fsync off (the machine does not crash here), but commits stay synchronous: the tests stop
        # this server in immediate mode, a crash for PostgreSQL, and with synchronous_commit=off a
        # commit made just before (a log-in's session row) could be lost and the test flake.
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c full_page_writes=off -c max_connections=200"
        )
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.log_path), "-w", "-t", "60", "start")
        wait_for(self.ready, timeout=30, what=f"postgres on {self.port}", detail=lambda: tail(self.log_path))
        return self

    def ready(self) -> bool:
        result = self._run("pg_isready", "-h", "127.0.0.1", "-p", str(self.port), check=False, timeout=10)
        return result.returncode == 0

    def stop(self, mode: str = "immediate") -> None:
        """`immediate` is a crash (no clean shutdown: connections are cut, recovery on start)."""
        result = self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop", check=False)
        if result.returncode != 0 and "Is server running?" not in result.stderr:
            raise RuntimeError(f"pg_ctl stop failed: {result.stdout}{result.stderr}\n{tail(self.log_path)}")
        wait_for(
            lambda: not self.ready(),
            timeout=30,
            what=f"postgres on {self.port} to stop",
            detail=lambda: f"{result.stdout}{result.stderr}\n{tail(self.log_path)}",
        )

    def url(self, name: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def create_database(self, name: str) -> str:
        self.psql(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def psql(self, sql: str, database: str = "postgres") -> str:
        result = subprocess.run(
            ["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", database,
             "-v", "ON_ERROR_STOP=1", "-qAtc", sql],
            check=True, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        return result.stdout.strip()

    def destroy(self) -> None:
        if self.data.exists():
            self.stop(mode="immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


# --- Django processes ------------------------------------------------------------------------


def app_environment(*, database_url: str, broker_url: str, cache_url: str, data_dir: Path, **extra: str) -> dict:
    """Environment of a production-like process (DEBUG off) over plain http on the loopback."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CELERY_", "DATABASE_URL", "CACHE_URL", "MEDIA_ROOT", "DATA_DIR"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_SECRET_KEY": SECRET_KEY,
            "DJANGO_DEBUG": "0",
            "DJANGO_SSL_REDIRECT": "0",
            "DJANGO_SECURE_COOKIES": "0",
            "DJANGO_HSTS_SECONDS": "0",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": broker_url,
            "CACHE_URL": cache_url,
            "DATA_DIR": str(data_dir),
            "MEDIA_ROOT": str(data_dir / "media"),
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra)
    return env


def manage(env: dict, *args: str, timeout: float = 600, cwd: Path = ROOT) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}")
    return result.stdout


class ServerProcess:
    """A long-running subprocess with its output in a log file."""

    def __init__(self, command: list[str], env: dict, log_path: Path, *, cwd: Path = ROOT):
        self.command, self.env, self.log_path, self.cwd = command, env, log_path, cwd
        self.process: subprocess.Popen | None = None

    def start(self):
        self.log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            self.command, cwd=self.cwd, env=self.env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        return self

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL the whole process group (gunicorn's or celery's children too)."""
        if self.alive():
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.alive():
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        if getattr(self, "log", None) and not self.log.closed:
            self.log.close()


class AppServer(ServerProcess):
    """The WSGI app under gunicorn, like production (DEBUG off, whitenoise serving the
    collected static files)."""

    def __init__(self, env: dict, log_path: Path, *, workers: int = 2, threads: int = 1, port: int | None = None,
                 timeout: int = 60, cwd: Path = ROOT):  # fmt: skip
        self.port = port or free_port()
        command = [
            sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
            "--workers", str(workers), "--threads", str(threads), "--timeout", str(timeout), "--graceful-timeout", "5",
            "--access-logfile", "-", "--error-logfile", "-",
        ]  # fmt: skip
        super().__init__(command, env, log_path, cwd=cwd)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 90):
        super().start()
        wait_for(
            lambda: (not self.alive() and _raise(f"gunicorn exited:\n{tail(self.log_path)}")) or port_open(self.port),
            timeout=timeout,
            what="gunicorn to listen",
            detail=lambda: tail(self.log_path),
        )
        return self


def _raise(message: str):
    raise RuntimeError(message)


class CeleryWorker(ServerProcess):
    """`celery worker` (solo pool unless told otherwise) serving the app's default queue."""

    def __init__(self, env: dict, log_path: Path, *, queue: str = "celery", pool: str = "solo", concurrency: int = 1,
                 include: tuple[str, ...] = ()):  # fmt: skip
        name = f"{queue}-{uuid.uuid4().hex[:6]}@%h"
        command = [
            sys.executable, "-m", "celery", "-A", "config", "worker", f"--pool={pool}", f"--concurrency={concurrency}",
            "--without-heartbeat", "--without-gossip", "--without-mingle", "-Q", queue, "-n", name, "--loglevel=INFO",
        ]  # fmt: skip
        if include:
            command += ["--include", ",".join(include)]
        super().__init__(command, env, log_path)

    def start(self, timeout: float = 90):
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        super().start()
        wait_for(
            lambda: (
                (not self.alive() and _raise(f"worker exited:\n{tail(self.log_path)}"))
                or b"ready." in self.log_path.read_bytes()[offset:]
            ),
            timeout=timeout,
            what="the celery worker to be ready",
            detail=lambda: tail(self.log_path),
        )
        return self


# --- Celery worker logs ----------------------------------------------------------------------

_RECEIVED = re.compile(r"Task ([\w.]+)\[([0-9a-f-]{36})\] received")
_FINISHED = re.compile(r"Task ([\w.]+)\[([0-9a-f-]{36})\] (?:succeeded|failed|retry|raised)")


def tasks_received(log_path: Path, name: str | None = None) -> list[str]:
    text = tail(log_path, size=10_000_000)
    return [task_id for task, task_id in _RECEIVED.findall(text) if name is None or task == name]


def tasks_finished(log_path: Path, name: str | None = None) -> set[str]:
    text = tail(log_path, size=10_000_000)
    return {task_id for task, task_id in _FINISHED.findall(text) if name is None or task == name}


def tasks_in_flight(log_path: Path, name: str | None = None) -> set[str]:
    return set(tasks_received(log_path, name)) - tasks_finished(log_path, name)


# --- HTTP ------------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes
    url: str
    seconds: float = 0.0

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class HttpClient:
    """A browser-like client on urllib: cookies, CSRF token from forms, multipart uploads, no
    automatic redirects (the status a server sends is what a test wants to see)."""

    CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')

    def __init__(self, base_url: str, *, timeout: float = 60, headers: dict | None = None):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.cookies = http.cookiejar.CookieJar()
        self.headers = dict(headers or {})
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect)

    def request(self, method: str, path: str, *, data: bytes | None = None, headers: dict | None = None) -> Response:
        url = path if path.startswith("http://") else self.base_url + path
        if not url.startswith("http://127.0.0.1:"):
            raise ValueError(f"only the local app is requested, not {url}")
        request = urllib.request.Request(  # noqa: S310 - http on the loopback only (checked above)
            url, data=data, method=method, headers={**self.headers, **(headers or {})}
        )
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=self.timeout) as answer:
                body = answer.read()
                return Response(answer.status, dict(answer.headers), body, url, time.perf_counter() - started)
        except urllib.error.HTTPError as error:
            body = error.read()
            return Response(error.code, dict(error.headers or {}), body, url, time.perf_counter() - started)

    def get(self, path: str, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def csrf_from(self, response: Response) -> str:
        found = self.CSRF_INPUT.search(response.body)
        if not found:
            raise AssertionError(f"no CSRF token in {response.url} ({response.status})")
        return found.group(1).decode()

    def post_form(self, path: str, fields: dict, *, files: dict | None = None, csrf: str = "",
                  headers: dict | None = None) -> Response:  # fmt: skip
        fields = {**fields, **({"csrfmiddlewaretoken": csrf} if csrf else {})}
        referer = {"Referer": self.base_url + path}
        if files:
            body, content_type = multipart(fields, files)
        else:
            body = urllib.parse.urlencode(fields, doseq=True).encode()
            content_type = "application/x-www-form-urlencoded"
        return self.request(
            "POST", path, data=body, headers={"Content-Type": content_type, **referer, **(headers or {})}
        )

    def login(self, username: str, password: str) -> Response:
        form = self.get("/accounts/login/")
        answer = self.post_form(
            "/accounts/login/", {"username": username, "password": password}, csrf=self.csrf_from(form)
        )
        if answer.status != 302:
            raise AssertionError(f"login as {username} failed: {answer.status}")
        return answer


def multipart(fields: dict, files: dict[str, tuple[str, bytes, str]]) -> tuple[bytes, str]:
    """Encode a multipart/form-data body: fields {name: value}, files {name: (filename, bytes, type)}."""
    boundary = f"----dpa{uuid.uuid4().hex}"
    parts = []
    for name, value in fields.items():
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{item}\r\n'.encode())
    for name, (filename, content, content_type) in files.items():
        parts.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                f"Content-Type: {content_type}\r\n\r\n"
            ).encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def raw_status(url: str, timeout: float = 30) -> int:
    """One GET on a fresh connection; a connection error is reported as status 0."""
    parsed = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=timeout)
    try:
        connection.request("GET", parsed.path or "/")
        return connection.getresponse().status
    except OSError:
        return 0
    finally:
        connection.close()

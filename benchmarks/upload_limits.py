"""Memory, disk and time of the worst upload requests, before and after the limits (issue 12).

    python -m benchmarks.upload_limits [--baseline 95b2666] [--no-baseline] [--scale 1.0]

Production-like: a throwaway PostgreSQL cluster and Redis (tests/faults/stack.py), the app under
gunicorn with one sync worker, DEBUG off. The same requests are sent to this tree ("after") and,
in the same run, to the tree of `--baseline` (exported with `git archive`; by default the last
commit before the limits, "before"), each with a database of its own:

- anonymous: 90 files of 14 MB to the staff face search, with only a csrftoken cookie;
- staff: 100 files of (just under) 15 MB to the face search, logged in, with the CSRF token;
- anonymous: one 1 GB file to the citizen's request form, with the CSRF token;
- the most the limits let through: four photos of just under 15 MB to the request form (three
  selfies and an identity document), and one 61 MB file (under the 62 MB request cap, over the
  15 MB photo limit: read and dropped).

Bodies are streamed from zeros, never held by the client. For each request: the answer (status,
or how the server cut the connection), seconds, the worker's resident memory before, at its peak
(sampled every 20 ms) and 3 s after, and the peak of the temporary files the worker wrote.
`--scale` shrinks every file (0.1: a tenth) for a quick look. Target: with the limits no request
adds more than 180 MB (three times the 4 x 15 MB of files they let through) to the worker or writes
a temporary file (PASS/FAIL).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "95b2666"  # the last commit before core/uploads.py
MB = 1_048_576
# The limits let through at most 4 files (DATA_UPLOAD_MAX_NUMBER_FILES) of 15 MB (UPLOAD_MAX_BYTES),
# held in memory; checking a photo reads a copy of it. Target: a worker grows by at most three
# times what the limits let through, and no request writes a temporary file.
TARGET_GROWTH_MB = 3 * 4 * 15
STAFF = ("bench_staff", "upload-bench-staff-password-1")
SETUP = f"""
from core.services import roles_ensure_groups
from django.contrib.auth import get_user_model
groups = roles_ensure_groups()
user = get_user_model().objects.create_user({STAFF[0]!r}, password={STAFF[1]!r})
user.groups.add(groups["DPA staff"])
"""


@dataclass
class Measured:
    tree: str
    scenario: str
    answer: str
    seconds: float
    rss_before: float
    rss_peak: float
    rss_after: float
    temp_peak: float


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except FileNotFoundError:
        pass
    return 0.0


def folder_mb(folder: Path) -> float:
    total = 0
    for path in folder.rglob("*"):
        with contextlib.suppress(FileNotFoundError):  # a temp file removed while we look
            total += path.stat().st_size if path.is_file() else 0
    return total / MB


def worker_pid(master: int) -> int:
    from tests.faults import stack

    children = stack.wait_for(
        lambda: Path(f"/proc/{master}/task/{master}/children").read_text().split(),
        timeout=30,
        what="the gunicorn worker",
    )
    return int(children[0])


class Sampler(threading.Thread):
    def __init__(self, pid: int, temp: Path):
        super().__init__(daemon=True)
        self.pid, self.temp, self.rss, self.disk = pid, temp, 0.0, 0.0
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            self.rss = max(self.rss, rss_mb(self.pid))
            self.disk = max(self.disk, folder_mb(self.temp))
            time.sleep(0.02)


def stream_post(port: int, path: str, *, fields: dict, files: list[tuple[str, int]], headers: dict) -> str:
    """POST a multipart body of `fields` and zero-filled files [(field, size)], streamed."""
    boundary = f"----bench{uuid.uuid4().hex}"
    head = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    )
    part_heads = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="p{number}.jpg"\r\n'
        f"Content-Type: image/jpeg\r\n\r\n".encode()
        for number, (field, _size) in enumerate(files)
    ]
    tail = f"--{boundary}--\r\n".encode()
    total = len(head) + sum(len(h) + size + 2 for h, (_f, size) in zip(part_heads, files, strict=True)) + len(tail)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=900)
    connection.putrequest("POST", path)
    for key, value in {**headers, "Content-Type": f"multipart/form-data; boundary={boundary}"}.items():
        connection.putheader(key, value)
    connection.putheader("Content-Length", str(total))
    connection.endheaders()
    chunk, sent, cut = b"\0" * MB, 0, ""
    try:
        connection.send(head)
        for part_head, (_field, size) in zip(part_heads, files, strict=True):
            connection.send(part_head)
            for offset in range(0, size, MB):
                connection.send(chunk[: min(MB, size - offset)])
                sent += min(MB, size - offset)
            connection.send(b"\r\n")
        connection.send(tail)
    except OSError as error:
        cut = f" (server closed after {sent / MB:.0f} MB of {total / MB:.0f} MB: {type(error).__name__})"
    try:
        response = connection.getresponse()
        response.read()
        return f"{response.status}{cut}"
    except OSError as error:
        return f"no answer{cut or ' (' + type(error).__name__ + ')'}"
    finally:
        connection.close()


def run_tree(stack, pg, redis, folder: Path, tree: str, source: Path, scale: float) -> list[Measured]:
    database = pg.create_database(f"app_{tree}")
    temp = folder / f"tmp-{tree}"
    temp.mkdir()
    env = stack.app_environment(
        database_url=database,
        broker_url=redis.url(0),
        cache_url=redis.url(1),
        data_dir=folder / f"data-{tree}",
        DJANGO_SETTINGS_MODULE="tests.faults.app_settings",
        LOG_LEVEL="WARNING",
        TMPDIR=str(temp),
    )
    stack.manage(env, "migrate", "--noinput", cwd=source)
    stack.manage(env, "shell", "-c", SETUP, cwd=source)
    app = stack.AppServer(env, folder / f"gunicorn-{tree}.log", workers=1, timeout=900, cwd=source).start()
    try:
        staff = stack.HttpClient(app.url)
        staff.login(*STAFF)
        staff_csrf = staff.csrf_from(staff.get("/biometrics/search/"))
        staff_cookies = "; ".join(f"{c.name}={c.value}" for c in staff.cookies)
        visitor = stack.HttpClient(app.url)
        visitor_csrf = visitor.csrf_from(visitor.get("/requests/new/"))
        visitor_cookies = "; ".join(f"{c.name}={c.value}" for c in visitor.cookies)
        size = lambda mb: max(1, int(mb * MB * scale))  # noqa: E731
        scenarios = [
            (
                "anonymous 90 x 14 MB to /biometrics/search/",
                "/biometrics/search/",
                {"csrfmiddlewaretoken": visitor_csrf, "tolerance": "0.6"},
                [("photo", size(14))] * 90,
                visitor_cookies,
            ),
            (
                "staff 100 x 15 MB to /biometrics/search/",
                "/biometrics/search/",
                {"csrfmiddlewaretoken": staff_csrf, "tolerance": "0.6"},
                [("photo", size(15) - 4096)] * 100,
                staff_cookies,
            ),
            (
                "anonymous 1 GB file to /requests/new/",
                "/requests/new/",
                {"csrfmiddlewaretoken": visitor_csrf, "name": "Ann", "email": "ann@example.org", "country": "NL"},
                [("selfie", size(1024))],
                visitor_cookies,
            ),
            (
                "anonymous 4 x 15 MB photos to /requests/new/",  # the most the limits let through
                "/requests/new/",
                {"csrfmiddlewaretoken": visitor_csrf, "name": "Ann", "email": "ann@example.org", "country": "NL"},
                [(field, size(15) - 4096) for field in ("selfie", "selfie_2", "selfie_3", "id_document")],
                visitor_cookies,
            ),
            (
                "anonymous 61 MB file to /requests/new/",  # under the request cap, over the photo limit
                "/requests/new/",
                {"csrfmiddlewaretoken": visitor_csrf, "name": "Ann", "email": "ann@example.org", "country": "NL"},
                [("selfie", size(61))],
                visitor_cookies,
            ),
        ]
        results = []
        for label, path, fields, files, cookies in scenarios:
            pid = worker_pid(app.process.pid)
            before = rss_mb(pid)
            sampler = Sampler(pid, temp)
            sampler.start()
            started = time.perf_counter()
            answer = stream_post(
                app.port, path, fields=fields, files=files, headers={"Cookie": cookies, "Referer": app.url + path}
            )
            seconds = time.perf_counter() - started
            time.sleep(3)
            sampler.stop.set()
            sampler.join()
            measured = Measured(tree, label, answer, seconds, before, sampler.rss, rss_mb(pid), sampler.disk)
            results.append(measured)
            print(f"  {tree:<6} {label}: {answer}, {seconds:.1f} s, peak {sampler.rss:.0f} MB", flush=True)
        return results
    finally:
        app.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default=BASELINE, help="git revision measured as 'before'")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    from tests.faults import stack

    folder = Path(tempfile.mkdtemp(prefix="bench-uploads-"))
    pg, redis = stack.PostgresCluster(folder / "pg"), stack.RedisServer(folder)
    trees = [("after", ROOT)]
    results: list[Measured] = []
    try:
        if not args.no_baseline:
            before = folder / "before"
            before.mkdir()
            archive = subprocess.run(["git", "archive", args.baseline], cwd=ROOT, capture_output=True, check=True)
            subprocess.run(["tar", "-x", "-C", str(before)], input=archive.stdout, check=True)
            trees.insert(0, ("before", before))
        pg.init().start()
        redis.start()
        print(f"\ngunicorn 1 sync worker, DEBUG off, throwaway PostgreSQL and Redis; file sizes x{args.scale}\n")
        for tree, source in trees:
            results += run_tree(stack, pg, redis, folder, tree, source, args.scale)
    finally:
        redis.stop(crash=False)
        pg.destroy()
        shutil.rmtree(folder, ignore_errors=True)

    header = (
        f"{'tree':<6} {'request':<46} {'answer':<12} {'s':>6} {'RSS before':>10} {'peak':>7} "
        f"{'after 3 s':>9} {'temp files':>10}"
    )
    print("\n" + header + "\n" + "-" * len(header))
    for r in results:
        print(
            f"{r.tree:<6} {r.scenario:<46} {r.answer.split(' ')[0]:<12} {r.seconds:>6.1f} {r.rss_before:>8.0f}MB "
            f"{r.rss_peak:>5.0f}MB {r.rss_after:>7.0f}MB {r.temp_peak:>8.0f}MB"
        )
    for r in results:
        if "(" in r.answer:
            print(f"  {r.tree} {r.scenario}: {r.answer}")
    after = [r for r in results if r.tree == "after"]
    before = {r.scenario: r for r in results if r.tree == "before"}
    for r in after:
        if r.scenario in before:
            b = before[r.scenario]
            growth_before, growth_after = b.rss_peak - b.rss_before, r.rss_peak - r.rss_before
            print(
                f"  {r.scenario}: peak growth {growth_before:.0f} MB -> {growth_after:.0f} MB, "
                f"temp files {b.temp_peak:.0f} MB -> {r.temp_peak:.0f} MB, time {b.seconds:.1f} s -> {r.seconds:.1f} s"
            )
    ok = all(r.rss_peak - r.rss_before <= TARGET_GROWTH_MB and r.temp_peak == 0 for r in after)
    print(
        f"\n{'PASS' if ok else 'FAIL'}: with the limits no request adds more than {TARGET_GROWTH_MB} MB to the "
        "worker or writes a temporary file"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

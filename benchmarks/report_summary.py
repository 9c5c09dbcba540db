"""Enforcement summary PDF over 1,000 cases: time, pages and where the time goes (issue 7).

    python -m benchmarks.report_summary [--cases 1000] [--database bench_reports] [--fresh] [--keep PATH]

Steps:
1. A PostgreSQL database of its own (default `bench_reports` on the server of DATABASE_URL, or
   postgres://postgres@127.0.0.1:5432) is created if missing and migrated, and filled with
   `--cases` synthetic cases by enforcement's `generate_cases` (kept between runs; `--fresh`
   drops it first). Nothing else is in it, so "all cases" is exactly that many.
2. The summary of all cases is made through the real pipeline (`report_request` then
   `report_generate`, in this process: no broker), timed end to end, then its stages are timed
   separately: the aggregate queries and decisions table (`enforcement_summary_data`), the
   template (HTML), and weasyprint's layout and PDF writing. Pages, size and the SQL query count
   are printed.
3. Baselines measured in the same run:
   - a summary of the country whose case count is nearest a tenth of the set (how the time
     grows with the number of cases: seconds per case and per page for both);
   - the decisions table loaded naively (no select_related/prefetch: one query per decision for
     its fines, one per case for its authority and respondent) against the selector's
     constant number of queries.
"""

import argparse
import os
import sys
import time

DEFAULT_DB = "bench_reports"


def database_url(name: str) -> str:
    from urllib.parse import urlparse, urlunparse

    base = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
    return urlunparse(urlparse(base)._replace(path=f"/{name}"))


def ensure_database(url: str, fresh: bool) -> None:
    from urllib.parse import urlparse, urlunparse

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


def setup_django(url: str, media: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.pop("CELERY_BROKER_URL", None)  # reports are generated in this process
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ["MEDIA_ROOT"] = media
    import django

    django.setup()


def prepare_data(cases: int) -> int:
    from django.core.management import call_command

    from enforcement.models import Case

    call_command("migrate", verbosity=0, skip_checks=True)
    existing = Case.objects.count()
    if existing < cases:
        missing = cases - existing
        print(f"generating {missing} cases (have {existing}) ...", flush=True)
        started = time.perf_counter()
        call_command("generate_cases", str(missing), "--prefix", "rbench", "--seed", str(1 + existing))
        print(f"generated in {time.perf_counter() - started:.1f} s", flush=True)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return Case.objects.count()


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started


def summary_through_pipeline(user, query: str):
    """One summary, end to end, as a worker makes it; returns (report, seconds, SQL queries)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports.models import GeneratedReport, ReportKind, ReportStatus
    from reports.services import report_generate

    report = GeneratedReport.objects.create(
        kind=ReportKind.ENFORCEMENT_SUMMARY,
        parameters={"query": query},
        requested_by=user,
        requested_by_label=user.get_username(),
    )
    with CaptureQueriesContext(connection) as captured:
        report, seconds = timed(report_generate, report_id=report.pk)
    if report.status != ReportStatus.DONE:
        raise SystemExit(f"the summary failed: {report.last_error}")
    return report, seconds, len(captured)


def stages(user, query: str, workdir: str) -> dict:
    """The same summary split into its stages (data, HTML, layout + PDF)."""
    from django.http import QueryDict
    from django.template.loader import render_to_string
    from django.utils import timezone

    from core.pdf import PRINT_STYLESHEET, html_to_pdf, pdf_static_url
    from enforcement.reports import enforcement_summary_data, summary_build

    data, data_seconds = timed(enforcement_summary_data, user=user, filters=QueryDict(query))
    content, build_seconds = timed(summary_build, report=None, parameters={"query": query}, user=user)
    context = {
        **content.context,
        "pdf_stylesheet": pdf_static_url(PRINT_STYLESHEET),
        "report_meta": {
            "id": "benchmark",
            "kind": "Enforcement summary",
            "title": content.title,
            "generated_at": timezone.now(),
            "generated_by": user.get_username(),
            "filter_text": content.filter_text,
            "filter_short": content.filter_text,
        },
    }
    html, html_seconds = timed(render_to_string, content.template, context)
    rendered, pdf_seconds = timed(html_to_pdf, html=html, target=os.path.join(workdir, "stages.pdf"))
    return {
        "data": data_seconds,
        "build": build_seconds,
        "html": html_seconds,
        "pdf": pdf_seconds,
        "html_kb": len(html) // 1024,
        "pages": rendered.page_count,
        "decisions": data["decision_count"],
    }


def naive_decisions(limit: int | None = None) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from enforcement.models import Decision

    def walk():
        rows = []
        for decision in Decision.objects.order_by("decision_date", "id")[:limit]:
            fines = [(fine.amount, fine.currency, fine.payment_status) for fine in decision.fines.all()]
            rows.append((decision.case.reference, decision.case.authority.name, decision.case.respondent.name, fines))
        return rows

    with CaptureQueriesContext(connection) as captured:
        _, seconds = timed(walk)
    return seconds, len(captured)


def selector_decisions() -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from enforcement.models import Decision

    def walk():
        rows = []
        decisions = Decision.objects.select_related("case__authority", "case__respondent").prefetch_related("fines")
        for decision in decisions.order_by("decision_date", "id"):
            fines = [(fine.amount, fine.currency, fine.payment_status) for fine in decision.fines.all()]
            rows.append((decision.case.reference, decision.case.authority.name, decision.case.respondent.name, fines))
        return rows

    with CaptureQueriesContext(connection) as captured:
        _, seconds = timed(walk)
    return seconds, len(captured)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--database", default=DEFAULT_DB, help="PostgreSQL database name (created if missing)")
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database first")
    parser.add_argument("--keep", default="", help="copy the 1,000-case PDF here")
    args = parser.parse_args(argv)

    import shutil
    import tempfile

    url = database_url(args.database)
    try:
        ensure_database(url, args.fresh)
    except Exception as exc:  # report any connection problem plainly
        print(f"PostgreSQL not reachable for {url}: {exc}")
        return 1
    workdir = tempfile.mkdtemp(prefix="bench-reports-")
    setup_django(url, os.path.join(workdir, "media"))
    total = prepare_data(args.cases)

    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from core.services import roles_ensure_groups
    from enforcement.models import Case

    groups = roles_ensure_groups()
    auditor, _ = get_user_model().objects.get_or_create(username="bench_auditor")
    auditor.groups.add(groups["Auditor"])
    print(f"database {args.database}: {total} cases")

    # Warm-up (fonts, templates, imports) so the first measurement is not paying for them.
    summary_through_pipeline(auditor, "q=zzzz-no-such-case")

    report, seconds, queries = summary_through_pipeline(auditor, "")
    split = stages(auditor, "", workdir)
    print(f"\nsummary of all {total} cases (pipeline, end to end)")
    print(f"  time        {seconds:8.2f} s")
    print(f"  pages       {report.page_count:8d}   ({seconds / report.page_count * 1000:.0f} ms per page)")
    print(f"  decisions   {split['decisions']:8d}   (table rows)")
    print(f"  size        {report.size_bytes / 1024:8.0f} KiB   HTML {split['html_kb']} KiB")
    print(f"  SQL queries {queries:8d}")
    print(
        "  stages: data {data:.2f} s, build (data + charts) {build:.2f} s, HTML {html:.2f} s, "
        "layout + PDF {pdf:.2f} s".format(**split)
    )

    by_country = Case.objects.values("authority__country").annotate(n=Count("pk")).order_by("authority__country")
    country, count = min(
        ((row["authority__country"], row["n"]) for row in by_country), key=lambda item: abs(item[1] - total / 10)
    )
    small, small_seconds, small_queries = summary_through_pipeline(auditor, f"country={country}")
    print(f"\nbaseline: summary of country={country} ({count} cases), same run")
    print(f"  time        {small_seconds:8.2f} s, {small.page_count} pages, {small_queries} SQL queries")
    print(f"  per case    {small_seconds / count * 1000:8.1f} ms  vs {seconds / total * 1000:.1f} ms for {total} cases")
    print(
        f"  ratio       {seconds / small_seconds:8.1f}x the time for {total / count:.1f}x the cases "
        f"({report.page_count / small.page_count:.1f}x the pages)"
    )

    naive_seconds, naive_queries = naive_decisions()
    ours_seconds, ours_queries = selector_decisions()
    print("\nbaseline: decisions table loaded naively vs with select_related/prefetch (same run)")
    print(f"  naive       {naive_seconds:8.3f} s, {naive_queries} queries")
    print(
        f"  ours        {ours_seconds:8.3f} s, {ours_queries} queries   "
        f"({naive_seconds / ours_seconds:.1f}x faster, {naive_queries / max(ours_queries, 1):.0f}x fewer queries)"
    )

    if args.keep:
        shutil.copy(report.file.path, args.keep)
        print(f"\nkept the {total}-case PDF at {args.keep}")
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

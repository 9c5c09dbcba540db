"""manage.py ingest_photos PATH [--source-url-prefix URL] [--workers N] [--mode auto|local|celery]"""

import os
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from biometrics.ingest import ERROR, REJECTED, list_source, run_ingest
from biometrics.services import IngestStatus


class Command(BaseCommand):
    help = (
        "Ingest scraped photos from a folder (recursively) or a CSV manifest (path, source_url, page_url, "
        "collected_at). Skips photos already stored (same SHA-256), reports every rejected file at the "
        "end, and can be interrupted (Ctrl-C) and run again without duplicates."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="A folder, a CSV manifest or a single image file.")
        parser.add_argument(
            "--source-url-prefix",
            default="",
            help="Source URL of each file = this prefix + its path relative to PATH (when the manifest has none).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() or 2,
            help="Local processes for detection (default: CPU count); with Celery, tasks kept in flight per worker.",
        )
        parser.add_argument(
            "--mode",
            choices=["auto", "local", "celery"],
            default="auto",
            help="auto (default): Celery workers when a broker is configured, else local processes.",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, path, source_url_prefix, workers, mode, no_progress, **options):
        if workers < 1 or workers > 256:
            raise CommandError("--workers must be between 1 and 256.")
        if source_url_prefix and not source_url_prefix.startswith(("http://", "https://")):
            raise CommandError("--source-url-prefix must start with http:// or https://.")
        if mode == "celery" and settings.CELERY_TASK_ALWAYS_EAGER:
            raise CommandError("--mode celery needs CELERY_BROKER_URL (a broker and running workers).")
        try:
            listing = list_source(path, source_url_prefix=source_url_prefix)
        except (FileNotFoundError, PermissionError, UnicodeDecodeError) as exc:
            raise CommandError(str(exc)) from exc

        total = len(listing.items) + len(listing.problems)
        bar = tqdm(
            total=total,
            unit="photo",
            desc="Ingesting",
            file=sys.stderr,
            disable=no_progress or None,  # None: off when stderr is not a terminal
            smoothing=0.05,
            dynamic_ncols=True,
        )

        def on_result(result):
            bar.update(1)

        report = run_ingest(
            listing,
            workers=workers,
            mode=mode,
            on_result=on_result,
        )
        bar.close()
        self._summary(report)
        if report.interrupted:
            raise CommandError("Interrupted: run the same command again to continue (stored photos are skipped).")

    def _summary(self, report) -> None:
        write, style = self.stdout.write, self.style
        rate = report.done / report.seconds if report.seconds else 0.0
        write(style.MIGRATE_HEADING(f"Ingestion summary ({report.mode}, {report.seconds:.1f} s, {rate:.2f} photos/s)"))
        write(f"  files listed           {report.total}")
        write(f"  photos stored          {report.counts[IngestStatus.CREATED]} ({report.faces} faces)")
        write(f"  already stored         {report.counts[IngestStatus.DUPLICATE]}")
        write(f"  no face found          {report.counts[IngestStatus.FACELESS]}")
        write(f"  suppressed             {report.counts[IngestStatus.SUPPRESSED]}")
        write(f"  erased earlier         {report.counts[IngestStatus.ERASED]}")
        write(f"  rejected               {report.counts[REJECTED]}")
        write(f"  failed                 {report.counts[ERROR]}")
        if report.ignored:
            write(f"  ignored (not image file names) {report.ignored}")
        if report.temp_files_removed:
            write(f"  temp files of interrupted runs removed {report.temp_files_removed}")
        if report.total - report.done > 0:
            write(style.WARNING(f"  not processed (interrupted) {report.total - report.done}"))
        if report.problems:
            write(style.MIGRATE_HEADING("Files not stored, and why"))
            for problem in report.problems:
                label = problem.code or problem.status
                write(f"  {problem.path}: {label}: {problem.message}")

"""python manage.py rescan_photos [--workers N] [--no-progress]"""

import os
import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from biometrics import selectors
from biometrics.rescan import run_rescan


class Command(BaseCommand):
    help = (
        "Run the current face detector on the stored photos it has not scanned (photos stored before issue 14 "
        "skipped faces under about 90 px) and add the faces found anew."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() or 2,
            help="Local processes for detection (default: CPU count).",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, workers, no_progress, **options):
        if workers < 1 or workers > 256:
            raise CommandError("--workers must be between 1 and 256.")
        bar = tqdm(
            total=selectors.photos_to_rescan().count(),
            unit="photo",
            desc="Rescanning",
            file=sys.stderr,
            disable=no_progress or None,  # None: off when stderr is not a terminal
            dynamic_ncols=True,
        )
        report = run_rescan(workers=workers, on_photo=lambda: bar.update(1))
        bar.close()
        write, style = self.stdout.write, self.style
        write(style.MIGRATE_HEADING(f"Rescan summary ({report.seconds:.1f} s)"))
        write(f"  photos to rescan      {report.total}")
        write(style.SUCCESS(f"  rescanned             {report.completed}"))
        write(style.SUCCESS(f"  faces added           {report.faces_added}"))
        if report.current:
            write(f"  already current       {report.current} (another run, or deleted meanwhile)")
        if report.suppressed:
            write(
                style.WARNING(
                    f"  not completed         {len(report.suppressed)}: a face found anew belongs to a suppression "
                    "entry; ingestion would not have stored these photos: delete them in the admin (each removal "
                    "is recorded)"
                )
            )
            for public_id in report.suppressed:
                write(f"    photo {public_id}")
        if report.unreadable:
            write(style.WARNING(f"  unreadable            {len(report.unreadable)}"))
            for public_id, reason in report.unreadable:
                write(f"    photo {public_id}: {reason}")
        if report.interrupted:
            raise CommandError("Interrupted: run the same command again to continue (rescanned photos are skipped).")

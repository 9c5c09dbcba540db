"""Apply the retention periods now (beat runs the same service every night)."""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from compliance.retention import retention_pending, retention_sweep


class Command(BaseCommand):
    help = (
        "Delete or pseudonymise request records past their retention period "
        "(RETENTION_MATCH_DAYS, RETENTION_REQUEST_DAYS, RETENTION_SENT_EMAIL_DAYS)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help="No progress bar (for logs).")

    def handle(self, *args, **options):
        total = retention_pending()
        with tqdm(total=total, unit="request", disable=options["no_progress"], file=self.stderr) as bar:
            report = retention_sweep(progress=bar.update)
        counts = report.as_dict() | report.details
        self.stdout.write(", ".join(f"{key.replace('_', ' ')}: {value}" for key, value in counts.items()))

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from enforcement.services.import_parse import ImportValidationError
from enforcement.services.importer import enforcement_import, load_rows


class Command(BaseCommand):
    help = (
        "Import enforcement decisions from a JSON file (e.g. ../shared/data/clearview_enforcement.json). "
        "Every row and field is validated first; on any error nothing is imported and each problem is "
        "printed as 'row <id>, field <name>: <reason>'. Running it again with the same file changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="JSON file: a list of decision rows")

    def handle(self, *args, file: Path, **options):
        try:
            rows = load_rows(file)
            report = enforcement_import(rows=rows, source_name=file.name)
        except ImportValidationError as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(exc.errors)} problem(s) found in {file}; nothing was imported.") from exc
        for line in report.lines():
            self.stdout.write(line)
        if report.changed:
            self.stdout.write(self.style.SUCCESS(f"Imported {file.name}."))
        else:
            self.stdout.write(self.style.SUCCESS(f"{file.name}: already up to date, nothing changed."))

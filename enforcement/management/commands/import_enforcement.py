from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from enforcement.services.import_parse import ImportValidationError
from enforcement.services.importer import enforcement_import, load_rows
from enforcement.services.tabular_import import TabularFileError, tabular_dataset_load, tabular_import
from enforcement.services.tabular_parse import MAPPINGS, mapping_load


class Command(BaseCommand):
    help = (
        "Import enforcement decisions. Without --mapping: the tracker's own JSON record (e.g. "
        "../shared/data/clearview_enforcement.json). With --mapping: a CSV, TSV, XLSX or JSON export of "
        f"another tracker or a spreadsheet, read through a column mapping (ready: {', '.join(MAPPINGS)}; or a "
        "mapping file). Every row and field is validated first; on any error nothing is imported and each "
        "problem is printed as 'row <id>, field <name>: <reason>'. With --report FILE the valid rows are "
        "imported and every rejected row is written to FILE (.csv, .tsv, .xlsx or .json) with its reason. "
        "Running it again with the same file changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the file to import")
        parser.add_argument("--mapping", help=f"ready mapping ({', '.join(MAPPINGS)}) or a mapping JSON file")
        parser.add_argument("--report", type=Path, help="import the valid rows; write the rejected ones here")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, file: Path, mapping: str | None, report: Path | None, no_progress: bool, **options):
        if mapping is None:
            if report is not None:
                raise CommandError("--report needs --mapping (the JSON record is imported all or nothing).")
            return self.import_record(file)
        return self.import_tabular(file, mapping, report, progress=not no_progress)

    def import_record(self, file: Path) -> None:
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

    def import_tabular(self, file: Path, mapping_name: str, report_path: Path | None, *, progress: bool) -> None:
        if report_path is not None and report_path.suffix.lower() not in (".csv", ".tsv", ".xlsx", ".json"):
            raise CommandError("--report: name a .csv, .tsv, .xlsx or .json file")
        try:
            mapping = mapping_load(mapping_name)
            dataset = tabular_dataset_load(content=file.read_bytes(), file_name=file.name)
        except (OSError, ValueError, TabularFileError) as exc:
            raise CommandError(str(exc)) from exc
        bar = tqdm(total=len(dataset), unit="row", desc=file.name, disable=not progress, file=self.stderr)
        try:
            result = tabular_import(
                dataset=dataset,
                mapping=mapping,
                source_name=file.name,
                keep_valid=report_path is not None,
                progress=bar.update,
            )
        except ImportValidationError as exc:
            bar.close()
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{len(exc.errors)} problem(s) found in {file}; nothing was imported "
                "(--report FILE imports the valid rows and lists the others)."
            ) from exc
        bar.close()
        for line in result.lines():
            self.stdout.write(line)
        if report_path is not None:
            rejected = result.rejected_dataset()
            fmt = report_path.suffix.lower().lstrip(".")
            data = rejected.export(fmt)
            report_path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
            self.stdout.write(f"{len(result.rejected)} rejected row(s) with their reasons written to {report_path}")
        self.stdout.write(self.style.SUCCESS(f"Imported {file.name} through the {mapping.name} mapping."))

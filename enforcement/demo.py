"""Demo data for `make run` (called by `manage.py demo_setup`): the Clearview enforcement record
shipped in enforcement/data/ plus the ECB reference rates. Idempotent."""

from enforcement.services.importer import DEFAULT_FILE, enforcement_import, load_rows


def load(stdout) -> None:
    report = enforcement_import(rows=load_rows(DEFAULT_FILE), source_name=DEFAULT_FILE.name)
    state = "loaded" if report.changed else "already loaded"
    stdout.write(f"Enforcement demo data ({DEFAULT_FILE.name}, {report.rows} decisions): {state}.")

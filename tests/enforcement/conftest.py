"""Fixtures for the enforcement tests: the real Clearview record and small factories."""

import io
import json
from pathlib import Path

import pytest

from enforcement.services.importer import DEFAULT_FILE, enforcement_import, load_rows

SHARED_FILE = Path(__file__).resolve().parents[3] / "shared" / "data" / "clearview_enforcement.json"


@pytest.fixture
def clearview_rows() -> list[dict]:
    """The rows of the shipped copy (enforcement/data), which must equal the shared source file."""
    return load_rows(DEFAULT_FILE)


@pytest.fixture
def clearview(db, clearview_rows):
    """The real record imported; returns the import report."""
    return enforcement_import(rows=clearview_rows, source_name=DEFAULT_FILE.name)


@pytest.fixture
def write_json(tmp_path):
    def write(rows, name="rows.json") -> Path:
        path = tmp_path / name
        path.write_text(json.dumps(rows), encoding="utf-8")
        return path

    return write


@pytest.fixture
def stdout():
    return io.StringIO()

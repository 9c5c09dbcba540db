"""Fixtures for the report tests: PDF text extraction, page images, and the cast of records."""

import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import tasks_in_process_unless_worker

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "reports"


@pytest.fixture(autouse=True)
def eager_celery(request):
    """Background reports run in-process here, unless the test starts a real worker."""
    yield from tasks_in_process_unless_worker(request)


def pdf_text(path) -> str:
    """All text of a PDF, whitespace collapsed (pypdf breaks lines where the layout does)."""
    reader = PdfReader(str(path))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def squash(text: str) -> str:
    return "".join(text.split())


def has(text: str, needle: str) -> bool:
    """`needle` occurs in `text`, ignoring whitespace (line breaks fall anywhere in a PDF)."""
    return squash(needle) in squash(text)


def pdf_xmp(path) -> str:
    metadata = PdfReader(str(path)).xmp_metadata
    return metadata.rdf_root.toxml() if metadata is not None else ""


def save_page_images(path, name: str, *, pages: int = 2) -> list[Path]:
    """PNG images of the first pages (pdftoppm), kept under test-artifacts/reports/ for review."""
    if shutil.which("pdftoppm") is None:
        from tests.conftest import require_or_skip

        require_or_skip("REQUIRE_BROWSER", "pdftoppm (poppler-utils) is not installed")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    prefix = ARTIFACTS / name
    for old in ARTIFACTS.glob(f"{name}-*.png"):
        old.unlink()
    subprocess.run(
        ["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", str(pages), str(path), str(prefix)],
        check=True,
        timeout=120,
    )
    images = sorted(ARTIFACTS.glob(f"{name}-*.png"))
    assert images, f"pdftoppm wrote no image for {path}"
    return images


@pytest.fixture
def clearview(db):
    """The real Clearview enforcement record shipped with the project (15 decisions)."""
    from enforcement.services.importer import DEFAULT_FILE, enforcement_import, load_rows

    enforcement_import(rows=load_rows(DEFAULT_FILE), source_name=DEFAULT_FILE.name)
    from enforcement.models import Case

    return {case.reference: case for case in Case.objects.select_related("authority")}

"""Case files and enforcement summaries from the real Clearview record."""

from pathlib import Path

import pytest

from core import pdf
from enforcement.models import Source
from reports.models import ReportKind, ReportStatus
from reports.services import ReportParameterError, report_request
from tests.reports.conftest import has, pdf_text, pdf_xmp, save_page_images

pytestmark = pytest.mark.django_db


def case_by_country(clearview, country, reference_part=""):
    return next(
        case for case in clearview.values() if case.authority.country == country and reference_part in case.reference
    )


def case_file(case, user):
    report = report_request(kind=ReportKind.CASE_FILE, parameters={"case": str(case.public_id)}, user=user)
    assert report.status == ReportStatus.DONE, report.last_error
    return report


def test_case_file_of_the_dutch_decision_shows_fine_cap_and_unverified_marks(clearview, auditor_user):
    case = case_by_country(clearview, "NL")
    report = case_file(case, auditor_user)
    text = pdf_text(report.file.path)
    assert has(text, "EUR 30,500,000")
    assert has(text, "EUR 5,100,000")  # the penalty cap
    assert has(text, "16 May 2024")
    assert has(text, "Autoriteit Persoonsgegevens")
    assert has(text, "Clearview AI Inc.")
    assert has(text, "Art. 12(3) read with 15")
    assert has(text, "UNVERIFIED")
    assert has(text, f"Report {report.public_id}")  # the footer
    assert has(text, "aldo_auditor")
    xmp = pdf_xmp(report.file.path)
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp
    assert report.pdf_variant == "pdf/a-3b" and report.page_count >= 3
    save_page_images(report.file.path, "case-file-nl", pages=4)


def test_case_file_of_the_french_liquidation_shows_52_days_and_5_2_million(clearview, staff_user):
    case = case_by_country(clearview, "FR")
    text = pdf_text(case_file(case, staff_user).file.path)
    assert has(text, "EUR 5,200,000")
    assert has(text, "EUR 100,000 per day")
    assert has(text, "13 Apr 2023")
    assert " 52 " in f" {text} "


def test_case_file_for_an_unknown_case_is_a_parameter_error(clearview, staff_user):
    with pytest.raises(ReportParameterError):
        report_request(
            kind=ReportKind.CASE_FILE, parameters={"case": "00000000-0000-0000-0000-000000000000"}, user=staff_user
        )
    with pytest.raises(ReportParameterError):
        report_request(kind=ReportKind.CASE_FILE, parameters={"case": "../../etc"}, user=staff_user)


def test_urls_in_case_text_fetch_nothing_and_the_file_still_renders(clearview, staff_user, monkeypatch):
    """Case text holding local paths, loopback and remote URLs (and markup trying to use them):
    the PDF renders, they stay text, nothing but the stylesheet is read."""
    asked = []
    original = pdf.ProjectFileFetcher.fetch

    def spy(self, url, headers=None):
        asked.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(pdf.ProjectFileFetcher, "fetch", spy)
    hostile = (
        "See file:///etc/passwd and http://127.0.0.1:1/x and https://example.com/x.png "
        '<img src="file:///etc/passwd"> <link rel="stylesheet" href="http://127.0.0.1:1/x">'
    )
    case = case_by_country(clearview, "IT")
    type(case).objects.filter(pk=case.pk).update(summary=hostile, internal_notes=hostile, title=hostile[:300])
    Source.objects.create(case=case, url="file:///etc/passwd", kind=Source.Kind.OTHER, title="local")
    Source.objects.create(case=case, url="http://127.0.0.1:1/x", kind=Source.Kind.OTHER, title="loopback")

    text = pdf_text(case_file(case, staff_user).file.path)
    assert (
        has(text, "file:///etc/passwd") and has(text, "http://127.0.0.1:1/x") and has(text, "https://example.com/x.png")
    )
    assert has(text, '<img src="file:///etc/passwd">')  # escaped: shown, never interpreted
    assert "root:x:0:0" not in text
    assert [Path(url).name for url in asked] == ["print.css"]


def test_enforcement_summary_of_all_cases(clearview, auditor_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = report_request(kind=ReportKind.ENFORCEMENT_SUMMARY, parameters={"query": ""}, user=auditor_user)
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE, report.last_error
    assert report.pdf_variant == ""  # a working document: tagged, not PDF/A
    text = pdf_text(report.file.path)
    assert has(text, "Enforcement summary: 14 cases")
    assert has(text, "EUR 30,500,000") and has(text, "EUR 20,000,000") and has(text, "SEK 2,500,000")
    assert has(text, "GBP 7,552,800")
    assert has(text, "Fines by authority (EUR)") and has(text, "Fines by year of decision (EUR)")
    assert has(text, "Garante per la protezione dei dati personali")
    assert has(text, "From: all cases")
    save_page_images(report.file.path, "enforcement-summary-all", pages=5)


def test_enforcement_summary_of_a_filtered_set(clearview, auditor_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = report_request(
            kind=ReportKind.ENFORCEMENT_SUMMARY, parameters={"query": "country=NL&page=3"}, user=auditor_user
        )
    report.refresh_from_db()
    assert report.parameters == {"query": "country=NL"}  # the page is not a filter
    text = pdf_text(report.file.path)
    assert has(text, "Enforcement summary: 1 case")
    assert has(text, "EUR 30,500,000")
    assert not has(text, "Garante per la protezione")
    assert has(text, "country = NL")


def test_enforcement_summary_with_an_invalid_filter_is_refused_with_the_reason(clearview, auditor_user):
    with pytest.raises(ReportParameterError, match="country"):
        report_request(kind=ReportKind.ENFORCEMENT_SUMMARY, parameters={"query": "country=Narnia"}, user=auditor_user)

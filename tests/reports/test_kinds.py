"""The report kinds are registered by the apps that own their data (issue 13), each once."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from compliance import reports as compliance_reports
from core.pdf import ARCHIVAL_VARIANT
from enforcement import reports as enforcement_reports
from reports.models import ReportKind
from reports.services import (
    REPORT_KINDS,
    ReportKindSpec,
    ReportParameterError,
    report_clean_parameters,
    report_kind_register,
    report_kind_spec,
)


def test_every_report_kind_has_its_builders_and_rendering():
    # The values the module-name registry had before issue 13.
    expected = {
        ReportKind.CASE_FILE: (
            enforcement_reports.case_file_clean,
            enforcement_reports.case_file_build,
            ARCHIVAL_VARIANT,
            False,
        ),
        ReportKind.ENFORCEMENT_SUMMARY: (
            enforcement_reports.summary_clean,
            enforcement_reports.summary_build,
            None,
            True,
        ),
        ReportKind.COMPLIANCE_AUDIT: (
            compliance_reports.audit_clean,
            compliance_reports.audit_build,
            ARCHIVAL_VARIANT,
            True,
        ),
    }
    assert set(REPORT_KINDS) == set(ReportKind.values) == set(expected)
    for kind, spec in REPORT_KINDS.items():
        assert spec.kind == kind
        assert (spec.clean, spec.build, spec.pdf_variant, spec.background) == expected[kind]


def test_a_kind_registered_twice_raises_and_keeps_the_first():
    first = REPORT_KINDS[ReportKind.CASE_FILE]
    again = ReportKindSpec(
        kind=ReportKind.CASE_FILE,
        clean=enforcement_reports.summary_clean,
        build=enforcement_reports.summary_build,
        pdf_variant=None,
        background=True,
    )
    with pytest.raises(ImproperlyConfigured, match="registered twice"):
        report_kind_register(again)
    assert REPORT_KINDS[ReportKind.CASE_FILE] is first


def test_a_kind_outside_report_kind_cannot_be_registered():
    spec = ReportKindSpec(
        kind="letter",
        clean=enforcement_reports.case_file_clean,
        build=enforcement_reports.case_file_build,
        pdf_variant=None,
        background=False,
    )
    with pytest.raises(ImproperlyConfigured, match="not a reports.models.ReportKind"):
        report_kind_register(spec)
    assert "letter" not in REPORT_KINDS


def test_an_unknown_kind_is_a_parameter_error():
    with pytest.raises(ReportParameterError, match="Unknown report kind 'letter'"):
        report_kind_spec("letter")
    with pytest.raises(ReportParameterError, match="Unknown report kind"):
        report_clean_parameters(kind="letter", parameters={}, user=None)

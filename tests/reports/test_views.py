"""The reports pages: who may see and export what, the status page, downloads. Citizens' letters
are not reports: they are the request's documents, downloaded from the status page."""

import hashlib
from datetime import datetime, timedelta

import pytest
from django.urls import reverse

from compliance.models import DocumentKind, RefusalBasis
from compliance.services.tokens import DOWNLOAD_LINK_MAX_AGE, download_sign
from compliance.workflow import intake
from reports.models import GeneratedReport, ReportKind, ReportStatus
from tests.reports.factories import AMSTERDAM, RequestFactory, document_of, refuse

pytestmark = pytest.mark.django_db


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def done_report(staff_user, clearview):
    from reports.services import report_request

    case = clearview["nl-ap-2024"]
    report = report_request(kind=ReportKind.CASE_FILE, parameters={"case": str(case.public_id)}, user=staff_user)
    assert report.status == ReportStatus.DONE, report.last_error
    return report


# --- roles -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["list", "detail", "download"])
def test_anonymous_users_are_sent_to_log_in(client, done_report, name):
    args = [] if name == "list" else [done_report.public_id]
    response = client.get(reverse(f"reports:{name}", args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", ["list", "detail", "download"])
def test_outsiders_are_forbidden(client, outsider_user, done_report, name):
    client.force_login(outsider_user)
    args = [] if name == "list" else [done_report.public_id]
    assert client.get(reverse(f"reports:{name}", args=args)).status_code == 403


def test_outsiders_cannot_export(client, outsider_user, clearview):
    client.force_login(outsider_user)
    case = next(iter(clearview.values()))
    response = client.post(reverse("reports:export"), {"kind": "case_file", "case": str(case.public_id)})
    assert response.status_code == 403
    assert not GeneratedReport.objects.exists()


def test_an_auditor_exports_a_case_file_and_downloads_it(auditor_client, clearview):
    case = clearview["nl-ap-2024"]
    response = auditor_client.post(
        reverse("reports:export"), {"kind": "case_file", "case": str(case.public_id), "next": "/enforcement/"}
    )
    report = GeneratedReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:download", args=[report.public_id])
    download = auditor_client.get(response["Location"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    assert download["Cache-Control"] == "private, no-store"
    assert hashlib.sha256(body_of(download)).hexdigest() == report.sha256
    assert report.requested_by_label == "aldo_auditor"


def test_the_reports_page_lists_stored_reports_with_status_and_download(auditor_client, done_report):
    response = auditor_client.get(reverse("reports:list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("reports:download", args=[done_report.public_id]) in html
    assert "Case file" in html and "Done" in html
    assert done_report.sha256[:17] in html


def test_a_large_report_is_queued_and_followed_on_its_status_page(
    auditor_client, clearview, django_capture_on_commit_callbacks, settings
):
    # Keep the task from running: the page must show the queued state first.
    response = auditor_client.post(reverse("reports:export"), {"kind": "enforcement_summary", "query": "country=FR"})
    report = GeneratedReport.objects.get()
    assert response["Location"] == reverse("reports:detail", args=[report.public_id])
    page = auditor_client.get(response["Location"]).content.decode()
    assert report.status == ReportStatus.QUEUED
    assert '<meta http-equiv="refresh" content="3">' in page
    assert "Waiting for a worker" in page
    # Download before it is done goes back to the status page.
    assert auditor_client.get(reverse("reports:download", args=[report.public_id]))["Location"] == response["Location"]

    from reports.services import report_generate

    report_generate(report_id=report.pk)
    page = auditor_client.get(response["Location"]).content.decode()
    assert "http-equiv" not in page
    assert reverse("reports:download", args=[report.public_id]) in page
    assert "country=FR" in page


def test_export_with_bad_parameters_shows_the_reason_and_creates_nothing(auditor_client, clearview):
    response = auditor_client.post(
        reverse("reports:export"), {"kind": "enforcement_summary", "query": "date_from=not-a-date"}, follow=True
    )
    assert response.status_code == 200
    assert "The filter is not valid" in response.content.decode()
    response = auditor_client.post(reverse("reports:export"), {"kind": "no_such_kind"}, follow=True)
    assert "could not be started" in response.content.decode()
    response = auditor_client.post(reverse("reports:export"), {"kind": "case_file", "case": "x" * 50}, follow=True)
    assert response.status_code == 200
    assert not GeneratedReport.objects.exists()


def test_export_is_post_only_and_next_must_stay_on_this_site(auditor_client, clearview):
    assert auditor_client.get(reverse("reports:export")).status_code == 405
    response = auditor_client.post(
        reverse("reports:export"), {"kind": "case_file", "case": "bad", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("reports:list")


def test_audit_form_validates_the_period(auditor_client, django_capture_on_commit_callbacks):
    backwards = {"audit-period_start": "2025-02-01", "audit-period_end": "2025-01-01"}
    response = auditor_client.post(reverse("reports:export_audit"), backwards, follow=True)
    assert "before its start" in response.content.decode()
    response = auditor_client.post(
        reverse("reports:export_audit"), {"audit-period_start": "garbage", "audit-period_end": ""}, follow=True
    )
    assert "could not be started" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = auditor_client.post(
            reverse("reports:export_audit"), {"audit-period_start": "2025-01-01", "audit-period_end": "2025-01-31"}
        )
    report = GeneratedReport.objects.get(kind=ReportKind.COMPLIANCE_AUDIT)
    assert response["Location"] == reverse("reports:detail", args=[report.public_id])
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE, report.last_error


def test_the_export_button_is_shown_only_to_roles_that_may_export(rf, staff_user, outsider_user):
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string

    from core.roles import role_context

    for user, shown in ((staff_user, True), (outsider_user, False), (AnonymousUser(), False)):
        request = rf.get("/enforcement/cases/?country=NL")
        request.user = user
        html = render_to_string(
            "reports/export_button.html",
            {"kind": "enforcement_summary", "query": "country=NL", **role_context(request)},
            request=request,
        )
        assert ("Export PDF" in html) is shown
        if shown:
            assert 'name="query" value="country=NL"' in html and reverse("reports:export") in html


# --- citizens ----------------------------------------------------------------------------------


@pytest.fixture
def refused(staff_user, django_capture_on_commit_callbacks):
    """A refused request with its refusal letter issued, and the status link of its emails."""
    dsr = RequestFactory(language="en")
    dsr = refuse(
        dsr,
        staff=staff_user,
        capture=django_capture_on_commit_callbacks,
        basis=RefusalBasis.MANIFESTLY_UNFOUNDED,
        reason="The request names no person.",
        at=datetime(2025, 1, 20, 9, 0, tzinfo=AMSTERDAM),
    )
    token = intake.status_link_issue(dsr, now=dsr.refused_at)
    return dsr, token


def document_links(client, dsr, token) -> list[str]:
    opened = client.post(reverse("compliance:status_open"), {"token": token})
    assert opened.status_code == 302
    page = client.get(opened["Location"]).content.decode()
    prefix = f"/requests/status/{dsr.public_id}/documents/"
    return [part.split('"')[0] for part in page.split('href="')[1:] if part.startswith(prefix)]


def test_a_requester_downloads_the_issued_letter_through_the_status_page(client, refused):
    dsr, token = refused
    links = document_links(client, dsr, token)
    assert len(links) == 1  # the refusal letter, once (no acknowledgement letter any more)
    first = client.get(links[0])
    assert first.status_code == 200
    assert first["Content-Type"] == "application/pdf"
    body = body_of(first)
    letter = document_of(dsr, DocumentKind.REFUSAL_LETTER)
    assert hashlib.sha256(body).hexdigest() == letter.sha256
    # A second download gives the same document, not a new one.
    assert hashlib.sha256(body_of(client.get(links[0]))).hexdigest() == letter.sha256
    assert dsr.documents.count() == 1 and not GeneratedReport.objects.exists()
    # The staff download of the same document is not open to the citizen.
    staff_url = reverse("answering:document_file", args=[dsr.public_id, DocumentKind.REFUSAL_LETTER])
    assert client.get(staff_url).status_code == 302


def test_a_tampered_or_expired_or_unfitting_letter_link_is_refused(client, refused):
    dsr, token = refused
    [link] = document_links(client, dsr, token)
    assert client.get(link[:-3] + "AA/").status_code == 404
    expired = download_sign(
        request=dsr,
        item=f"doc:{DocumentKind.REFUSAL_LETTER}",
        now=datetime.now(tz=AMSTERDAM) - timedelta(seconds=DOWNLOAD_LINK_MAX_AGE + 60),
    )
    response = client.get(reverse("compliance:download", args=[dsr.public_id, expired]))
    assert response.status_code == 410 and "expired" in response.content.decode()
    unfitting = download_sign(request=dsr, item=f"doc:{DocumentKind.ERASURE_CERTIFICATE}")
    assert client.get(reverse("compliance:download", args=[dsr.public_id, unfitting])).status_code == 404
    # The letter links of the report pipeline are gone.
    assert client.get(f"/reports/letters/{download_sign(request=dsr, item='letter_refusal')}/").status_code == 404
    assert not GeneratedReport.objects.exists()


def test_unverified_requests_get_no_letters(client, db):
    from compliance.models import RequestStatus

    dsr = RequestFactory(email_verified_at=None, status=RequestStatus.AWAITING_EMAIL)
    token = intake.status_link_issue(dsr, now=dsr.received_at)
    assert document_links(client, dsr, token) == []
    assert not dsr.documents.exists()

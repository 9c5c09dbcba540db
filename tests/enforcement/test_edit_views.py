"""Staff building a case entirely through the web forms: parties, decisions, fines with quoted
conversions, orders, penalty payments with liquidations, appeals with events, sources and
provisions; edits and deletions keep their history, and bad input comes back with messages."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from enforcement import services
from enforcement.models import (
    Appeal,
    ArticleReference,
    Authority,
    Case,
    ChangeRecord,
    Decision,
    Fine,
    Order,
    PenaltyPayment,
    Respondent,
    Source,
)
from tests.enforcement.factories import CaseFactory, DecisionFactory, FineFactory

pytestmark = pytest.mark.django_db


def page(response) -> str:
    return response.content.decode()


def url(name: str, case: Case, *args) -> str:
    return reverse(f"enforcement:{name}", args=[case.public_id, *args])


def post_ok(client, path: str, data: dict):
    response = client.post(path, data)
    assert response.status_code == 302, page(response)[:3000]
    return response


def test_staff_build_the_cnil_case_through_the_forms(staff_client, staff_user):
    # Parties: added from the new-case form, which then comes back with them chosen.
    new_case = reverse("enforcement:case_create")
    assert staff_client.get(new_case).status_code == 200
    added = post_ok(
        staff_client,
        reverse("enforcement:authority_create") + f"?next={new_case}",
        {"name": "Commission nationale de l'informatique et des libertés", "short_name": "CNIL",
         "country": "fr", "kind": "eu_eea_dpa", "slug": "fr-cnil"},
    )  # fmt: skip
    cnil = Authority.objects.get(slug="fr-cnil")
    assert cnil.country == "FR" and added["Location"] == f"{new_case}?authority={cnil.pk}"
    added = post_ok(
        staff_client,
        reverse("enforcement:respondent_create") + f"?next={new_case}?authority={cnil.pk}",
        {"name": "Clearview AI Inc.", "country_of_establishment": "us", "eu_establishment": "no",
         "art27_representative": "no", "slug": "clearview-ai"},
    )  # fmt: skip
    clearview = Respondent.objects.get(slug="clearview-ai")
    assert added["Location"] == f"{new_case}?authority={cnil.pk}&respondent={clearview.pk}"
    form_page = page(staff_client.get(added["Location"]))
    assert f'<option value="{cnil.pk}" selected>' in form_page
    assert f'<option value="{clearview.pk}" selected>' in form_page

    post_ok(
        staff_client,
        new_case,
        {"reference": "fr-cnil-2022-san-019", "title": "CNIL v Clearview AI", "authority": cnil.pk,
         "respondent": clearview.pk, "legal_framework": "gdpr", "origin": "complaint", "status": "decided",
         "published": "on"},
    )  # fmt: skip
    case = Case.objects.get(reference="fr-cnil-2022-san-019")

    # The fine decision, with a month-only announcement date and a source that disagrees.
    post_ok(
        staff_client,
        url("decision_add", case),
        {"kind": "fine", "reference": "SAN-2022-019", "decided": "2022-10-17", "announced": "2022-10",
         "summary": "EUR 20M fine and an order to stop and erase.",
         "source_discrepancies": "One press report says 19 October\n\n"},
    )  # fmt: skip
    fine_decision = case.decisions.get(reference="SAN-2022-019")
    assert fine_decision.decision_date == dt.date(2022, 10, 17) and fine_decision.decision_date_precision == "day"
    assert (fine_decision.announced_date, fine_decision.announced_date_precision) == (dt.date(2022, 10, 1), "month")
    assert fine_decision.source_discrepancies == ["One press report says 19 October"]

    post_ok(staff_client, url("fine_add", case, fine_decision.pk),
            {"amount": "20000000", "currency": "eur", "payment_status": "unpaid"})  # fmt: skip
    fine = Fine.objects.get(decision=fine_decision)
    case.refresh_from_db()
    assert case.fines_eur_total == Decimal("20000000.00")
    post_ok(staff_client, url("conversion_add", case, fine.pk),
            {"amount": "19600000", "currency": "USD", "quoted_on": "2022-10-20",
             "source_url": "https://press.example/clearview"})  # fmt: skip
    assert fine.quoted_conversions.get().amount == Decimal("19600000")

    post_ok(staff_client, url("order_add", case, fine_decision.pk),
            {"text": "Stop collecting and erase the data of people in France", "binding": "on",
             "applies_to": "residents_of_country", "applies_to_detail": "France", "deadline": "2022-12-17",
             "compliance_status": "not_complied"})  # fmt: skip
    order = Order.objects.get(decision=fine_decision)

    # EUR 100,000 a day after the deadline; 52 days liquidated in 2023 (EUR 5.2M).
    post_ok(staff_client, url("penalty_add", case, fine_decision.pk),
            {"order": order.pk, "amount_per_unit": "100000", "currency": "EUR", "unit": "day",
             "starts_on": "2022-12-18", "nature": "astreinte"})  # fmt: skip
    penalty = PenaltyPayment.objects.get(decision=fine_decision)
    assert penalty.order == order and penalty.amount_per_unit == Decimal("100000")
    post_ok(staff_client, url("decision_add", case),
            {"kind": "penalty_liquidation", "decided": "2023-04-13", "parent": fine_decision.pk})  # fmt: skip
    liquidation_decision = case.decisions.get(kind="penalty_liquidation")
    assert liquidation_decision.parent == fine_decision
    post_ok(staff_client, url("liquidation_add", case, penalty.pk),
            {"decision": liquidation_decision.pk, "period_start": "2022-12-18", "period_end": "2023-02-07",
             "units": "52", "amount": "5200000"})  # fmt: skip
    accrual = services.penalty_accrued(penalty=penalty, as_of=dt.date(2023, 4, 13))
    assert accrual.liquidated == Decimal("5200000")

    # Appeal with a year-only event, a source and a provision.
    post_ok(staff_client, url("appeal_add", case),
            {"decision": fine_decision.pk, "court": "Conseil d'État", "outcome": "pending"})  # fmt: skip
    appeal = Appeal.objects.get(case=case)
    post_ok(staff_client, url("appeal_event_add", case, appeal.pk),
            {"kind": "filed", "when": "2023", "unverified": "on"})  # fmt: skip
    event = appeal.events.get()
    assert (event.date, event.date_precision, event.unverified) == (dt.date(2023, 1, 1), "year", True)
    post_ok(staff_client, url("source_add", case),
            {"url": "https://www.cnil.fr/fr/clearview", "title": "CNIL press release", "kind": "official",
             "language": "FR", "decision": fine_decision.pk})  # fmt: skip
    assert Source.objects.get(case=case).language == "fr"
    post_ok(staff_client, url("article_add", case),
            {"article": "12", "paragraph": "3", "read_with": "15", "label": "12(3) read with 15",
             "unverified_fields": ["label"], "verification_notes_text": "label: per one tracker only"})  # fmt: skip
    article = ArticleReference.objects.get(case=case)
    assert str(article) == "Art. 12(3) read with 15" and article.is_unverified("label")

    # The case page shows all of it, with the unverified marks and the history by this user.
    detail = page(staff_client.get(reverse("enforcement:case_detail", args=[case.public_id])))
    shown = ("SAN-2022-019", "Oct 2022", "Conseil d", "CNIL press release", "12(3) read with 15",
             "Stop collecting and erase", "Astreinte", "UNVERIFIED", "One press report says 19 October")  # fmt: skip
    for text in shown:
        assert text in detail, text
    created = ChangeRecord.objects.filter(case=case, action="create")
    assert {record.model_label for record in created} >= {
        "case", "decision", "fine", "quotedconversion", "order", "penaltypayment", "penaltyliquidation",
        "appeal", "appealevent", "source", "articlereference",
    }  # fmt: skip
    assert set(created.values_list("changed_by", flat=True)) == {staff_user.pk}
    register = page(staff_client.get(reverse("enforcement:register_case", args=[case.public_id])))
    assert "Edit decision" not in register and "Delete" not in register


def test_edits_keep_old_and_new_values(staff_client, staff_user):
    case = CaseFactory()
    decision = DecisionFactory(
        case=case, kind="fine", decision_date=dt.date(2024, 5, 16), decision_date_precision="day"
    )
    source = Source.objects.create(case=case, url="https://a.example/one", kind="press")
    article = ArticleReference.objects.create(case=case, article=5, label="5")
    edit = url("decision_edit", case, decision.pk)
    form = page(staff_client.get(edit))
    assert 'value="2024-05-16"' in form
    post_ok(staff_client, edit, {"kind": "fine", "decided": "2024", "unverified_fields": ["decision_date"],
                                 "verification_notes_text": "decision_date: only the year is reported"})  # fmt: skip
    decision.refresh_from_db()
    assert (decision.decision_date, decision.decision_date_precision) == (dt.date(2024, 1, 1), "year")
    assert decision.is_unverified("decision_date")
    changes = {c.field: c for c in ChangeRecord.objects.filter(case=case, action="update", model_label="decision")}
    assert (changes["decision_date"].old_value, changes["decision_date"].new_value) == ("2024-05-16", "2024-01-01")
    assert changes["decision_date_precision"].new_value == "Year"
    assert changes["decision_date"].changed_by == staff_user

    post_ok(staff_client, url("source_edit", case, source.pk),
            {"url": "https://a.example/two", "kind": "official", "title": "Official"})  # fmt: skip
    change = ChangeRecord.objects.get(case=case, model_label="source", field="url")
    assert (change.old_value, change.new_value) == ("https://a.example/one", "https://a.example/two")
    post_ok(staff_client, url("article_edit", case, article.pk), {"article": "6", "paragraph": "1", "label": "6(1)"})
    article.refresh_from_db()
    assert str(article) == "Art. 6(1)"
    history = page(staff_client.get(reverse("enforcement:case_detail", args=[case.public_id])))
    assert "https://a.example/one" in history and "2024-05-16" in history


def test_deleting_keeps_a_history_line_and_recomputes_the_total(staff_client, staff_user):
    case = CaseFactory()
    decision = DecisionFactory(case=case)
    fine = FineFactory(decision=decision, amount=Decimal("1000"), currency="EUR")
    services.case_refresh_summary(case=case)
    delete = url("record_delete", case, "fines", fine.pk)
    confirm = page(staff_client.get(delete))
    assert "Delete this fine?" in confirm and "its quoted conversions" in confirm
    post_ok(staff_client, delete, {})
    assert not Fine.objects.filter(pk=fine.pk).exists()
    case.refresh_from_db()
    assert case.fines_eur_total in (None, Decimal("0"))
    record = ChangeRecord.objects.get(case=case, action="delete", model_label="fine")
    assert (record.changed_by, record.old_value) == (staff_user, "EUR 1,000.00")

    # A decision that others enforce cannot go first: a clear message, nothing deleted.
    child = DecisionFactory(case=case, parent=decision)
    refused = staff_client.post(url("record_delete", case, "decisions", decision.pk))
    assert refused.status_code == 400
    assert "Delete the decisions that refer to this one first." in page(refused)
    assert Decision.objects.filter(pk__in=[decision.pk, child.pk]).count() == 2


@pytest.mark.parametrize(
    ("name", "data", "messages"),
    [
        ("decision_add", {"kind": "fine", "decided": "2024-13"}, ["Enter a date as YYYY-MM-DD"]),
        ("decision_add", {"kind": "verdict", "decided": "17/10/2022"}, ["Select a valid choice", "Enter a date"]),
        ("decision_add", {"kind": "fine", "announced": "99999-01-01"}, ["Enter a date as YYYY-MM-DD"]),
        ("appeal_add", {"outcome": "won", "court": "x" * 201}, ["Select a valid choice", "at most 200 characters"]),
        ("source_add", {"url": "javascript:alert(1)", "kind": "press"}, ["Enter a valid URL."]),
        ("source_add", {"url": "ftp://example.org/x", "kind": "press"}, ["Give an http:// or https:// address."]),
        (
            "source_add",
            {"url": "https://ok.example/", "kind": "press", "language": "f1"},
            ["two-letter ISO 639-1 code"],
        ),  # fmt: skip
        ("article_add", {"paragraph": "3", "label": "x"}, ["Give the article when you give a paragraph or point."]),
        ("article_add", {"article": "-5", "label": ""}, ["greater than or equal to 0", "This field is required."]),
        ("article_add", {"article": "5", "point": "a)(b", "label": "5"}, ["Give the point as letters or digits"]),
    ],
)
def test_bad_input_comes_back_with_messages_and_saves_nothing(staff_client, name, data, messages):
    case = CaseFactory()
    before = ChangeRecord.objects.count()
    response = staff_client.post(url(name, case), data)
    assert response.status_code == 400
    text = page(response)
    for message in messages:
        assert message in text, (message, text[:2000])
    assert ChangeRecord.objects.count() == before


def test_record_forms_on_a_decision_reject_bad_values(staff_client):
    case = CaseFactory()
    decision = DecisionFactory(case=case)
    other_decision = DecisionFactory(case=CaseFactory())
    checks = [
        ("fine_add", [decision.pk], {"amount": "-1", "currency": "EURO"}, ["A fine cannot be negative.", "EURO"]),
        (
            "penalty_add",
            [decision.pk],
            {"amount_per_unit": "abc", "currency": "EUR", "unit": "hour"},
            ["Enter a number.", "Select a valid choice"],
        ),  # fmt: skip
        (
            "order_add",
            [decision.pk],
            {"text": "", "applies_to": "everyone", "deadline": "2024-02-30"},
            ["This field is required.", "Select a valid choice", "Enter a valid date."],
        ),  # fmt: skip
        # A parent from another case is not among the choices.
        ("decision_edit", [decision.pk], {"kind": "fine", "parent": other_decision.pk}, ["Select a valid choice"]),
    ]
    for name, args, data, messages in checks:
        response = staff_client.post(url(name, case, *args), data)
        assert response.status_code == 400, name
        for message in messages:
            assert message in page(response), (name, message)
    assert not Fine.objects.filter(decision=decision).exists()
    assert not PenaltyPayment.objects.filter(decision=decision).exists()


def test_liquidations_cannot_pass_what_accrued_or_the_cap(staff_client):
    case = CaseFactory()
    decision = DecisionFactory(case=case)
    penalty = PenaltyPayment.objects.create(
        decision=decision, amount_per_unit=Decimal("100000"), currency="EUR", unit="day", cap=Decimal("5100000")
    )
    path = url("liquidation_add", case, penalty.pk)
    base = {"period_start": "2024-01-10", "period_end": "2024-03-01", "units": "52"}
    too_much = staff_client.post(path, {**base, "amount": "5200001"})
    assert too_much.status_code == 400 and "a liquidation cannot exceed what accrued" in page(too_much)
    over_cap = staff_client.post(path, {**base, "amount": "5200000"})
    assert over_cap.status_code == 400 and "passes the cap of 5,100,000.00 EUR" in page(over_cap)
    backwards = staff_client.post(path, {**base, "period_end": "2024-01-01", "amount": "100"})
    assert backwards.status_code == 400 and "The period must not end before it starts." in page(backwards)
    post_ok(staff_client, path, {**base, "units": "51", "amount": "5100000"})
    assert penalty.liquidations.get().amount == Decimal("5100000")


def test_a_source_is_listed_once_per_case(staff_client):
    case = CaseFactory()
    Source.objects.create(case=case, url="https://dup.example/x")
    response = staff_client.post(url("source_add", case), {"url": "https://dup.example/x", "kind": "press"})
    assert response.status_code == 400 and "This case already lists this source." in page(response)


def test_what_was_typed_stays_in_the_form_after_an_error(staff_client):
    case = CaseFactory()
    response = staff_client.post(
        url("source_add", case), {"url": "ftp://kept.example/x", "title": "Kept title", "kind": "court"}
    )
    assert response.status_code == 400
    text = page(response)
    assert 'value="ftp://kept.example/x"' in text and 'value="Kept title"' in text
    assert '<option value="court" selected>' in text


def test_the_case_page_offers_every_form_to_staff_only(staff_user, auditor_user):
    staff_client, auditor_client = Client(), Client()
    staff_client.force_login(staff_user)
    auditor_client.force_login(auditor_user)
    case = CaseFactory()
    decision = DecisionFactory(case=case)
    FineFactory(decision=decision)
    detail = reverse("enforcement:case_detail", args=[case.public_id])
    staff_page = page(staff_client.get(detail))
    for name, args in [
        ("decision_add", []),
        ("decision_edit", [decision.pk]),
        ("fine_add", [decision.pk]),
        ("order_add", [decision.pk]),
        ("penalty_add", [decision.pk]),
        ("appeal_add", []),
        ("source_add", []),
        ("article_add", []),
    ]:
        assert url(name, case, *args) in staff_page, name
    auditor_page = page(auditor_client.get(detail))
    assert url("decision_add", case) not in auditor_page and "/delete/" not in auditor_page


def test_the_case_list_offers_a_new_case_to_staff_only(staff_user, auditor_user):
    staff_client, auditor_client = Client(), Client()
    staff_client.force_login(staff_user)
    auditor_client.force_login(auditor_user)
    new_case = reverse("enforcement:case_create")
    assert new_case in page(staff_client.get(reverse("enforcement:case_list")))
    assert new_case not in page(auditor_client.get(reverse("enforcement:case_list")))


def test_the_liquidation_rules_live_in_the_service(staff_user):
    """Issue 13: the rules hold for any caller of the service, not only for the form."""
    from django.core.exceptions import ValidationError

    decision = DecisionFactory(case=CaseFactory())
    penalty = PenaltyPayment.objects.create(
        decision=decision, amount_per_unit=Decimal("100000"), currency="EUR", unit="day", cap=Decimal("5100000")
    )
    base = {"decision": decision, "period_start": dt.date(2024, 1, 10), "period_end": dt.date(2024, 3, 1), "units": 52}
    services.penalty_liquidation_create(
        penalty=penalty, user=staff_user, data={**base, "units": 30, "amount": Decimal("3000000")}
    )
    cases = [
        ({"amount": Decimal("5200001")}, "amount", "cannot exceed what accrued"),
        ({"amount": Decimal("2100001")}, "amount", "With the 3,000,000.00 already liquidated this passes the cap"),
        ({"period_end": dt.date(2024, 1, 1), "amount": Decimal("100")}, "period_end", "must not end before it starts"),
    ]
    for change, field, message in cases:
        with pytest.raises(ValidationError) as caught:
            services.penalty_liquidation_create(penalty=penalty, user=staff_user, data={**base, **change})
        assert message in " ".join(caught.value.message_dict[field]), change
    services.penalty_liquidation_create(penalty=penalty, user=staff_user, data={**base, "amount": Decimal("2100000")})
    assert sum(item.amount for item in penalty.liquidations.all()) == Decimal("5100000")

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from enforcement.dates import parse_partial_date, partial_date_display, partial_date_iso
from enforcement.models import ArticleReference, Authority, ExchangeRate, Fine, PenaltyLiquidation
from tests.enforcement.factories import AuthorityFactory, CaseFactory, DecisionFactory, FineFactory, PenaltyFactory


def test_partial_dates():
    assert parse_partial_date("2024-10") == (dt.date(2024, 10, 1), "month")
    assert parse_partial_date("2026") == (dt.date(2026, 1, 1), "year")
    assert parse_partial_date(None) == (None, "unknown")
    with pytest.raises(ValueError):
        parse_partial_date("2024-13")
    with pytest.raises(ValueError):
        parse_partial_date("Oct 2024")
    assert partial_date_display(dt.date(2024, 10, 1), "month") == "Oct 2024"
    assert partial_date_display(dt.date(2026, 1, 1), "year") == "2026"
    assert partial_date_display(dt.date(2022, 10, 17), "day") == "17 Oct 2022"
    assert partial_date_display(None, "unknown") == "unknown"
    assert partial_date_iso(dt.date(2024, 10, 1), "month") == "2024-10"


@pytest.mark.django_db
def test_fine_amount_cannot_be_negative_in_the_database():
    fine = FineFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Fine.objects.filter(pk=fine.pk).update(amount=Decimal("-1"))


@pytest.mark.django_db
def test_fine_validation_messages():
    fine = Fine(decision=DecisionFactory(), amount=Decimal("-1"), currency="EURO")
    with pytest.raises(ValidationError) as excinfo:
        fine.full_clean()
    errors = excinfo.value.message_dict
    assert errors["amount"] == ["Must be zero or more."]
    assert "ISO 4217" in errors["currency"][0]


@pytest.mark.django_db
def test_decision_date_precision_constraint():
    with pytest.raises(IntegrityError), transaction.atomic():
        DecisionFactory(decision_date=None, decision_date_precision="day")
    with pytest.raises(IntegrityError), transaction.atomic():
        DecisionFactory(decision_date=dt.date(2024, 1, 1), decision_date_precision="unknown")
    assert DecisionFactory(decision_date=None, decision_date_precision="unknown").decision_date_display == "unknown"


@pytest.mark.django_db
def test_liquidation_period_and_rate_constraints():
    penalty = PenaltyFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        PenaltyLiquidation.objects.create(
            penalty=penalty, period_start=dt.date(2024, 2, 1), period_end=dt.date(2024, 1, 1), units=1, amount=1
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        ExchangeRate.objects.create(currency="GBP", rate_to_eur=0, valid_from=dt.date(2024, 1, 1), source="x")
    ExchangeRate.objects.create(currency="GBP", rate_to_eur=1, valid_from=dt.date(2024, 1, 1), source="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        ExchangeRate.objects.create(currency="GBP", rate_to_eur=2, valid_from=dt.date(2024, 1, 1), source="y")


@pytest.mark.django_db
def test_authority_country_code_and_constraint():
    authority = AuthorityFactory(country="CA", subdivision="BC")
    assert authority.country_code == "CA-BC"
    assert AuthorityFactory(country="FR").country_code == "FR"
    with pytest.raises(IntegrityError), transaction.atomic():
        Authority.objects.create(name="x", country="fr", slug="lower-case-country")
    with pytest.raises(ValidationError):
        Authority(name="x", country="XX", slug="xx").full_clean()


@pytest.mark.django_db
def test_verification_helpers_and_article_citation():
    case = CaseFactory(unverified_fields=["summary"], verification_notes={"summary": "UNVERIFIED (x)"})
    assert case.is_unverified("summary") and not case.is_unverified("title")
    assert case.verification_note("summary") == "UNVERIFIED (x)"
    ref = ArticleReference(case=case, article=5, paragraph=1, point="a", label="5(1)(a)")
    assert str(ref) == "Art. 5(1)(a)"
    assert (
        str(ArticleReference(case=case, article=12, paragraph=3, read_with="15", label="")) == "Art. 12(3) read with 15"
    )
    assert str(ArticleReference(case=case, article=None, label="no lawful basis")) == "no lawful basis"
    assert str(ArticleReference(case=case, instrument="BC PIPA", article=7, label="PIPA ss. 7")) == "BC PIPA s. 7"


@pytest.mark.django_db
def test_public_ids_are_uuids():
    fine = FineFactory()
    assert fine.public_id.version == 4
    assert fine.decision.public_id != fine.decision.case.public_id

"""factory_boy factories for enforcement records (synthetic, for tests that need few rows)."""

import datetime as dt
from decimal import Decimal

import factory

from enforcement.models import Authority, Case, Decision, Fine, Order, PenaltyPayment, Respondent


class AuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Authority
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Test Authority {n}")
    short_name = factory.Sequence(lambda n: f"TA{n}")
    country = "FR"
    kind = Authority.Kind.EU_EEA_DPA
    slug = factory.Sequence(lambda n: f"test-authority-{n}")


class RespondentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Respondent

    name = factory.Sequence(lambda n: f"Respondent {n} Ltd")
    slug = factory.Sequence(lambda n: f"respondent-{n}")


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    reference = factory.Sequence(lambda n: f"test-case-{n:05d}")
    authority = factory.SubFactory(AuthorityFactory)
    respondent = factory.SubFactory(RespondentFactory)
    title = factory.LazyAttribute(lambda o: f"Case {o.reference}")
    status = Case.Status.DECIDED
    published = True


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    case = factory.SubFactory(CaseFactory)
    kind = Decision.Kind.FINE
    reference = factory.Sequence(lambda n: f"DEC-{n}")
    decision_date = dt.date(2023, 3, 1)
    decision_date_precision = "day"


class FineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fine

    decision = factory.SubFactory(DecisionFactory)
    amount = Decimal("1000.00")
    currency = "EUR"
    payment_status = Fine.PaymentStatus.UNPAID


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    decision = factory.SubFactory(DecisionFactory)
    text = "stop the processing"


class PenaltyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PenaltyPayment

    decision = factory.SubFactory(DecisionFactory)
    amount_per_unit = Decimal("1000.00")
    currency = "EUR"
    unit = PenaltyPayment.Unit.DAY
    starts_on = dt.date(2024, 1, 1)

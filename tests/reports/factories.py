"""factory_boy factories for the report tests: requests in a given state, written as rows.

Reports only read; the states they read are set here directly (the services that move requests
between states are tested in tests/compliance)."""

import hashlib
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import factory

from compliance.models import DataSubjectRequest, RequestStatus, RequestType

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
RECEIVED = datetime(2025, 1, 15, 10, 0, tzinfo=AMSTERDAM)


class RequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DataSubjectRequest

    public_id = factory.LazyFunction(uuid.uuid4)
    request_type = RequestType.ACCESS
    status = RequestStatus.VERIFIED
    name = "Anna de Vries"
    email = factory.Sequence(lambda n: f"requester{n}@example.org")
    country = "NL"
    language = "en"
    received_at = RECEIVED
    email_verified_at = factory.LazyAttribute(lambda o: o.received_at + timedelta(minutes=20))
    due_date = factory.LazyAttribute(lambda o: (o.received_at + timedelta(days=31)).date())
    selfie_consent_at = factory.LazyAttribute(lambda o: o.received_at)
    selfie_sha256 = factory.LazyFunction(lambda: hashlib.sha256(uuid.uuid4().bytes).hexdigest())

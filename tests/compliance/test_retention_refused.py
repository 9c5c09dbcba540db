"""Retention of a refused request: the reasons may name the person, so they go with the rest when
the request is pseudonymised; the refusal's ground stays for the statistics (issue 16, item 7)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from compliance.models import RefusalBasis, RequestStatus
from compliance.retention import PSEUDONYM_NAME, request_pseudonymise
from tests.reports.factories import RequestFactory, refuse

pytestmark = pytest.mark.django_db


def test_a_refused_request_is_pseudonymised_like_any_other(staff_user, django_capture_on_commit_callbacks):
    request = RequestFactory(received_at=timezone.now() - timedelta(days=40))
    request = refuse(
        request,
        staff=staff_user,
        capture=django_capture_on_commit_callbacks,
        basis=RefusalBasis.EXCESSIVE,
        reason="Anna de Vries sent the same request every day for a month.",
        late_reason="Anna de Vries asked us to wait for her lawyer.",
        at=timezone.now(),
    )
    counts = request_pseudonymise(request=request, now=timezone.now() + timedelta(days=400))
    assert counts
    request.refresh_from_db()
    assert request.status == RequestStatus.REFUSED and request.pseudonymised_at
    assert request.name == PSEUDONYM_NAME
    assert request.refusal_basis == RefusalBasis.EXCESSIVE
    assert "Anna" not in request.refusal_reason + request.late_refusal_reason

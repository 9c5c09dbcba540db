"""Fuzzing the REST API from its own OpenAPI schema (issue 8) with schemathesis.

Every operation of /api/schema/ gets generated requests (valid and invalid path parameters,
query strings and bodies) as staff (token authentication) and anonymously, through the Django
WSGI application in this process and this test's database. Every response must not be a server
error, and its body and content type must match what the schema documents for its status.
Each generated request with path parameters is sent twice: as generated (mostly unknown ids)
and with the ids of real objects, so that detail, update and action code is reached too.

Bounded for CI: FUZZ_EXAMPLES examples per operation (default 20), no deadline, derandomized
(the same examples on every run), no example database.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20"))
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]

# Responses that do not match the schema the API publishes (found by this fuzzing). The fuzz run
# still checks these operations for server errors; the schema mismatch itself is asserted by a
# strict xfail test below, one per bug, so that a fix shows up as an XPASS to remove here.
# operation label: (what is wrong, owner file, real path parameters needed to show it)
KNOWN_SCHEMA_BUGS: dict[str, tuple[str, str, dict]] = {}

# Mismatches found by this fuzzing and fixed: the same concrete request on real objects (with every
# nullable field null) is validated against the schema below as a plain test, so none comes back.
# operation label: (what was wrong, real path parameters needed to show it)
FIXED_SCHEMA_BUGS: dict[str, tuple[str, dict]] = {
    "GET /api/v1/fines/": ("Fine.eur_rate null for a fine without a stored rate; schema said object", {}),
    "GET /api/v1/fines/{public_id}/": ("Fine.eur_rate null vs object", {"public_id": "fine"}),
    "PATCH /api/v1/fines/{public_id}/": ("Fine.eur_rate null vs object", {"public_id": "fine"}),
    "GET /api/v1/decisions/": ("nested Fine.eur_rate null; Decision.announced_date_partial null vs string", {}),
    "GET /api/v1/decisions/{public_id}/": ("as GET /api/v1/decisions/", {"public_id": "decision"}),
    "PUT /api/v1/decisions/{public_id}/": ("as GET /api/v1/decisions/", {"public_id": "decision"}),
    "PATCH /api/v1/decisions/{public_id}/": ("as GET /api/v1/decisions/", {"public_id": "decision"}),
    "GET /api/v1/audit-events/": ("AuditEvent.actor null for citizen/system events; schema said string", {}),
    "GET /api/v1/audit-events/{id}/": ("AuditEvent.actor null vs string", {"id": "audit_event"}),
    "GET /api/v1/audit-events/verify/": ("returns {ok, checked, ...}; was documented as AuditEvent", {}),
    "GET /api/v1/requests/": (
        "Request.approved_by/enforcement_case null vs string; refusal_basis '' not in RefusalBasisEnum",
        {},
    ),
    "GET /api/v1/requests/{public_id}/": ("as GET /api/v1/requests/", {"public_id": "request"}),
    "GET /api/v1/requests/{public_id}/audit/": (
        "returns a list; was documented as one Request",
        {"public_id": "request"},
    ),
    "GET /api/v1/requests/{public_id}/messages/": (
        "returns a list; was documented as one Request",
        {"public_id": "request"},
    ),
    "GET /api/v1/requests/counts/": ("returns {status: count}; was documented as Request", {}),
    "POST /api/v1/requests/{public_id}/reissue-status-link/": (
        "actions return {changed, request}; were documented as Request",
        {"public_id": "request"},
    ),
    "POST /api/v1/requests/{public_id}/withdraw/": ("as reissue-status-link", {"public_id": "request"}),
}


@pytest.fixture(autouse=True)
def wsgi_in_test_transaction():
    """The WSGI handler closes "old" database connections around each request, which would end
    this test's transaction; Django's own test client switches that off the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def staff_token(world):
    from rest_framework.authtoken.models import Token

    return Token.objects.create(user=world.users["staff"]).key


def real_path_parameters(world, path: str) -> dict:
    """Ids of real objects for the path parameters of `path` (None if it has none)."""
    by_prefix = {
        "/api/v1/cases/": {"public_id": world.published.public_id},
        "/api/v1/decisions/": {"public_id": world.decision.public_id},
        "/api/v1/fines/": {"public_id": world.fine.public_id},
        "/api/v1/penalty-payments/": {"public_id": world.penalty.public_id},
        "/api/v1/appeals/": {"public_id": world.appeal.public_id},
        "/api/v1/authorities/": {"slug": world.authority.slug},
        "/api/v1/respondents/": {"slug": world.respondent.slug},
        "/api/v1/requests/": {"public_id": world.bob.request.public_id},
        "/api/v1/audit-events/": {"id": world.audit_event.pk, "pk": world.audit_event.pk},
        "/api/v1/biometrics/photos/": {"public_id": world.photo.public_id},
    }
    for prefix, values in by_prefix.items():
        if path.startswith(prefix):
            return {key: str(value) for key, value in values.items()}
    return {}


def call_twice(case, world, headers: dict) -> None:
    label = f"{case.method.upper()} {case.path}"
    checks = [not_a_server_error] if label in KNOWN_SCHEMA_BUGS else CHECKS
    case.call_and_validate(headers=headers, checks=checks)
    if case.path_parameters:
        real = real_path_parameters(world, case.path)
        known = {key: value for key, value in real.items() if key in case.path_parameters}
        if known:
            case.path_parameters = {**case.path_parameters, **known}
            case.call_and_validate(headers=headers, checks=checks)


# Loaded once at collection: the schema view needs no database.
# The coverage phase would send every boundary case the schema defines whatever max_examples
# says (hundreds per list endpoint with many filters); the fuzzing phase is bounded.
CONFIG = SchemathesisConfig.from_dict(
    {"phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}, "examples": {"enabled": False}}}
)
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application(), config=CONFIG)

FUZZ_SETTINGS = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@schema.parametrize()
@FUZZ_SETTINGS
def test_api_as_staff(case, world, staff_token):
    call_twice(case, world, {"Authorization": f"Token {staff_token}"})


# Anonymously every write is a 403 before any input is read; reads are what the public reaches.
@schema.include(method="GET").parametrize()
@FUZZ_SETTINGS
def test_api_anonymously(case, world):
    call_twice(case, world, {})


def _bug_params():
    for label, (what, owner, ids) in KNOWN_SCHEMA_BUGS.items():
        reason = f"BUG: response does not match the published OpenAPI schema: {what}. owner: {owner}"
        yield pytest.param(label, ids, id=label, marks=pytest.mark.xfail(strict=True, reason=reason))
    for label, (_what, ids) in FIXED_SCHEMA_BUGS.items():
        yield pytest.param(label, ids, id=f"fixed: {label}")


@pytest.mark.parametrize(("label", "id_names"), list(_bug_params()))
def test_known_schema_mismatch(label, id_names, world, staff_token):
    """One concrete request per known (or fixed) mismatch, on real objects, validated against the
    schema."""
    from django.utils import timezone

    from compliance.workflow import handling

    # A refused request with an extension and no approver shows every nullable field at once.
    handling.request_refuse(
        request=world.bob.request,
        user=world.users["staff"],
        basis="other",
        reason="Refused for the schema test (reason stated).",
    )
    method, path = label.split(" ", 1)
    objects = {
        "fine": world.fine.public_id,
        "decision": world.decision.public_id,
        "request": world.alice.request.public_id,
        "audit_event": world.audit_event.pk,
    }
    ids = {key: str(objects[name]) for key, name in id_names.items()}
    operation = schema[path][method]
    if method == "GET" or not list(operation.body):  # the actions without input take no body
        case = operation.Case(path_parameters=ids)
    else:
        body = {"case": str(world.published.public_id), "kind": "fine"} if method == "PUT" else {}
        case = operation.Case(path_parameters=ids, body=body, media_type="application/json")
    assert timezone.now()
    response = case.call_and_validate(
        headers={"Authorization": f"Token {staff_token}"}, checks=[not_a_server_error, response_schema_conformance]
    )
    # Only a response the schema documents in full shows anything: not a 404 or a refusal.
    assert response.status_code == 200, f"{label}: {response.status_code} {response.text[:300]}"

"""Fixtures for the security tests (issue 8): a small world with one object of every kind the URLs
name, belonging to two different requesters (Alice and Bob) where objects have an owner, a client
per role, and a snapshot of everything a denied write must leave unchanged.

Celery runs in-process here (as in the other apps' tests) unless a test starts a real worker.
"""

from __future__ import annotations

import hashlib
import io
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from PIL import Image

from compliance import ratelimit
from tests.conftest import tasks_in_process_unless_worker

# Distinctive strings: each appears only in its owner's pages, so a page that shows one to the
# other requester (or to the public) is caught by a plain substring search.
ALICE_MARK = "alice-private-message-7c1e"
BOB_MARK = "bob-private-message-93fa"
INTERNAL_NOTE = "internal-note-never-public-5d2b"
UNPUBLISHED_TITLE = "Unpublished case title 8e4a"

ROLES = ("anonymous", "citizen", "other_citizen", "outsider", "inactive", "auditor", "staff")


@pytest.fixture(autouse=True)
def eager_celery(request):
    yield from tasks_in_process_unless_worker(request)


@pytest.fixture(autouse=True)
def fresh_rate_limits(monkeypatch):
    """Rate-limit counters under a key prefix of this test's own (a shared Redis may hold others)."""
    monkeypatch.setattr(ratelimit, "KEY_PREFIX", f"test-sec-rl-{uuid.uuid4().hex}")


def jpeg_bytes(size=(160, 120), color=(120, 160, 200), mode="RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, format="JPEG")
    return buffer.getvalue()


@dataclass
class Party:
    """One requester: their request, the secrets in their emails and their answer's objects.

    Citizens have no account: the status link's token (after "#" in the emails) is exchanged for
    a grant in their browser's session, and every page of their request needs that grant."""

    request: object
    verify_token: str
    status_token: str
    compliance_download: str  # signed value for compliance:download (their issued access letter)
    suppression_token: str  # the permanent consent-withdrawal link's token
    match: object = None
    recipient: object = None
    document: object = None
    mark: str = ""


@dataclass
class World:
    authority: object
    respondent: object
    published: object
    unpublished: object
    decision: object
    unpublished_decision: object
    fine: object
    unpublished_fine: object
    order: object
    unpublished_order: object
    penalty: object
    appeal: object
    unpublished_appeal: object
    photo: object
    face: object
    report: object
    audit_event: object
    alice: Party
    bob: Party
    users: dict = field(default_factory=dict)


def _store_photo(*, name_seed: str):
    from biometrics.models import Face, SourcePhoto

    data = jpeg_bytes(size=(320, 240), color=(90, 120, 150))
    sha = hashlib.sha256(data + name_seed.encode()).hexdigest()
    name = default_storage.save(f"biometrics/photos/{sha[:2]}/{sha}.jpg", ContentFile(data))
    photo = SourcePhoto.objects.create(
        source_url=f"https://social.example/p/{name_seed}.jpg",
        page_url=f"https://social.example/profile/{name_seed}",
        source_domain="social.example",
        sha256=sha,
        image=name,
        width=320,
        height=240,
        size_bytes=len(data),
    )
    from biometrics.faces import ENCODING_MODEL, MODEL_VERSION
    from biometrics.models import encoding_to_bytes
    from tests.biometrics.factories import random_encoding

    face = Face.objects.create(
        photo=photo,
        top=40,
        right=140,
        bottom=140,
        left=40,
        encoding=encoding_to_bytes(random_encoding(seed=len(name_seed))),
        model_name=ENCODING_MODEL,
        model_version=MODEL_VERSION,
    )
    return photo, face


def _answer_objects(req, face, customer, *, now):
    """The store search through the workflow (one possible match, to decide); then, as rows, an
    access draft, a finished erasure with a recipient and an issued access letter (the services
    that produce them, in their own states, are tested in tests/answering and tests/reports)."""
    from compliance.models import (
        AccessPackage,
        AccessPackageStatus,
        DocumentKind,
        ErasureRecipient,
        ErasureRecord,
        ErasureStatus,
        MatchBand,
        MatchingRun,
        MatchingStatus,
        RequestDocument,
        RequestMatch,
    )
    from compliance.workflow import lifecycle

    run = MatchingRun.objects.create(
        request=req,
        status=MatchingStatus.RUNNING,
        confident_tolerance=0.45,
        possible_tolerance=0.6,
        selfie_top=10,
        selfie_right=100,
        selfie_bottom=100,
        selfie_left=10,
        started_at=now,
    )
    lifecycle.request_start_matching(request=req, now=now)
    match = RequestMatch.objects.create(
        request=req,
        face=face,
        face_id_snapshot=face.pk,
        photo_id_snapshot=face.photo_id,
        photo_public_id=face.photo.public_id,
        photo_sha256=face.photo.sha256,
        source_url=face.photo.source_url,
        page_url=face.photo.page_url,
        collected_at=now,
        top=face.top,
        right=face.right,
        bottom=face.bottom,
        left=face.left,
        distance=0.3,
        band=MatchBand.POSSIBLE,
    )
    MatchingRun.objects.filter(pk=run.pk).update(status=MatchingStatus.DONE, finished_at=now, matches_found=1)
    lifecycle.request_finish_matching(request=req, now=now)
    package = AccessPackage(request=req, status=AccessPackageStatus.READY, pdf_sha256="a" * 64, zip_sha256="b" * 64)
    package.pdf.save("x.pdf", ContentFile(b"%PDF-1.4\n% draft of " + str(req.public_id).encode()), save=False)
    package.zip.save("x.zip", ContentFile(b"PK\x05\x06" + b"\0" * 18), save=False)
    package.save()
    erasure = ErasureRecord.objects.create(request=req, status=ErasureStatus.DONE, recheck_matches=0)
    recipient = ErasureRecipient.objects.create(erasure=erasure, customer=customer, customer_name=customer.name)
    body = b"%PDF-1.4\n% access letter of " + str(req.public_id).encode()
    document = RequestDocument(
        request=req,
        kind=DocumentKind.ACCESS_LETTER,
        language="en",
        sha256=hashlib.sha256(body).hexdigest(),
        size=len(body),
        issued_at=now,
    )
    document.file.save("letter.pdf", ContentFile(body), save=False)
    document.save()
    return match, recipient, document


@pytest.fixture
def world(db, staff_user, auditor_user, outsider_user, inactive_staff_user, django_capture_on_commit_callbacks):
    from biometrics.models import Customer
    from compliance.services.tokens import download_sign, status_token_for
    from compliance.workflow import handling, intake, suppression
    from core.models import AuditEvent
    from enforcement.models import Appeal, Case, Order
    from reports.models import GeneratedReport, ReportKind, ReportStatus
    from tests.enforcement.factories import (
        AuthorityFactory,
        CaseFactory,
        DecisionFactory,
        FineFactory,
        OrderFactory,
        PenaltyFactory,
        RespondentFactory,
    )

    authority = AuthorityFactory(country="NL", slug="sec-authority")
    respondent = RespondentFactory(slug="sec-respondent")
    published = CaseFactory(authority=authority, respondent=respondent, internal_notes=INTERNAL_NOTE)
    unpublished = CaseFactory(
        authority=authority, respondent=respondent, published=False, title=UNPUBLISHED_TITLE, status=Case.Status.OPEN
    )
    decision = DecisionFactory(case=published)
    unpublished_decision = DecisionFactory(case=unpublished)
    fine = FineFactory(decision=decision, amount=Decimal("2500.00"))
    unpublished_fine = FineFactory(decision=unpublished_decision, amount=Decimal("777.00"))
    order = OrderFactory(decision=decision)
    unpublished_order = OrderFactory(decision=unpublished_decision)
    assert isinstance(order, Order)
    penalty = PenaltyFactory(decision=decision, order=order)
    appeal = Appeal.objects.create(case=published, decision=decision, court="Court of Amsterdam")
    unpublished_appeal = Appeal.objects.create(case=unpublished, decision=unpublished_decision, court="Secret court")
    published.sources.create(url="https://dpa.example/decision", kind="official", title="The decision")
    published.articles.create(article=5, paragraph=1, point="a", label="5(1)(a)")

    photo, face = _store_photo(name_seed="alice")
    customer = Customer.objects.create(name="Police force Sec", country="NL")

    from django.utils import timezone

    now = timezone.now()

    def party(name: str, email: str, mark: str, seed: str) -> Party:
        with django_capture_on_commit_callbacks(execute=True):
            req, verify_token = intake.request_submit(
                data={
                    "request_type": "both",
                    "name": name,
                    "email": email,
                    "country": "NL",
                    "language": "en",
                    "selfie_consent": True,
                    "suppression_consent": True,
                },
                selfie_file=jpeg_bytes(),
                ip="203.0.113.9" if seed == "alice" else "198.51.100.20",
            )
        with django_capture_on_commit_callbacks(execute=True):
            req = intake.request_confirm_email(token=verify_token)
        handling.request_add_message(request=req, user=staff_user, body=mark, visible_to_requester=True)
        own_photo, own_face = (photo, face) if seed == "alice" else _store_photo(name_seed=seed)
        match, recipient, document = _answer_objects(req, own_face, customer, now=now)
        req.refresh_from_db()
        return Party(
            request=req,
            verify_token=verify_token,
            status_token=status_token_for(req),
            compliance_download=download_sign(request=req, item=f"doc:{document.kind}"),
            suppression_token=suppression.withdrawal_token(req),
            match=match,
            recipient=recipient,
            document=document,
            mark=mark,
        )

    alice = party("Alice Aardvark", "alice@example.org", ALICE_MARK, "alice")
    bob = party("Bob Bystander", "bob@example.org", BOB_MARK, "bob")

    report = GeneratedReport(
        kind=ReportKind.CASE_FILE,
        parameters={"case": str(published.public_id)},
        status=ReportStatus.DONE,
        sha256="d" * 64,
        title="Case file",
    )
    report.file.save("case-file.pdf", ContentFile(b"%PDF-1.4\n% case file"), save=False)
    report.save()

    return World(
        authority=authority,
        respondent=respondent,
        published=published,
        unpublished=unpublished,
        decision=decision,
        unpublished_decision=unpublished_decision,
        fine=fine,
        unpublished_fine=unpublished_fine,
        order=order,
        unpublished_order=unpublished_order,
        penalty=penalty,
        appeal=appeal,
        unpublished_appeal=unpublished_appeal,
        photo=photo,
        face=face,
        report=report,
        audit_event=AuditEvent.objects.order_by("seq").first(),
        alice=alice,
        bob=bob,
        users={
            "staff": staff_user,
            "auditor": auditor_user,
            "outsider": outsider_user,
            "inactive": inactive_staff_user,
        },
    )


def grant(client, party: Party) -> None:
    """What the page of an emailed status link does: post the token from after "#"; the session
    then holds a grant for that request."""
    from django.urls import reverse

    response = client.post(reverse("compliance:status_open"), {"token": party.status_token})
    assert response.status_code == 302, response.status_code


@pytest.fixture
def role_clients(world):
    """A separate test client per role; citizens are anonymous clients whose sessions hold the
    grant of their own status link (Alice's for "citizen", Bob's for "other_citizen")."""
    clients = {}
    for role in ROLES:
        client = Client()
        user = world.users.get(role)
        if user is not None:
            client.force_login(user)
        clients[role] = client
    grant(clients["citizen"], world.alice)
    grant(clients["other_citizen"], world.bob)
    return clients


# --- "nothing changed" --------------------------------------------------------------------------

SNAPSHOT_APPS = ("enforcement", "compliance", "biometrics", "biometrics_search", "config", "authtoken")


def db_snapshot() -> dict:
    """Every row of every model of the project's apps (plus users and groups), as plain values."""
    from django.contrib.auth.models import Group, User

    snapshot = {}
    for model in apps.get_models():
        if model._meta.app_label in SNAPSHOT_APPS or model in (Group, User):
            fields = [f.attname for f in model._meta.concrete_fields if f.attname != "last_login"]
            snapshot[model._meta.label] = list(model.objects.order_by("pk").values_list(*fields))
    return snapshot


def media_snapshot(root) -> dict[str, bytes]:
    result = {}
    for path in Path(root).rglob("*"):
        if path.is_file():
            result[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return result


def changes_between(before: dict, after: dict) -> list[str]:
    return [label for label in sorted(set(before) | set(after)) if before.get(label) != after.get(label)]

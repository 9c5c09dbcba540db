"""The database itself refuses what the services are written never to do: a second copy of the
same photo bytes, a state outside a field's TextChoices, negative money. Each write here
bypasses the services (queryset .update(), bulk_create, raw SQL), as a buggy migration, a shell
session or a future code path might; SQLite and PostgreSQL must both raise IntegrityError.

State and money fields are found by walking the models, so a new one is covered automatically.
Constraints the models lack are listed in KNOWN_MISSING as strict xfails: the day a constraint is
added the xfail turns into a failure, and the entry must go.
"""

import io
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from PIL import Image

APPS = ("enforcement", "compliance", "biometrics", "biometrics_search", "reports", "core")

# Reported to the model owners (issue 8 report); remove an entry when its constraint exists.
KNOWN_MISSING: dict[str, str] = {}


def _models():
    for label in APPS:
        yield from apps.get_app_config(label).get_models()


def _is_state(field) -> bool:
    return (
        isinstance(field, models.CharField)
        and bool(field.choices)
        and (field.name in ("status", "state") or field.name.endswith("_status"))
    )


def _fields(predicate) -> list[str]:
    return sorted(
        f"{model._meta.label}.{field.name}"
        for model in _models()
        for field in model._meta.concrete_fields
        if predicate(field)
    )


STATE_FIELDS = _fields(_is_state)
MONEY_FIELDS = _fields(lambda field: isinstance(field, models.DecimalField))


class Failed(AssertionError):
    """The database accepted a value it should refuse."""


def _params(names: list[str]):
    return [
        pytest.param(name, marks=pytest.mark.xfail(strict=True, raises=Failed, reason=KNOWN_MISSING[name]))
        if name in KNOWN_MISSING
        else name
        for name in names
    ]


def _split(name: str):
    label, field = name.rsplit(".", 1)
    return apps.get_model(label), field


def assert_refused(write, what: str) -> None:
    """`write()` must raise IntegrityError (in its own savepoint, so the test can go on)."""
    try:
        with transaction.atomic():
            write()
    except IntegrityError:
        return
    raise Failed(f"the database accepted {what}")


# --- one row of every model with a state or money field ------------------------------------------


@pytest.fixture
def rows(db, django_capture_on_commit_callbacks):
    """{model label: a saved row}. The enforcement rows come from the real Clearview record."""
    from biometrics.models import Customer, FaceChange, FaceChangeKind
    from compliance.models import (
        AccessPackage,
        ErasureAction,
        ErasureActionKind,
        ErasureRecord,
        MatchBand,
        MatchingRun,
        RequestMatch,
    )
    from compliance.workflow import intake
    from core.models import OutboxEmail
    from enforcement import models as enforcement
    from enforcement.services.importer import DEFAULT_FILE, enforcement_import, load_rows
    from reports.models import GeneratedReport, ReportKind
    from tests.biometrics.factories import SourcePhotoFactory

    enforcement_import(rows=load_rows(DEFAULT_FILE), source_name=DEFAULT_FILE.name)
    found = {}
    for model in apps.get_app_config("enforcement").get_models():
        row = model.objects.first()
        if row is not None:
            found[model._meta.label] = row
    fine = enforcement.Fine.objects.first()
    if "enforcement.QuotedConversion" not in found:
        found["enforcement.QuotedConversion"] = enforcement.QuotedConversion.objects.create(
            fine=fine, amount=Decimal("10.00"), currency="GBP"
        )
    if "enforcement.PenaltyLiquidation" not in found:
        penalty = enforcement.PenaltyPayment.objects.first()
        found["enforcement.PenaltyLiquidation"] = enforcement.PenaltyLiquidation.objects.create(
            penalty=penalty, amount=Decimal("5.00"), period_start="2023-01-01", period_end="2023-01-31"
        )

    jpeg = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 150, 120)).save(jpeg, format="JPEG")
    with django_capture_on_commit_callbacks(execute=False):
        request, _token = intake.request_submit(
            data={"request_type": "both", "name": "Ann", "email": "ann@example.org", "country": "NL",
                  "selfie_consent": True},
            selfie_file=jpeg.getvalue(),
        )  # fmt: skip
    photo = SourcePhotoFactory()
    erasure = ErasureRecord.objects.create(request=request)
    found.update(
        {
            "compliance.DataSubjectRequest": request,
            "compliance.MatchingRun": MatchingRun.objects.create(
                request=request, confident_tolerance=0.5, possible_tolerance=0.6
            ),
            "compliance.RequestMatch": RequestMatch.objects.create(
                request=request,
                face_id_snapshot=1,
                photo_id_snapshot=photo.pk,
                photo_public_id=photo.public_id,
                photo_sha256=photo.sha256,
                collected_at=timezone.now(),
                top=1,
                right=2,
                bottom=2,
                left=1,
                distance=0.3,
                band=MatchBand.CONFIDENT,
            ),  # fmt: skip
            "compliance.AccessPackage": AccessPackage.objects.create(request=request),
            "compliance.ErasureRecord": erasure,
            "compliance.ErasureAction": ErasureAction.objects.create(
                erasure=erasure, kind=ErasureActionKind.DELETE_PHOTO, photo_ref=photo.pk, photo_public_id=uuid.uuid4()
            ),
            "biometrics.SourcePhoto": photo,
            "biometrics.FaceChange": FaceChange.objects.create(face_id=1, photo_id=photo.pk, kind=FaceChangeKind.ADDED),
            "biometrics.Customer": Customer.objects.create(name="Police", country="NL"),
            "reports.GeneratedReport": GeneratedReport.objects.create(
                kind=ReportKind.ENFORCEMENT_SUMMARY, parameters={}, requested_by_label="test"
            ),
            "core.OutboxEmail": OutboxEmail.objects.get(topic=str(request.public_id)),  # the verification email
        }
    )
    return found


def _row(rows, name: str):
    model, field = _split(name)
    row = rows.get(model._meta.label)
    assert row is not None, f"no {model._meta.label} row to test {field} with: add one to the rows fixture"
    return model, field, row


# --- the walks ------------------------------------------------------------------------------------


def test_the_walk_finds_the_fields_the_issue_names():
    assert {"compliance.DataSubjectRequest.status", "reports.GeneratedReport.status"} <= set(STATE_FIELDS)
    assert {"enforcement.Fine.amount", "enforcement.PenaltyPayment.cap"} <= set(MONEY_FIELDS)
    assert set(KNOWN_MISSING) <= set(STATE_FIELDS) | set(MONEY_FIELDS)


@pytest.mark.parametrize("name", _params(STATE_FIELDS))
def test_a_state_outside_its_choices_is_refused(name, rows):
    model, field, row = _row(rows, name)
    bogus = "bogus"  # fits every state column: the length limit must not be what refuses it
    assert bogus not in dict(model._meta.get_field(field).flatchoices)
    assert_refused(lambda: model.objects.filter(pk=row.pk).update(**{field: bogus}), f"{name} = {bogus!r}")


@pytest.mark.parametrize("name", _params(MONEY_FIELDS))
def test_negative_money_is_refused(name, rows):
    model, field, row = _row(rows, name)
    assert_refused(lambda: model.objects.filter(pk=row.pk).update(**{field: Decimal("-0.01")}), f"{name} = -0.01")


def test_every_declared_constraint_exists_in_the_database(db):
    """The constraints in Meta reached the schema (a migration was not forgotten)."""
    missing = []
    with connection.cursor() as cursor:
        for model in _models():
            present = set(connection.introspection.get_constraints(cursor, model._meta.db_table))
            missing += [
                f"{model._meta.label}: {constraint.name}"
                for constraint in model._meta.constraints
                if constraint.name not in present
            ]
    assert not missing


# --- writes that bypass the services --------------------------------------------------------------


def test_the_same_photo_bytes_cannot_be_stored_twice(rows):
    from biometrics.models import SourcePhoto
    from tests.biometrics.factories import SourcePhotoFactory

    first = rows["biometrics.SourcePhoto"]
    second = SourcePhotoFactory()
    copy = SourcePhotoFactory.build(sha256=first.sha256, image="biometrics/photos/copy.jpg")
    assert_refused(lambda: SourcePhoto.objects.bulk_create([copy]), "a bulk_create of a stored SHA-256")
    assert_refused(
        lambda: SourcePhoto.objects.filter(pk=second.pk).update(sha256=first.sha256), "an update to a stored SHA-256"
    )
    table, column = SourcePhoto._meta.db_table, connection.ops.quote_name("sha256")

    def raw_update():
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [first.sha256, second.pk])  # noqa: S608

    assert_refused(raw_update, "a raw UPDATE to a stored SHA-256")
    assert SourcePhoto.objects.filter(sha256=first.sha256).count() == 1


def test_raw_sql_cannot_write_a_bad_state_or_negative_fine(rows):
    from compliance.models import DataSubjectRequest
    from enforcement.models import Fine

    def raw(model, field, value, pk):
        def write():
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {model._meta.db_table} SET {connection.ops.quote_name(field)} = %s WHERE id = %s",  # noqa: S608
                    [value, pk],
                )

        return write

    request, fine = rows["compliance.DataSubjectRequest"], rows["enforcement.Fine"]
    assert_refused(raw(DataSubjectRequest, "status", "approved", request.pk), "a raw request status")
    assert_refused(raw(Fine, "amount", Decimal("-20000000"), fine.pk), "a raw negative fine")
    request.refresh_from_db()
    fine.refresh_from_db()
    assert request.status == "awaiting_email_verification" and fine.amount >= 0


def test_rules_across_columns_hold_without_the_services(rows):
    """States that only make sense with other columns set: a report marked done without its file
    and hash, an erasure marked done while the re-check still found faces, a refusal without its
    legal basis, a late refusal without its reason (GDPR Art. 12(4)), an identity mismatch
    overridden without a written reason, an email marked sent without a time, a verification
    link that expires before it was made."""
    from compliance.models import DataSubjectRequest, EmailVerification, ErasureRecord, ErasureStatus, RequestStatus
    from core.models import OutboxEmail, OutboxStatus
    from reports.models import GeneratedReport, ReportStatus

    report, erasure = rows["reports.GeneratedReport"], rows["compliance.ErasureRecord"]
    request = rows["compliance.DataSubjectRequest"]
    assert_refused(
        lambda: GeneratedReport.objects.filter(pk=report.pk).update(status=ReportStatus.DONE),
        "a report done without a file",
    )
    assert_refused(
        lambda: ErasureRecord.objects.filter(pk=erasure.pk).update(status=ErasureStatus.DONE, recheck_matches=2),
        "an erasure done with faces left",
    )
    assert_refused(
        lambda: DataSubjectRequest.objects.filter(pk=request.pk).update(status=RequestStatus.REFUSED),
        "a refusal without basis or reasons",
    )
    assert_refused(
        lambda: DataSubjectRequest.objects.filter(pk=request.pk).update(refused_late=True, late_refusal_reason=""),
        "a late refusal without its reason",
    )
    assert_refused(
        lambda: DataSubjectRequest.objects.filter(pk=request.pk).update(
            identity_assessment="mismatch_overridden", identity_assessment_note=""
        ),
        "an identity mismatch overridden without a reason",
    )
    email = rows["core.OutboxEmail"]
    assert_refused(
        lambda: OutboxEmail.objects.filter(pk=email.pk).update(status=OutboxStatus.SENT, sent_at=None),
        "an email marked sent without a time",
    )
    now = timezone.now()
    assert_refused(
        lambda: EmailVerification.objects.create(
            request=request, token_hash="f" * 64, created_at=now, expires_at=now - timedelta(seconds=1)
        ),
        "a verification that expires before it is made",
    )


def test_a_retried_matching_cannot_store_a_face_twice(rows):
    """bulk_create without ignore_conflicts (what a careless retry would do) hits the unique
    (request, face) constraint that makes matching idempotent."""
    from compliance.models import RequestMatch

    match = rows["compliance.RequestMatch"]
    again = RequestMatch(
        **{
            field.attname: getattr(match, field.attname)
            for field in RequestMatch._meta.concrete_fields
            if not field.primary_key
        }
    )
    assert_refused(lambda: RequestMatch.objects.bulk_create([again]), "the same face matched twice")
    assert RequestMatch.objects.filter(request=match.request).count() == 1

"""The Art. 15 access letter, the erasure certificate and the compliance audit. The letters are
documents the workflow issues once, from the final facts (compliance/workflow/documents.py)."""

import hashlib
import io
from datetime import date, datetime, timedelta

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from biometrics.models import Customer, Face, SearchEvent, SearchResult, SourcePhoto
from compliance.models import (
    DocumentKind,
    ErasureAction,
    ErasureActionKind,
    ErasureActionState,
    ErasureRecipient,
    ErasureRecord,
    ErasureStatus,
    MatchBand,
    NotifiedHow,
    RefusalBasis,
    RequestMatch,
    RequestStatus,
    RequestType,
    ReviewStatus,
)
from compliance.services.tokens import status_token_for
from compliance.workflow import intake
from compliance.workflow.documents import DocumentsNotFinal, documents_issue
from core.audit import audit_record
from core.models import AuditEvent
from core.storage import private_storage
from reports.models import GeneratedReport, ReportKind, ReportStatus
from reports.services import ReportParameterError, report_request
from tests.reports.conftest import has, pdf_text, pdf_xmp, save_page_images
from tests.reports.factories import (
    AMSTERDAM,
    RequestFactory,
    answer_access,
    document_of,
    finish_erasure,
    searched,
)

pytestmark = pytest.mark.django_db


def jpeg(color, size=(160, 120)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="JPEG")
    return buffer.getvalue()


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=AMSTERDAM)


def make_photo(index: int) -> SourcePhoto:
    data = jpeg((40 * index % 255, 90, 140))
    sha = hashlib.sha256(data).hexdigest()
    photo = SourcePhoto(
        source_url=f"https://images.example-news.test/2023/{index}.jpg",
        page_url=f"https://www.example-news.test/articles/{index}-a-very-long-article-slug-about-a-public-event-in-utrecht",
        source_domain="images.example-news.test",
        collected_at=at(f"2023-0{index}-1{index}"),
        sha256=sha,
        width=160,
        height=120,
        size_bytes=len(data),
    )
    photo.image.save(f"{sha}.jpg", ContentFile(data), save=False)
    photo.save()
    return photo


@pytest.fixture
def access_case(media_root):
    """An access request under review: two confident matches confirmed by rule, one possible
    match staff rejected (someone else), and searches of two customers that returned its faces."""
    dsr = RequestFactory(request_type=RequestType.ACCESS, status=RequestStatus.AWAITING_REVIEW, name="Sanne Bakker")
    searched(dsr, finished_at=at("2025-01-16"))
    photos, faces = [], []
    for index in (1, 2):
        photo = make_photo(index)
        face = Face.objects.create(
            photo=photo,
            top=10,
            right=60,
            bottom=60,
            left=10,
            encoding=bytes(512),
            model_name="small",
            model_version="t",
        )
        photos.append(photo)
        faces.append(face)
        RequestMatch.objects.create(
            request=dsr,
            face=face,
            face_id_snapshot=face.pk,
            photo_id_snapshot=photo.pk,
            photo_public_id=photo.public_id,
            photo_sha256=photo.sha256,
            source_url=photo.source_url,
            page_url=photo.page_url,
            collected_at=photo.collected_at,
            top=10,
            right=60,
            bottom=60,
            left=10,
            distance=0.31 + index / 100,
            band=MatchBand.CONFIDENT,
            review_status=ReviewStatus.CONFIRMED,
        )
    # A possible match staff rejected (someone else): never disclosed.
    other = make_photo(3)
    RequestMatch.objects.create(
        request=dsr,
        face=None,
        face_id_snapshot=999999,
        photo_id_snapshot=other.pk,
        photo_public_id=other.public_id,
        photo_sha256=other.sha256,
        source_url="https://elsewhere.test/other.jpg",
        page_url="https://elsewhere.test/p",
        collected_at=other.collected_at,
        top=1,
        right=2,
        bottom=2,
        left=1,
        distance=0.52,
        band=MatchBand.POSSIBLE,
        review_status=ReviewStatus.REJECTED,
    )
    police = Customer.objects.create(name="Metropolitan Example Police", kind="police", country="US")
    agency = Customer.objects.create(name="Rijksrecherche Voorbeeld", kind="government", country="NL")
    for customer, when, face in (
        (police, "2024-03-01", faces[0]),
        (police, "2024-05-02", faces[1]),
        (agency, "2024-06-03", faces[0]),
    ):
        search = SearchEvent.objects.create(customer=customer, searched_at=at(when))
        SearchResult.objects.create(
            search=search,
            face=face,
            face_ref=face.pk,
            photo_public_id=face.photo.public_id,
            photo_sha256=face.photo.sha256,
            distance=0.3,
        )
    return dsr, photos


def test_access_letter_answers_every_item_of_article_15(
    access_case, staff_user, media_root, django_capture_on_commit_callbacks
):
    dsr, photos = access_case
    dsr = answer_access(dsr, staff=staff_user, capture=django_capture_on_commit_callbacks)
    letter = document_of(dsr, DocumentKind.ACCESS_LETTER)
    assert letter.issued_at >= dsr.facts_final_at and letter.language == "en"
    path = letter.file.path
    assert hashlib.sha256(open(path, "rb").read()).hexdigest() == letter.sha256  # noqa: SIM115
    text = pdf_text(path)
    assert has(text, "Sanne Bakker")
    assert has(text, "Yes.") and has(text, "2 photos")
    assert "DRAFT" not in text  # the draft preview said so; the issued letter does not
    for heading in (
        "(Art. 15(1))",
        "(Art. 15(3))",
        "(Art. 15(1)(a))",
        "(Art. 15(1)(b))",
        "(Art. 15(1)(c))",
        "(Art. 15(2))",
        "(Art. 15(1)(d))",
        "(Art. 15(1)(e))",
        "(Art. 15(1)(g))",
        "(Art. 15(1)(h))",
        "(Art. 15(1)(f))",
        "(Art. 15(4))",
    ):
        assert has(text, heading), heading
    assert has(text, photos[0].page_url)
    assert has(text, "Metropolitan Example Police") and has(text, "Rijksrecherche Voorbeeld")
    # A transfer outside the EU/EEA with nothing recorded for it: the letter says so.
    assert has(text, "Metropolitan Example Police (US): none: no adequacy decision, safeguard or derogation")
    assert has(text, "elsewhere.test") is False  # the rejected match is not disclosed
    assert has(text, "2 such templates")
    reader = PdfReader(path)
    embedded = {hashlib.sha256(image.data).hexdigest() for page in reader.pages for image in page.images}
    assert len(embedded) == 2  # both redacted copies are in the letter
    assert 'pdfaid:part="3"' in pdf_xmp(path)
    for work in ("documents", "packages"):  # unpacked images and drafts removed
        assert list((media_root / "private" / "requests" / work / "work").iterdir()) == []
    assert not GeneratedReport.objects.exists()  # letters are not reports
    save_page_images(path, "letter-access-en", pages=3)


def test_each_transfer_is_stated_with_the_basis_recorded_for_its_recipient(
    access_case, staff_user, django_capture_on_commit_callbacks
):
    """Art. 15(2), issue 16 item 4: adequacy by country (GB needs no clauses), clauses only with
    their recorded date, the US framework only for a recipient recorded within it, and the
    package's JSON says exactly what the letter says."""
    import json
    import zipfile

    dsr, photos = access_case
    face = Face.objects.get(photo=photos[0])
    recipients = [
        Customer.objects.create(name="Example Constabulary", kind="police", country="GB"),
        Customer.objects.create(
            name="Example Federal Police",
            kind="police",
            country="AU",
            transfer_basis="sccs",
            transfer_scc_signed_on=date(2024, 2, 29),
        ),
        Customer.objects.create(
            name="Example Screening Inc.",
            kind="private",
            country="CA",
            transfer_basis="derogation",
            transfer_derogation="Art. 49(1)(e): the establishment of a legal claim",
        ),
    ]
    for customer in recipients:
        search = SearchEvent.objects.create(customer=customer, searched_at=at("2024-07-01"))
        SearchResult.objects.create(
            search=search,
            face=face,
            face_ref=face.pk,
            photo_public_id=face.photo.public_id,
            photo_sha256=face.photo.sha256,
            distance=0.3,
        )
    dsr = answer_access(dsr, staff=staff_user, capture=django_capture_on_commit_callbacks)
    text = pdf_text(document_of(dsr, DocumentKind.ACCESS_LETTER).file.path)
    assert has(text, "Example Constabulary (GB): an adequacy decision of the European Commission for this country")
    assert has(text, "Example Federal Police (AU): standard data protection clauses")
    assert has(text, "signed on Feb. 29, 2024") or has(text, "signed on 29 February 2024"), text
    assert has(
        text, "Example Screening Inc. (CA): a derogation for a specific situation (GDPR Art. 49(1)): Art. 49(1)(e)"
    )
    assert has(text, "Metropolitan Example Police (US): none")
    assert not has(text, "Rijksrecherche Voorbeeld (NL):")  # inside the EEA: no transfer

    with zipfile.ZipFile(document_of(dsr, DocumentKind.ACCESS_DATA).file.path) as package:
        data = json.loads(package.read("access_response.json"))
    listed = {item["name"]: item["transfer"] for item in data["recipients"]["list"]}
    assert listed["Example Constabulary"]["basis"] == "adequacy"
    assert listed["Example Federal Police"]["standard_contractual_clauses_signed_on"] == "2024-02-29"
    assert listed["Metropolitan Example Police"]["basis"] == "none"
    assert listed["Rijksrecherche Voorbeeld"] == {
        "outside_eea": False,
        "basis": "eea",
        "standard_contractual_clauses_signed_on": None,
        "derogation": None,
        "statement": None,
    }
    assert listed["Example Federal Police"]["statement"] in " ".join(text.split())


def test_the_requester_may_have_their_face_templates_as_a_file(
    access_case, staff_user, client, django_capture_on_commit_callbacks
):
    """Issue 16 item 10 (CJEU C-487/21): the templates are offered, built on request, audited."""
    import json

    from biometrics.models import encoding_to_bytes

    dsr, photos = access_case
    Face.objects.filter(photo=photos[0]).update(encoding=encoding_to_bytes([0.25] * 128))
    from compliance.services.tokens import status_token_derive, token_hash

    dsr.status_token_created_at = dsr.received_at
    dsr.status_token_hash = token_hash(status_token_derive(public_id=dsr.public_id, issued_at=dsr.received_at))
    dsr.save(update_fields=["status_token_created_at", "status_token_hash"])
    url = reverse("compliance:face_templates", kwargs={"public_id": dsr.public_id})
    opened = client.post(reverse("compliance:status_open"), {"token": status_token_for(dsr)})
    assert opened.status_code == 302
    assert client.post(url).status_code == 404  # not answered yet
    dsr = answer_access(dsr, staff=staff_user, capture=django_capture_on_commit_callbacks)
    page = client.get(reverse("compliance:status", kwargs={"public_id": dsr.public_id})).content.decode()
    assert 'id="face-templates"' in page
    response = client.post(url)
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    content = json.loads(response.content)
    assert content["encoder"].startswith("dlib_face_recognition_resnet_model_v1")
    assert len(content["templates"]) == 2  # the two confirmed faces, never the rejected one
    by_photo = {item["photo_id"]: item["template"] for item in content["templates"]}
    assert by_photo[str(photos[0].public_id)] == [0.25] * 128
    event = AuditEvent.objects.get(request_public_id=dsr.public_id, action="request.templates_copied")
    assert event.details == {"templates": 2} and "0.25" not in str(event.details)
    assert "status page offers them as a file" in " ".join(
        pdf_text(document_of(dsr, DocumentKind.ACCESS_LETTER).file.path).split()
    )
    Face.objects.filter(photo__in=photos).delete()  # erased since: nothing left to give
    assert client.post(url).status_code == 404


def test_the_requester_gets_the_access_letter_only_after_release(
    access_case, staff_user, client, django_capture_on_commit_callbacks
):
    dsr, _ = access_case
    capture = django_capture_on_commit_callbacks
    dsr = answer_access(dsr, staff=staff_user, capture=capture, approve=False)
    assert dsr.access_package.status == "ready"  # the draft exists, for staff
    assert not dsr.documents.exists()
    with pytest.raises(DocumentsNotFinal):
        documents_issue(request_id=dsr.pk)
    assert not dsr.documents.exists()
    token = intake.status_link_issue(dsr, now=dsr.received_at)  # the link of the emails
    assert token == status_token_for(dsr)
    opened = client.post(reverse("compliance:status_open"), {"token": token})
    page = client.get(opened["Location"]).content.decode()
    assert "/documents/" not in page

    from compliance.workflow import approval

    with capture(execute=True):
        approval.answer_approve(request=dsr, user=staff_user)
    page = client.get(opened["Location"]).content.decode()
    links = [part.split('"')[0] for part in page.split('href="')[1:] if "/documents/" in part.split('"')[0]]
    assert len(links) == 2
    responses = [client.get(link) for link in links]
    letter = next(r for r in responses if r["Content-Type"] == "application/pdf")
    assert letter.status_code == 200
    body = b"".join(letter.streaming_content)
    assert hashlib.sha256(body).hexdigest() == document_of(dsr, DocumentKind.ACCESS_LETTER).sha256


def test_access_letter_without_any_match_says_no(staff_user, django_capture_on_commit_callbacks):
    dsr = RequestFactory(request_type=RequestType.ACCESS, status=RequestStatus.AWAITING_REVIEW, language="en")
    searched(dsr, finished_at=at("2025-01-16"))
    dsr = answer_access(dsr, staff=staff_user, capture=django_capture_on_commit_callbacks)
    text = pdf_text(document_of(dsr, DocumentKind.ACCESS_LETTER).file.path)
    assert has(text, "No.") and has(text, "found no photo of you")
    assert has(text, "No customer's search has returned your face")


@pytest.fixture
def erased_request(staff_user):
    """An erasure request whose erasure ran (rows as the erasure leaves them): it waits in
    "erasing" for the workflow to finish it and issue the certificate."""
    dsr = RequestFactory(
        request_type=RequestType.ERASURE,
        status=RequestStatus.ERASING,
        name="Luca Rossi",
        language="en",
        biometrics_purged_at=at("2025-02-01", 12),
        identity_assessment="established",
        identity_assessment_note="Email confirmed; the selfie is clear.",
    )
    searched(dsr, finished_at=at("2025-01-16"))
    erasure = ErasureRecord.objects.create(
        request=dsr,
        status=ErasureStatus.DONE,
        approved_at=at("2025-02-01", 9),
        confirmed_at=at("2025-02-01", 9),
        confirmed_by=staff_user,
        started_at=at("2025-02-01", 9),
        finished_at=at("2025-02-01", 11),
        faces_deleted=3,
        photos_deleted=2,
        photos_redacted=1,
        recheck_matches=0,
        recheck_rejected_remaining=1,
        recheck_tolerance=0.55,
        recheck_at=at("2025-02-01", 11),
    )
    hashes = ["a1" * 32, "b2" * 32, "c3" * 32]
    for index, (kind, old) in enumerate(
        (
            (ErasureActionKind.DELETE_PHOTO, hashes[0]),
            (ErasureActionKind.DELETE_PHOTO, hashes[1]),
            (ErasureActionKind.REDACT_PHOTO, hashes[2]),
        )
    ):
        ErasureAction.objects.create(
            erasure=erasure,
            kind=kind,
            state=ErasureActionState.DONE,
            photo_ref=100 + index,
            photo_public_id=f"00000000-0000-4000-8000-00000000000{index}",
            old_sha256=old,
            new_sha256="d4" * 32 if kind == ErasureActionKind.REDACT_PHOTO else "",
            faces_kept=2 if kind == ErasureActionKind.REDACT_PHOTO else 0,
            done_at=at("2025-02-01", 10),
        )
    customer = Customer.objects.create(name="Border Agency Example", kind="border", country="IT")
    ErasureRecipient.objects.create(
        erasure=erasure,
        customer=customer,
        customer_name=customer.name,
        faces_count=2,
        searches_count=4,
        notified_at=at("2025-02-02"),
        notified_how=NotifiedHow.OTHER_MEANS,
        notification_note="Registered letter to the agency.",
    )
    return dsr, hashes


def test_erasure_certificate_states_what_was_deleted_and_the_recheck(
    erased_request, django_capture_on_commit_callbacks
):
    dsr, hashes = erased_request
    assert finish_erasure(dsr, capture=django_capture_on_commit_callbacks)
    assert dsr.status == RequestStatus.COMPLETED
    certificate = document_of(dsr, DocumentKind.ERASURE_CERTIFICATE)
    assert certificate.issued_at >= dsr.facts_final_at
    text = pdf_text(certificate.file.path)
    assert has(text, "Luca Rossi")
    for value in hashes:
        assert has(text, value)
    assert has(text, "0 matching faces remained")
    assert has(text, "Faces and face templates deleted 3")
    assert has(text, "Photos deleted with their files 2")
    assert has(text, "Photos kept with your face blurred 1")
    assert has(text, "Border Agency Example") and has(text, "2 February 2025") and has(text, "by other means")
    assert "not yet" not in text  # every Art. 19 notice as actually given
    assert has(text, "1 February 2025")  # the erasure's end, and the selfie's deletion
    assert has(text, "Nothing biometric about you is kept")
    assert 'pdfaid:conformance="B"' in pdf_xmp(certificate.file.path)
    assert len(PdfReader(certificate.file.path).pages[0].images) == 0  # no photo in a certificate
    # Issued once: running the issue again renders nothing new.
    documents_issue(request_id=dsr.pk)
    assert (
        dsr.documents.count() == 1 and document_of(dsr, DocumentKind.ERASURE_CERTIFICATE).sha256 == certificate.sha256
    )
    save_page_images(certificate.file.path, "erasure-certificate-en", pages=2)


def test_no_certificate_before_the_erasure_is_done_and_rechecked(erased_request, django_capture_on_commit_callbacks):
    dsr, _ = erased_request
    ErasureRecord.objects.filter(request=dsr).update(status=ErasureStatus.ALERT, recheck_matches=1)
    assert finish_erasure(dsr, capture=django_capture_on_commit_callbacks) is False
    assert dsr.status == RequestStatus.ERASING
    with pytest.raises(DocumentsNotFinal):
        documents_issue(request_id=dsr.pk)
    # Done, but a recipient not told yet: still no certificate (it states every notice given).
    ErasureRecord.objects.filter(request=dsr).update(status=ErasureStatus.DONE, recheck_matches=0)
    ErasureRecipient.objects.filter(erasure__request=dsr).update(notified_at=None)
    assert finish_erasure(dsr, capture=django_capture_on_commit_callbacks) is False
    assert dsr.status == RequestStatus.ERASING and not dsr.documents.exists()


# --- compliance audit ------------------------------------------------------------------------


@pytest.fixture
def quarter():
    """Requests received in Q1 2025, in every situation the audit reports."""
    on_time = RequestFactory(
        country="NL",
        received_at=at("2025-01-15"),
        due_date=date(2025, 2, 17),
        status=RequestStatus.COMPLETED,
        completed_at=at("2025-01-30"),
    )
    late = RequestFactory(
        country="FR",
        request_type=RequestType.ERASURE,
        received_at=at("2025-01-02"),
        due_date=date(2025, 2, 3),
        status=RequestStatus.COMPLETED,
        completed_at=at("2025-02-20"),
    )
    refused = RequestFactory(
        country="IT",
        request_type=RequestType.BOTH,
        received_at=at("2025-01-02"),
        due_date=date(2025, 2, 3),
        status=RequestStatus.REFUSED,
        refusal_basis=RefusalBasis.EXCESSIVE,
        refused_at=at("2025-01-10"),
        refusal_reason="Sixth identical request this month.",
    )
    extended = RequestFactory(
        country="NL",
        received_at=at("2025-03-03"),
        due_date=date(2025, 4, 3),
        extended_due_date=date(2025, 6, 3),
        extension_months=2,
        extension_reason="Four hundred group photos to review by hand.",
        extended_at=at("2025-03-20"),
        extension_notified_at=at("2025-03-20"),
        status=RequestStatus.PROCESSING,
    )
    overdue = RequestFactory(
        country="BE",
        received_at=at("2025-01-03"),
        due_date=date(2025, 2, 3),
        status=RequestStatus.AWAITING_REVIEW,
    )
    unverified = RequestFactory(
        country="DE",
        received_at=at("2025-02-10"),
        due_date=date(2025, 3, 10),
        status=RequestStatus.EXPIRED,
        email_verified_at=None,
    )
    RequestFactory(country="NL", received_at=at("2025-04-05"), due_date=date(2025, 5, 5))  # outside the period
    ErasureRecord.objects.create(
        request=late,
        status=ErasureStatus.DONE,
        faces_deleted=4,
        photos_deleted=3,
        photos_redacted=1,
        recheck_matches=0,
        recheck_at=at("2025-02-20"),
    )
    audit_record(action="request.received", request=on_time, details={"country": "NL"})
    return {
        "on_time": on_time,
        "late": late,
        "refused": refused,
        "extended": extended,
        "overdue": overdue,
        "unverified": unverified,
    }


def generate_audit(user, capture, start="2025-01-01", end="2025-03-31"):
    with capture(execute=True):
        report = report_request(
            kind=ReportKind.COMPLIANCE_AUDIT, parameters={"period_start": start, "period_end": end}, user=user
        )
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE, report.last_error
    return report


def test_compliance_audit_for_a_quarter(quarter, auditor_user, django_capture_on_commit_callbacks):
    report = generate_audit(auditor_user, django_capture_on_commit_callbacks)
    text = pdf_text(report.file.path)
    assert has(text, "Compliance audit 01 Jan 2025 – 31 Mar 2025")
    assert has(text, "Requests received 6")
    assert has(text, "On time 2 of 3")  # NL and the refusal on time, FR late
    assert has(text, "Median response time 15 days")
    assert has(text, f"Worst response time 49 days (request {quarter['late'].public_id}")
    assert has(text, str(quarter["overdue"].public_id)) and has(text, "56")  # 3 Feb -> 31 Mar
    assert has(text, "Four hundred group photos to review by hand.")
    assert has(text, "Sixth identical request this month.")
    assert has(text, "Never verified (email) 1")
    assert has(text, "0 matches remaining")
    assert has(text, "intact")
    assert "2025-04-05" not in text
    assert 'pdfaid:part="3"' in pdf_xmp(report.file.path)
    save_page_images(report.file.path, "compliance-audit", pages=4)


def test_compliance_audit_reports_a_broken_audit_chain(quarter, auditor_user, django_capture_on_commit_callbacks):
    from core.models import AuditEvent

    event = AuditEvent.objects.order_by("seq").first()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("UPDATE compliance_auditevent SET action = %s WHERE id = %s", ["request.forged", event.pk])
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")
    text = pdf_text(generate_audit(auditor_user, django_capture_on_commit_callbacks).file.path)
    assert has(text, "BROKEN") and has(text, f"record #{event.seq}")


def test_compliance_audit_period_is_validated(auditor_user):
    for start, end, message in (
        ("2025-03-01", "2025-01-01", "before its start"),
        ("2025-13-01", "2025-12-31", "not a date"),
        ("2015-01-01", "2025-12-31", "five years"),
        ((date.today() + timedelta(days=40)).isoformat(), (date.today() + timedelta(days=60)).isoformat(), "future"),
    ):
        with pytest.raises(ReportParameterError, match=message):
            report_request(
                kind=ReportKind.COMPLIANCE_AUDIT,
                parameters={"period_start": start, "period_end": end},
                user=auditor_user,
            )
    _ = private_storage  # the private storage is where every report above was written

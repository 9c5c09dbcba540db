"""Recipients withheld by a partial refusal (GDPR Art. 23 with Art. 12(4)): a police force
investigating a crime is named nowhere in what the requester receives (the access letter, the
machine-readable package, the erasure certificate), while the other recipients still are and the
partial refusal itself is printed with its ground and law; it is still told of the erasure
(Art. 19). Through the service, the staff form and the API."""

import io
import json
import zipfile

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

import tests.answering.conftest as answering_fixtures
from biometrics.models import Face
from biometrics.services import customer_ensure, search_event_record
from compliance.models import DocumentKind, PartialRefusal, RefusalBasis, RequestStatus
from compliance.reports.art15 import art15_texts
from compliance.reports.letters import access_response_data
from compliance.withholding import withheld_customer_ids
from compliance.workflow import access, approval, erasure, handling, review
from core.models import AuditEvent
from tests.reports.conftest import has, pdf_text
from tests.workflow import assess_identity, decide_all

pytestmark = [pytest.mark.faces, pytest.mark.slow, pytest.mark.django_db]

# The answering tests' fixtures (the shared photos ingested, a request filed with a selfie).
for _name in ("manifest", "analyses", "store", "file_request"):
    globals()[_name] = getattr(answering_fixtures, _name)

POLICE_LAW = "Wetboek van Strafvordering, art. 126nd (secrecy of a criminal investigation)"
SCOPE = "the names of recipients that are police forces investigating a crime"
REASON = "Naming them would alert the suspects of a running investigation."


@pytest.fixture
def world(store, file_request, staff_user, django_capture_on_commit_callbacks):
    """An access-and-erasure request for Obama's photos, reviewed and awaiting approval; the police
    and the border agency searched his face, the bank only Biden's."""
    obama_face = Face.objects.get(photo_id=store["people/obama/obama2.jpg"])
    biden_face = Face.objects.get(photo_id=store["people/biden/biden.jpg"])
    police = customer_ensure(name="Example Police", country="NL", kind="police", contact_email="dpo@police.example")
    agency = customer_ensure(name="Border Agency", country="FR", kind="border", contact_email="dpo@border.example")
    bank = customer_ensure(name="Unrelated Bank", country="IT", contact_email="privacy@bank.example")
    search_event_record(customer=police, matches=[(obama_face.pk, 0.3)])
    search_event_record(customer=agency, matches=[(obama_face.pk, 0.4)])
    search_event_record(customer=bank, matches=[(biden_face.pk, 0.2)])
    request = file_request(request_type="both")
    decide_all(request, staff_user)
    assess_identity(request, staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        review.review_finish(request=request, user=staff_user)
    request.refresh_from_db()
    assert request.status == RequestStatus.AWAITING_APPROVAL
    return request, police, agency, bank


def test_only_art_23_withholds_and_only_a_recipient(world, staff_user):
    request, police, _agency, bank = world
    with pytest.raises(ValidationError) as caught:
        handling.request_refuse_part(
            request=request,
            user=staff_user,
            scope=SCOPE,
            basis=RefusalBasis.OTHER,
            reason=REASON,
            withheld_customers=[police],
        )
    assert "Art. 23" in " ".join(caught.value.message_dict["withheld_customers"])
    with pytest.raises(ValidationError) as caught:
        handling.request_refuse_part(
            request=request,
            user=staff_user,
            scope=SCOPE,
            basis=RefusalBasis.ART_23,
            reason=REASON,
            law=POLICE_LAW,
            withheld_customers=[bank],
        )
    assert "Unrelated Bank" in " ".join(caught.value.message_dict["withheld_customers"])
    assert not PartialRefusal.objects.exists()

    # The API takes public ids, and refuses the same way.
    api = APIClient()
    api.force_authenticate(staff_user)
    url = f"/api/v1/requests/{request.public_id}/refuse-part/"
    body = {"scope": SCOPE, "basis": RefusalBasis.ART_23, "reason": REASON, "law": POLICE_LAW}
    stranger = api.post(url, {**body, "withheld_customers": [str(bank.public_id)]}, format="json")
    assert stranger.status_code == 400 and "withheld_customers" in stranger.json()
    done = api.post(url, {**body, "withheld_customers": [str(police.public_id)]}, format="json")
    assert done.status_code == 200
    [listed] = done.json()["request"]["partial_refusals"]
    assert listed["withheld_customers"] == [str(police.public_id)]
    assert withheld_customer_ids(request) == {police.pk}
    event = AuditEvent.objects.get(request_public_id=request.public_id, action="request.partially_refused")
    assert event.details["withheld_customers"] == [str(police.public_id)]


def read_zip(document) -> dict:
    with document.file.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
        return json.loads(archive.read("access_response.json"))


def test_a_withheld_recipient_is_named_nowhere_the_requester_reads(
    world, staff_user, staff_client, django_capture_on_commit_callbacks
):
    request, police, agency, _bank = world
    page = staff_client.get(f"/requests/staff/{request.public_id}/").content.decode()
    assert "Example Police" in page and "Unrelated Bank" not in page  # the choices: this request's recipients
    url = f"/requests/staff/{request.public_id}/actions/refuse_part/"
    data = {
        "refuse_part-scope": SCOPE,
        "refuse_part-basis": RefusalBasis.ART_23,
        "refuse_part-reason": REASON,
        "refuse_part-law": POLICE_LAW,
        "refuse_part-late_reason": "",
        "refuse_part-withheld_customers": [str(police.pk)],
    }
    not_art_23 = staff_client.post(url, {**data, "refuse_part-basis": RefusalBasis.OTHER})
    assert not_art_23.status_code == 400 and "Art. 23" in not_art_23.content.decode()
    assert staff_client.post(url, data).status_code == 302
    partial = PartialRefusal.objects.get(request=request)
    assert list(partial.withheld_customers.all()) == [police]

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        approval.answer_approve(request=request, user=staff_user, confirm_erasure=True)
    # Both notices were sent: the sweep's next pass records them and issues the final documents.
    with django_capture_on_commit_callbacks(execute=True):
        assert erasure.erasure_try_finish(request=request)
    request.refresh_from_db()
    assert request.status == RequestStatus.COMPLETED
    # Art. 19: the police are still told, and staff still see it.
    notified = {r.customer_name: r.notified_at for r in request.erasure.recipients.all()}
    assert set(notified) == {"Example Police", "Border Agency"} and all(notified.values())
    assert sorted(m.to[0] for m in mail.outbox if "Art. 19" in m.subject) == [
        "dpo@border.example",
        "dpo@police.example",
    ]

    documents = {d.kind: d for d in request.documents.all()}
    letter = pdf_text(documents[DocumentKind.ACCESS_LETTER].file.path)
    assert has(letter, "Border Agency") and not has(letter, "Example Police")
    assert has(letter, SCOPE) and has(letter, POLICE_LAW)

    package = read_zip(documents[DocumentKind.ACCESS_DATA])
    assert [r["name"] for r in package["recipients"]["list"]] == ["Border Agency"]
    assert "Example Police" not in json.dumps(package, ensure_ascii=False)
    [refused] = package["partial_refusals"]["list"]
    assert refused["scope"] == SCOPE and refused["basis"] == RefusalBasis.ART_23 and refused["law"] == POLICE_LAW

    certificate = pdf_text(documents[DocumentKind.ERASURE_CERTIFICATE].file.path)
    assert has(certificate, "Border Agency") and not has(certificate, "Example Police")
    assert has(certificate, SCOPE)


def test_withholding_every_recipient_never_says_nobody_received_the_face(world, staff_user):
    """With all recipients withheld the answer must not claim that no customer received the face:
    that would be untrue; the partial refusal says that something is withheld."""
    request, police, agency, _bank = world
    handling.request_refuse_part(
        request=request,
        user=staff_user,
        scope=SCOPE,
        basis=RefusalBasis.ART_23,
        reason=REASON,
        law=POLICE_LAW,
        withheld_customers=[police, agency, police],
    )
    data = access_response_data(request)
    assert data.recipients == [] and data.recipients_withheld
    document = access.package_json(
        request=request, matches=list(access.disclosed_matches(request)), copies={}, now=timezone.now()
    )
    assert document["recipients"]["list"] == []
    assert document["recipients"]["statement"] == art15_texts(request.language)["recipients"]

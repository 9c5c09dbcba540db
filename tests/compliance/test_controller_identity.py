"""Issue 16 item 2: every letter says who speaks (the controller, its DPO, its EU representative)
and on what basis the store is run; without that identity nothing is issued."""

import io

import pytest
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from pypdf import PdfReader

from compliance.models import RefusalBasis
from compliance.workflow import documents, handling

pytestmark = pytest.mark.django_db


def pdf_text(document) -> str:
    with document.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_the_refusal_letter_names_the_controller_its_dpo_and_representative(
    verified_request, staff_user, settings, now, django_capture_on_commit_callbacks
):
    settings.CONTROLLER_EU_REPRESENTATIVE = "EU Rep GmbH, Hauptstrasse 1, 10115 Berlin"
    with django_capture_on_commit_callbacks(execute=True):
        handling.request_refuse(
            request=verified_request,
            user=staff_user,
            basis=RefusalBasis.OTHER,
            reason="The photo is a drawing.",
            now=now,
        )
    text = pdf_text(verified_request.documents.get()).replace(" ", "")  # the letterhead wraps lines
    for fact in (
        "Test Face Search B.V.",
        "Teststraat 1",
        "Dana Officer",
        "dpo@test-face-search.example",
        "EU Rep GmbH",
    ):
        assert fact.replace(" ", "") in text, fact
    assert "DPA tracker" not in text  # the old, wrong signature


def test_the_access_letter_states_the_legal_basis_retention_and_dpia(request_in):
    request = request_in("completed")  # nl: the request was made in Dutch
    text = pdf_text(request.documents.get(kind="access_letter"))
    assert "gerechtvaardigde belangen (AVG art. 6, lid 1, onder f)" in text
    assert "kennelijk door de betrokkene openbaar zijn gemaakt" in text
    assert "totdat ze worden gewist" in text and "DPIA-TEST-1" in text


def test_no_document_without_the_controllers_identity(verified_request, staff_user, settings, now):
    handling.request_refuse(
        request=verified_request, user=staff_user, basis=RefusalBasis.OTHER, reason="The photo is a drawing.", now=now
    )
    settings.CONTROLLER_DPO_EMAIL = ""
    with pytest.raises(ImproperlyConfigured, match="CONTROLLER_DPO_EMAIL"):
        documents.documents_issue(request_id=verified_request.pk)
    assert not verified_request.documents.exists()


def test_the_system_check_names_what_is_missing(settings):
    settings.DEBUG = False
    assert not [e for e in run_checks() if e.id == "compliance.E001"]
    settings.CONTROLLER_NAME = ""
    settings.STORE_LAWFUL_BASIS = ["6(1)(f)"]
    errors = {e.msg for e in run_checks() if e.id == "compliance.E001"}
    assert "CONTROLLER_NAME is not set" in errors
    assert any("no Art. 9(2) condition" in message for message in errors)

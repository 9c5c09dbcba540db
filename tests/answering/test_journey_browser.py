"""Issue 11 in Chromium: staff see the identity mismatch warning, reject a confident match, override
the mismatch with a reason, confirm an erasure on its confirmation page; the requester opens the
status link from the email and downloads exactly one certificate, which states the Art. 19
notice that was sent. Tasks run in-process when each page's transaction commits."""

import io
import re

import pytest
from django.core import mail
from pypdf import PdfReader

from compliance.models import RequestStatus
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.faces, pytest.mark.slow]


def _file_mismatched_erasure(faces_dir):
    from compliance.workflow import intake, matching

    request, token = intake.request_submit(
        data={
            "request_type": "erasure",
            "name": "Barack Journey",
            "email": "journey@example.org",
            "country": "NL",
            "language": "en",
            "selfie_consent": True,
            "id_document_consent": True,
        },
        selfie_file=(faces_dir / "people/obama/obama.jpg").read_bytes(),
        id_file=(faces_dir / "people/biden/biden.jpg").read_bytes(),  # someone else's document
        ip="198.51.100.20",
    )
    request = intake.request_confirm_email(token=token)
    matching.matching_schedule(request=request)
    request.refresh_from_db()
    return request


def test_staff_review_and_confirm_an_erasure_and_the_citizen_gets_one_certificate(
    page, live_server, staff_user, faces_dir, manifest, analyses, transactional_db
):
    from biometrics.models import Face
    from biometrics.services import customer_ensure, search_event_record
    from tests.answering.conftest import ingest_shared_photos

    ingest_shared_photos(faces_dir, manifest, analyses)
    police = customer_ensure(name="Example Police", country="NL", kind="police", contact_email="dpo@police.example")
    search_event_record(
        customer=police, matches=[(Face.objects.filter(photo__source_url__contains="obama2").get().pk, 0.3)]
    )
    request = _file_mismatched_erasure(faces_dir)
    assert request.status == RequestStatus.AWAITING_REVIEW and request.identity_check == "mismatch"
    confident = request.matches.filter(band="confident", review_status="confirmed").order_by("-distance")
    stranger_says_staff = confident.first()

    browser_login(page, live_server, "stella_staff")
    page.goto(f"{live_server.url}/requests/answer/{request.public_id}/")
    assert page.locator("#identity-mismatch").is_visible()
    assert "does not match the selfie" in page.locator("#identity-mismatch").inner_text()
    # Reject a confident match: staff judge that face not to be the requester's.
    page.get_by_role("button", name=f"Reject match {stranger_says_staff.pk}").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(f"#match-{stranger_says_staff.pk}").get_attribute("data-review") == "rejected"
    # "Established" is refused on a mismatch; an override needs its reason.
    page.locator("#id_outcome").select_option("established")
    page.locator("#id_note").fill("Looks like the same person.")
    page.get_by_role("button", name="Record the identity assessment").click()
    page.wait_for_load_state("networkidle")
    assert "override it with a reason" in page.content()
    page.locator("#id_outcome").select_option("mismatch_overridden")
    page.locator("#id_note").fill("Passport shown at the front desk on 4 December; the ID photo was of a relative.")
    page.get_by_role("button", name="Record the identity assessment").click()
    page.wait_for_load_state("networkidle")
    assert "overridden" in page.locator("#identity-assessment").inner_text()
    page.get_by_role("button", name="Finish review").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#request-status").inner_text() == "Awaiting approval"

    # The confirmation page lists what goes, with a thumbnail per face; nothing happens unticked.
    page.locator("#approve-link").click()
    page.wait_for_load_state("networkidle")
    counts = page.locator("#plan-counts").inner_text()
    planned = request.matches.filter(review_status="confirmed").count()
    assert f"{planned} face(s)" in counts
    thumbnails = page.locator("#erasure-plan img")
    assert thumbnails.count() == planned
    assert thumbnails.first.evaluate("img => img.complete && img.naturalWidth > 0")
    page.get_by_role("button", name="Approve and erase").click()
    page.wait_for_load_state("networkidle")
    assert "Confirm the erasure" in page.content()
    request.refresh_from_db()
    assert request.status == RequestStatus.AWAITING_APPROVAL
    page.get_by_label("I have checked the photos listed above").check()
    page.get_by_role("button", name="Approve and erase").click()
    page.wait_for_load_state("networkidle")
    request.refresh_from_db()
    assert request.status == RequestStatus.COMPLETED, request.erasure.last_error or request.erasure.alert
    assert page.locator("#erasure-status").inner_text() == "Done and verified"

    # The requester: the link from the email (its secret after "#") opens the status page.
    status_link = re.search(r"https?://\S+/requests/status/#\S+", mail.outbox[-1].body).group(0)
    path = status_link.split("://", 1)[1].split("/", 1)[1]
    citizen = page.context.browser.new_context(locale="en-GB")
    citizen_page = citizen.new_page()
    citizen_page.goto(f"{live_server.url}/{path}")
    citizen_page.wait_for_url(re.compile(rf".*/requests/status/{request.public_id}/$"))
    assert "#" not in citizen_page.url
    steps = citizen_page.locator(".stepper .step")
    assert steps.count() == 5 and citizen_page.locator(".stepper .step-done").count() == 5
    documents = citizen_page.locator("#documents a")
    assert documents.count() == 1  # exactly one document: the certificate
    with citizen_page.expect_download() as download_info:
        documents.first.click()
    certificate = download_info.value.path().read_bytes()
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(certificate)).pages)
    assert "Certificate of erasure" in text
    assert "Example Police" in text and "by email" in text and "not yet" not in text
    citizen_page.screenshot(path="test-artifacts/journey-status-page.png", full_page=True)
    citizen.close()

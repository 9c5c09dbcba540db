"""Citizen pages: email verification, the private status page, withdrawal and downloads.
No request is ever visible without its own unguessable link."""

import time

import pytest
from django.core import mail, signing
from django.utils import timezone

from compliance import services
from compliance.models import DataSubjectRequest
from compliance.services.tokens import DOWNLOAD_LINK_MAX_AGE, DOWNLOAD_SALT, download_sign, status_token_for
from tests.compliance.web_support import (
    fresh_rate_limits,  # noqa: F401 - autouse fixture
    path_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    def run(callable_, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return callable_(*args, **kwargs)

    return run


def verify_url_from_email() -> str:
    body = mail.outbox[-1].body
    return next(path_of(word) for word in body.split() if "/requests/verify/" in word)


def status_url_from_email() -> str:
    body = mail.outbox[-1].body
    return next(path_of(word) for word in body.split() if "/requests/status/" in word)


def test_verification_link_get_changes_nothing_post_verifies(client, submit, on_commit):
    request, _token = submit(at=timezone.now())
    verify_path = verify_url_from_email()
    status_path = status_url_from_email()

    page = client.get(verify_path)
    assert page.status_code == 200
    assert "Confirm my email address" in page.content.decode()
    assert page["Cache-Control"].startswith("no-store")
    request.refresh_from_db()
    assert request.email_verified_at is None, "a GET (mail scanner, preview) must not use the token"

    done = on_commit(client.post, verify_path)
    html = done.content.decode()
    assert done.status_code == 200
    assert "your email address is confirmed" in html
    assert "What happens next" in html
    request.refresh_from_db()
    assert request.status == "verified"
    assert f'href="{status_path}"' in html
    assert mail.outbox[-1].subject  # the acknowledgement, with the status link again
    assert status_path in mail.outbox[-1].body

    again = client.post(verify_path)
    assert again.status_code == 302 and again["Location"] == status_path


def test_unknown_verification_token(client, db):
    response = client.post("/requests/verify/not-a-real-token/")
    assert response.status_code == 410
    assert "This confirmation link cannot be used" in response.content.decode()


def test_status_page_shows_state_due_date_and_visible_messages_only(client, verified_request, staff_user, now):
    services.request_add_message(
        request=verified_request, user=staff_user, body="We are looking at it.", visible_to_requester=True, now=now
    )
    services.request_add_message(
        request=verified_request, user=staff_user, body="internal: check the ID", visible_to_requester=False, now=now
    )
    token = status_token_for(verified_request)
    response = client.get(f"/requests/status/{token}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Verified" in html
    assert 'id="due-date"' in html
    assert "We are looking at it." in html
    assert "internal: check the ID" not in html
    assert verified_request.email not in html  # nothing the page does not need
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]


def test_status_page_shows_the_extension_with_its_reason(client, verified_request, staff_user, now):
    services.request_extend_deadline(
        request=verified_request, user=staff_user, months=2, reason="Many sources to check for this request.", now=now
    )
    verified_request.refresh_from_db()
    html = client.get(f"/requests/status/{status_token_for(verified_request)}/").content.decode()
    assert "Extended due date" in html
    assert "Many sources to check for this request." in html
    assert "Original due date" in html


def test_wrong_token_is_404_and_one_requester_cannot_see_another(client, submit, on_commit):
    first, first_verify = submit(data={"name": "Anna de Vries", "email": "anna@example.org"}, at=timezone.now())
    second, second_verify = submit(data={"name": "Bruno Rossi", "email": "bruno@example.org"}, at=timezone.now())
    for verify in (first_verify, second_verify):
        on_commit(services.request_verify_email, token=verify)
    first.refresh_from_db()
    second.refresh_from_db()

    assert client.get("/requests/status/not-the-token/").status_code == 404
    assert client.get(f"/requests/status/{first_verify}/").status_code == 404  # a verify token is no status token
    assert client.get(f"/requests/status/{first.public_id}/").status_code == 404  # nor is the public id

    first_page = client.get(f"/requests/status/{status_token_for(first)}/").content.decode()
    second_page = client.get(f"/requests/status/{status_token_for(second)}/").content.decode()
    assert "Bruno" not in first_page and str(second.public_id) not in first_page
    assert "Anna" not in second_page and str(first.public_id) not in second_page
    # Staff pages are not reachable for a citizen either.
    assert client.get(f"/requests/staff/{first.public_id}/").status_code == 302


def test_withdraw_from_the_status_page_deletes_the_photos(client, verified_request, on_commit):
    token = status_token_for(verified_request)
    refused = client.post(f"/requests/status/{token}/withdraw/", {})
    assert refused.status_code == 302
    verified_request.refresh_from_db()
    assert verified_request.status == "verified", "without the confirmation box nothing happens"

    response = on_commit(client.post, f"/requests/status/{token}/withdraw/", {"confirm": "yes"})
    assert response.status_code == 302
    verified_request.refresh_from_db()
    assert verified_request.status == "withdrawn"
    assert not verified_request.selfie
    page = client.get(f"/requests/status/{token}/").content.decode()
    assert "Withdrawn" in page and "Withdraw my request" not in page


def test_withdraw_with_a_wrong_token_is_404(client, db):
    assert client.post("/requests/status/nope/withdraw/", {"confirm": "yes"}).status_code == 404


def test_download_links_are_signed_and_expire(client, verified_request):
    DataSubjectRequest.objects.filter(pk=verified_request.pk).update(language="en")
    token = status_token_for(verified_request)
    html = client.get(f"/requests/status/{token}/").content.decode()
    assert "Acknowledgement letter" in html
    link = next(part.split('"')[0] for part in html.split('href="')[1:] if part.startswith("/requests/download/"))

    response = client.get(link)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    content = b"".join(response.streaming_content)
    assert content.startswith(b"%PDF")

    # Tampered: 404. Expired: 410 with a way to get a fresh link.
    assert client.get(link[:-3] + "xyz/").status_code == 404

    class OldSigner(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - DOWNLOAD_LINK_MAX_AGE - 60)

    expired = OldSigner(salt=DOWNLOAD_SALT).sign_object(
        {"r": str(verified_request.public_id), "i": "letter:letter_acknowledgement"}
    )
    gone = client.get(f"/requests/download/{expired}/")
    assert gone.status_code == 410
    assert "This download link has expired" in gone.content.decode()


def test_a_download_link_names_only_documents_that_apply(client, verified_request):
    refusal = download_sign(request=verified_request, item="letter:letter_refusal")
    assert client.get(f"/requests/download/{refusal}/").status_code == 404
    unknown = download_sign(request=verified_request, item="../../settings.py")
    assert client.get(f"/requests/download/{unknown}/").status_code == 404


def test_submitted_page(client, db):
    response = client.get("/requests/new/sent/")
    assert response.status_code == 200
    assert "Check your email" in response.content.decode()


def test_request_language_is_recorded(client, faces_dir, django_capture_on_commit_callbacks):
    from tests.compliance.web_support import form_data, selfie_upload

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/requests/new/", {**form_data(), "selfie": selfie_upload(faces_dir)}, HTTP_ACCEPT_LANGUAGE="it"
        )
    assert response.status_code == 302
    assert DataSubjectRequest.objects.get().language == "it"

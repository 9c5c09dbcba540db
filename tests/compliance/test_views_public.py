"""Citizen pages: email verification, the private status page, withdrawal and downloads.
No request is ever visible without its own unguessable link: the emails carry the secret after
"#", the page posts it, and the server keeps a grant for it in the requester's session."""

import time
import uuid

import pytest
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from compliance.models import DataSubjectRequest
from compliance.services.tokens import DOWNLOAD_LINK_MAX_AGE, DOWNLOAD_SALT, download_sign, status_token_for
from compliance.workflow import handling, intake
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


def link_in_last_email(marker: str) -> str:
    body = mail.outbox[-1].body
    return next(path_of(word) for word in body.split() if marker in word)


def status_url(request) -> str:
    return reverse("compliance:status", args=[request.public_id])


def open_status(client, request):
    """What the page of the emailed link does: post the token after "#", follow to the page."""
    response = client.post(reverse("compliance:status_open"), {"token": status_token_for(request)})
    assert response.status_code == 302 and response["Location"] == status_url(request)
    return client.get(response["Location"])


def test_verification_link_get_changes_nothing_post_verifies(client, submit, on_commit):
    request, _token = submit(at=timezone.now())
    verify_link = link_in_last_email("/requests/verify/")
    status_link = link_in_last_email("/requests/status/")
    verify_path, secret = verify_link.split("#", 1)
    assert verify_path == "/requests/verify/" and secret  # the token travels after "#" only
    assert status_link.startswith("/requests/status/#")

    page = client.get(verify_path)  # what a browser (or a mail scanner) sends: no fragment
    assert page.status_code == 200
    assert "Confirm my email address" in page.content.decode()
    assert "data-fragment-token" in page.content.decode()
    assert page["Cache-Control"].startswith("no-store")
    request.refresh_from_db()
    assert request.email_verified_at is None, "a GET (mail scanner, preview) must not use the token"

    done = on_commit(client.post, verify_path, {"token": secret})
    assert done.status_code == 302 and done["Location"] == status_url(request)
    html = client.get(done["Location"]).content.decode()
    assert "your email address is confirmed" in html
    assert "What happens next" in html
    request.refresh_from_db()
    assert request.status == "verified"
    assert mail.outbox[-1].subject  # the acknowledgement, with the status link again
    assert link_in_last_email("/requests/status/") == status_link

    again = client.post(verify_path, {"token": secret})
    assert again.status_code == 410  # a used link leads nowhere, not even to the status page
    assert "This link has already been used" in again.content.decode()
    assert str(request.public_id) not in again.content.decode()


def test_unknown_verification_token(client, db):
    response = client.post("/requests/verify/", {"token": "not-a-real-token"})
    assert response.status_code == 410
    assert "This confirmation link cannot be used" in response.content.decode()
    assert client.get("/requests/verify/not-a-real-token/").status_code == 404  # no token in a path


def test_status_page_shows_state_due_date_and_visible_messages_only(client, verified_request, staff_user, now):
    handling.request_add_message(
        request=verified_request, user=staff_user, body="We are looking at it.", visible_to_requester=True, now=now
    )
    handling.request_add_message(
        request=verified_request, user=staff_user, body="internal: check the ID", visible_to_requester=False, now=now
    )
    response = open_status(client, verified_request)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="request-status">Email confirmed<' in html
    assert html.count('class="step step-done"') == 2 and html.count('aria-current="step"') == 1
    assert 'id="next-step"' in html
    assert 'id="due-date"' in html
    assert "We are looking at it." in html
    assert "internal: check the ID" not in html
    assert verified_request.email not in html  # nothing the page does not need
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]


def test_status_page_shows_the_extension_with_its_reason(client, verified_request, staff_user, now):
    handling.request_extend_deadline(
        request=verified_request, user=staff_user, months=2, reason="Many sources to check for this request.", now=now
    )
    verified_request.refresh_from_db()
    html = open_status(client, verified_request).content.decode()
    assert "Extended due date" in html
    assert "Many sources to check for this request." in html
    assert "Original due date" in html


def test_wrong_token_is_404_and_one_requester_cannot_see_another(client, submit, on_commit):
    first, first_verify = submit(data={"name": "Anna de Vries", "email": "anna@example.org"}, at=timezone.now())
    second, second_verify = submit(data={"name": "Bruno Rossi", "email": "bruno@example.org"}, at=timezone.now())
    for verify in (first_verify, second_verify):
        on_commit(intake.request_confirm_email, token=verify)
    first.refresh_from_db()
    second.refresh_from_db()

    opening = reverse("compliance:status_open")
    assert client.post(opening, {"token": "not-the-token"}).status_code == 404
    assert client.post(opening, {"token": first_verify}).status_code == 404  # a verify token is no status token
    assert client.post(opening, {"token": first.status_token_hash}).status_code == 404  # nor is its hash
    assert client.get(status_url(first)).status_code == 404  # the public id alone opens nothing

    first_page = open_status(client, first).content.decode()
    assert "Bruno" not in first_page and str(second.public_id) not in first_page
    assert client.get(status_url(second)).status_code == 404  # the grant is for the first request only
    second_page = open_status(client, second).content.decode()
    assert "Anna" not in second_page and str(first.public_id) not in second_page
    # Staff pages are not reachable for a citizen either.
    assert client.get(f"/requests/staff/{first.public_id}/").status_code == 302


def test_withdraw_from_the_status_page_deletes_the_photos(client, verified_request, on_commit):
    withdraw = reverse("compliance:withdraw", args=[verified_request.public_id])
    assert client.post(withdraw, {"confirm": "yes"}).status_code == 404  # no grant: nothing
    open_status(client, verified_request)
    refused = client.post(withdraw, {})
    assert refused.status_code == 302
    verified_request.refresh_from_db()
    assert verified_request.status == "verified", "without the confirmation box nothing happens"

    response = on_commit(client.post, withdraw, {"confirm": "yes"})
    assert response.status_code == 302
    verified_request.refresh_from_db()
    assert verified_request.status == "withdrawn"
    assert not verified_request.selfie
    page = client.get(status_url(verified_request)).content.decode()
    assert "Withdrawn" in page and "Withdraw my request" not in page


def test_withdraw_with_a_wrong_id_is_404(client, db):
    assert client.post(f"/requests/status/{uuid.uuid4()}/withdraw/", {"confirm": "yes"}).status_code == 404
    assert client.post("/requests/status/nope/withdraw/", {"confirm": "yes"}).status_code == 404


def test_nothing_to_download_before_the_final_documents(client, verified_request):
    """The acknowledgement and extension letters are gone (issue 11): documents are issued once,
    at the end, from the final facts; until then the page lists none."""
    html = open_status(client, verified_request).content.decode()
    assert 'id="documents"' not in html and "/documents/" not in html
    assert "Your documents appear here when they are ready." in html
    for item in ("doc:access_letter", "letter:letter_acknowledgement"):
        signed = download_sign(request=verified_request, item=item)
        assert client.get(reverse("compliance:download", args=[verified_request.public_id, signed])).status_code == 404


def test_download_links_are_signed_and_expire(client, request_in):
    request = request_in("completed")
    html = open_status(client, request).content.decode()
    prefix = f"/requests/status/{request.public_id}/documents/"
    links = [part.split('"')[0] for part in html.split('href="')[1:] if part.startswith(prefix)]
    assert len(links) == 2 and len(set(links)) == 2  # the access letter and the data, each once
    letter = next(link for link in links if "access-answer" in client.get(link)["Content-Disposition"])

    response = client.get(letter)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    content = b"".join(response.streaming_content)
    assert content.startswith(b"%PDF")
    assert content == request.documents.get(kind="access_letter").file.open("rb").read()

    # Tampered: 404. Without the grant: 404. Expired: 410 with a way to get a fresh link.
    assert client.get(letter[:-3] + "xyz/").status_code == 404
    from django.test import Client

    assert Client().get(letter).status_code == 404

    class OldSigner(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - DOWNLOAD_LINK_MAX_AGE - 60)

    expired = OldSigner(salt=DOWNLOAD_SALT).sign_object({"r": str(request.public_id), "i": "doc:access_letter"})
    gone = client.get(reverse("compliance:download", args=[request.public_id, expired]))
    assert gone.status_code == 410
    assert "This download link has expired" in gone.content.decode()


def test_a_download_link_names_only_documents_that_exist(client, request_in, submit):
    request = request_in("completed")
    other, _token = submit(data={"email": "other@example.org"})
    open_status(client, request)

    def get(item, of=request):
        return client.get(
            reverse("compliance:download", args=[request.public_id, download_sign(request=of, item=item)])
        )

    assert get("doc:access_letter").status_code == 200
    assert get("doc:refusal_letter").status_code == 404  # not issued for this request
    assert get("doc:../../settings.py").status_code == 404
    assert get("../../settings.py").status_code == 404
    assert get("doc:access_letter", of=other).status_code == 404  # signed for another request


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


def test_the_one_click_erasure_receives_its_new_selfie(client, request_in, plain_photo):
    """The follow-up form's selfie reaches the form (core.uploads keeps only the files a view
    declares: undeclared, it was dropped and the requester was told to add a photo they had
    added). A photo without a face is refused for what it is."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    request = request_in("completed")  # its selfie was deleted at approval: a new one is needed
    open_status(client, request)
    url = reverse("compliance:follow_up_erasure", args=[request.public_id])
    page = client.get(url)
    assert page.status_code == 200 and 'name="selfie"' in page.content.decode()
    without = client.post(url, {"selfie_consent": "on"})
    assert without.status_code == 400 and "Add a photo of your face." in without.content.decode()
    upload = SimpleUploadedFile("me.jpg", plain_photo, content_type="image/jpeg")
    response = client.post(url, {"selfie": upload, "selfie_consent": "on"})
    html = response.content.decode()
    assert response.status_code == 400 and 'id="id_selfie_error"' in html
    assert "Add a photo of your face." not in html  # the file arrived and was checked
    assert not request.follow_ups.exists()

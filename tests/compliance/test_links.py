"""Issue 12, items 1, 8 and 9: links that reach citizens.

1. A verification link works once, until it expires, and never leads to a status page (used,
   expired or after staff issued a new status link).
8. No token ever appears in a URL the server sees: the emails put it after "#", the pages post
   it, and every page behind it needs the session's grant.
9. A lost status link is recovered by email only, with the same answer whatever the address,
   rate-limited, and the old link stops working.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from compliance.models import DataSubjectRequest, RequestStatus
from compliance.services.tokens import status_token_for
from compliance.workflow import intake

pytestmark = pytest.mark.django_db

VERIFY = "/requests/verify/"
OPEN = "/requests/status/"


@pytest.fixture
def submitted(submit):
    request, token = submit(at=timezone.now())
    return request, token


def test_a_used_verification_link_replayed_leads_nowhere(client, submitted, django_capture_on_commit_callbacks):
    request, token = submitted
    first = client.post(VERIFY, {"token": token})
    assert first.status_code == 302 and first["Location"] == f"/requests/status/{request.public_id}/"
    # Replayed from another browser (the leaked-link attack of the probe), GET then POST.
    attacker = type(client)()
    assert attacker.get(VERIFY).status_code == 200  # the page with the button, nothing else
    replay = attacker.post(VERIFY, {"token": token})
    assert replay.status_code == 410 and b"already been used" in replay.content
    assert "Location" not in replay
    assert attacker.get(f"/requests/status/{request.public_id}/").status_code == 404


def test_an_expired_verification_link_leads_nowhere(client, submit):
    request, token = submit(at=timezone.now() - timedelta(days=8))
    response = client.post(VERIFY, {"token": token})
    assert response.status_code == 410 and b"cannot be used" in response.content
    request.refresh_from_db()
    assert request.status == RequestStatus.AWAITING_EMAIL
    assert client.get(f"/requests/status/{request.public_id}/").status_code == 404


def test_a_verification_link_never_opens_a_status_link_issued_after_it(
    client, submitted, staff_user, django_capture_on_commit_callbacks
):
    request, token = submitted
    assert client.post(VERIFY, {"token": token}).status_code == 302
    status_page = f"/requests/status/{request.public_id}/"
    assert client.get(status_page).status_code == 200
    intake.status_link_reissue(request=request, user=staff_user)  # e.g. the old one leaked
    assert client.get(status_page).status_code == 404  # the grant came from the old link
    assert client.post(VERIFY, {"token": token}).status_code == 410  # and the verification is spent


def test_no_token_in_any_url_the_server_sees(client, submitted, django_capture_on_commit_callbacks):
    """The email's links carry the secrets after "#"; every URL requested is token-free."""
    request, token = submitted
    body = mail.outbox[-1].body
    assert f"{VERIFY}#{token}" in body
    verify_page = client.get(VERIFY)
    assert b"data-fragment-token" in verify_page.content and b"link_token.js" in verify_page.content
    with django_capture_on_commit_callbacks(execute=True):
        opened = client.post(VERIFY, {"token": token})
    status_token = status_token_for(DataSubjectRequest.objects.get(pk=request.pk))
    ack = mail.outbox[-1].body
    assert f"{OPEN}#{status_token}" in ack
    page = client.get(opened["Location"])
    for url in (
        VERIFY,
        OPEN,
        opened["Location"],
        *[line for line in page.content.decode().split('"') if "/requests/" in line],
    ):
        assert token not in url and status_token not in url
    # No route takes a token in its path any more.
    assert client.get(f"/requests/status/{status_token}/").status_code == 404
    assert client.get(f"/requests/verify/{token}/").status_code == 404


def test_pages_behind_the_status_page_need_the_grant(client, verified_request):
    public_id = verified_request.public_id
    for url in (
        f"/requests/status/{public_id}/",
        f"/requests/status/{public_id}/erase/",
    ):
        assert client.get(url).status_code == 404
    for url in (
        f"/requests/status/{public_id}/withdraw/",
        f"/requests/status/{public_id}/consent/withdraw/",
    ):
        assert client.post(url, {"confirm": "yes"}).status_code == 404
    verified_request.refresh_from_db()
    assert verified_request.status == RequestStatus.VERIFIED
    granted = client.post(OPEN, {"token": status_token_for(verified_request)})
    assert granted.status_code == 302
    assert client.get(f"/requests/status/{public_id}/").status_code == 200
    assert client.post(OPEN, {"token": "x" * 43}).status_code == 404


def test_a_lost_link_is_mailed_never_shown_and_the_old_one_dies(
    client, verified_request, django_capture_on_commit_callbacks
):
    old = status_token_for(verified_request)
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(reverse("compliance:recover"), {"email": "Anna@Example.org"})
        unknown = client.post(reverse("compliance:recover"), {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("compliance:recover_sent")
    page = client.get(known["Location"])
    verified_request.refresh_from_db()
    new = status_token_for(verified_request)
    assert new != old and new.encode() not in page.content
    assert len(mail.outbox) == sent + 1 and mail.outbox[-1].to == ["anna@example.org"]
    assert f"{OPEN}#{new}" in mail.outbox[-1].body
    assert client.post(OPEN, {"token": old}).status_code == 404
    assert client.post(OPEN, {"token": new}).status_code == 302


def test_lost_link_requests_are_rate_limited_per_address_and_mailbox(client, verified_request):
    from core.models import OutboxEmail

    links = OutboxEmail.objects.filter(kind="request.status_link")
    for expected in (1, 2, 3):
        client.post(reverse("compliance:recover"), {"email": "anna@example.org"})
        assert links.count() == expected
    token = status_token_for(DataSubjectRequest.objects.get(pk=verified_request.pk))
    response = client.post(reverse("compliance:recover"), {"email": "anna@example.org"})
    assert response.status_code == 302  # the same answer...
    assert links.count() == 3  # ...but nothing more is mailed
    assert status_token_for(DataSubjectRequest.objects.get(pk=verified_request.pk)) == token
    bad = client.post(reverse("compliance:recover"), {"email": "not an address"})
    assert bad.status_code == 400 and b"valid email address" in bad.content

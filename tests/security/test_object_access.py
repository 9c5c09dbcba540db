"""Object-level access (issue 8): no request, letter, draft, report or photo of one party is
reachable by another by changing an id or a token.

Citizens reach their request only through secrets in their emails: the status link's token
(after "#", exchanged for a grant in their session), signed download links and the permanent
consent-withdrawal link, each bound to one request (and to one purpose by its salt). These tests
swap them between two requesters, tamper with them, reuse them for another purpose and let them
expire.
"""

from __future__ import annotations

import time

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from reports.models import GeneratedReport
from tests.security.conftest import ALICE_MARK, BOB_MARK

pytestmark = pytest.mark.django_db


def content_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def status_url(party) -> str:
    return reverse("compliance:status", kwargs={"public_id": party.request.public_id})


def open_with(token: str):
    """A fresh browser posting `token` as the status link's page does; (client, response)."""
    client = Client()
    return client, client.post(reverse("compliance:status_open"), {"token": token})


def test_status_tokens_open_only_their_own_request(world):
    alice_client, opened = open_with(world.alice.status_token)
    assert opened.status_code == 302 and opened["Location"] == status_url(world.alice)
    bob_client, opened = open_with(world.bob.status_token)
    assert opened["Location"] == status_url(world.bob)
    alice = alice_client.get(status_url(world.alice))
    bob = bob_client.get(status_url(world.bob))
    assert alice.status_code == bob.status_code == 200
    assert ALICE_MARK in alice.content.decode() and BOB_MARK not in alice.content.decode()
    assert BOB_MARK in bob.content.decode() and ALICE_MARK not in bob.content.decode()
    # Each grant opens its own request only.
    assert alice_client.get(status_url(world.bob)).status_code == 404
    assert bob_client.get(status_url(world.alice)).status_code == 404
    # One character changed, cut short, or padded: nothing, and no grant.
    token = world.alice.status_token
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
    for candidate in (flipped, token[:-1], token + "A", token.upper(), str(world.alice.request.public_id)):
        client, response = open_with(candidate)
        assert response.status_code == 404, candidate
        assert client.get(status_url(world.alice)).status_code == 404, candidate


def test_no_secret_travels_in_a_url(world):
    """The links of the emails carry their secrets after "#" (never sent to a server): nothing a
    server logs, no path or query, holds a status or verification token."""
    from django.core import mail

    from compliance.workflow import intake

    intake.status_link_reissue(request=world.alice.request, user=world.users["staff"])
    world.alice.request.refresh_from_db()
    from compliance.services.tokens import status_token_for

    new_token = status_token_for(world.alice.request)
    from core.models import OutboxEmail
    from core.outbox import outbox_send

    email = OutboxEmail.objects.filter(topic=str(world.alice.request.public_id), kind="request.status_link").get()
    assert outbox_send(email_id=email.pk) == "sent"
    body = mail.outbox[-1].body
    assert f"/requests/status/#{new_token}" in body and f"/{new_token}/" not in body and f"?{new_token}" not in body
    # The old link's grant died with it.
    _client, response = open_with(world.alice.status_token)
    assert response.status_code == 404


def test_status_pages_are_private_and_not_cached(world, role_clients):
    response = role_clients["citizen"].get(status_url(world.alice))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] in ("same-origin", "no-referrer")
    assert "noindex" in response["X-Robots-Tag"]


def _swap_payload(signed: str, other_signed: str) -> str:
    """Bob's signature with Alice's payload: what an attacker who edits a link can build."""
    payload_bob, _, rest_bob = signed.partition(":")
    payload_alice, _, _rest_alice = other_signed.partition(":")
    return f"{payload_alice}:{rest_bob}"


def download_url(party, signed: str) -> str:
    return reverse("compliance:download", kwargs={"public_id": party.request.public_id, "signed": signed})


def test_signed_links_are_bound_to_their_request(world, role_clients):
    citizen = role_clients["citizen"]  # Alice, holding her grant
    bobs, alices = world.bob.compliance_download, world.alice.compliance_download
    assert bobs != alices
    assert citizen.get(download_url(world.alice, alices)).status_code == 200
    forged = _swap_payload(bobs, alices)
    assert forged != alices
    response = citizen.get(download_url(world.alice, forged))
    assert response.status_code == 404, "a download link whose payload was swapped was accepted"
    # Bob's valid link under Alice's request (and her grant): it names Bob's request.
    assert citizen.get(download_url(world.alice, bobs)).status_code == 404
    # The signature of a payload naming Alice's request, computed with a wrong key.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.conf.settings.SECRET_KEY", "an-attacker-guess-" + "k" * 40)
        from compliance.services.tokens import download_sign

        guessed = download_sign(request=world.alice.request, item="doc:access_letter")
    assert citizen.get(download_url(world.alice, guessed)).status_code == 404
    # The consent-withdrawal link: Bob's token on Alice's request does nothing.
    path = reverse(
        "compliance:suppression_withdraw",
        kwargs={"public_id": world.alice.request.public_id, "token": world.bob.suppression_token},
    )
    assert Client().get(path).status_code == 404 and Client().post(path).status_code == 404


def test_links_do_not_work_for_another_purpose(world, role_clients):
    """Each kind of secret is derived or signed for its own purpose: none opens another kind of
    page, even for the requester holding the grant."""
    citizen = role_clients["citizen"]
    secrets = {
        "status": world.alice.status_token,
        "verify": world.alice.verify_token,
        "compliance_download": world.alice.compliance_download,
        "suppression": world.alice.suppression_token,
    }
    public_id = world.alice.request.public_id
    targets = {
        "status": lambda secret: Client().post(reverse("compliance:status_open"), {"token": secret}),
        "compliance_download": lambda secret: citizen.get(download_url(world.alice, secret)),
        "suppression": lambda secret: Client().get(
            reverse("compliance:suppression_withdraw", kwargs={"public_id": public_id, "token": secret})
        ),
    }
    for target, open_page in targets.items():
        for source, secret in secrets.items():
            if source == target:
                continue
            assert open_page(secret).status_code == 404, f"a {source} secret opened the {target} page"


def test_each_requester_downloads_only_their_own_documents(world, role_clients):
    """Bob's link gives Bob's letter: no document about Alice is served to him."""
    bob = role_clients["other_citizen"]
    response = bob.get(download_url(world.bob, world.bob.compliance_download))
    assert response.status_code == 200
    body = content_of(response)
    assert body.startswith(b"%PDF")
    assert str(world.bob.request.public_id).encode() in body
    assert str(world.alice.request.public_id).encode() not in body
    assert bob.get(download_url(world.alice, world.alice.compliance_download)).status_code == 404
    assert not GeneratedReport.objects.filter(parameters__request=str(world.alice.request.public_id)).exists()


def test_expired_links_stop_working(world, role_clients, monkeypatch):
    later = time.time() + 8 * 24 * 3600  # a download link lives at most a day
    monkeypatch.setattr(signing.time, "time", lambda: later)
    response = role_clients["citizen"].get(download_url(world.alice, world.alice.compliance_download))
    assert response.status_code == 410
    assert response.get("Content-Type", "").startswith("text/html"), "an expired link served a file"


def test_staff_urls_do_not_mix_requests(world, staff_client):
    """Ids inside staff URLs are checked against the request in the same URL."""
    alice, bob = world.alice, world.bob
    cases = [
        reverse("answering:match_crop", kwargs={"public_id": alice.request.public_id, "match_id": bob.match.pk}),
        reverse("answering:match_crop", kwargs={"public_id": bob.request.public_id, "match_id": alice.match.pk}),
    ]
    for path in cases:
        assert staff_client.get(path).status_code == 404, path
    before = bob.match.review_status
    path = reverse("answering:decide", kwargs={"public_id": alice.request.public_id, "match_id": bob.match.pk})
    assert staff_client.post(path, {"decision": "reject"}).status_code == 404
    bob.match.refresh_from_db()
    assert bob.match.review_status == before
    path = reverse("answering:decide_many", kwargs={"public_id": alice.request.public_id})
    assert staff_client.post(path, {"decision": "reject", "matches": [bob.match.pk]}).status_code == 302
    bob.match.refresh_from_db()
    assert bob.match.review_status == before
    for name, kwargs in (
        ("answering:plan_crop", {"face_id": bob.match.face_id}),
        ("answering:draft_file", {"kind": "pdf"}),
        ("answering:document_file", {"kind": "access_letter"}),
    ):
        own = staff_client.get(reverse(name, kwargs={"public_id": alice.request.public_id, **kwargs}))
        if name == "answering:plan_crop":
            assert own.status_code == 404  # Bob's face is not in Alice's plan
        else:
            assert str(bob.request.public_id).encode() not in content_of(own)
    path = reverse(
        "answering:recipient_notified",
        kwargs={"public_id": alice.request.public_id, "recipient_id": bob.recipient.pk},
    )
    assert staff_client.post(path, {"how": "other_means", "note": "Told by registered letter."}).status_code == 404
    bob.recipient.refresh_from_db()
    assert bob.recipient.notified_at is None


def test_public_api_hides_unpublished_records_and_internal_notes(world, client):
    listing = client.get("/api/v1/cases/").json()
    ids = {row["id"] for row in listing["results"]}
    assert str(world.published.public_id) in ids and str(world.unpublished.public_id) not in ids
    detail = client.get(f"/api/v1/cases/{world.published.public_id}/").json()
    assert "internal_notes" not in detail
    fines = {row.get("id", row.get("public_id")) for row in client.get("/api/v1/fines/").json()["results"]}
    assert str(world.fine.public_id) in fines and str(world.unpublished_fine.public_id) not in fines


def test_the_status_page_links_to_the_issued_documents_only(world, role_clients):
    page = role_clients["citizen"].get(status_url(world.alice)).content.decode()
    assert f"/requests/status/{world.alice.request.public_id}/documents/" in page  # the issued letter
    assert "/draft/" not in page and "/requests/answer/" not in page  # never the staff draft


def test_confirming_the_email_starts_matching(db, client, settings, django_capture_on_commit_callbacks):
    settings.ANSWERING_AUTOSTART = True  # the production default (the suite turns it off)
    from compliance.models import MatchingRun
    from compliance.workflow import intake
    from tests.security.conftest import jpeg_bytes

    with django_capture_on_commit_callbacks(execute=True):
        request, token = intake.request_submit(
            data={
                "request_type": "access",
                "name": "Carla Confirm",
                "email": "carla@example.org",
                "country": "NL",
                "language": "en",
                "selfie_consent": True,
            },
            selfie_file=jpeg_bytes(),
            ip="192.0.2.1",
        )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("compliance:verify"), {"token": token})
    assert response.status_code == 302
    assert MatchingRun.objects.filter(request=request).exists()
    request.refresh_from_db()
    assert request.email_verified_at is not None

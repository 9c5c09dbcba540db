"""Object-level access (issue 8): no request, letter, package, report or photo of one party is
reachable by another by changing an id or a token.

Citizens reach their request only through secrets in their emails: a status token, signed
download links and signed letter links, each bound to one request (and to one purpose by its
salt). These tests swap them between two requesters, tamper with them, reuse them for another
purpose and let them expire.
"""

from __future__ import annotations

import time

import pytest
from django.core import signing
from django.urls import reverse

from config.models import GeneratedReport
from tests.security.conftest import ALICE_MARK, BOB_MARK

pytestmark = pytest.mark.django_db


def content_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_status_tokens_open_only_their_own_request(world, client):
    alice = client.get(reverse("compliance:status", kwargs={"token": world.alice.status_token}))
    bob = client.get(reverse("compliance:status", kwargs={"token": world.bob.status_token}))
    assert alice.status_code == bob.status_code == 200
    assert ALICE_MARK in alice.content.decode() and BOB_MARK not in alice.content.decode()
    assert BOB_MARK in bob.content.decode() and ALICE_MARK not in bob.content.decode()
    # One character changed, cut short, or padded: nothing.
    token = world.alice.status_token
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
    for candidate in (flipped, token[:-1], token + "A", token.upper(), str(world.alice.request.public_id)):
        response = client.get(reverse("compliance:status", kwargs={"token": candidate}))
        assert response.status_code == 404, candidate


def test_status_pages_are_private_and_not_cached(world, client):
    response = client.get(reverse("compliance:status", kwargs={"token": world.alice.status_token}))
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] in ("same-origin", "no-referrer")
    assert "noindex" in response["X-Robots-Tag"]


def _swap_payload(signed: str, other_signed: str) -> str:
    """Bob's signature with Alice's payload: what an attacker who edits a link can build."""
    payload_bob, _, rest_bob = signed.partition(":")
    payload_alice, _, _rest_alice = other_signed.partition(":")
    return f"{payload_alice}:{rest_bob}"


@pytest.mark.parametrize(
    ("url_name", "kwarg", "attribute"),
    [
        ("compliance:download", "signed", "compliance_download"),
        ("answering:download", "token", "answer_download"),
        ("reports:letter", "token", "letter_token"),
    ],
)
def test_signed_links_are_bound_to_their_request(world, client, url_name, kwarg, attribute):
    bobs = getattr(world.bob, attribute)
    alices = getattr(world.alice, attribute)
    assert bobs != alices
    forged = _swap_payload(bobs, alices)
    assert forged != alices
    response = client.get(reverse(url_name, kwargs={kwarg: forged}))
    assert response.status_code == 404, f"{url_name} accepted a link whose payload was swapped"
    # The signature of a payload naming Alice's request, computed with a wrong key.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.conf.settings.SECRET_KEY", "an-attacker-guess-" + "k" * 40)
        if attribute == "compliance_download":
            from compliance.services.tokens import download_sign

            guessed = download_sign(request=world.alice.request, item="letter:letter_acknowledgement")
        elif attribute == "answer_download":
            from compliance.answering.selectors import download_token_make

            guessed = download_token_make(request=world.alice.request, kind="pdf")
        else:
            from config.report_services import letter_token_make

            guessed = letter_token_make(dsr_public_id=world.alice.request.public_id, kind="letter_acknowledgement")
    assert client.get(reverse(url_name, kwargs={kwarg: guessed})).status_code == 404


def test_links_do_not_work_for_another_purpose(world, client):
    """Each kind of link is signed with its own salt: none opens another kind of page."""
    secrets = {
        "status": world.alice.status_token,
        "verify": world.alice.verify_token,
        "compliance_download": world.alice.compliance_download,
        "answer_download": world.alice.answer_download,
        "letter": world.alice.letter_token,
    }
    targets = {
        "status": ("compliance:status", "token"),
        "compliance_download": ("compliance:download", "signed"),
        "answer_download": ("answering:download", "token"),
        "letter": ("reports:letter", "token"),
    }
    for target, (url_name, kwarg) in targets.items():
        for source, secret in secrets.items():
            if source == target:
                continue
            response = client.get(reverse(url_name, kwargs={kwarg: secret}))
            assert response.status_code == 404, f"a {source} secret opened {url_name}"


def test_each_requester_downloads_only_their_own_documents(world, client):
    """Bob's letter link produces Bob's letter: no document about Alice is made or served."""
    response = client.get(reverse("reports:letter", kwargs={"token": world.bob.letter_token}))
    assert response.status_code == 200
    assert content_of(response).startswith(b"%PDF")
    response = client.get(reverse("compliance:download", kwargs={"signed": world.bob.compliance_download}))
    assert response.status_code == 200
    assert not GeneratedReport.objects.filter(parameters__request=str(world.alice.request.public_id)).exists()
    assert GeneratedReport.objects.filter(parameters__request=str(world.bob.request.public_id)).exists()
    package = client.get(reverse("answering:download", kwargs={"token": world.bob.answer_download}))
    assert package.status_code == 200
    body = content_of(package)
    assert str(world.bob.request.public_id).encode() in body
    assert str(world.alice.request.public_id).encode() not in body


def test_expired_links_stop_working(world, client, monkeypatch, settings):
    later = time.time() + 8 * 24 * 3600  # every citizen link lives at most 7 days
    monkeypatch.setattr(signing.time, "time", lambda: later)
    expired = {
        ("compliance:download", "signed", world.alice.compliance_download),
        ("answering:download", "token", world.alice.answer_download),
        ("reports:letter", "token", world.alice.letter_token),
    }
    for url_name, kwarg, secret in expired:
        response = client.get(reverse(url_name, kwargs={kwarg: secret}))
        assert response.status_code in (404, 410), f"{url_name}: {response.status_code}"
        assert response.get("Content-Type", "").startswith("text/html"), f"{url_name} served a file"


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
    path = reverse(
        "answering:recipient_notified",
        kwargs={"public_id": alice.request.public_id, "recipient_id": bob.recipient.pk},
    )
    assert staff_client.post(path).status_code == 404
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


def test_the_status_page_links_to_the_released_package(world, client):
    response = client.get(reverse("compliance:status", kwargs={"token": world.alice.status_token}))
    assert "/requests/answer/download/" in response.content.decode()


def test_confirming_the_email_starts_matching(db, client, settings, django_capture_on_commit_callbacks):
    settings.ANSWERING_AUTOSTART = True  # the production default (the suite turns it off)
    from compliance import services
    from compliance.models import MatchingRun
    from tests.security.conftest import jpeg_bytes

    with django_capture_on_commit_callbacks(execute=True):
        request, token = services.request_submit(
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
        response = client.post(reverse("compliance:verify_email", kwargs={"token": token}))
    assert response.status_code == 200
    assert MatchingRun.objects.filter(request=request).exists()

"""The public request form: every bad input shows its own message and keeps what was entered;
a photo that passed is kept server-side so only the wrong field has to be corrected."""

import re
from io import BytesIO

import pytest
from django.core import mail
from PIL import Image

from compliance.models import DataSubjectRequest, PendingUpload
from tests.compliance.web_support import (
    FORM_URL,
    form_data,
    fresh_rate_limits,  # noqa: F401 - autouse fixture
    hidden_value,
    image_bytes,
    selfie_upload,
    upload,
)

pytestmark = [pytest.mark.django_db, pytest.mark.faces]


def assert_other_fields_kept(html: str, data: dict) -> None:
    assert f'value="{data["name"]}"' in html
    assert f'value="{data["email"]}"' in html
    assert f'<option value="{data["country"]}" selected>' in html
    assert re.search(rf'value="{data["request_type"]}"[^>]*checked', html)


@pytest.fixture
def post(django_capture_on_commit_callbacks):
    """POST the form; after-commit work (emails, identity check) runs as it would in production."""

    def do(client, data, **files):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(FORM_URL, {**data, **files})

    return do


def test_valid_request_is_filed_and_verification_email_sent(client, faces_dir, post):
    response = post(client, form_data(), selfie=selfie_upload(faces_dir))
    assert response.status_code == 302
    assert response["Location"] == "/requests/new/sent/"
    request = DataSubjectRequest.objects.get()
    assert (request.name, request.email, request.country, request.language) == (
        "Anna de Vries",
        "anna@example.org",
        "NL",
        "en",
    )
    assert request.status == "awaiting_email_verification"  # the verification email went out
    assert request.selfie_consent_at is not None and request.suppression_consent_at is None
    assert request.selfie and request.selfie.name.endswith(".jpg") and "obama" not in request.selfie.name
    assert request.identity_check == "not_provided"
    assert PendingUpload.objects.count() == 0, "the kept photo is deleted once the request holds it"
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "/requests/verify/" in body and "/requests/status/" in body


def test_form_page_has_csrf_multipart_and_plain_language_notice(client):
    response = client.get(FORM_URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "csrfmiddlewaretoken" in html
    assert 'enctype="multipart/form-data"' in html
    assert "What happens to your photo" in html
    assert "deleted as soon as your request is answered" in html
    # The suppression opt-in is unticked; the consent box is separate from it.
    assert (
        'name="suppression_consent"' in html
        and 'name="suppression_consent" id="id_suppression_consent" checked' not in html
    )
    assert 'name="selfie_consent"' in html
    assert 'accept="image/jpeg,image/png,image/heic' in html
    assert "image/webp" in html and "image/avif" in html
    assert "JPEG, PNG, HEIC, WEBP or AVIF" in html  # the help text names every accepted format


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        ("notes.jpg", lambda faces_dir: b"This is a text file, not a photo." * 20, "not an image we can read"),
        (
            "broken.jpg",
            lambda faces_dir: (faces_dir / "people/obama/obama.jpg").read_bytes()[:6000],
            "damaged",
        ),
        ("empty-wall.png", lambda faces_dir: image_bytes("PNG", size=(400, 300)), "could not find a face"),
        (
            "friends.jpg",
            lambda faces_dir: (faces_dir / "group/two_people.jpg").read_bytes(),
            "This photo shows 2 faces",
        ),
        ("anim.gif", lambda faces_dir: image_bytes("GIF"), "GIF images are not accepted"),
        ("cut-off.webp", lambda faces_dir: first_half(web_image(faces_dir, "WEBP")), "damaged"),
        ("cut-off.avif", lambda faces_dir: first_half(web_image(faces_dir, "AVIF")), "damaged"),
    ],
)
def test_bad_selfie_shows_its_message_and_keeps_the_other_fields(client, faces_dir, name, make, message, post):
    data = form_data()
    response = post(client, data, selfie=upload(name, make(faces_dir)))
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert 'id="id_selfie_error"' in html
    assert_other_fields_kept(html, data)
    assert DataSubjectRequest.objects.count() == 0
    assert PendingUpload.objects.count() == 0
    assert hidden_value(html, "selfie_token") == ""


def test_too_large_file_is_refused_before_decoding(client, faces_dir, settings, post):
    settings.UPLOAD_MAX_BYTES = 100_000  # obama.jpg is about 280 kB
    data = form_data()
    response = post(client, data, selfie=selfie_upload(faces_dir))
    html = response.content.decode()
    assert "The file is too large: the limit is 0.1 MB." in html
    assert_other_fields_kept(html, data)
    assert DataSubjectRequest.objects.count() == 0


def test_too_many_pixels_is_refused(client, faces_dir, settings, post):
    settings.UPLOAD_MAX_PIXELS = 500_000  # obama.jpg is 910 x 1137
    data = form_data()
    response = post(client, data, selfie=selfie_upload(faces_dir))
    html = response.content.decode()
    assert "too many pixels: the limit is 0.5 megapixels" in html
    assert_other_fields_kept(html, data)


def test_missing_selfie_and_missing_consent_and_bad_email(client, post):
    data = form_data(selfie_consent=None, email="anna(at)example")
    response = post(client, data)
    html = response.content.decode()
    assert "Add a photo of your face." in html
    assert "Without your explicit consent we cannot use your photo" in html
    assert "Enter a valid email address, like name@example.org." in html
    assert 'value="anna(at)example"' in html
    assert 'value="Anna de Vries"' in html


def test_missing_text_fields_have_their_own_messages(client, faces_dir, post):
    response = post(client, {"selfie_consent": "on"}, selfie=selfie_upload(faces_dir))
    html = response.content.decode()
    for message in (
        "Choose what you want to ask.",
        "Enter your name.",
        "Enter your email address.",
        "Choose the country where you live.",
    ):
        assert message in html
    assert "A photo is already attached (obama.jpg)" in html


def test_unknown_country_and_request_type_are_refused(client, post):
    response = post(client, form_data(country="US", request_type="delete_everything"))
    html = response.content.decode()
    assert "Choose a country from the list." in html
    assert "Choose one of the options." in html


def test_kept_photo_is_reused_after_a_text_error(client, faces_dir, post):
    first = post(client, form_data(email="not-an-email"), selfie=selfie_upload(faces_dir))
    html = first.content.decode()
    assert "Enter a valid email address" in html
    assert "A photo is already attached (obama.jpg) and is kept." in html
    token = hidden_value(html, "selfie_token")
    assert len(token) >= 40
    assert PendingUpload.objects.count() == 1
    # The photo is never sent back to the browser: no image, no media URL, only its name.
    assert "<img" not in html and "/media/" not in html

    second = post(client, form_data(selfie_token=token))
    assert second.status_code == 302
    request = DataSubjectRequest.objects.get()
    assert request.selfie.name and request.selfie.storage.exists(request.selfie.name)
    assert PendingUpload.objects.count() == 0


def test_a_rejected_replacement_drops_the_kept_photo(client, faces_dir, post):
    first = post(client, form_data(name=""), selfie=selfie_upload(faces_dir))
    token = hidden_value(first.content.decode(), "selfie_token")
    assert token
    second = post(
        client,
        form_data(selfie_token=token),
        selfie=upload("group.jpg", (faces_dir / "group/two_people.jpg").read_bytes()),
    )
    html = second.content.decode()
    assert "This photo shows 2 faces" in html
    assert "A photo is already attached" not in html
    assert hidden_value(html, "selfie_token") == ""
    assert PendingUpload.objects.count() == 0


def test_a_forged_or_expired_photo_token_is_not_a_photo(client, post):
    response = post(client, form_data(selfie_token="made-up-token-that-names-nothing"))
    assert "Add a photo of your face." in response.content.decode()
    assert DataSubjectRequest.objects.count() == 0


def test_id_document_and_suppression_opt_in(client, faces_dir, post):
    response = post(
        client,
        form_data(suppression_consent="on", id_document_consent="on", request_type="both"),
        selfie=selfie_upload(faces_dir),
        id_document=selfie_upload(faces_dir, "people/obama/obama2.jpg"),
    )
    assert response.status_code == 302
    request = DataSubjectRequest.objects.get()
    assert request.request_type == "both"
    assert request.suppression_consent_at is not None
    # The identity check ran after commit (eager tasks): the ID photo is compared, then deleted.
    assert request.identity_check in {"matched", "mismatch"}
    assert not request.id_document


def test_the_id_document_comparison_needs_its_own_consent_and_the_consent_version_is_recorded(client, faces_dir, post):
    """Art. 9(2)(a) and 7(1), issue 16 item 10: no comparison of the ID photo without a consent
    of its own; the request records which consent texts the requester was shown."""
    from compliance.consent import consent_history, consent_version

    refused = post(
        client,
        form_data(),
        selfie=selfie_upload(faces_dir),
        id_document=selfie_upload(faces_dir, "people/obama/obama2.jpg"),
    )
    html = refused.content.decode()
    assert refused.status_code == 200 and 'id="id_id_document_consent_error"' in html
    assert "comparison of your identity document" in html and DataSubjectRequest.objects.count() == 0
    accepted = post(
        client,
        form_data(id_document_consent="on", country="DE", region="BY"),
        selfie=selfie_upload(faces_dir),
        id_document=selfie_upload(faces_dir, "people/obama/obama2.jpg"),
    )
    assert accepted.status_code == 302, accepted.content.decode()[:3000]
    request = DataSubjectRequest.objects.get()
    assert request.id_document_consent_at is not None and request.region == "BY"
    assert request.consent_version == consent_version() and request.consent_version in consent_history()
    without = post(client, form_data(email="other@example.org"), selfie=selfie_upload(faces_dir))
    assert without.status_code == 302
    assert DataSubjectRequest.objects.get(email="other@example.org").id_document_consent_at is None


def test_a_german_resident_is_asked_for_their_land_through_the_form(client, faces_dir, post):
    response = post(client, form_data(country="DE"), selfie=selfie_upload(faces_dir))
    html = response.content.decode()
    assert response.status_code == 200 and 'id="id_region_error"' in html
    assert "A photo is already attached (obama.jpg)" in html  # nothing typed or uploaded is lost
    assert DataSubjectRequest.objects.count() == 0


def test_id_document_without_a_face_is_refused(client, faces_dir, post):
    response = post(
        client,
        form_data(id_document_consent="on"),
        selfie=selfie_upload(faces_dir),
        id_document=upload("card.png", image_bytes("PNG")),
    )
    html = response.content.decode()
    assert 'id="id_id_document_error"' in html and "could not find a face on this document photo" in html
    assert "A photo is already attached (obama.jpg)" in html  # the good selfie is kept meanwhile


def test_exif_rotated_selfie_is_accepted(client, faces_dir, post):
    response = post(client, form_data(), selfie=selfie_upload(faces_dir, "odd/obama_exif_rotated.jpg"))
    assert response.status_code == 302


def test_csrf_is_enforced(db):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(FORM_URL, form_data())
    assert response.status_code == 403


def test_heic_selfie_from_a_phone_is_accepted(client, faces_dir, post):
    pillow_heif = pytest.importorskip("pillow_heif")
    from io import BytesIO

    from PIL import Image

    pillow_heif.register_heif_opener()
    buffer = BytesIO()
    Image.open(faces_dir / "people/obama/obama.jpg").save(buffer, format="HEIF", quality=80)
    response = post(client, form_data(), selfie=upload("IMG_0001.HEIC", buffer.getvalue(), "image/heic"))
    assert response.status_code == 302
    stored = DataSubjectRequest.objects.get().selfie
    with stored.open("rb") as handle:
        assert handle.read(3) == b"\xff\xd8\xff"  # kept as a re-encoded JPEG


def first_half(data: bytes) -> bytes:
    return data[: len(data) // 2]


def web_image(faces_dir, fmt: str, *, animated: bool = False) -> bytes:
    """The shared selfie as a WEBP or AVIF file made by Pillow (animated: a second, blank frame)."""
    selfie = Image.open(faces_dir / "people/obama/obama.jpg").convert("RGB")
    buffer = BytesIO()
    if animated:
        blank = Image.new("RGB", selfie.size, "white")
        selfie.save(buffer, format=fmt, save_all=True, append_images=[blank], duration=200)
    else:
        selfie.save(buffer, format=fmt)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "fmt", "animated", "content_type"),
    [
        ("selfie.webp", "WEBP", False, "image/webp"),
        ("selfie.avif", "AVIF", False, "image/avif"),
        ("sticker.webp", "WEBP", True, "image/webp"),
    ],
)
def test_webp_and_avif_selfies_are_accepted(client, faces_dir, post, name, fmt, animated, content_type):
    """Issue 14 item 1: these were refused ("WEBP images are not accepted: use JPEG, PNG or HEIC").
    An animated one is read as its first frame (here the face; the blank second frame is ignored)."""
    response = post(
        client, form_data(), selfie=upload(name, web_image(faces_dir, fmt, animated=animated), content_type)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    stored = DataSubjectRequest.objects.get().selfie
    with stored.open("rb") as handle:
        assert Image.open(handle).format == "JPEG"  # kept as a re-encoded JPEG, like every selfie


# --- up to three selfies (issue 14.3) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("photo", "message"),
    [
        ("group/two_people.jpg", "This photo shows 2 faces. Use a photo that shows only your own face."),
        (None, "We could not find a face in this photo."),
    ],
)
def test_a_second_selfie_without_exactly_one_face_is_refused_and_nothing_is_lost(
    client, faces_dir, post, photo, message
):
    data = form_data(suppression_consent="on")
    content = (faces_dir / photo).read_bytes() if photo else image_bytes("PNG", size=(400, 300))
    response = post(
        client,
        data,
        selfie=selfie_upload(faces_dir),
        selfie_2=upload("second.jpg", content),
        selfie_3=selfie_upload(faces_dir, "people/obama/obama2.jpg"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_selfie_2_error"' in html and message in html
    assert 'id="id_selfie_error"' not in html and 'id="id_selfie_3_error"' not in html
    assert_other_fields_kept(html, data)
    assert re.search(r'name="suppression_consent"[^>]*checked', html)
    assert DataSubjectRequest.objects.count() == 0
    # The first and third selfies passed: they are kept, the refused one is not.
    assert hidden_value(html, "selfie_token") and hidden_value(html, "selfie_3_token")
    assert hidden_value(html, "selfie_2_token") == ""
    assert PendingUpload.objects.count() == 2
    assert 'id="kept-selfie"' in html and 'id="kept-selfie-3"' in html and 'id="kept-selfie-2"' not in html

    # Sent again with a good second selfie only: the kept photos are used, the request is filed.
    again = post(
        client,
        form_data(
            suppression_consent="on",
            selfie_token=hidden_value(html, "selfie_token"),
            selfie_3_token=hidden_value(html, "selfie_3_token"),
        ),
        selfie_2=selfie_upload(faces_dir, "people/obama/obama4.jpg"),
    )
    assert again.status_code == 302
    request = DataSubjectRequest.objects.get()
    assert request.selfie and request.selfie_2 and request.selfie_3
    assert len({request.selfie.name, request.selfie_2.name, request.selfie_3.name}) == 3
    assert PendingUpload.objects.count() == 0


def test_the_extra_selfies_are_optional_and_offered_on_the_form(client, faces_dir, post):
    html = client.get(FORM_URL).content.decode()
    assert 'name="selfie_2"' in html and 'name="selfie_3"' in html
    assert "Optional: a second photo of your face" in html
    response = post(client, form_data(), selfie=selfie_upload(faces_dir))
    assert response.status_code == 302
    request = DataSubjectRequest.objects.get()
    assert request.selfie and not request.selfie_2 and not request.selfie_3

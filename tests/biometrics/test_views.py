"""Staff pages of the biometric store: who may see what, statistics, photos with boxed faces,
recipients of a face, and search by upload (validated, in memory only, audited)."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from biometrics import services
from biometrics.ingest import Listing, list_source, run_ingest
from biometrics.models import Face, SourcePhoto
from core.models import AuditEvent
from tests.biometrics.factories import CustomerFactory

PREFIX = "https://scrape.example/faces"
PHOTOS = (
    "people/obama/obama.jpg",
    "people/obama/obama2.jpg",
    "people/biden/biden.jpg",
    "group/two_people.jpg",
    "people/kit_harington/kit1.jpg",
    "odd/obama_exif_rotated.jpg",
)


@pytest.fixture
def store(db, faces_dir):
    listing = list_source(faces_dir / "manifest.csv", source_url_prefix=PREFIX)
    items = [item for item in listing.items if item.path.endswith(PHOTOS)]
    report = run_ingest(Listing(items, [], 0), workers=1, mode="local")
    assert report.counts["created"] == len(PHOTOS)
    return {path: SourcePhoto.objects.get(source_url=f"{PREFIX}/{path}") for path in PHOTOS}


def upload(data: bytes, name: str = "photo.jpg"):
    handle = io.BytesIO(data)
    handle.name = name
    return handle


PAGES = ["biometrics:store", "biometrics:photo_list"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", [*PAGES, "biometrics:search"])
def test_anonymous_users_are_sent_to_log_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", [*PAGES, "biometrics:search"])
def test_outsiders_are_refused(client, outsider_user, name):
    client.force_login(outsider_user)
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.django_db
def test_auditors_browse_but_cannot_search_by_photo(auditor_client):
    for name in PAGES:
        assert auditor_client.get(reverse(name)).status_code == 200
    assert auditor_client.get(reverse("biometrics:search")).status_code == 403
    assert auditor_client.post(reverse("biometrics:search"), {"tolerance": "0.6"}).status_code == 403
    assert b"Search by photo" not in auditor_client.get(reverse("biometrics:store")).content


@pytest.mark.faces
def test_statistics_count_photos_faces_and_domains(staff_client, store):
    SourcePhoto.objects.filter(pk=store["people/biden/biden.jpg"].pk).update(source_domain="other.example")
    response = staff_client.get(reverse("biometrics:store"))
    stats = response.context["stats"]
    assert (stats.photos, stats.faces) == (6, 7)
    assert [(d.domain, d.photos, d.faces) for d in stats.domains] == [
        ("scrape.example", 5, 6),
        ("other.example", 1, 1),
    ]
    assert stats.photos_with_several_faces == 1
    html = response.content.decode()
    assert 'data-stat="faces">7<' in html and "<svg" in html and "other.example" in html
    assert stats.photos_to_rescan == 0 and "rescan_photos" not in html  # ingested by the current detector


@pytest.mark.faces
def test_photos_stored_before_the_full_detector_are_counted_with_the_command_to_rescan_them(staff_client, store):
    SourcePhoto.objects.filter(pk__in=[store[path].pk for path in PHOTOS[:2]]).update(detector="")
    html = staff_client.get(reverse("biometrics:store")).content.decode()
    assert 'data-stat="photos-to-rescan">2<' in html
    assert "2 photos were stored before ingestion used the full face detector" in html
    assert "python manage.py rescan_photos" in html


@pytest.mark.faces
def test_photo_list_filters_by_domain_and_ignores_bad_input(staff_client, store):
    SourcePhoto.objects.filter(pk=store["people/biden/biden.jpg"].pk).update(source_domain="other.example")
    response = staff_client.get(reverse("biometrics:photo_list"), {"domain": "other.example"})
    assert [p.pk for p in response.context["page"].object_list] == [store["people/biden/biden.jpg"].pk]
    response = staff_client.get(reverse("biometrics:photo_list"), {"domain": "<script>", "page": "banana"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 6  # invalid filter: shown as an error, list unfiltered
    assert response.context["form"].errors["domain"]


@pytest.mark.faces
def test_photo_detail_boxes_every_face_and_links_it(staff_client, store):
    photo = store["group/two_people.jpg"]
    html = staff_client.get(reverse("biometrics:photo_detail", args=[photo.public_id])).content.decode()
    faces = list(photo.faces.all())
    assert html.count('class="face-box"') == 2
    for face in faces:
        assert f'data-face="{face.pk}" x="{face.left}" y="{face.top}"' in html
        assert reverse("biometrics:face_detail", args=[photo.public_id, face.pk]) in html
    assert f'viewBox="0 0 {photo.width} {photo.height}"' in html


@pytest.mark.faces
def test_photo_image_is_upright_reencoded_jpeg(staff_client, store, auditor_client):
    photo = store["odd/obama_exif_rotated.jpg"]
    response = staff_client.get(reverse("biometrics:photo_image", args=[photo.public_id]), {"size": "thumb"})
    assert response["Content-Type"] == "image/jpeg" and "private" in response["Cache-Control"]
    image = Image.open(io.BytesIO(response.content))
    assert image.height > image.width and max(image.size) == 360  # upright, as the boxes are
    assert not image.getexif()
    assert (
        staff_client.get(reverse("biometrics:photo_image", args=[photo.public_id]), {"size": "huge"}).status_code == 404
    )
    assert auditor_client.get(reverse("biometrics:photo_image", args=[photo.public_id])).status_code == 200


@pytest.mark.django_db
def test_photo_pages_404_for_unknown_ids(staff_client):
    missing = "00000000-0000-4000-8000-000000000000"
    assert staff_client.get(reverse("biometrics:photo_detail", args=[missing])).status_code == 404
    assert staff_client.get(reverse("biometrics:photo_image", args=[missing])).status_code == 404
    assert staff_client.get(f"/biometrics/photos/{missing}/faces/1/").status_code == 404


@pytest.mark.faces
def test_face_detail_names_the_customers_who_received_it(staff_client, store):
    photo = store["people/obama/obama.jpg"]
    face = photo.faces.get()
    police = CustomerFactory(name="Metropolitan Police", country="GB")
    services.search_event_record(customer=police, matches=[(face.pk, 0.21)], reference="OP-77")
    url = reverse("biometrics:face_detail", args=[photo.public_id, face.pk])
    html = staff_client.get(url).content.decode()
    assert "Metropolitan Police" in html and "OP-77" in html and "0.210" in html
    other_photo = store["people/biden/biden.jpg"]
    assert staff_client.get(reverse("biometrics:face_detail", args=[other_photo.public_id, face.pk])).status_code == 404


@pytest.mark.faces
def test_search_by_photo_finds_that_persons_faces_only(staff_client, store, faces_dir):
    data = (faces_dir / "people/obama/obama4.jpg").read_bytes()  # not in the store itself
    response = staff_client.post(reverse("biometrics:search"), {"photo": upload(data), "tolerance": "0.6"})
    assert response.status_code == 200, response.context["form"].errors
    (result,) = response.context["results"]
    found = {match["photo"].source_url.removeprefix(PREFIX + "/") for match in result["matches"]}
    assert found == {
        "people/obama/obama.jpg",
        "people/obama/obama2.jpg",
        "group/two_people.jpg",
        "odd/obama_exif_rotated.jpg",
    }
    distances = [match["distance"] for match in result["matches"]]
    assert distances == sorted(distances) and max(distances) <= 0.6
    html = response.content.decode()
    assert "data:image/jpeg;base64," in html  # the upload is shown inline, never from a URL
    event = AuditEvent.objects.get(action="biometrics.staff_search")
    assert event.details == {"faces_in_upload": 1, "matches": 4}


def as_format(path, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    Image.open(path).convert("RGB").save(buffer, format=fmt, **options)
    return buffer.getvalue()


OBAMA_PHOTOS = {
    "people/obama/obama.jpg",
    "people/obama/obama2.jpg",
    "group/two_people.jpg",
    "odd/obama_exif_rotated.jpg",
}


@pytest.mark.faces
@pytest.mark.parametrize(
    ("name", "fmt", "options"),
    [("query.webp", "WEBP", {}), ("query.avif", "AVIF", {}), ("query.webp", "WEBP", {"lossless": True})],
)
def test_search_by_a_webp_or_avif_photo_finds_the_same_faces(staff_client, store, faces_dir, name, fmt, options):
    """Issue 14 item 1: a WEBP or AVIF query was refused ("WEBP images are not accepted")."""
    data = as_format(faces_dir / "people/obama/obama4.jpg", fmt, **options)
    response = staff_client.post(reverse("biometrics:search"), {"photo": upload(data, name), "tolerance": "0.6"})
    assert response.status_code == 200, response.context["form"].errors
    (result,) = response.context["results"]
    assert {match["photo"].source_url.removeprefix(PREFIX + "/") for match in result["matches"]} == OBAMA_PHOTOS


@pytest.mark.faces
def test_search_by_an_animated_webp_uses_its_first_frame(staff_client, store, faces_dir):
    first = Image.open(faces_dir / "people/obama/obama4.jpg").convert("RGB")
    later = Image.open(faces_dir / "people/biden/biden2.jpg").convert("RGB").resize(first.size)
    data = io.BytesIO()
    first.save(data, format="WEBP", save_all=True, append_images=[later], duration=300)
    response = staff_client.post(
        reverse("biometrics:search"), {"photo": upload(data.getvalue(), "a.webp"), "tolerance": "0.6"}
    )
    (result,) = response.context["results"]  # one face: Obama's, not Biden's of the second frame
    assert {match["photo"].source_url.removeprefix(PREFIX + "/") for match in result["matches"]} == OBAMA_PHOTOS


@pytest.mark.faces
def test_search_upload_is_never_written_to_disk(staff_client, store, faces_dir, settings, tmp_path, media_root):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1000  # Django would spool anything bigger to a temp file
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "upload-temp")
    (tmp_path / "upload-temp").mkdir()
    before = sorted(p for p in media_root.rglob("*"))
    data = (faces_dir / "people/biden/biden2.jpg").read_bytes()
    response = staff_client.post(reverse("biometrics:search"), {"photo": upload(data), "tolerance": "0.6"})
    assert response.status_code == 200 and response.context["results"]
    assert list((tmp_path / "upload-temp").iterdir()) == []
    assert sorted(p for p in media_root.rglob("*")) == before
    assert not SourcePhoto.objects.filter(sha256__in=[]).exists() and SourcePhoto.objects.count() == 6


def png(size, color="white") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "tolerance", "field", "message"),
    [
        (b"", "0.6", "photo", "empty"),
        (b"%PDF-1.7 not a photo", "0.6", "photo", "not an image we can read"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 200, "0.6", "photo", "damaged"),
        (b"RIFF\x00\x10\x00\x00WEBPVP8 " + b"\x00" * 200, "0.6", "photo", "damaged"),
        (b"\x00\x00\x00\x1cftypavif" + b"\x00" * 200, "0.6", "photo", "damaged"),
        (png((300, 200)), "0.6", "photo", "No face was found"),
        (png((1, 1)), "0.6", "photo", "No face was found"),
        (png((20_000, 3)), "0.6", "photo", "no side may be longer"),
        (png((64, 64)), "7", "tolerance", "less than or equal to 1"),
        (png((64, 64)), "abc", "tolerance", "Enter a number"),
        (png((64, 64)), "NaN", "tolerance", ""),
    ],
)
def test_search_validation_messages(staff_client, data, tolerance, field, message):
    response = staff_client.post(reverse("biometrics:search"), {"photo": upload(data), "tolerance": tolerance})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    assert message in " ".join(errors[field])


@pytest.mark.django_db
def test_search_refuses_too_large_and_too_many_pixels(staff_client, settings):
    settings.UPLOAD_MAX_BYTES = 5_000
    response = staff_client.post(reverse("biometrics:search"), {"photo": upload(b"\xff" * 6_000), "tolerance": "0.6"})
    assert "too large" in " ".join(response.context["form"].errors["photo"])
    settings.UPLOAD_MAX_BYTES = 15 * 1024 * 1024
    settings.UPLOAD_MAX_PIXELS = 10_000
    response = staff_client.post(reverse("biometrics:search"), {"photo": upload(png((200, 200))), "tolerance": "0.6"})
    assert "too many pixels" in " ".join(response.context["form"].errors["photo"])


@pytest.mark.django_db
def test_search_without_a_file_says_so(staff_client):
    response = staff_client.post(reverse("biometrics:search"), {"tolerance": "0.6"})
    assert response.context["form"].errors["photo"]


@pytest.mark.django_db
def test_search_post_needs_the_csrf_token(client, staff_user):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(staff_user)
    assert strict.post(reverse("biometrics:search"), {"tolerance": "0.6"}).status_code == 403


@pytest.mark.faces
def test_erased_face_keeps_its_recipients_for_article_19(store):
    face = store["people/obama/obama2.jpg"].faces.get()
    customer = CustomerFactory()
    services.search_event_record(customer=customer, matches=[(face.pk, 0.3)])
    services.faces_delete(face_ids=[face.pk])
    from biometrics.selectors import recipients_of_faces

    assert [r.customer_name for r in recipients_of_faces(face_ids=[face.pk])] == [customer.name]
    assert not Face.objects.filter(pk=face.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nl", "Er is geen gezicht gevonden op deze foto."),
        ("fr", "Aucun visage n'a été trouvé sur cette photo."),
        ("it", "In questa foto non è stato trovato alcun volto."),
    ],
)
def test_search_no_face_message_is_translated(staff_client, language, expected):
    """Issue 12: the face search's "no face" message stayed English in every language."""
    staff_client.cookies["django_language"] = language
    response = staff_client.post(reverse("biometrics:search"), {"photo": upload(png((300, 200))), "tolerance": "0.6"})
    assert response.status_code == 200
    assert expected in " ".join(response.context["form"].errors["photo"])

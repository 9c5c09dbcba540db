"""The store's models: encodings round-trip exactly, constraints hold, snapshots survive erasure."""

import numpy as np
import pytest
from django.db import IntegrityError, transaction

from biometrics import selectors, services
from biometrics.models import (
    Face,
    FaceChange,
    FaceChangeKind,
    SearchResult,
    SourcePhoto,
    encoding_from_bytes,
    encoding_to_bytes,
    photo_upload_to,
    source_domain_of,
)
from tests.biometrics.factories import CustomerFactory, FaceFactory, SourcePhotoFactory, random_encoding

pytestmark = pytest.mark.django_db


def test_encoding_round_trip_is_float32_little_endian():
    encoding = random_encoding(1)
    data = encoding_to_bytes(encoding)
    assert len(data) == 512
    assert data[:4] == np.float32(encoding[0]).astype("<f4").tobytes()
    back = encoding_from_bytes(data)
    assert back.dtype == np.float32
    assert np.array_equal(back, encoding.astype(np.float32))


@pytest.mark.parametrize("bad", [np.zeros(127), np.zeros((2, 128)), np.full(128, np.nan)])
def test_encoding_to_bytes_refuses_wrong_shapes_and_nan(bad):
    with pytest.raises(ValueError):
        encoding_to_bytes(bad)


def test_encoding_from_bytes_refuses_wrong_length():
    with pytest.raises(ValueError):
        encoding_from_bytes(b"\x00" * 511)


def test_stored_encoding_reads_back_identically():
    face = FaceFactory(encoding=encoding_to_bytes(random_encoding(7)))
    stored = Face.objects.get(pk=face.pk)
    assert np.array_equal(stored.encoding_array(), random_encoding(7).astype(np.float32))


def test_sha256_is_unique():
    photo = SourcePhotoFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        SourcePhotoFactory(sha256=photo.sha256)


def test_face_encoding_must_be_512_bytes():
    with pytest.raises(IntegrityError), transaction.atomic():
        FaceFactory(encoding=b"\x00" * 100)


def test_face_box_must_not_be_empty():
    with pytest.raises(IntegrityError), transaction.atomic():
        FaceFactory(top=50, bottom=50)


def test_public_ids_are_random_uuids():
    first, second = SourcePhotoFactory(), SourcePhotoFactory()
    assert first.public_id != second.public_id and first.public_id.version == 4


def test_upload_name_is_content_addressed():
    photo = SourcePhoto(sha256="ab" + "0" * 62)
    assert photo_upload_to(photo, "IMG_1234.JPG") == f"biometrics/photos/ab/{photo.sha256}.jpg"


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("https://www.Example.com/a.jpg", "example.com"),
        ("http://cdn.social.example:8080/x", "cdn.social.example"),
        ("", ""),
    ],
)
def test_source_domain(url, domain):
    assert source_domain_of(url) == domain


def test_faces_delete_logs_each_removal_and_search_results_keep_their_snapshot():
    face = FaceFactory()
    customer = CustomerFactory()
    event = services.search_event_record(customer=customer, matches=[(face.pk, 0.31)], reference="case 7")
    photo_sha, face_id = face.photo.sha256, face.pk

    assert services.faces_delete(face_ids=[face_id]) == 1
    assert services.faces_delete(face_ids=[face_id]) == 0  # a rerun does nothing

    assert FaceChange.objects.filter(face_id=face_id, kind=FaceChangeKind.REMOVED).count() == 1
    result = SearchResult.objects.get(search=event)
    assert result.face is None  # the face is gone ...
    assert (result.face_ref, result.photo_sha256) == (face_id, photo_sha)  # ... who received it is not
    recipients = selectors.recipients_of_faces(face_ids=[face_id])
    assert [r.customer_name for r in recipients] == [customer.name]
    assert selectors.recipients_of_photo(sha256=photo_sha)[0].reference == "case 7"


def test_photo_delete_removes_faces_and_logs_them(media_root):
    face = FaceFactory()
    other = FaceFactory(photo=face.photo)
    services.photo_delete(photo=face.photo)
    assert not SourcePhoto.objects.exists()
    removed = set(FaceChange.objects.filter(kind=FaceChangeKind.REMOVED).values_list("face_id", flat=True))
    assert removed == {face.pk, other.pk}


def test_customer_is_protected_while_its_searches_exist():
    customer = CustomerFactory()
    services.search_event_record(customer=customer, matches=[])
    with pytest.raises(IntegrityError), transaction.atomic():
        customer.delete()

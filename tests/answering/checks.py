"""Assertions shared by the in-process and the real-worker end-to-end tests."""

import io
import json
import os
import zipfile
from pathlib import Path

import numpy as np
from PIL import Image

from tests.answering.conftest import person_paths


def matched_paths(request, store_ids: dict[str, int]) -> set[str]:
    by_id = {photo_id: path for path, photo_id in store_ids.items()}
    return {by_id[m.photo_id_snapshot] for m in request.matches.exclude(review_status="rejected")}


def read_package(package) -> tuple[dict, dict[str, bytes]]:
    with package.zip.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
        document = json.loads(archive.read("access_response.json"))
        images = {name: archive.read(name) for name in archive.namelist() if name.startswith("images/")}
    return document, images


def region_difference(original: np.ndarray, copy: np.ndarray, box) -> float:
    top, right, bottom, left = box
    a = original[top:bottom, left:right].astype(np.int16)
    b = copy[top:bottom, left:right].astype(np.int16)
    return float(np.abs(a - b).mean())


def check_group_photo_redaction(*, faces_dir: Path, path: str, image_bytes: bytes, detections, selfie_encoding):
    """In the copy, the requester's face is intact and every other face is blurred: large pixel
    differences in the others' boxes, small in the requester's, and the detector finds only the
    requester's face."""
    from biometrics.faces import detect_faces
    from biometrics.images import image_to_array, load_image_checked

    original = image_to_array(load_image_checked(faces_dir / path))
    copy = image_to_array(Image.open(io.BytesIO(image_bytes)).convert("RGB"))
    assert copy.shape == original.shape
    (_size, faces) = detections[path]
    distances = [float(np.linalg.norm(face.encoding - selfie_encoding)) for face in faces]
    mine = int(np.argmin(distances))
    for index, face in enumerate(faces):
        difference = region_difference(original, copy, face.box)
        if index == mine:
            assert difference < 6, f"{path}: the requester's face changed ({difference:.1f})"
        else:
            assert difference > 15, f"{path}: another person's face is not blurred ({difference:.1f})"
    found = detect_faces(copy)
    assert len(found) == 1, f"{path}: {len(found)} faces still recognisable in the copy"
    assert float(np.linalg.norm(found[0].encoding - selfie_encoding)) < 0.6


def check_access_package(*, request, store_ids, manifest, faces_dir, detections, selfie_encoding, person="obama"):
    package = request.access_package
    expected = person_paths(manifest, person)
    assert matched_paths(request, store_ids) == expected
    document, images = read_package(package)
    assert document["confirmation"]["processing"] is True
    by_photo = {p["photo_id"]: p for p in document["photos"]}
    from biometrics.models import SourcePhoto

    public_ids = {str(SourcePhoto.objects.get(pk=store_ids[p]).public_id): p for p in expected}
    assert set(by_photo) == set(public_ids)
    for photo_id, path in public_ids.items():
        entry = by_photo[photo_id]
        assert entry["source_url"].endswith(path) and entry["page_url"].endswith(path)
        assert f"images/{photo_id}.jpg" in images
        for key in ("purposes", "categories_of_data", "retention", "rights", "complaint", "automated_decision_making"):
            assert document[key]
    assert "encoding" not in json.dumps(document["photos"])
    group = [p for p in expected if len(detections[p][1]) > 1]
    assert group, "the shared photos have group photos of this person"
    for path in group:
        photo_id = next(pid for pid, p in public_ids.items() if p == path)
        check_group_photo_redaction(
            faces_dir=faces_dir,
            path=path,
            image_bytes=images[f"images/{photo_id}.jpg"],
            detections=detections,
            selfie_encoding=selfie_encoding,
        )
    with package.pdf.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"


def store_snapshot() -> dict:
    """Every photo and face in the store: {photo id: {face id: (box, encoding bytes)}} and files."""
    from biometrics.models import Face, SourcePhoto

    photos = {}
    for photo in SourcePhoto.objects.all():
        photos[photo.pk] = {
            "sha256": photo.sha256,
            "file": photo.image.name,
            "faces": {f.pk: (f.box, bytes(f.encoding)) for f in Face.objects.filter(photo=photo)},
        }
    return photos


def files_under(root: Path) -> set[str]:
    result = set()
    for folder, _dirs, names in os.walk(root):
        for name in names:
            result.add(str(Path(folder, name).relative_to(root)))
    return result


def check_erasure(*, before: dict, after: dict, store_ids, manifest, person, detections, selfie_encoding, media_root):
    """The person is gone from the store; everyone else's photos and faces are untouched."""
    from biometrics.models import SourcePhoto
    from compliance.workflow.matching import store_search

    by_path = {row.path: row for row in manifest}
    for path, photo_id in store_ids.items():
        row = by_path[path]
        others = row.faces - row.people.count(person)
        if person not in row.people:
            assert after[photo_id]["faces"] == before[photo_id]["faces"], f"{path} changed"
            assert after[photo_id]["sha256"] == before[photo_id]["sha256"]
        elif others == 0:
            assert photo_id not in after, f"{path} should be deleted"
        else:
            assert photo_id in after, f"{path} should be kept for the others"
            assert len(after[photo_id]["faces"]) == others
            for face_id, value in after[photo_id]["faces"].items():
                assert before[photo_id]["faces"][face_id] == value  # the others' faces untouched
            assert after[photo_id]["sha256"] != before[photo_id]["sha256"]  # blurred file
    assert store_search(selfie_encoding, tolerance=0.6) == []
    # Files: exactly one per photo row, nothing left in staging, no old file of a changed photo.
    photo_files = {p.image.name for p in SourcePhoto.objects.all()}
    on_disk = {f for f in files_under(Path(media_root)) if f.startswith("biometrics/")}
    assert on_disk == photo_files

"""manage.py search_faces on the shared photos: every photo of the person, nobody else's."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from biometrics.ingest import list_source, run_ingest
from biometrics.models import Face

PREFIX = "https://scrape.example/faces"


def people_by_photo(faces_dir) -> dict[str, set[str]]:
    with open(faces_dir / "manifest.csv", newline="") as handle:
        return {
            f"{PREFIX}/{row['path']}": {p for p in row["people"].split(";") if p and p != "unknown"}
            for row in csv.DictReader(handle)
        }


def search(path, *args) -> dict:
    out = io.StringIO()
    call_command("search_faces", str(path), "--json", *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def ingested(db, faces_dir):
    report = run_ingest(list_source(faces_dir / "manifest.csv", source_url_prefix=PREFIX), workers=2, mode="local")
    assert report.counts, report
    assert Face.objects.count() == 29  # manifest.csv: 29 faces in 25 photos
    return people_by_photo(faces_dir)


@pytest.mark.faces
@pytest.mark.slow
def test_any_photo_of_a_person_finds_all_their_photos_and_nobody_elses(faces_dir, ingested):
    """Issue 4, done when: at tolerance 0.6, for every single-person photo as the query."""
    checked = 0
    for url, people in ingested.items():
        if len(people) != 1:
            continue
        (person,) = people
        document = search(faces_dir / url.removeprefix(PREFIX + "/"), "--tolerance", "0.6")
        assert len(document["faces"]) == 1, url
        matches = document["faces"][0]["matches"]
        found = {m["source_url"] for m in matches}
        expected = {photo for photo, listed in ingested.items() if person in listed}
        assert found == expected, (url, found ^ expected)
        assert url in found  # itself, at distance 0
        distances = [m["distance"] for m in matches]
        assert distances == sorted(distances) and max(distances) <= 0.6
        checked += 1
    assert checked == 22  # the 20 photos under people/, the RGBA PNG and the EXIF-rotated one


@pytest.mark.faces
@pytest.mark.slow
def test_text_output_and_group_photo(faces_dir, ingested):
    document = search(faces_dir / "group" / "two_people.jpg")
    assert len(document["faces"]) == 2
    assert document["tolerance"] == 0.6
    for face in document["faces"]:
        assert len(face["box"]) == 4 and face["matches"]
        match = face["matches"][0]
        stored = Face.objects.select_related("photo").get(pk=match["face_id"])
        assert match["photo_id"] == stored.photo_id and match["box"] == list(stored.box)
        assert match["source_url"] == stored.photo.source_url
    out = io.StringIO()
    call_command("search_faces", str(faces_dir / "odd" / "obama_exif_rotated.jpg"), "--tolerance", "0.5", stdout=out)
    text = out.getvalue()
    assert "1 face(s) found, tolerance 0.5" in text
    assert "Face 1 at box (top " in text
    assert f"{PREFIX}/people/obama/obama.jpg" in text
    assert "people/biden" not in text


def test_rejects_bad_input(db, tmp_path):
    with pytest.raises(CommandError, match="could not be read"):
        call_command("search_faces", str(tmp_path / "missing.jpg"))
    text_file = tmp_path / "notes.jpg"
    text_file.write_text("not an image")
    with pytest.raises(CommandError, match="not an image"):
        call_command("search_faces", str(text_file))
    for bad in ("abc", "-0.1", "nan", "5"):
        with pytest.raises(CommandError, match="--tolerance"):
            call_command("search_faces", str(text_file), "--tolerance", bad)


def test_image_without_faces(db, tmp_path):
    from PIL import Image

    blank = tmp_path / "blank.png"
    Image.new("RGB", (64, 48), "white").save(blank)
    document = search(blank)
    assert document["faces"] == [] and (document["width"], document["height"]) == (64, 48)

"""Calibrate the face-match bands used to answer data-subject requests (issue 6).

    python -m benchmarks.match_calibration [--faces-dir ../shared/faces] [--json]

Steps:
1. Every photo in manifest.csv is loaded as ingestion loads it (EXIF orientation applied,
   RGBA composed on white: `biometrics.images.load_image_checked`) and its faces are detected
   and encoded with the project's detector (`biometrics.faces.detect_faces`, 5-point model).
2. Faces are labelled: a photo with one face and one person gives that face its label. In a
   group photo the faces are assigned to the listed people by the smallest distance to that
   person's labelled single-face photos (one face per person; a face listed as "unknown" keeps
   no label); these derived labels are reported separately.
3. For every pair of labelled faces the Euclidean distance is computed (float64), split into
   same person and different people, and summarised (min, percentiles, max).
4. The bands are chosen:
   - confident: strictly below the smallest different-person distance with a margin
     (CONFIDENT = min(different) - MARGIN, rounded down to a multiple of 0.05). A confident
     match is disclosed to the requester (after the package is approved) without a per-photo
     review, and disclosing someone else's photo is itself a personal-data breach (GDPR
     Art. 4(12), 33, 34), so this band must hold no different-person pair on the calibration
     set with room to spare. The margin is wide (0.15) because the set has only eight people:
     in a store of millions of strangers the nearest stranger to any face is far closer than
     the nearest of seven others, and the set cannot show that tail.
   - possible: face_recognition's usual 0.6 (the store's own "same person" threshold), which
     every same-person pair here falls within: matches between the two bands are shown to a
     member of staff side by side and count only once confirmed.
   The script prints how many same-person pairs fall in each band (the review load).
"""

import argparse
import csv
import itertools
import json
import math
import os
import sys
from pathlib import Path

import numpy as np

MARGIN = 0.15
GRID = 0.05
POSSIBLE_DEFAULT = 0.6


def _faces_dir(argument: str | None) -> Path:
    here = Path(__file__).resolve().parent.parent
    return Path(argument or os.environ.get("FACES_DIR") or here.parent / "shared" / "faces").resolve()


def encode_manifest(faces_dir: Path) -> list[dict]:
    from biometrics.faces import detect_faces
    from biometrics.images import ImageLimits, image_to_array, load_image_checked

    limits = ImageLimits(max_bytes=50 * 1024 * 1024, max_pixels=100_000_000)
    photos = []
    with open(faces_dir / "manifest.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            rgb = image_to_array(load_image_checked(faces_dir / row["path"], limits=limits))
            faces = detect_faces(rgb)
            people = [p for p in row["people"].split(";") if p]
            photos.append({"path": row["path"], "expected": int(row["faces"]), "people": people, "faces": faces})
    return photos


def label_faces(photos: list[dict]) -> list[tuple[str, str, np.ndarray, bool]]:
    """(label, path, encoding, derived) for each labelled face."""
    labelled = []
    reference: dict[str, list[np.ndarray]] = {}
    for photo in photos:
        if len(photo["faces"]) == 1 and len(photo["people"]) == 1:
            encoding = photo["faces"][0].encoding
            labelled.append((photo["people"][0], photo["path"], encoding, False))
            reference.setdefault(photo["people"][0], []).append(encoding)
    for photo in photos:
        if len(photo["people"]) < 2:
            continue
        pairs = []
        for person in photo["people"]:
            if person not in reference:
                continue
            for index, face in enumerate(photo["faces"]):
                distance = min(float(np.linalg.norm(face.encoding - ref)) for ref in reference[person])
                pairs.append((distance, person, index))
        taken_people, taken_faces = set(), set()
        for _distance, person, index in sorted(pairs):
            if person in taken_people or index in taken_faces:
                continue
            taken_people.add(person)
            taken_faces.add(index)
            labelled.append((person, photo["path"], photo["faces"][index].encoding, True))
    return labelled


def summarise(values: list[float]) -> dict:
    array = np.asarray(values, dtype=np.float64)
    if array.size == 0:
        return {"count": 0}
    return {
        "count": int(array.size),
        "min": round(float(array.min()), 4),
        "p50": round(float(np.percentile(array, 50)), 4),
        "p95": round(float(np.percentile(array, 95)), 4),
        "max": round(float(array.max()), 4),
    }


def histogram(same: list[float], different: list[float], step: float = 0.05) -> list[tuple[str, int, int]]:
    """(bin, same-person pairs, different-person pairs) per `step` of distance."""
    top = max([*same, *different]) + step
    rows = []
    for index in range(int(top / step) + 1):
        low, high = index * step, (index + 1) * step
        rows.append(
            (f"{low:.2f}-{high:.2f}", sum(low <= d < high for d in same), sum(low <= d < high for d in different))
        )
    return rows


FMR_THRESHOLDS = (0.30, 0.35, 0.40, 0.45, 0.50, 0.55, 0.60)


def fmr_upper_95(within: int, pairs: int) -> float:
    """A one-sided 95 % upper bound on the false-match rate from `within` of `pairs` impostor
    pairs: exact for none (1 - 0.05^(1/n), about 3/n), Wilson's bound otherwise."""
    if pairs == 0:
        return 1.0
    if within == 0:
        return 1 - 0.05 ** (1 / pairs)
    z, p = 1.6449, within / pairs
    centre = p + z * z / (2 * pairs)
    spread = z * math.sqrt(p * (1 - p) / pairs + z * z / (4 * pairs * pairs))
    return min(1.0, (centre + spread) / (1 + z * z / pairs))


def fmr_table(different: list[float]) -> list[dict]:
    return [
        {
            "threshold": threshold,
            "impostor_pairs_within": sum(1 for d in different if d <= threshold),
            "fmr_upper_95": round(fmr_upper_95(sum(1 for d in different if d <= threshold), len(different)), 6),
        }
        for threshold in FMR_THRESHOLDS
    ]


def calibrate(faces_dir: Path) -> dict:
    photos = encode_manifest(faces_dir)
    found = sum(len(p["faces"]) for p in photos)
    expected = sum(p["expected"] for p in photos)
    labelled = label_faces(photos)
    same, different, closest_different = [], [], None
    for (label_a, path_a, enc_a, _), (label_b, path_b, enc_b, _) in itertools.combinations(labelled, 2):
        if path_a == path_b:
            continue  # two faces in one photo are two different people by construction; not informative
        distance = float(np.linalg.norm(enc_a - enc_b))
        if label_a == label_b:
            same.append(distance)
        else:
            different.append(distance)
            if closest_different is None or distance < closest_different[0]:
                closest_different = (distance, path_a, path_b)
    confident = round(math.floor(round((min(different) - MARGIN) / GRID, 6)) * GRID, 2)
    possible = POSSIBLE_DEFAULT
    return {
        "photos": len(photos),
        "faces_found": found,
        "faces_expected": expected,
        "labelled_faces": len(labelled),
        "derived_labels": sum(1 for item in labelled if item[3]),
        "same_person": summarise(same),
        "different_people": summarise(different),
        "closest_different_pair": {
            "distance": round(closest_different[0], 4),
            "a": closest_different[1],
            "b": closest_different[2],
        },
        "margin": MARGIN,
        "histogram": histogram(same, different),
        "FACE_MATCH_CONFIDENT": confident,
        "FACE_MATCH_POSSIBLE": possible,
        "same_person_confident": sum(1 for d in same if d <= confident),
        "same_person_possible_only": sum(1 for d in same if confident < d <= possible),
        "same_person_missed": sum(1 for d in same if d > possible),
        "different_people_within_possible": sum(1 for d in different if d <= possible),
        "different_people_within_confident": sum(1 for d in different if d <= confident),
        "impostor_pairs": len(different),
        "fmr_table": fmr_table(different),
    }


def write_fmr(path: Path, result: dict, faces_dir: Path) -> None:
    from datetime import date

    document = {
        "about": (
            "False-match rate of the encoder (face_recognition / dlib ResNet, 5-point landmarks) per Euclidean "
            "threshold, as one-sided 95 % upper bounds from the different-person pairs of a labelled photo set "
            "(python -m benchmarks.match_calibration --write-fmr). Assumption: the strangers in the store are as "
            "far from a requester as the strangers in this set are from each other, independently; a set of "
            "few people cannot show the tail of millions of look-alikes, so the bound is wide by design. "
            "Regenerate it from a larger labelled set (e.g. LFW) to narrow it."
        ),
        "encoder": "face_recognition 1.3 / dlib_face_recognition_resnet_model_v1, 5-point landmarks",
        "source": (
            f"{faces_dir.name}/manifest.csv: {result['photos']} photos, {result['labelled_faces']} labelled faces"
        ),
        "impostor_pairs": result["impostor_pairs"],
        "measured_on": date.today().isoformat(),
        "table": result["fmr_table"],
    }
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--faces-dir")
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--write-fmr",
        metavar="PATH",
        help="write the false-match-rate table the disclosure rule reads (biometrics/data/fmr_table.json)",
    )
    args = parser.parse_args(argv)
    faces_dir = _faces_dir(args.faces_dir)
    result = calibrate(faces_dir)
    if args.write_fmr:
        write_fmr(Path(args.write_fmr), result, faces_dir)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(
        f"photos {result['photos']}, faces found {result['faces_found']} (manifest: {result['faces_expected']}), "
        f"labelled {result['labelled_faces']} ({result['derived_labels']} from group photos)"
    )
    for name in ("same_person", "different_people"):
        print(f"{name:17s} {result[name]}")
    print("distance     same  different")
    for label, same_count, different_count in result["histogram"]:
        print(f"{label}  {same_count:5d}  {different_count:9d}")
    pair = result["closest_different_pair"]
    print(f"closest different-person pair: {pair['distance']} ({pair['a']} vs {pair['b']})")
    print(
        f"chosen: FACE_MATCH_CONFIDENT = {result['FACE_MATCH_CONFIDENT']} (min different - {MARGIN}), "
        f"FACE_MATCH_POSSIBLE = {result['FACE_MATCH_POSSIBLE']}"
    )
    print(
        f"same-person pairs: {result['same_person_confident']} confident, "
        f"{result['same_person_possible_only']} possible (staff review), {result['same_person_missed']} missed"
    )
    print(
        f"different-person pairs: {result['different_people_within_confident']} within confident, "
        f"{result['different_people_within_possible']} within possible"
    )
    print(f"false-match rate, 95 % upper bound from {result['impostor_pairs']} different-person pairs:")
    for row in result["fmr_table"]:
        print(
            f"  t <= {row['threshold']:.2f}: {row['impostor_pairs_within']:4d} within, FMR <= {row['fmr_upper_95']:.6f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

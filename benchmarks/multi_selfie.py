"""Up to three selfies per request: how should their distances to a stored face combine? (issue 14.3)

    python -m benchmarks.multi_selfie [--faces-dir ../shared/faces] [--json]

Steps:
1. Every photo of manifest.csv is loaded and encoded as ingestion does, and its faces are
   labelled, exactly as benchmarks/match_calibration.py does (single-face photos carry their
   person; faces in group photos get derived labels).
2. A person whose single-face photos allow two selfies and at least one other labelled face of
   them (3 or more single-face photos) takes part. Every set of k = 2 (and, when at least one
   labelled face is left over, k = 3) of their single-face photos is a "request": its selfies.
3. For each request, every labelled face not among its selfies (and not from the same photo) is
   a stored face: same-person when it carries the requester's label, different-person otherwise.
   Four rules give one distance per (request, stored face):
   (a) single: the first selfie alone (what the service did before; every photo takes that
       place in turn, so this is every single-selfie pair of those people);
   (b) max: the largest distance to any selfie, i.e. "within tolerance of every selfie";
   (c) mean: the distance to the mean of the selfies' encodings;
   (d) min: the smallest distance to any selfie, i.e. "within tolerance of one selfie".
4. Abuse: a "request" whose second selfie shows somebody else (every ordered pair of
   single-face photos of two different people). Per rule, the number of stored faces of the
   first person and of the second person that fall within FACE_MATCH_POSSIBLE: a rule under
   which an added selfie widens the search would disclose the other person's photos.
5. Per rule: the distance distributions (min, p1, p5, median; for same-person pairs also p95 and
   max, the tail that a miss lives in) and, at the project's tolerances (FACE_MATCH_CONFIDENT
   0.50, FACE_MATCH_POSSIBLE 0.60, also the store's FACE_TOLERANCE), the false-match rate on
   different-person pairs and the miss rate on same-person pairs, plus the gap between the
   nearest stranger and the farthest same-person face (positive: some threshold separates them).

The figures come from one small set (a handful of people, a few dozen faces): they show the
direction each rule moves the two tails, not the rates a store of millions would see.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path

import numpy as np

from benchmarks.match_calibration import _faces_dir, encode_manifest, label_faces

RULES = ("single", "max", "mean", "min")
TOLERANCES = (0.50, 0.60)


def combined_distance(selfies: list[np.ndarray], stored: np.ndarray, rule: str) -> float:
    distances = [float(np.linalg.norm(selfie - stored)) for selfie in selfies]
    if rule == "single":
        return distances[0]
    if rule == "max":
        return max(distances)
    if rule == "min":
        return min(distances)
    if rule == "mean":
        return float(np.linalg.norm(np.mean(np.stack(selfies), axis=0) - stored))
    raise ValueError(rule)


def distribution(values: list[float]) -> dict:
    array = np.asarray(values, dtype=np.float64)
    if array.size == 0:
        return {"count": 0}
    return {
        "count": int(array.size),
        "min": round(float(array.min()), 4),
        "p1": round(float(np.percentile(array, 1)), 4),
        "p5": round(float(np.percentile(array, 5)), 4),
        "median": round(float(np.median(array)), 4),
        "p95": round(float(np.percentile(array, 95)), 4),
        "max": round(float(array.max()), 4),
    }


def requests_of(labelled: list[tuple[str, str, np.ndarray, bool]], k: int) -> list[tuple[str, list[int]]]:
    """(person, indices of the selfies in `labelled`) for every k-set of a person's single-face
    photos that leaves at least one labelled face of theirs to find."""
    by_person: dict[str, list[int]] = {}
    for index, (person, _path, _encoding, derived) in enumerate(labelled):
        if not derived:
            by_person.setdefault(person, []).append(index)
    requests = []
    for person, singles in sorted(by_person.items()):
        total = sum(1 for item in labelled if item[0] == person)
        if len(singles) < 3 or total < k + 1:
            continue
        # Every order of every k-set: the "single" rule takes each photo as the first selfie.
        for chosen in itertools.permutations(singles, k):
            requests.append((person, list(chosen)))
    return requests


def measure(labelled: list[tuple[str, str, np.ndarray, bool]], k: int) -> dict:
    requests = requests_of(labelled, k)
    same: dict[str, list[float]] = {rule: [] for rule in RULES}
    different: dict[str, list[float]] = {rule: [] for rule in RULES}
    for person, chosen in requests:
        selfies = [labelled[i][2] for i in chosen]
        selfie_paths = {labelled[i][1] for i in chosen}
        for label, path, encoding, _derived in labelled:
            if path in selfie_paths:
                continue
            target = same if label == person else different
            for rule in RULES:
                target[rule].append(combined_distance(selfies, encoding, rule))
    people = sorted({person for person, _chosen in requests})
    result = {
        "selfies_per_request": k,
        "people": people,
        "requests": len(requests),
        "rules": {},
    }
    for rule in RULES:
        row = {
            "same_person": distribution(same[rule]),
            "different_people": distribution(different[rule]),
            "gap": round(min(different[rule]) - max(same[rule]), 4) if same[rule] and different[rule] else None,
        }
        for tolerance in TOLERANCES:
            row[f"false_match_rate@{tolerance:.2f}"] = rate(different[rule], lambda d, t=tolerance: d <= t)
            row[f"miss_rate@{tolerance:.2f}"] = rate(same[rule], lambda d, t=tolerance: d > t)
        result["rules"][rule] = row
    return result


def rate(values: list[float], hit) -> str:
    count = sum(1 for value in values if hit(value))
    return f"{count}/{len(values)} = {count / len(values):.4f}" if values else "n/a"


def measure_mixed(labelled: list[tuple[str, str, np.ndarray, bool]], tolerance: float = 0.60) -> dict:
    singles = [index for index, item in enumerate(labelled) if not item[3]]
    pairs = [(a, b) for a, b in itertools.permutations(singles, 2) if labelled[a][0] != labelled[b][0]]
    found = {rule: {"first_person": 0, "second_person": 0, "others": 0} for rule in RULES}
    for a, b in pairs:
        selfies = [labelled[a][2], labelled[b][2]]
        for label, path, encoding, _derived in labelled:
            if path in (labelled[a][1], labelled[b][1]):
                continue
            who = (
                "first_person" if label == labelled[a][0] else "second_person" if label == labelled[b][0] else "others"
            )
            for rule in RULES:
                if combined_distance(selfies, encoding, rule) <= tolerance:
                    found[rule][who] += 1
    return {"selfie_pairs": len(pairs), "tolerance": tolerance, "faces_found": found}


def run(faces_dir: Path) -> dict:
    photos = encode_manifest(faces_dir)
    labelled = label_faces(photos)
    return {
        "photos": len(photos),
        "labelled_faces": len(labelled),
        "people_labelled": len({item[0] for item in labelled}),
        "by_k": [measure(labelled, k) for k in (2, 3)],
        "mixed": measure_mixed(labelled),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--faces-dir")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = run(_faces_dir(args.faces_dir))
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"photos {result['photos']}, labelled faces {result['labelled_faces']} of {result['people_labelled']} people")
    for block in result["by_k"]:
        if not block["requests"]:
            print(f"\n{block['selfies_per_request']} selfies: no person has enough photos")
            continue
        print(
            f"\n{block['selfies_per_request']} selfies per request: {block['requests']} ordered selfie sets of "
            f"{len(block['people'])} people ({', '.join(block['people'])})"
        )
        for rule, row in block["rules"].items():
            same, different = row["same_person"], row["different_people"]
            print(
                f"  {rule:6s} same n={same['count']:4d} min {same['min']:.3f} median {same['median']:.3f} "
                f"p95 {same['p95']:.3f} max {same['max']:.3f} | different n={different['count']:5d} "
                f"min {different['min']:.3f} p1 {different['p1']:.3f} p5 {different['p5']:.3f} "
                f"median {different['median']:.3f} | gap {row['gap']:+.3f}"
            )
            for tolerance in TOLERANCES:
                print(
                    f"         at {tolerance:.2f}: false matches {row[f'false_match_rate@{tolerance:.2f}']}, "
                    f"misses {row[f'miss_rate@{tolerance:.2f}']}"
                )
    mixed = result["mixed"]
    print(
        f"\nsecond selfie of another person: {mixed['selfie_pairs']} ordered pairs, stored faces found "
        f"within {mixed['tolerance']:.2f}"
    )
    for rule, found in mixed["faces_found"].items():
        print(
            f"  {rule:6s} requester's {found['first_person']:4d}, the other person's {found['second_person']:4d}, "
            f"third people's {found['others']:4d}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

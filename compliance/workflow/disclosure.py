"""When a confident match may count as the requester's without a per-photo staff decision
(issue 14 item 3).

Disclosing a stranger's photo is a personal-data breach (GDPR Art. 4(12), 33, 34); erasing a
stranger's face destroys someone else's data. In a store of N faces the expected number of
strangers within a distance t of the requester's selfie is N x FMR(t). FMR(t) comes from the
encoder's false-match table (biometrics/data/fmr_table.json: one-sided 95 % upper bounds from the
different-person pairs of a labelled set, with its source and assumption; written by
`python -m benchmarks.match_calibration --write-fmr`). Confident matches are confirmed by rule
only while that expectation for the confident band stays at or below
DISCLOSURE_MAX_EXPECTED_STRANGERS (default 0.01 per request) and FACE_MATCH_AUTO_CONFIRM is on;
otherwise every match waits for staff. Staff can always reject a match confirmed by rule.

With the shipped table (279 different-person pairs, none within 0.60) the bound is about 0.0107
at every threshold, so even one stored face exceeds 0.01: every match needs a staff decision
until a larger labelled set narrows the bound. That is the honest reading of what was measured.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

FMR_TABLE = Path(__file__).resolve().parents[2] / "biometrics" / "data" / "fmr_table.json"


@cache
def fmr_table() -> dict:
    with FMR_TABLE.open(encoding="utf-8") as handle:
        return json.load(handle)


def fmr_at(threshold: float) -> float:
    """The tabulated upper bound at the smallest tabulated threshold >= `threshold` (never a
    smaller rate than measured); 1.0 beyond the table."""
    rows = sorted(fmr_table()["table"], key=lambda row: row["threshold"])
    for row in rows:
        if row["threshold"] + 1e-9 >= threshold:
            return float(row["fmr_upper_95"])
    return 1.0


def expected_strangers(*, store_faces: int, threshold: float) -> float:
    return store_faces * fmr_at(threshold)


@dataclass(frozen=True)
class Band:
    name: str
    up_to: float
    expected_strangers: float


def bands_for(store_faces: int) -> list[Band]:
    """What the review page shows: per band, the strangers expected within it at this store size."""
    return [
        Band(
            "confident",
            float(settings.FACE_MATCH_CONFIDENT),
            expected_strangers(store_faces=store_faces, threshold=float(settings.FACE_MATCH_CONFIDENT)),
        ),
        Band(
            "possible",
            float(settings.FACE_MATCH_POSSIBLE),
            expected_strangers(store_faces=store_faces, threshold=float(settings.FACE_MATCH_POSSIBLE)),
        ),
    ]


def auto_confirm_allowed(*, store_faces: int) -> bool:
    """Confident matches are confirmed by rule only when the store is small enough that no
    stranger is expected among them (staff may still reject each one)."""
    if not settings.FACE_MATCH_AUTO_CONFIRM:
        return False
    expected = expected_strangers(store_faces=store_faces, threshold=float(settings.FACE_MATCH_CONFIDENT))
    return expected <= float(settings.DISCLOSURE_MAX_EXPECTED_STRANGERS)

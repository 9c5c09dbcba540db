"""The consent texts of the request form, versioned (GDPR Art. 7(1): the controller must be able
to demonstrate what the person consented to). Each request records the version it was given
(`DataSubjectRequest.consent_version`); compliance/data/consent_texts.json keeps the English text
of every version ever shown, so that a recorded version can always be read back. A change to a
text here without a new entry in that file fails tests/compliance/test_consent.py.

The form shows these texts translated (gettext): the translations are of the same version.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

HISTORY = Path(__file__).resolve().parent / "data" / "consent_texts.json"

SELFIE = gettext_noop(
    "I explicitly consent to the processing of the photos of my face I give here (one to three), which are "
    "biometric data, only to answer this request (GDPR Art. 9(2)(a))."
)
ID_DOCUMENT = gettext_noop(
    "I explicitly consent to the comparison of the face on my identity document with my selfie, which is "
    "biometric data, only to check that the request comes from me; the document photo is deleted right after "
    "(GDPR Art. 9(2)(a))."
)
SUPPRESSION = gettext_noop(
    "Optional: after my request is finished, keep a mathematical description of my face only to stop it "
    "being collected again."
)
TEXTS = {"selfie": SELFIE, "id_document": ID_DOCUMENT, "suppression": SUPPRESSION}

# The form's labels: the same strings, for translation.
LABELS = {"selfie": _(SELFIE), "id_document": _(ID_DOCUMENT), "suppression": _(SUPPRESSION)}


ID_CONSENT_MISSING = _(
    "Tick the box to consent to the comparison of your identity document with your selfie, or remove the document."
)


def consent_version() -> str:
    """A short fingerprint of the current texts: it changes whenever a word does."""
    canonical = json.dumps(TEXTS, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(canonical).hexdigest()[:16]


@cache
def consent_history() -> dict[str, dict]:
    with HISTORY.open(encoding="utf-8") as handle:
        return json.load(handle)["versions"]

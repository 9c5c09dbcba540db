"""What a requester can download from their status page.

For now these are the PDF letters of their request that fit its state (acknowledgement once the
email is confirmed, extension notice, refusal letter, access response, erasure certificate),
produced by the reports side (`config.report_services`: the kind's clean function decides
whether the letter applies; `letter_obtain` returns the letter first produced, or makes it).
The access package of the next issue adds its own kind here.

An item is named by a short key ("letter:<kind>") inside a signed, expiring link
(compliance/services/tokens.py), so a link never exposes or accepts a database id.
"""

import uuid
from dataclasses import dataclass

from config.models import GeneratedReport, ReportKind
from config.report_services import LETTER_KINDS, ReportError, letter_obtain, report_clean_parameters

LETTER_PREFIX = "letter:"


@dataclass(frozen=True)
class Document:
    key: str
    label: str


def documents_for_request(req) -> list[Document]:
    documents = []
    for kind in LETTER_KINDS:
        try:
            report_clean_parameters(kind=kind, parameters={"request": str(req.public_id)}, user=None)
        except ReportError:
            continue
        documents.append(Document(key=f"{LETTER_PREFIX}{kind}", label=str(ReportKind(kind).label)))
    return documents


def document_obtain(*, public_id: uuid.UUID, key: str) -> GeneratedReport | None:
    """The stored document a signed key names, produced now if needed; None if it does not (or
    no longer) apply to the request. Raises ReportError subclasses from the reports side."""
    if not key.startswith(LETTER_PREFIX):
        return None
    kind = key[len(LETTER_PREFIX) :]
    if kind not in LETTER_KINDS:
        return None
    try:
        return letter_obtain(dsr_public_id=str(public_id), kind=kind)
    except ReportError:
        return None

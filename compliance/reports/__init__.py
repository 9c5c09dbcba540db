"""PDF documents of the compliance domain (see config/report_services.py for the pipeline).

- letters.py: letters to requesters in their language (acknowledgement, extension notice,
  refusal, Art. 15 access response, Art. 17 erasure certificate) and `letters_for_request`;
- audit.py: the compliance audit for a period;
- texts.py: the phrases the letters share, per language.
"""

from compliance.reports.audit import audit_build, audit_clean, compliance_audit_data
from compliance.reports.letters import (
    AccessPhoto,
    AccessRecipient,
    AccessResponseData,
    LetterLink,
    access_recipients_for_faces,
    access_response_build,
    access_response_clean,
    access_response_context,
    access_response_data,
    acknowledgement_build,
    acknowledgement_clean,
    controller_identity,
    erasure_certificate_build,
    erasure_certificate_clean,
    erasure_certificate_context,
    extension_build,
    extension_clean,
    letters_for_request,
    refusal_build,
    refusal_clean,
    supervisory_authority_for,
)

__all__ = [
    "AccessPhoto",
    "AccessRecipient",
    "AccessResponseData",
    "LetterLink",
    "access_recipients_for_faces",
    "access_response_build",
    "access_response_clean",
    "access_response_context",
    "access_response_data",
    "acknowledgement_build",
    "acknowledgement_clean",
    "audit_build",
    "audit_clean",
    "compliance_audit_data",
    "controller_identity",
    "erasure_certificate_build",
    "erasure_certificate_clean",
    "erasure_certificate_context",
    "extension_build",
    "extension_clean",
    "letters_for_request",
    "refusal_build",
    "refusal_clean",
    "supervisory_authority_for",
]

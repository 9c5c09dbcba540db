"""PDF documents of the compliance domain.

- letters.py: what the requester's letters say (access letter, erasure certificate, refusal) and
  their rendering; compliance.workflow.documents issues them;
- audit.py: the compliance audit for a period (a report of reports/services.py);
- texts.py, art15.py: the phrases the letters and the access data share, per language.
"""

from compliance.reports.audit import audit_build, audit_clean, compliance_audit_data

__all__ = ["audit_build", "audit_clean", "compliance_audit_data"]

"""Data-subject requests (GDPR Art. 15 access, Art. 17 erasure), their deadlines and messages.
(The tamper-evident audit trail they write to is core's: core/models.py, core/audit.py.)

A request's status changes only through the transitions of compliance/workflow/machine.py,
fired by compliance/workflow/lifecycle.py; these classes hold data and small derived properties.
Photos are kept on a private storage (compliance/storage.py) and deleted the moment their
purpose ends (compliance.workflow.lifecycle).
"""

import hashlib
import secrets
import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField

from compliance.storage import id_document_upload_to, pending_upload_to, private_storage, selfie_upload_to

# The states and transitions live in compliance/workflow/machine.py (the one door is
# compliance/workflow/lifecycle.py); re-exported here because every layer names them.
from compliance.workflow.machine import (
    DECIDED_TYPES,
    FINAL_STATUSES,
    OPEN_STATUSES,
    RequestMachine,
    RequestStatus,
)

# Countries of residence a requester can pick (EU/EEA plus the UK and Switzerland): ISO 3166-1
# alpha-2. The country chooses the law the request is handled under (compliance/regimes.py); GDPR
# deadlines use the public holidays of the controller's country, not these (compliance/deadlines.py).
COUNTRIES = [
    ("AT", _("Austria")),
    ("BE", _("Belgium")),
    ("BG", _("Bulgaria")),
    ("HR", _("Croatia")),
    ("CY", _("Cyprus")),
    ("CZ", _("Czechia")),
    ("DK", _("Denmark")),
    ("EE", _("Estonia")),
    ("FI", _("Finland")),
    ("FR", _("France")),
    ("DE", _("Germany")),
    ("GR", _("Greece")),
    ("HU", _("Hungary")),
    ("IS", _("Iceland")),
    ("IE", _("Ireland")),
    ("IT", _("Italy")),
    ("LV", _("Latvia")),
    ("LI", _("Liechtenstein")),
    ("LT", _("Lithuania")),
    ("LU", _("Luxembourg")),
    ("MT", _("Malta")),
    ("NL", _("Netherlands")),
    ("NO", _("Norway")),
    ("PL", _("Poland")),
    ("PT", _("Portugal")),
    ("RO", _("Romania")),
    ("SK", _("Slovakia")),
    ("SI", _("Slovenia")),
    ("ES", _("Spain")),
    ("SE", _("Sweden")),
    ("CH", _("Switzerland")),
    ("GB", _("United Kingdom")),
]
COUNTRY_CODES = frozenset(code for code, _name in COUNTRIES)

country_code_validator = RegexValidator(r"^[A-Z]{2}$", _("Use a two-letter ISO 3166-1 country code."))


class RequestType(models.TextChoices):
    ACCESS = "access", _("Access (GDPR Art. 15)")
    ERASURE = "erasure", _("Erasure (GDPR Art. 17)")
    BOTH = "both", _("Access and erasure")
    RECTIFICATION = "rectification", _("Rectification (GDPR Art. 16)")
    RESTRICTION = "restriction", _("Restriction of processing (GDPR Art. 18)")
    OBJECTION = "objection", _("Objection (GDPR Art. 21)")


class RightsOutcome(models.TextChoices):
    """What staff decided on a rectification, restriction or objection (compliance.workflow.rights)."""

    RECTIFIED = "rectified", _("Rectified (GDPR Art. 16)")
    NOT_RECTIFIED = "not_rectified", _("Not rectified: the data are accurate")
    RESTRICTED = "restricted", _("Processing restricted (GDPR Art. 18)")
    NOT_RESTRICTED = "not_restricted", _("Not restricted: no condition of GDPR Art. 18(1) applies")
    OBJECTION_UPHELD = "objection_upheld", _("Objection upheld: processing stops, the faces are erased")
    OBJECTION_REJECTED = "objection_rejected", _("Objection rejected: compelling legitimate grounds (GDPR Art. 21(1))")


class Regime(models.TextChoices):
    """The data-protection law a request is handled under (chosen by compliance/regimes.py)."""

    EU_GDPR = "eu_gdpr", _("EU GDPR (Regulation (EU) 2016/679)")
    UK_GDPR = "uk_gdpr", _("UK GDPR and Data Protection Act 2018")
    CH_FADP = "ch_fadp", _("Swiss Federal Act on Data Protection (FADP)")


class ClockStop(models.TextChoices):
    """Why staff stopped the clock (compliance/workflow/conversation.py): the UK rule treats the
    two differently (UK GDPR Art. 12A, compliance/regimes.py)."""

    IDENTITY = "identity", _("Information to confirm the requester's identity (Art. 12(6))")
    CLARIFICATION = "clarification", _("Information to identify what the request relates to")


class RefusalBasis(models.TextChoices):
    MANIFESTLY_UNFOUNDED = "art_12_5_manifestly_unfounded", _("Manifestly unfounded (GDPR Art. 12(5))")
    EXCESSIVE = "art_12_5_excessive", _("Excessive, in particular repetitive (GDPR Art. 12(5))")
    IDENTITY_NOT_ESTABLISHED = "identity_not_established", _("Identity could not be established (GDPR Art. 12(6))")
    # The exceptions to the right to erasure (GDPR Art. 17(3)): only for erasure requests.
    ART_17_3_A = "art_17_3_a_expression", _("Freedom of expression and information (GDPR Art. 17(3)(a))")
    ART_17_3_B = (
        "art_17_3_b_legal_obligation",
        _("Legal obligation, public interest or official authority (GDPR Art. 17(3)(b))"),
    )
    ART_17_3_C = "art_17_3_c_public_health", _("Public health (GDPR Art. 17(3)(c))")
    ART_17_3_D = (
        "art_17_3_d_archiving_research",
        _("Archiving in the public interest, scientific or historical research, or statistics (GDPR Art. 17(3)(d))"),
    )
    ART_17_3_E = "art_17_3_e_legal_claims", _("Establishment, exercise or defence of legal claims (GDPR Art. 17(3)(e))")
    # A restriction of the rights by a law of the Union or a Member State (GDPR Art. 23), e.g. a
    # police investigation that must not be disclosed: the law relied on is always stated.
    ART_23 = "art_23_restriction", _("Restriction by Union or Member State law (GDPR Art. 23)")
    OTHER = "other", _("Other reason (stated)")


# Art. 17(3) lists exceptions to the right to erasure; they are no ground to refuse access.
ERASURE_ONLY_BASES = frozenset(
    {
        RefusalBasis.ART_17_3_A,
        RefusalBasis.ART_17_3_B,
        RefusalBasis.ART_17_3_C,
        RefusalBasis.ART_17_3_D,
        RefusalBasis.ART_17_3_E,
    }
)
# Grounds that rest on a provision of Union or Member State law: the refusal names it (Art. 23(2),
# Art. 17(3)(b)) and the letter prints it.
BASES_NEEDING_LAW = frozenset({RefusalBasis.ART_23, RefusalBasis.ART_17_3_B})


class IdentityAssessment(models.TextChoices):
    """What staff recorded about the requester's identity before anything is released."""

    NONE = "", _("Not assessed yet")
    ESTABLISHED = "established", _("Identity established")
    MISMATCH_OVERRIDDEN = "mismatch_overridden", _("Identity document mismatch overridden by staff")


class IdentityCheck(models.TextChoices):
    NOT_PROVIDED = "not_provided", _("No identity document provided")
    PENDING = "pending", _("Identity check pending")
    MATCHED = "matched", _("Identity document matches the selfie")
    MISMATCH = "mismatch", _("Identity document does not match the selfie")
    MANUAL_VERIFIED = "manual_verified", _("Identity verified manually by staff")


def _language_choices():
    return list(settings.LANGUAGES)


class DataSubjectRequest(ConcurrentTransitionMixin, RequestMachine, models.Model):
    # Fields that hold biometric data (photos of a face) or data derived from it; the purge
    # service empties every one of them and the retention test checks they stay empty.
    BIOMETRIC_FILE_FIELDS = ("selfie", "selfie_2", "selfie_3", "id_document")
    # The selfies the store is searched with (compliance.workflow.matching), the first required.
    SELFIE_FIELDS = ("selfie", "selfie_2", "selfie_3")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    request_type = models.CharField(max_length=16, choices=RequestType.choices)
    # Protected: only the transitions of compliance/workflow/machine.py change it, fired by
    # compliance/workflow/lifecycle.py; assigning it raises AttributeError.
    status = FSMField(
        max_length=32, choices=RequestStatus.choices, default=RequestStatus.AWAITING_EMAIL, protected=True
    )

    name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254)
    country = models.CharField(max_length=2, validators=[country_code_validator])
    # Where the country's complaint authority depends on it (Germany: the Land, ISO 3166-2 code
    # without "DE-"; compliance.authorities), else blank.
    region = models.CharField(max_length=3, blank=True, default="")
    language = models.CharField(max_length=8, choices=_language_choices, default="en")

    received_at = models.DateTimeField()
    email_verified_at = models.DateTimeField(null=True, blank=True)

    # The law the request is handled under, chosen at intake from the controller's establishment
    # and the requester's country (compliance/regimes.py); the deadlines and the letters follow it.
    regime = models.CharField(max_length=8, choices=Regime.choices, default=Regime.EU_GDPR)
    # Deadlines (GDPR Art. 12(3), UK GDPR Art. 12A, FADO Art. 18), computed from the facts below by
    # compliance/regimes.py with the period arithmetic of compliance/deadlines.py.
    due_date = models.DateField()
    extended_due_date = models.DateField(null=True, blank=True)
    extension_months = models.PositiveSmallIntegerField(default=0)
    extension_reason = models.TextField(blank=True)
    extended_at = models.DateTimeField(null=True, blank=True)
    extension_notified_at = models.DateTimeField(null=True, blank=True)
    # Set when the requester was not told of the extension within the first month (Art. 12(3)):
    # the extension may then be ineffective; staff are warned (compliance/workflow/extension_notice.py).
    extension_notice_late_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_for = models.DateField(null=True, blank=True)  # due date the staff reminder covered

    # What the requester states (rectification: what is inaccurate and what is right, Art. 16;
    # restriction: which condition of Art. 18(1) applies; objection: the grounds relating to their
    # particular situation, Art. 21(1)). Required for those types, blank for the others.
    statement = models.TextField(blank=True)
    # The decision on a rectification, restriction or objection (compliance.workflow.rights),
    # recorded with the approval, and its stated reasons (what was corrected, why not, the
    # compelling legitimate grounds...).
    outcome = models.CharField(max_length=24, choices=RightsOutcome.choices, blank=True)
    outcome_reason = models.TextField(blank=True)
    # Lifting the restriction of the request's faces (GDPR Art. 18(3)): the requester is told
    # first (announced), the faces are released no earlier than the notice period later.
    restriction_lift_reason = models.TextField(blank=True)
    restriction_lift_announced_at = models.DateTimeField(null=True, blank=True)
    restriction_lifted_at = models.DateTimeField(null=True, blank=True)

    # Outcome
    refusal_reason = models.TextField(blank=True)
    refusal_basis = models.CharField(max_length=40, choices=RefusalBasis.choices, blank=True)
    # The provision of Union or Member State law the refusal relies on (BASES_NEEDING_LAW).
    refusal_law = models.TextField(blank=True)
    refused_at = models.DateTimeField(null=True, blank=True)
    # GDPR Art. 12(4): a refusal after the first month of receipt is flagged and explained.
    refused_late = models.BooleanField(default=False)
    late_refusal_reason = models.TextField(blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    # When the request entered a state whose facts no longer change (issuing, refused): the
    # final documents are rendered after this moment, never before.
    facts_final_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    expired_at = models.DateTimeField(null=True, blank=True)

    # Biometric data: the selfie (GDPR Art. 9(2)(a) explicit consent) and the optional ID photo.
    selfie = models.FileField(storage=private_storage, upload_to=selfie_upload_to, null=True, blank=True)
    # Up to two more selfies (optional, same consent, same checks): a stored face is a match
    # only within tolerance of every selfie (compliance.workflow.matching); purged with the first.
    selfie_2 = models.FileField(storage=private_storage, upload_to=selfie_upload_to, null=True, blank=True)
    selfie_3 = models.FileField(storage=private_storage, upload_to=selfie_upload_to, null=True, blank=True)
    selfie_consent_at = models.DateTimeField()
    suppression_consent_at = models.DateTimeField(null=True, blank=True)
    # Consent of its own to compare the ID document's face with the selfie (Art. 9(2)(a)).
    id_document_consent_at = models.DateTimeField(null=True, blank=True)
    # Which consent texts the requester was shown (compliance/consent.py; Art. 7(1)); blank for
    # requests made before versions were recorded.
    consent_version = models.CharField(max_length=16, blank=True, default="")
    suppression_withdrawn_at = models.DateTimeField(null=True, blank=True)
    id_document = models.FileField(storage=private_storage, upload_to=id_document_upload_to, null=True, blank=True)
    identity_check = models.CharField(max_length=20, choices=IdentityCheck.choices, default=IdentityCheck.NOT_PROVIDED)
    identity_checked_at = models.DateTimeField(null=True, blank=True)
    identity_assessment = models.CharField(
        max_length=20, choices=IdentityAssessment.choices, blank=True, default=IdentityAssessment.NONE
    )
    identity_assessment_note = models.TextField(blank=True)
    identity_assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    identity_assessed_at = models.DateTimeField(null=True, blank=True)
    biometrics_purged_at = models.DateTimeField(null=True, blank=True)
    # The requester asked us not to keep the SHA-256 of the files their erasure removed (the
    # blocklist that stops the same files being collected again): the hashes were deleted then.
    blocklist_opt_out_at = models.DateTimeField(null=True, blank=True)

    # Retention (compliance/retention.py): when the match details (where the photos were) and,
    # later, everything that names the requester were deleted; the row keeps only what the
    # statistics and the accountability of deadlines need (type, country, dates, outcome).
    matches_purged_at = models.DateTimeField(null=True, blank=True)
    pseudonymised_at = models.DateTimeField(null=True, blank=True)

    # The clock stopped while staff wait for information they asked for (identity, Art. 12(6);
    # EDPB Guidelines 01/2022 on the right of access): since when, and the days already added to
    # the due dates by earlier suspensions (compliance/workflow/conversation.py).
    clock_suspended_at = models.DateTimeField(null=True, blank=True)
    clock_suspended_days = models.PositiveIntegerField(default=0)
    clock_suspended_for = models.CharField(max_length=16, choices=ClockStop.choices, blank=True, default="")
    # UK GDPR Art. 12A: the period starts at the latest of receipt, receipt of the identity
    # information asked for (Art. 12(6)) and payment of a fee. Null: at receipt. The suspended days
    # counted before that start do not move the UK period (clock_suspended_days_at_start).
    clock_started_on = models.DateField(null=True, blank=True)
    clock_suspended_days_at_start = models.PositiveIntegerField(default=0)

    # Access for the requester: only the hash of the status-link token is stored.
    status_token_hash = models.CharField(max_length=64, blank=True)
    status_token_created_at = models.DateTimeField(null=True, blank=True)
    ip_hash = models.CharField(max_length=64, blank=True)

    # Set when an overdue request is escalated into an enforcement case (own initiative).
    enforcement_case = models.ForeignKey(
        "enforcement.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="data_subject_requests"
    )
    escalated_at = models.DateTimeField(null=True, blank=True)

    # An erasure request made in one click from an answered access request (same requester).
    follows = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="follow_ups")

    last_error = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=RequestStatus.values), name="compliance_request_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(request_type__in=RequestType.values), name="compliance_request_type_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(outcome="") | models.Q(outcome__in=RightsOutcome.values),
                name="compliance_request_outcome_valid",
            ),
            # A decision on a rectification, restriction or objection always states its reasons,
            # and those rights are exercised on what the requester states (Art. 16, 18(1), 21(1));
            # the texts may name the requester, so retention empties them (pseudonymised_at).
            models.CheckConstraint(
                condition=models.Q(outcome="")
                | ~models.Q(outcome_reason="")
                | models.Q(pseudonymised_at__isnull=False),
                name="compliance_request_outcome_has_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(request_type__in=sorted(DECIDED_TYPES))
                | ~models.Q(statement="")
                | models.Q(pseudonymised_at__isnull=False),
                name="compliance_request_statement_given",
            ),
            models.CheckConstraint(
                condition=models.Q(restriction_lift_announced_at__isnull=True)
                | ~models.Q(restriction_lift_reason="")
                | models.Q(pseudonymised_at__isnull=False),
                name="compliance_request_restriction_lift_reasoned",
            ),
            models.CheckConstraint(
                condition=models.Q(identity_check__in=IdentityCheck.values),
                name="compliance_request_identity_check_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(regime__in=Regime.values), name="compliance_request_regime_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(refusal_basis="") | models.Q(refusal_basis__in=RefusalBasis.values),
                name="compliance_request_refusal_basis_valid",
            ),
            # A refusal always carries a basis and a reason (GDPR Art. 12(4)); once the request
            # is pseudonymised (compliance.retention) the reasons, which may name the person, are
            # gone and only the basis stays.
            models.CheckConstraint(
                condition=~models.Q(status=RequestStatus.REFUSED)
                | (
                    ~models.Q(refusal_basis="")
                    & (~models.Q(refusal_reason="") | models.Q(pseudonymised_at__isnull=False))
                ),
                name="compliance_request_refusal_has_reasons",
            ),
            models.CheckConstraint(
                condition=models.Q(refused_late=False)
                | ~models.Q(late_refusal_reason="")
                | models.Q(pseudonymised_at__isnull=False),
                name="compliance_request_late_refusal_explained",
            ),
            # Art. 23 and Art. 17(3)(b) rest on a law: the refusal names it.
            models.CheckConstraint(
                condition=~models.Q(refusal_basis__in=sorted(BASES_NEEDING_LAW)) | ~models.Q(refusal_law=""),
                name="compliance_request_refusal_law_stated",
            ),
            models.CheckConstraint(
                condition=~models.Q(identity_assessment=IdentityAssessment.MISMATCH_OVERRIDDEN)
                | ~models.Q(identity_assessment_note=""),
                name="compliance_request_identity_override_reasoned",
            ),
            # An extension always carries a reason, and at most two further months (Art. 12(3)).
            models.CheckConstraint(
                condition=models.Q(extended_due_date__isnull=True)
                | (~models.Q(extension_reason="") & models.Q(extension_months__gte=1, extension_months__lte=2)),
                name="compliance_request_extension_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(extended_due_date__isnull=True)
                | models.Q(extended_due_date__gt=models.F("due_date")),
                name="compliance_request_extension_after_due",
            ),
        ]
        indexes = [
            # Staff queue: open requests by status ordered by due date.
            models.Index(fields=["status", "due_date"], name="compliance_req_status_due"),
            # Beat: expiry of unverified requests (status + received_at).
            models.Index(fields=["status", "received_at"], name="compliance_req_status_recv"),
            # Rate limiting by email and by hashed client address.
            models.Index(fields=["email", "received_at"], name="compliance_req_email_recv"),
            models.Index(fields=["ip_hash", "received_at"], name="compliance_req_ip_recv"),
            # Status page lookup by the hash of the token in the link.
            models.Index(fields=["status_token_hash"], name="compliance_req_status_token"),
        ]

    def __str__(self) -> str:
        return f"{self.get_request_type_display()} request {self.public_id}"

    @property
    def effective_due_date(self):
        return self.extended_due_date or self.due_date

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    def required_document_kinds(self) -> list[str]:
        """The final documents this request ends with (compliance/workflow/documents.py)."""
        if self.status == RequestStatus.REFUSED:
            return [DocumentKind.REFUSAL_LETTER]
        kinds = []
        if self.request_type in DECIDED_TYPES:
            kinds.append(DocumentKind.DECISION_LETTER)
            if self.outcome == RightsOutcome.OBJECTION_UPHELD:
                kinds.append(DocumentKind.ERASURE_CERTIFICATE)
            return kinds
        if self.request_type in (RequestType.ACCESS, RequestType.BOTH):
            kinds += [DocumentKind.ACCESS_LETTER, DocumentKind.ACCESS_DATA]
        if self.request_type in (RequestType.ERASURE, RequestType.BOTH):
            kinds.append(DocumentKind.ERASURE_CERTIFICATE)
        return kinds

    def decisions_fingerprint(self) -> str:
        """SHA-256 of the confirmed matches (what would be disclosed or erased): a package built
        from other decisions is stale."""
        confirmed = self.matches.filter(review_status="confirmed").order_by("face_id_snapshot")
        ids = ",".join(str(ref) for ref in confirmed.values_list("face_id_snapshot", flat=True))
        return hashlib.sha256(ids.encode("ascii")).hexdigest()

    def refusal_is_late(self) -> bool:
        """Refused after the first month from receipt (the due date before any extension)."""
        return self.refused_at is not None and timezone.localdate(self.refused_at) > self.due_date


class PartialRefusal(models.Model):
    """Part of a request that is not acted on while the rest is answered (GDPR Art. 12(4) with the
    ground: Art. 12(5), 17(3), 23...), e.g. the names of recipients that are police forces
    investigating a crime. Recorded before approval by compliance.workflow.handling
    (request_refuse_part); the final letters and the access package state each one with its
    ground, reasons, the law relied on and the remedies."""

    request = models.ForeignKey(DataSubjectRequest, on_delete=models.CASCADE, related_name="partial_refusals")
    # What is not acted on, in words the requester is shown.
    scope = models.TextField()
    basis = models.CharField(max_length=40, choices=RefusalBasis.choices)
    reason = models.TextField()
    law = models.TextField(blank=True)
    # GDPR Art. 12(4): recorded after the first month from receipt, with the reason for the delay.
    late = models.BooleanField(default=False)
    late_reason = models.TextField(blank=True)
    # The recipients (customers whose searches returned the requester's faces) this refusal
    # withholds from the answer, e.g. a police force investigating a crime (Art. 23 only; checked
    # by request_refuse_part). Every letter and package that names recipients leaves them out
    # (compliance.withholding); the Art. 19 notice to them still goes out and staff still see it.
    withheld_customers = models.ManyToManyField("biometrics.Customer", blank=True, related_name="+")
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(basis__in=RefusalBasis.values), name="compliance_partial_refusal_basis_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(scope="") & ~models.Q(reason=""), name="compliance_partial_refusal_has_reasons"
            ),
            models.CheckConstraint(
                condition=~models.Q(basis__in=sorted(BASES_NEEDING_LAW)) | ~models.Q(law=""),
                name="compliance_partial_refusal_law_stated",
            ),
            models.CheckConstraint(
                condition=models.Q(late=False) | ~models.Q(late_reason=""),
                name="compliance_partial_refusal_late_explained",
            ),
        ]

    def __str__(self) -> str:
        return f"Partial refusal on {self.request_id}: {self.basis}"


class DocumentKind(models.TextChoices):
    ACCESS_LETTER = "access_letter", _("Your access answer (PDF letter)")
    ACCESS_DATA = "access_data", _("Your data, machine-readable (ZIP: JSON and photos)")
    ERASURE_CERTIFICATE = "erasure_certificate", _("Certificate of erasure (PDF)")
    REFUSAL_LETTER = "refusal_letter", _("Refusal letter (PDF)")
    DECISION_LETTER = "decision_letter", _("Our decision on your request (PDF letter)")


def document_upload_to(instance, filename: str) -> str:
    suffix = ".zip" if instance.kind == DocumentKind.ACCESS_DATA else ".pdf"
    return f"requests/documents/{secrets.token_hex(16)}{suffix}"


class RequestDocument(models.Model):
    """A final document of a request, issued once (compliance/workflow/documents.py): rendered
    after the request reached the state that makes its facts final, from those facts, and never
    rendered again; the SHA-256 of the bytes is kept for good. Only the file can go (retention,
    or an erasure of the photos an access answer shows), recorded with when and why."""

    request = models.ForeignKey(DataSubjectRequest, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=24, choices=DocumentKind.choices)
    language = models.CharField(max_length=8)
    file = models.FileField(storage=private_storage, upload_to=document_upload_to, null=True, blank=True)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    pages = models.PositiveIntegerField(null=True, blank=True)
    issued_at = models.DateTimeField()
    file_deleted_at = models.DateTimeField(null=True, blank=True)
    file_deleted_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["issued_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "kind"], name="compliance_document_once_per_kind"),
            models.CheckConstraint(condition=models.Q(kind__in=DocumentKind.values), name="compliance_document_kind"),
            models.CheckConstraint(condition=~models.Q(sha256=""), name="compliance_document_has_hash"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} of {self.request_id}"

    @property
    def available(self) -> bool:
        return bool(self.file) and self.file_deleted_at is None


class EmailVerification(models.Model):
    """A single-use email verification token; only its SHA-256 is stored."""

    request = models.ForeignKey(DataSubjectRequest, on_delete=models.CASCADE, related_name="email_verifications")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="compliance_emailverif_expiry_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return f"Email verification for {self.request_id}"


def message_attachment_upload_to(instance, filename: str) -> str:
    suffix = ".pdf" if instance.attachment_type == "application/pdf" else ".jpg"
    return f"requests/messages/{secrets.token_hex(16)}{suffix}"


class RequestMessage(models.Model):
    """A message on a request: from staff (a note, or visible to the requester and emailed), or
    from the requester on their status page (with at most one checked attachment)."""

    request = models.ForeignKey(DataSubjectRequest, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_requester = models.BooleanField(default=False)
    body = models.TextField()
    visible_to_requester = models.BooleanField(default=False)
    attachment = models.FileField(
        storage=private_storage, upload_to=message_attachment_upload_to, null=True, blank=True
    )
    attachment_name = models.CharField(max_length=200, blank=True)  # as the requester named it; never logged
    attachment_type = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(body=""), name="compliance_message_body_not_empty"),
        ]

    def __str__(self) -> str:
        return f"Message on {self.request_id} at {self.created_at:%Y-%m-%d %H:%M}"


class Holiday(models.Model):
    """A staff override of the controller's public-holiday calendar (compliance/deadlines.py):
    the `holidays` library lists the national holidays; a row with is_holiday adds a day (periods
    ending on it move to the next working day, Regulation 1182/71 Art. 3(4)), a row without it
    removes a day the library lists. Rows count for the calendar of their country: the
    controller's for the GDPR, GB for the UK GDPR (over England's bank holidays), CH for the Swiss
    FADP (compliance/regimes.py); other rows are kept but do not count."""

    country = models.CharField(max_length=2, validators=[country_code_validator])
    date = models.DateField()
    name = models.CharField(max_length=200, help_text="The holiday, or why the library's entry is wrong.")
    is_holiday = models.BooleanField(
        default=True,
        help_text=(
            "Checked: a public holiday the library does not list (added). Unchecked: a day the library lists "
            "that is not a public holiday (removed)."
        ),
    )

    class Meta:
        verbose_name = "holiday override"
        ordering = ["country", "date"]
        constraints = [
            models.UniqueConstraint(fields=["country", "date"], name="compliance_holiday_country_date_unique")
        ]

    def __str__(self) -> str:
        return f"{self.country} {self.date}: {self.name} ({'added' if self.is_holiday else 'removed'})"


class PendingUpload(models.Model):
    """A validated photo kept for one hour so that a form re-displayed after a text-field error
    does not make the citizen choose the photo again. The form keeps only the random token (the
    hash is stored); beat deletes expired rows and their files."""

    token_hash = models.CharField(max_length=64, unique=True)
    file = models.FileField(storage=private_storage, upload_to=pending_upload_to, null=True, blank=True)
    original_name = models.CharField(max_length=255, blank=True)  # shown back in the form; never logged
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [
            # Beat: deletion of expired uploads.
            models.Index(fields=["expires_at"], name="compliance_pending_expires"),
        ]

    def __str__(self) -> str:
        return f"Pending upload {self.pk}"


from compliance.models_answering import *  # noqa: E402, F403  (issue 6 models)

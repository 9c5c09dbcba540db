"""Data-subject requests (GDPR Art. 15 access, Art. 17 erasure), their deadlines, messages and
the tamper-evident audit trail.

State changes happen only in compliance/services.py; these classes hold data and small derived
properties. Photos are kept on a private storage (compliance/storage.py) and deleted the moment
their purpose ends (see `request_purge_biometrics`).
"""

import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from compliance.storage import id_document_upload_to, pending_upload_to, private_storage, selfie_upload_to

# Countries of residence a requester can pick (EU/EEA plus the UK and Switzerland): ISO 3166-1
# alpha-2. Deadlines use the public holidays of the requester's country where we hold them.
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


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    AWAITING_EMAIL = "awaiting_email_verification", _("Awaiting email verification")
    VERIFIED = "verified", _("Verified")
    PROCESSING = "processing", _("Processing")
    AWAITING_REVIEW = "awaiting_staff_review", _("Awaiting staff review")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    COMPLETED = "completed", _("Completed")
    REFUSED = "refused", _("Refused")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# States in which the request is still being handled (the deadline runs, staff can act).
OPEN_STATUSES = (
    RequestStatus.VERIFIED,
    RequestStatus.PROCESSING,
    RequestStatus.AWAITING_REVIEW,
    RequestStatus.AWAITING_APPROVAL,
)
# States that end a request; photos and encodings must be gone in all of them.
FINAL_STATUSES = (RequestStatus.COMPLETED, RequestStatus.REFUSED, RequestStatus.EXPIRED, RequestStatus.WITHDRAWN)


class RefusalBasis(models.TextChoices):
    MANIFESTLY_UNFOUNDED = "art_12_5_manifestly_unfounded", _("Manifestly unfounded (GDPR Art. 12(5))")
    EXCESSIVE = "art_12_5_excessive", _("Excessive, in particular repetitive (GDPR Art. 12(5))")
    IDENTITY_NOT_ESTABLISHED = "identity_not_established", _("Identity could not be established (GDPR Art. 12(6))")
    OTHER = "other", _("Other reason (stated)")


class IdentityCheck(models.TextChoices):
    NOT_PROVIDED = "not_provided", _("No identity document provided")
    PENDING = "pending", _("Identity check pending")
    MATCHED = "matched", _("Identity document matches the selfie")
    MISMATCH = "mismatch", _("Identity document does not match the selfie")
    MANUAL_VERIFIED = "manual_verified", _("Identity verified manually by staff")


def _language_choices():
    return list(settings.LANGUAGES)


class DataSubjectRequest(models.Model):
    # Fields that hold biometric data (photos of a face) or data derived from it; the purge
    # service empties every one of them and the retention test checks they stay empty.
    BIOMETRIC_FILE_FIELDS = ("selfie", "id_document")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    request_type = models.CharField(max_length=16, choices=RequestType.choices)
    status = models.CharField(max_length=32, choices=RequestStatus.choices, default=RequestStatus.RECEIVED)

    name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254)
    country = models.CharField(max_length=2, validators=[country_code_validator])
    language = models.CharField(max_length=8, choices=_language_choices, default="en")

    received_at = models.DateTimeField()
    email_verified_at = models.DateTimeField(null=True, blank=True)

    # Deadlines (GDPR Art. 12(3), computed per Regulation 1182/71 in compliance/deadlines.py).
    due_date = models.DateField()
    extended_due_date = models.DateField(null=True, blank=True)
    extension_months = models.PositiveSmallIntegerField(default=0)
    extension_reason = models.TextField(blank=True)
    extended_at = models.DateTimeField(null=True, blank=True)
    extension_notified_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_for = models.DateField(null=True, blank=True)  # due date the staff reminder covered

    # Outcome
    refusal_reason = models.TextField(blank=True)
    refusal_basis = models.CharField(max_length=40, choices=RefusalBasis.choices, blank=True)
    refused_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    expired_at = models.DateTimeField(null=True, blank=True)

    # Biometric data: the selfie (GDPR Art. 9(2)(a) explicit consent) and the optional ID photo.
    selfie = models.FileField(storage=private_storage, upload_to=selfie_upload_to, null=True, blank=True)
    selfie_sha256 = models.CharField(max_length=64, blank=True)
    selfie_consent_at = models.DateTimeField()
    suppression_consent_at = models.DateTimeField(null=True, blank=True)
    id_document = models.FileField(storage=private_storage, upload_to=id_document_upload_to, null=True, blank=True)
    identity_check = models.CharField(max_length=20, choices=IdentityCheck.choices, default=IdentityCheck.NOT_PROVIDED)
    identity_checked_at = models.DateTimeField(null=True, blank=True)
    biometrics_purged_at = models.DateTimeField(null=True, blank=True)

    # Access for the requester: only the hash of the status-link token is stored.
    status_token_hash = models.CharField(max_length=64, blank=True)
    status_token_created_at = models.DateTimeField(null=True, blank=True)
    ip_hash = models.CharField(max_length=64, blank=True)

    # Set when an overdue request is escalated into a complaint on an enforcement case.
    enforcement_case = models.ForeignKey(
        "enforcement.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="data_subject_requests"
    )
    escalated_at = models.DateTimeField(null=True, blank=True)

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
                condition=models.Q(identity_check__in=IdentityCheck.values),
                name="compliance_request_identity_check_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(refusal_basis="") | models.Q(refusal_basis__in=RefusalBasis.values),
                name="compliance_request_refusal_basis_valid",
            ),
            # A refusal always carries a basis and a reason (GDPR Art. 12(4)).
            models.CheckConstraint(
                condition=~models.Q(status=RequestStatus.REFUSED)
                | (~models.Q(refusal_basis="") & ~models.Q(refusal_reason="")),
                name="compliance_request_refusal_has_reasons",
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


class RequestMessage(models.Model):
    request = models.ForeignKey(DataSubjectRequest, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField()
    visible_to_requester = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(body=""), name="compliance_message_body_not_empty"),
        ]

    def __str__(self) -> str:
        return f"Message on {self.request_id} at {self.created_at:%Y-%m-%d %H:%M}"


class Holiday(models.Model):
    """A public holiday in a country: periods ending on one move to the next working day
    (Regulation 1182/71 Art. 3(4))."""

    country = models.CharField(max_length=2, validators=[country_code_validator])
    date = models.DateField()
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["country", "date"]
        constraints = [
            models.UniqueConstraint(fields=["country", "date"], name="compliance_holiday_country_date_unique")
        ]

    def __str__(self) -> str:
        return f"{self.country} {self.date}: {self.name}"


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


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Audit events are append-only: they cannot be updated.")

    def delete(self):
        raise TypeError("Audit events are append-only: they cannot be deleted.")

    def bulk_update(self, *args, **kwargs):
        raise TypeError("Audit events are append-only: they cannot be updated.")


class AuditEvent(models.Model):
    """One append-only record of an action. `hash` is SHA-256 over the canonical JSON of the row
    and the previous record's hash (see compliance/audit.py); `seq` numbers the chain without gaps
    so a deleted record is noticed even when ids skip (PostgreSQL sequences are not transactional).

    Never holds biometric data: no photo bytes, no file names of photos, no encodings.
    """

    seq = models.PositiveBigIntegerField(unique=True)
    created_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=80)
    request_public_id = models.UUIDField(null=True, blank=True)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=80, blank=True)
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        indexes = [
            # The request page's audit trail.
            models.Index(fields=["request_public_id", "seq"], name="compliance_audit_request"),
            models.Index(fields=["object_type", "object_id"], name="compliance_audit_object"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("Audit events are append-only: they cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Audit events are append-only: they cannot be deleted.")


class AuditChainHead(models.Model):
    """The single row that records the chain's last seq and hash.

    Appends lock this row first (a row lock on PostgreSQL, the database write lock on SQLite),
    which serialises writers so the chain never forks; `audit_verify` compares the last event to
    it, so deleting the newest events is detected too."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="compliance_audit_head_single_row")]

    def __str__(self) -> str:
        return f"Audit chain head at #{self.last_seq}"


from compliance.models_answering import *  # noqa: E402,F401,F403  (issue 6 models)

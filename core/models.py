"""Models of the shared mechanisms: the email outbox (core/outbox.py) and the audit trail
(core/audit.py). The abstract Job every background artefact inherits is in core/jobs.py."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.jobs import Job


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    CANCELLED = "cancelled", _("Not sent: no longer applies")
    FAILED = "failed", _("Not sent: gave up after repeated errors")


class OutboxEmail(Job):
    """One email to send, written in the same transaction as the change that causes it.

    The body is rendered when the email is sent, by the renderer registered for `kind`
    (core.outbox), from `params` (primary keys, never secrets): links that carry a token are
    derived at that moment, so no token is ever stored. `subject` records what was sent."""

    # The job lifecycle (core.jobs): claimed when pending and due, or again when sending and the
    # claim timed out (core.outbox); a failure goes back to pending, with backoff, until the
    # eighth attempt; the last error stays visible while it is retried.
    JOB_CLAIMABLE = (OutboxStatus.PENDING, OutboxStatus.SENDING)
    JOB_RUNNING = OutboxStatus.SENDING
    JOB_DONE = OutboxStatus.SENT
    JOB_FAILED = OutboxStatus.FAILED
    JOB_MAX_ATTEMPTS = 8
    JOB_RETRY_STATUS = OutboxStatus.PENDING
    JOB_CLAIM_CLEARS_ERROR = False
    JOB_ERROR_LIMIT = 1000

    kind = models.CharField(max_length=60)
    recipient = models.EmailField(max_length=254)
    language = models.CharField(max_length=8, default="en")
    params = models.JSONField(default=dict, blank=True)
    # What the email is about, for listing it where staff look (e.g. a request's public id).
    topic = models.CharField(max_length=80, blank=True)
    # Written once per cause: a transition retried by a task does not queue its email twice.
    dedupe_key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    status = models.CharField(max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    # attempts, last_error and claim_token: core.jobs.Job.
    subject = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    next_attempt_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=OutboxStatus.values), name="core_outbox_status_valid"),
            models.CheckConstraint(
                condition=~Q(status=OutboxStatus.SENT) | Q(sent_at__isnull=False), name="core_outbox_sent_has_time"
            ),
        ]
        indexes = [
            # The sweep: pending emails due for an attempt, and claims left by a dead worker.
            models.Index(fields=["status", "next_attempt_at"], name="core_outbox_status_next"),
            # A request page lists the emails about that request.
            models.Index(fields=["topic", "created_at"], name="core_outbox_topic"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient}: {self.status}"


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Audit events are append-only: they cannot be updated.")

    def delete(self):
        raise TypeError("Audit events are append-only: they cannot be deleted.")

    def bulk_update(self, *args, **kwargs):
        raise TypeError("Audit events are append-only: they cannot be updated.")


class AuditEvent(models.Model):
    """One append-only record of an action. `hash` is SHA-256 over the canonical JSON of the row
    and the previous record's hash (see core/audit.py); `seq` numbers the chain without gaps
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
        # The tables kept their names when the audit trail moved here from `compliance` (issue
        # 13): the move changed no row, and the append-only trigger (compliance migration 0002)
        # still guards compliance_auditevent.
        db_table = "compliance_auditevent"
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
        db_table = "compliance_auditchainhead"
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="compliance_audit_head_single_row")]

    def __str__(self) -> str:
        return f"Audit chain head at #{self.last_seq}"

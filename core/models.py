"""Models of the shared mechanisms (see core/outbox.py)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    CANCELLED = "cancelled", _("Not sent: no longer applies")
    FAILED = "failed", _("Not sent: gave up after repeated errors")


class OutboxEmail(models.Model):
    """One email to send, written in the same transaction as the change that causes it.

    The body is rendered when the email is sent, by the renderer registered for `kind`
    (core.outbox), from `params` (primary keys, never secrets): links that carry a token are
    derived at that moment, so no token is ever stored. `subject` records what was sent."""

    kind = models.CharField(max_length=60)
    recipient = models.EmailField(max_length=254)
    language = models.CharField(max_length=8, default="en")
    params = models.JSONField(default=dict, blank=True)
    # What the email is about, for listing it where staff look (e.g. a request's public id).
    topic = models.CharField(max_length=80, blank=True)
    # Written once per cause: a transition retried by a task does not queue its email twice.
    dedupe_key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    status = models.CharField(max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
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

"""Answering data-subject requests (issue 6): face matches, access packages and erasures.

Imported at the bottom of compliance/models.py so that Django sees these models as part of the
compliance app. They change only through compliance/workflow/ (services and their tasks).

Nothing here holds an encoding or photo bytes. A `RequestMatch` keeps a snapshot of where the
matched face was (ids, hashes, URLs, box) so that the answer and the erasure certificate can still
say what was found after the face itself has been erased (the FK is then NULL).
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compliance.storage import private_storage
from core.jobs import Job

__all__ = [
    "AccessPackage",
    "AccessPackageStatus",
    "ErasureAction",
    "ErasureActionKind",
    "ErasureActionState",
    "ErasureRecipient",
    "ErasureRecord",
    "ErasureStatus",
    "MatchBand",
    "MatchingRun",
    "MatchingStatus",
    "NotifiedHow",
    "RequestMatch",
    "ReviewStatus",
]


def package_pdf_upload_to(instance, filename: str) -> str:
    return f"requests/packages/{secrets.token_hex(16)}.pdf"


def package_zip_upload_to(instance, filename: str) -> str:
    return f"requests/packages/{secrets.token_hex(16)}.zip"


def certificate_upload_to(instance, filename: str) -> str:  # named by migration 0003
    return f"requests/certificates/{secrets.token_hex(16)}.pdf"


class MatchingStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class MatchingRun(Job):
    """The (single) search of the store for a request's selfie; restarted by staff only."""

    # The job lifecycle (core.jobs): claimed from pending, or again from running when its worker
    # died; a failure is final until staff restart it (compliance.workflow.matching).
    JOB_CLAIMABLE = (MatchingStatus.PENDING, MatchingStatus.RUNNING)
    JOB_RUNNING = MatchingStatus.RUNNING
    JOB_DONE = MatchingStatus.DONE
    JOB_FAILED = MatchingStatus.FAILED

    request = models.OneToOneField(
        "compliance.DataSubjectRequest", on_delete=models.CASCADE, related_name="matching_run"
    )
    status = models.CharField(max_length=10, choices=MatchingStatus.choices, default=MatchingStatus.PENDING)
    # attempts, last_error and claim_token: core.jobs.Job.
    confident_tolerance = models.FloatField()
    possible_tolerance = models.FloatField()
    # Where the face is in the (upright) selfie, for the side-by-side crop on the review page.
    selfie_top = models.PositiveIntegerField(null=True, blank=True)
    selfie_right = models.PositiveIntegerField(null=True, blank=True)
    selfie_bottom = models.PositiveIntegerField(null=True, blank=True)
    selfie_left = models.PositiveIntegerField(null=True, blank=True)
    # The same for the optional second and third selfies: [[top, right, bottom, left], ...].
    extra_selfie_boxes = models.JSONField(default=list, blank=True)
    matches_found = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=MatchingStatus.values), name="compliance_matchingrun_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(confident_tolerance__lte=models.F("possible_tolerance")),
                name="compliance_matchingrun_bands_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"matching for {self.request_id}: {self.status}"

    @property
    def selfie_box(self) -> tuple[int, int, int, int] | None:
        if self.selfie_top is None:
            return None
        return (self.selfie_top, self.selfie_right, self.selfie_bottom, self.selfie_left)

    def box_of_selfie(self, number: int) -> tuple[int, int, int, int] | None:
        """The face's box in selfie `number` (1: the first selfie, 2 and 3: the optional ones)."""
        if number == 1:
            return self.selfie_box
        boxes = self.extra_selfie_boxes or []
        if not 2 <= number <= len(boxes) + 1:
            return None
        top, right, bottom, left = boxes[number - 2]
        return (top, right, bottom, left)


class MatchBand(models.TextChoices):
    CONFIDENT = "confident", _("Confident match")
    POSSIBLE = "possible", _("Possible match")


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class RequestMatch(models.Model):
    """A stored face found for a request's selfie, with a snapshot that survives its erasure."""

    request = models.ForeignKey("compliance.DataSubjectRequest", on_delete=models.CASCADE, related_name="matches")
    face = models.ForeignKey(
        "biometrics.Face", on_delete=models.SET_NULL, null=True, blank=True, related_name="request_matches"
    )
    face_id_snapshot = models.BigIntegerField()
    photo_id_snapshot = models.BigIntegerField()
    photo_public_id = models.UUIDField()
    photo_sha256 = models.CharField(max_length=64)
    source_url = models.URLField(max_length=2000, blank=True)
    page_url = models.URLField(max_length=2000, blank=True)
    collected_at = models.DateTimeField()
    top = models.PositiveIntegerField()
    right = models.PositiveIntegerField()
    bottom = models.PositiveIntegerField()
    left = models.PositiveIntegerField()
    distance = models.FloatField()
    band = models.CharField(max_length=10, choices=MatchBand.choices)
    review_status = models.CharField(max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["distance", "face_id_snapshot"]
        constraints = [
            # A retried matching task inserts nothing twice.
            models.UniqueConstraint(
                fields=["request", "face_id_snapshot"], name="compliance_match_request_face_unique"
            ),
            models.CheckConstraint(condition=Q(band__in=MatchBand.values), name="compliance_match_band_valid"),
            models.CheckConstraint(
                condition=Q(review_status__in=ReviewStatus.values), name="compliance_match_review_valid"
            ),
            models.CheckConstraint(condition=Q(distance__gte=0), name="compliance_match_distance_not_negative"),
        ]
        indexes = [
            # Review page and package: a request's matches by review status.
            models.Index(fields=["request", "review_status"], name="compliance_match_req_review"),
        ]

    def __str__(self) -> str:
        return f"{self.band} match face {self.face_id_snapshot} for {self.request_id}"

    @property
    def box(self) -> tuple[int, int, int, int]:
        return (self.top, self.right, self.bottom, self.left)


class AccessPackageStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    BUILDING = "building", _("Building")
    READY = "ready", _("Ready for approval")
    FAILED = "failed", _("Failed")
    DISCARDED = "discarded", _("Draft deleted")


class AccessPackage(Job):
    """The draft of an access answer (GDPR Art. 15), prepared after review for staff to check:
    the redacted copies of the photos and the machine-readable data in a ZIP, and a preview of
    the letter. It never reaches the requester: after approval the final documents are issued
    from it (compliance/workflow/documents.py) and the draft is deleted."""

    # The job lifecycle (core.jobs): a draft is (re)built from any state but ready; a failure is
    # final until the draft is asked for again (compliance.workflow.access).
    JOB_CLAIMABLE = (
        AccessPackageStatus.PENDING,
        AccessPackageStatus.BUILDING,
        AccessPackageStatus.FAILED,
        AccessPackageStatus.DISCARDED,
    )
    JOB_RUNNING = AccessPackageStatus.BUILDING
    JOB_DONE = AccessPackageStatus.READY
    JOB_FAILED = AccessPackageStatus.FAILED

    request = models.OneToOneField(
        "compliance.DataSubjectRequest", on_delete=models.CASCADE, related_name="access_package"
    )
    status = models.CharField(max_length=10, choices=AccessPackageStatus.choices, default=AccessPackageStatus.PENDING)
    # attempts, last_error and claim_token: core.jobs.Job.
    language = models.CharField(max_length=8, default="en")
    photo_count = models.PositiveIntegerField(default=0)
    pdf = models.FileField(storage=private_storage, upload_to=package_pdf_upload_to, null=True, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    zip = models.FileField(storage=private_storage, upload_to=package_zip_upload_to, null=True, blank=True)
    zip_sha256 = models.CharField(max_length=64, blank=True)
    # Per photo copy: {"<photo public id>": {"sha256": ..., "faces_blurred": n}}.
    copies = models.JSONField(default=dict, blank=True)
    # The request's decisions_fingerprint() when it was built: a draft of other decisions is stale.
    decisions_fingerprint = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    built_at = models.DateTimeField(null=True, blank=True)
    discarded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=AccessPackageStatus.values), name="compliance_package_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=AccessPackageStatus.READY) | (~Q(pdf_sha256="") & ~Q(zip_sha256="")),
                name="compliance_package_ready_has_files",
            ),
        ]

    def __str__(self) -> str:
        return f"access package for {self.request_id}: {self.status}"


class ErasureStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done and verified")
    ALERT = "alert", _("Re-check found remaining matches")
    FAILED = "failed", _("Failed")


class ErasureRecord(Job):
    """One erasure (GDPR Art. 17) and its proof: actions, recipients told (Art. 19), re-check and
    certificate. Never holds an encoding or photo bytes, only counts, ids and file hashes."""

    # The job lifecycle (core.jobs): claimed when planned, again from running when its worker
    # died, or from failed (the journal resumes); it ends done, or in alert when the re-check
    # still finds the person; a failure waits for staff (compliance.workflow.erasure).
    JOB_CLAIMABLE = (ErasureStatus.PLANNED, ErasureStatus.RUNNING, ErasureStatus.FAILED)
    JOB_RUNNING = ErasureStatus.RUNNING
    JOB_DONE = ErasureStatus.DONE
    JOB_FAILED = ErasureStatus.FAILED

    request = models.OneToOneField("compliance.DataSubjectRequest", on_delete=models.CASCADE, related_name="erasure")
    status = models.CharField(max_length=10, choices=ErasureStatus.choices, default=ErasureStatus.PLANNED)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    # The plan staff confirmed before anything was deleted (counts shown on the confirmation).
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_photos_to_delete = models.PositiveIntegerField(default=0)
    confirmed_photos_to_blur = models.PositiveIntegerField(default=0)
    confirmed_faces = models.PositiveIntegerField(default=0)
    # attempts, last_error and claim_token: core.jobs.Job.
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    faces_deleted = models.PositiveIntegerField(default=0)
    photos_deleted = models.PositiveIntegerField(default=0)
    photos_redacted = models.PositiveIntegerField(default=0)
    # Re-check: a search with the selfie after the erasure. `recheck_matches` counts faces still
    # found that staff had not rejected as someone else; it must be 0 for the request to complete.
    recheck_matches = models.PositiveIntegerField(null=True, blank=True)
    recheck_rejected_remaining = models.PositiveIntegerField(null=True, blank=True)
    recheck_tolerance = models.FloatField(null=True, blank=True)
    recheck_at = models.DateTimeField(null=True, blank=True)
    alert = models.TextField(blank=True)
    suppression_kept = models.BooleanField(default=False)
    # Earlier access answers of the same person whose photo copies were deleted with this erasure.
    earlier_documents_deleted = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ErasureStatus.values), name="compliance_erasure_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=ErasureStatus.DONE) | Q(recheck_matches=0), name="compliance_erasure_done_rechecked"
            ),
        ]
        indexes = [
            # Staff dashboard: erasures that need attention.
            models.Index(fields=["status"], name="compliance_erasure_status"),
        ]

    def __str__(self) -> str:
        return f"erasure for {self.request_id}: {self.status}"


class ErasureActionKind(models.TextChoices):
    DELETE_PHOTO = "delete_photo", _("Photo and file deleted (no other face in it)")
    REDACT_PHOTO = "redact_photo", _("Face blurred in the stored photo, other faces kept")


class ErasureActionState(models.TextChoices):
    """A write-ahead log for one photo, so a killed worker resumes where it stopped:
    planned -> (redact: staged, the blurred file written to its temp name) -> db_done (rows
    deleted / photo row points to the new file, in one transaction) -> done (old file deleted)."""

    PLANNED = "planned", _("Planned")
    STAGED = "staged", _("New file staged")
    DB_DONE = "db_done", _("Database updated")
    DONE = "done", _("Done")


class ErasureAction(models.Model):
    erasure = models.ForeignKey(ErasureRecord, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(max_length=20, choices=ErasureActionKind.choices)
    state = models.CharField(max_length=10, choices=ErasureActionState.choices, default=ErasureActionState.PLANNED)
    photo_ref = models.BigIntegerField()
    photo_public_id = models.UUIDField()
    # The requester's faces in this photo (ids), the only faces this action may delete.
    face_refs = models.JSONField(default=list)
    faces_kept = models.PositiveIntegerField(default=0)
    old_file_name = models.CharField(max_length=255, blank=True)
    old_sha256 = models.CharField(max_length=64, blank=True)
    staged_file_name = models.CharField(max_length=255, blank=True)
    new_file_name = models.CharField(max_length=255, blank=True)
    new_sha256 = models.CharField(max_length=64, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["photo_ref"]
        constraints = [
            models.UniqueConstraint(fields=["erasure", "photo_ref"], name="compliance_erasure_action_photo_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=ErasureActionKind.values), name="compliance_erasure_action_kind"
            ),
            models.CheckConstraint(
                condition=Q(state__in=ErasureActionState.values), name="compliance_erasure_action_state"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} photo {self.photo_ref}: {self.state}"


class NotifiedHow(models.TextChoices):
    EMAIL = "email", _("Notice emailed")
    OTHER_MEANS = "other_means", _("Told by other means (recorded by staff)")
    IMPOSSIBLE = "impossible", _("Impossible or disproportionate effort (recorded by staff)")


class ErasureRecipient(models.Model):
    """A customer whose searches returned one of the erased faces: to be told (GDPR Art. 19)."""

    erasure = models.ForeignKey(ErasureRecord, on_delete=models.CASCADE, related_name="recipients")
    customer = models.ForeignKey("biometrics.Customer", on_delete=models.PROTECT, related_name="+")
    customer_name = models.CharField(max_length=200)
    contact_email = models.EmailField(blank=True)
    faces_count = models.PositiveIntegerField(default=0)
    searches_count = models.PositiveIntegerField(default=0)
    # When the recipient was told: the time its notice email was sent (from the outbox), or the
    # time staff recorded that they told it by other means or that telling it proved impossible
    # (Art. 19: "unless this proves impossible or involves disproportionate effort").
    notice_email = models.ForeignKey(
        "core.OutboxEmail", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notified_at = models.DateTimeField(null=True, blank=True)
    notified_how = models.CharField(max_length=20, choices=NotifiedHow.choices, blank=True)
    notification_note = models.TextField(blank=True)
    notified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["customer_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["erasure", "customer"], name="compliance_erasure_recipient_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_name} for {self.erasure_id}"

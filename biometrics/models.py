"""The biometric store: scraped photos, the faces found in them and who received which face.

Rows are written only through `biometrics.services` (inserts and deletes of faces also record a
`FaceChange`, the store's audit log of what was added and removed when). The search indexes do not
read `FaceChange`: triggers on the face table feed their own change log (biometrics.search).
Nothing here is ever logged.
"""

import uuid
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import numpy as np
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# `encoding__length` (bytes) is used by the check constraints below.
models.BinaryField.register_lookup(Length, "length")

ENCODING_DIMENSIONS = 128
ENCODING_DTYPE = np.dtype("<f4")  # float32, little-endian: 512 bytes per face
ENCODING_BYTES = ENCODING_DIMENSIONS * ENCODING_DTYPE.itemsize


def encoding_to_bytes(encoding) -> bytes:
    """128 numbers -> 512 bytes (float32 little-endian), the stored form."""
    array = np.asarray(encoding, dtype=np.float64).reshape(-1)
    if array.shape != (ENCODING_DIMENSIONS,) or not np.all(np.isfinite(array)):
        raise ValueError(f"a face encoding has {ENCODING_DIMENSIONS} finite values")
    return array.astype(ENCODING_DTYPE).tobytes()


def encoding_from_bytes(data: bytes | memoryview) -> np.ndarray:
    """512 stored bytes -> float32 array of shape (128,) (a copy, safe to keep)."""
    raw = bytes(data)
    if len(raw) != ENCODING_BYTES:
        raise ValueError(f"a stored face encoding is {ENCODING_BYTES} bytes, got {len(raw)}")
    return np.frombuffer(raw, dtype=ENCODING_DTYPE).copy()


def source_domain_of(url: str) -> str:
    """'https://www.Example.com/a' -> 'example.com'; '' when there is no host."""
    host = (urlsplit(url or "").hostname or "").lower()
    return host.removeprefix("www.")


def photo_upload_to(instance: "SourcePhoto", filename: str) -> str:
    # Content-addressed and sharded: a re-run can never write a second copy under a new name.
    suffix = PurePosixPath(filename).suffix.lower() or ".jpg"
    return f"biometrics/photos/{instance.sha256[:2]}/{instance.sha256}{suffix}"


class SourcePhoto(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source_url = models.URLField(_("source URL"), max_length=2000, blank=True)
    page_url = models.URLField(_("page URL"), max_length=2000, blank=True)
    # Derived from source_url when the row is created; kept as a column so that the per-domain
    # statistics are one GROUP BY.
    source_domain = models.CharField(_("source domain"), max_length=255, blank=True)
    collected_at = models.DateTimeField(_("collected at"), default=timezone.now)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    image = models.FileField(_("image"), upload_to=photo_upload_to, max_length=255)
    width = models.PositiveIntegerField(_("width (px)"))
    height = models.PositiveIntegerField(_("height (px)"))
    size_bytes = models.PositiveBigIntegerField(_("size (bytes)"))
    created_at = models.DateTimeField(_("ingested at"), default=timezone.now)
    # The detection that found its faces (biometrics.faces.DETECTOR); "" for photos stored before
    # issue 14, whose faces under about 90 px were skipped (manage.py rescan_photos adds them).
    detector = models.CharField(_("face detector"), max_length=40, blank=True, default="")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["sha256"], name="biometrics_photo_sha256_unique"),
            models.CheckConstraint(condition=Q(width__gt=0) & Q(height__gt=0), name="biometrics_photo_size_positive"),
        ]
        indexes = [
            # Store statistics: photos per source domain.
            models.Index(fields=["source_domain"], name="biometrics_photo_domain_idx"),
            # Browse list ordered by ingestion time.
            models.Index(fields=["-created_at", "-id"], name="biometrics_photo_created_idx"),
        ]

    def __str__(self) -> str:
        return f"photo {self.public_id}"


class Face(models.Model):
    photo = models.ForeignKey(SourcePhoto, on_delete=models.CASCADE, related_name="faces")
    # Box in full-resolution pixels of the upright (EXIF-rotated) image, face_recognition order.
    top = models.PositiveIntegerField()
    right = models.PositiveIntegerField()
    bottom = models.PositiveIntegerField()
    left = models.PositiveIntegerField()
    encoding = models.BinaryField(max_length=ENCODING_BYTES)
    model_name = models.CharField(max_length=100)
    model_version = models.CharField(max_length=200)
    encoded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(bottom__gt=F("top")) & Q(right__gt=F("left")), name="biometrics_face_box_not_empty"
            ),
            models.CheckConstraint(
                condition=Q(encoding__length=ENCODING_BYTES), name="biometrics_face_encoding_512_bytes"
            ),
        ]

    def __str__(self) -> str:
        return f"face {self.pk} in {self.photo_id}"

    @property
    def box(self) -> tuple[int, int, int, int]:
        return (self.top, self.right, self.bottom, self.left)

    def encoding_array(self) -> np.ndarray:
        return encoding_from_bytes(self.encoding)


class FaceChangeKind(models.TextChoices):
    ADDED = "added", _("added")
    REMOVED = "removed", _("removed")


class FaceChange(models.Model):
    """Append-only history of face inserts and deletes, written by the services in the same
    transaction as the change (what was added or erased when, for reports and audits).

    The search indexes keep fresh from their own trigger-fed log (biometrics.search), which
    also sees changes made outside the services.
    """

    face_id = models.BigIntegerField()
    photo_id = models.BigIntegerField()
    kind = models.CharField(max_length=10, choices=FaceChangeKind.choices)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=FaceChangeKind.values), name="biometrics_facechange_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} face {self.face_id}"


class CustomerKind(models.TextChoices):
    POLICE = "police", _("police force")
    GOVERNMENT = "government", _("government agency")
    BORDER = "border", _("border or immigration agency")
    PRIVATE = "private", _("private company")
    OTHER = "other", _("other")


class TransferBasis(models.TextChoices):
    """What is recorded for a recipient outside the EU/EEA (biometrics.transfers decides what
    applies: a full adequacy decision needs nothing recorded)."""

    NOT_RECORDED = "", _("nothing recorded")
    ADEQUACY_IN_SCOPE = "adequacy_in_scope", _("within the scope of a partial adequacy decision (Art. 45)")
    SCCS = "sccs", _("standard contractual clauses (Art. 46(2)(c))")
    DEROGATION = "derogation", _("derogation for a specific situation (Art. 49(1))")
    NONE = "none", _("none")


class Customer(models.Model):
    """A recipient of search results (GDPR Art. 15(1)(c): the recipients must be named), with the
    basis of any transfer outside the EU/EEA as recorded (Art. 15(2); biometrics.transfers)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=CustomerKind.choices, default=CustomerKind.OTHER)
    country = models.CharField(_("country (ISO 3166-1 alpha-2)"), max_length=2)
    contact_email = models.EmailField(_("contact email for Art. 19 notices"), blank=True)
    transfer_basis = models.CharField(
        _("transfer basis (outside the EU/EEA)"), max_length=20, choices=TransferBasis.choices, blank=True, default=""
    )
    transfer_scc_signed_on = models.DateField(_("standard contractual clauses signed on"), null=True, blank=True)
    transfer_derogation = models.CharField(
        _("derogation relied on (Art. 49(1) point and why)"), max_length=500, blank=True, default=""
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "country"], name="biometrics_customer_name_country_unique"),
            models.CheckConstraint(condition=Q(kind__in=CustomerKind.values), name="biometrics_customer_kind_valid"),
            models.CheckConstraint(
                condition=~Q(transfer_basis="sccs") | Q(transfer_scc_signed_on__isnull=False),
                name="biometrics_customer_sccs_dated",
            ),
            models.CheckConstraint(
                condition=~Q(transfer_basis="derogation") | ~Q(transfer_derogation=""),
                name="biometrics_customer_derogation_stated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.country})"

    def clean(self):
        errors = {}
        if self.transfer_basis == TransferBasis.SCCS and not self.transfer_scc_signed_on:
            errors["transfer_scc_signed_on"] = _("Give the date the standard contractual clauses were signed.")
        if self.transfer_basis == TransferBasis.DEROGATION and not self.transfer_derogation.strip():
            errors["transfer_derogation"] = _("Say which Art. 49(1) derogation applies and why.")
        if errors:
            raise ValidationError(errors)


class SearchEvent(models.Model):
    """One search a customer ran against the store, and (in SearchResult) every face returned."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="searches")
    searched_at = models.DateTimeField(default=timezone.now)
    reference = models.CharField(_("customer's case reference"), max_length=200, blank=True)
    tolerance = models.FloatField(null=True, blank=True)
    faces = models.ManyToManyField(Face, through="SearchResult", related_name="search_events")

    class Meta:
        ordering = ["-searched_at", "-id"]
        indexes = [models.Index(fields=["customer", "-searched_at"], name="biometrics_search_customer_idx")]

    def __str__(self) -> str:
        return f"search {self.public_id} by {self.customer_id}"


class SearchResult(models.Model):
    """A face returned to a customer. The snapshot columns survive the face's erasure, so that
    recipients can still be notified of it afterwards (GDPR Art. 19)."""

    search = models.ForeignKey(SearchEvent, on_delete=models.CASCADE, related_name="results")
    face = models.ForeignKey(Face, on_delete=models.SET_NULL, null=True, blank=True, related_name="search_results")
    face_ref = models.BigIntegerField(_("face id at the time of the search"))
    photo_public_id = models.UUIDField(_("photo id at the time of the search"))
    photo_sha256 = models.CharField(max_length=64)
    distance = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["search", "distance", "face_ref"]
        constraints = [
            models.UniqueConstraint(fields=["search", "face_ref"], name="biometrics_result_search_face_unique"),
        ]
        indexes = [
            # "Which customers received this face / any face of this photo" (Art. 15(1)(c), Art. 19).
            models.Index(fields=["face_ref"], name="biometrics_result_face_ref_idx"),
            models.Index(fields=["photo_sha256"], name="biometrics_result_photo_idx"),
        ]

    def __str__(self) -> str:
        return f"face {self.face_ref} in {self.search_id}"


class SuppressionEntry(models.Model):
    """An encoding kept with the subject's explicit consent (GDPR Art. 9(2)(a)), solely so that
    ingestion refuses that person's face in the future. Deleted when consent is withdrawn."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    encoding = models.BinaryField(max_length=ENCODING_BYTES)
    consented_at = models.DateTimeField(_("explicit consent given at"))
    request_public_id = models.UUIDField(_("data-subject request"), db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "suppression entries"
        constraints = [
            models.CheckConstraint(
                condition=Q(encoding__length=ENCODING_BYTES), name="biometrics_suppression_encoding_512_bytes"
            ),
        ]

    def __str__(self) -> str:
        return f"suppression {self.public_id}"


class FaceRestriction(models.Model):
    """A face whose processing is restricted (GDPR Art. 18): it stays stored but is withheld from
    every search run for customers (biometrics.selectors.faces_searchable) until the restriction
    is lifted. Set by a data-subject request (restriction, Art. 18(1); objection pending the
    decision, Art. 18(1)(d)); `request_public_id` names it without a foreign key, as
    SuppressionEntry does, so that the store does not depend on the compliance app. The row goes
    with the face when the face is erased."""

    face = models.ForeignKey(Face, on_delete=models.CASCADE, related_name="restrictions")
    request_public_id = models.UUIDField(_("data-subject request"))
    # The provision the restriction rests on, as the request recorded it (e.g. "art_18_1_d").
    basis = models.CharField(_("basis"), max_length=40)
    restricted_at = models.DateTimeField(_("restricted at"))
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)

    class Meta:
        ordering = ["restricted_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["face", "request_public_id"], name="biometrics_restriction_face_request"),
        ]
        indexes = [
            # Every customer search: the faces under an active restriction (lifted_at IS NULL).
            models.Index(fields=["lifted_at", "face"], name="biometrics_restriction_active"),
            # A request's restrictions (apply, lift, the staff page).
            models.Index(fields=["request_public_id"], name="biometrics_restriction_request"),
        ]

    def __str__(self) -> str:
        return f"restriction of face {self.face_id}"


class ErasedPhoto(models.Model):
    """The SHA-256 of photo bytes that an erasure (GDPR Art. 17) deleted, or replaced with a copy
    in which the requester's face is blurred. Ingestion refuses exactly these bytes, so that
    scraping the same file again cannot bring an erased face back. Only the hash is kept: no
    image, no encoding, nothing that identifies the person. (The same person in another photo is
    only refused with their consent, through a SuppressionEntry.)"""

    sha256 = models.CharField(_("SHA-256 of the erased bytes"), max_length=64)
    erased_at = models.DateTimeField(_("erased at"), default=timezone.now)

    class Meta:
        ordering = ["-erased_at", "-id"]
        constraints = [
            # Ingestion's check for every new photo (one index lookup).
            models.UniqueConstraint(fields=["sha256"], name="biometrics_erased_photo_sha256_unique"),
        ]

    def __str__(self) -> str:
        return f"erased {self.sha256[:12]}…"

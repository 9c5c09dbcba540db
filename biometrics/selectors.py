"""Reads from the biometric store."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from django.db.models import Count, Max, Min, QuerySet, Sum

from biometrics.faces import DETECTOR
from biometrics.models import (
    ENCODING_BYTES,
    ENCODING_DTYPE,
    Face,
    FaceRestriction,
    SearchResult,
    SourcePhoto,
    SuppressionEntry,
    encoding_from_bytes,
)
from biometrics.search.hits import Hits


def existing_sha256(hashes: Iterable[str]) -> set[str]:
    """Which of these SHA-256 hex digests are already stored (chunked IN queries)."""
    values = list(dict.fromkeys(hashes))
    found: set[str] = set()
    for start in range(0, len(values), 1000):
        chunk = values[start : start + 1000]
        found.update(SourcePhoto.objects.filter(sha256__in=chunk).values_list("sha256", flat=True))
    return found


def _as_matrix(encodings: Sequence[bytes | np.ndarray]) -> np.ndarray:
    rows = []
    for encoding in encodings:
        if isinstance(encoding, bytes | memoryview):
            rows.append(encoding_from_bytes(encoding).astype(np.float64))
        else:
            rows.append(np.asarray(encoding, dtype=np.float64).reshape(-1))
    return np.vstack(rows) if rows else np.empty((0, 128))


def suppression_matches_any(encodings: Sequence[bytes | np.ndarray], *, tolerance: float) -> bool:
    """True when any of these encodings is within `tolerance` of a suppression entry."""
    if not encodings:
        return False
    stored = list(SuppressionEntry.objects.values_list("encoding", flat=True))
    if not stored:
        return False
    entries = np.frombuffer(b"".join(bytes(e) for e in stored if len(e) == ENCODING_BYTES), dtype=ENCODING_DTYPE)
    entries = entries.reshape(-1, 128).astype(np.float64)
    faces = _as_matrix(encodings)
    distances = np.linalg.norm(faces[:, None, :] - entries[None, :, :], axis=2)
    return bool((distances <= tolerance).any())


# --- statistics and browsing -------------------------------------------------------------------


@dataclass(frozen=True)
class DomainStats:
    domain: str
    photos: int
    faces: int


@dataclass(frozen=True)
class StoreStats:
    photos: int
    faces: int
    photos_with_several_faces: int
    first_collected: object
    last_collected: object
    last_ingested: object
    storage_bytes: int
    customers: int
    searches: int
    suppression_entries: int
    domains: list[DomainStats]
    photos_to_rescan: int = 0


def store_statistics(*, top_domains: int = 20) -> StoreStats:
    from biometrics.models import Customer, SearchEvent

    photos = SourcePhoto.objects.aggregate(
        count=Count("id"),
        first=Min("collected_at"),
        last=Max("collected_at"),
        ingested=Max("created_at"),
        size=Sum("size_bytes"),
    )
    multi = SourcePhoto.objects.annotate(n=Count("faces")).filter(n__gt=1).count()
    per_domain_photos = dict(
        SourcePhoto.objects.values("source_domain").annotate(n=Count("id")).values_list("source_domain", "n")
    )
    per_domain_faces = dict(
        Face.objects.values("photo__source_domain").annotate(n=Count("id")).values_list("photo__source_domain", "n")
    )
    domains = sorted(
        (
            DomainStats(domain=domain, photos=count, faces=per_domain_faces.get(domain, 0))
            for domain, count in per_domain_photos.items()
        ),
        key=lambda item: (-item.photos, item.domain),
    )[:top_domains]
    return StoreStats(
        photos=photos["count"],
        faces=Face.objects.count(),
        photos_with_several_faces=multi,
        first_collected=photos["first"],
        last_collected=photos["last"],
        last_ingested=photos["ingested"],
        storage_bytes=photos["size"] or 0,
        customers=Customer.objects.count(),
        searches=SearchEvent.objects.count(),
        suppression_entries=SuppressionEntry.objects.count(),
        domains=domains,
        photos_to_rescan=photos_to_rescan().count(),
    )


def photos_to_rescan() -> QuerySet[SourcePhoto]:
    """Stored photos whose faces were not found by the current detector (stored before issue 14)."""
    return SourcePhoto.objects.exclude(detector=DETECTOR).order_by("pk")


def photo_list(*, domain: str | None = None, has_recipients: bool | None = None) -> QuerySet[SourcePhoto]:
    photos = SourcePhoto.objects.annotate(face_count=Count("faces", distinct=True))
    if domain is not None:
        photos = photos.filter(source_domain=domain)
    if has_recipients is not None:
        photos = photos.filter(faces__search_results__isnull=not has_recipients).distinct()
    return photos.order_by("-created_at", "-id")


def photo_with_faces(*, public_id) -> SourcePhoto | None:
    photo = SourcePhoto.objects.filter(public_id=public_id).first()
    if photo is not None:
        photo.face_list = list(photo.faces.order_by("left", "top", "id"))
    return photo


@dataclass(frozen=True)
class Recipient:
    customer_name: str
    customer_kind: str
    customer_country: str
    customer_public_id: object
    search_public_id: object
    searched_at: object
    reference: str
    distance: float | None


def recipients_of_faces(*, face_ids: Iterable[int]) -> list[Recipient]:
    """Every customer search that returned one of these faces, newest first (Art. 15(1)(c)).

    Uses the face id snapshot, so it also answers for faces that have since been erased (Art. 19).
    """
    results = (
        SearchResult.objects.filter(face_ref__in=list(face_ids))
        .select_related("search__customer")
        .order_by("-search__searched_at", "search_id", "face_ref")
    )
    return [
        Recipient(
            customer_name=result.search.customer.name,
            customer_kind=result.search.customer.get_kind_display(),
            customer_country=result.search.customer.country,
            customer_public_id=result.search.customer.public_id,
            search_public_id=result.search.public_id,
            searched_at=result.search.searched_at,
            reference=result.search.reference,
            distance=result.distance,
        )
        for result in results
    ]


def recipients_of_photo(*, sha256: str) -> list[Recipient]:
    """Searches that returned any face of the photo with this SHA-256 (erased or not)."""
    face_refs = SearchResult.objects.filter(photo_sha256=sha256).values_list("face_ref", flat=True)
    return recipients_of_faces(face_ids=set(face_refs))


def domains() -> list[str]:
    return list(SourcePhoto.objects.order_by("source_domain").values_list("source_domain", flat=True).distinct())


def temporary_exact_scan(encoding, *, tolerance: float) -> Hits:
    """TEMPORARY stand-in for biometrics.search.search_faces, used by the staff search only while
    the search app is not in INSTALLED_APPS: a float64 brute-force scan of every stored face
    (exact, but it reads the whole table per query)."""
    query = np.asarray(encoding, dtype=np.float64).reshape(-1)
    rows = list(Face.objects.order_by("id").values_list("id", "photo_id", "encoding"))
    ids = np.array([row[0] for row in rows], dtype=np.int64)
    photo_ids = np.array([row[1] for row in rows], dtype=np.int64)
    vectors = np.frombuffer(b"".join(bytes(row[2]) for row in rows), dtype=ENCODING_DTYPE).reshape(-1, 128)
    distances = np.linalg.norm(vectors.astype(np.float64) - query, axis=1)
    keep = distances <= tolerance
    return Hits.of(ids[keep], photo_ids[keep], distances[keep])


def faces_within(encoding, *, tolerance: float) -> Hits:
    """Every stored face within `tolerance`, nearest first: biometrics.search.search_faces, the one
    search function of the project; the exact scan above only stands in while the search app is
    not installed (same answer, slower)."""
    from django.apps import apps

    if apps.is_installed("biometrics.search"):
        from biometrics.search import search_faces

        return search_faces(encoding, tolerance=tolerance)
    return temporary_exact_scan(encoding, tolerance=tolerance)


def restricted_face_ids(*, face_ids: Iterable[int] | None = None) -> set[int]:
    """Faces under an active restriction of processing (GDPR Art. 18), of `face_ids` or of all."""
    rows = FaceRestriction.objects.filter(lifted_at__isnull=True)
    if face_ids is not None:
        rows = rows.filter(face_id__in=list(face_ids))
    return set(rows.values_list("face_id", flat=True))


def restrictions_of_request(*, request_public_id) -> list[FaceRestriction]:
    return list(FaceRestriction.objects.filter(request_public_id=request_public_id).order_by("face_id"))


def faces_searchable(encoding, *, tolerance: float) -> Hits:
    """What a search for customers (or staff browsing the store) may return: every face within
    `tolerance` (faces_within) less the restricted ones, which are only stored (GDPR Art. 18(2)).
    The data-subject request workflow searches with faces_within itself: it must find a person's
    restricted faces to answer them (access, erasure, lifting)."""
    hits = faces_within(encoding, tolerance=tolerance)
    if len(hits) == 0:
        return hits
    restricted = restricted_face_ids(face_ids=hits.ids.tolist())
    if not restricted:
        return hits
    return hits.without(np.array(sorted(restricted), dtype=np.int64))

"""Demo data for the biometric store (called by `manage.py demo_setup`; loading twice changes nothing).

- a few customers of the controller (police forces, a border agency, a private company);
- when the shared photos exist (FACES_DIR, default ../shared/faces), they are ingested as if
  scraped from three sites, and each customer is recorded as having searched for someone, so
  that the staff pages and the data-subject requests have recipients to name.

A second run only hashes the photos (all already stored) and finds the searches recorded.
"""

import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings

from biometrics import selectors, services
from biometrics.ingest import IngestItem, Listing, list_source, run_ingest
from biometrics.models import CustomerKind, Face, SearchEvent, SourcePhoto

CUSTOMERS = [
    ("Metropolitan Police Service", CustomerKind.POLICE, "GB", "facial-search@met.example"),
    ("Polizia di Stato — Servizio Polizia Scientifica", CustomerKind.POLICE, "IT", "scientifica@polizia.example"),
    ("Koninklijke Marechaussee", CustomerKind.BORDER, "NL", "identiteit@kmar.example"),
    ("Acme Retail Security B.V.", CustomerKind.PRIVATE, "NL", "privacy@acme-retail.example"),
]
# Where each folder of the shared photos is pretended to have been scraped from.
SITES = {
    "people": "https://images.social-network.example/u",
    "group": "https://cdn.news-site.example/photos",
    "odd": "https://forum.example/attachments",
}
# (customer index, reference, when, the stored photo whose face was the probe)
SEARCHES = [
    (0, "MPS-2024-0113", datetime(2024, 3, 4, 10, 12), "people/obama/obama.jpg"),
    (1, "PS-RM-88412", datetime(2024, 6, 19, 15, 40), "people/biden/biden.jpg"),
    (2, "KMAR-SCH-2291", datetime(2024, 9, 2, 8, 5), "people/kit_harington/kit1.jpg"),
    (3, "ACME-INC-5521", datetime(2025, 1, 27, 19, 30), "people/obama/obama2.jpg"),
]
ZONE = ZoneInfo("Europe/Amsterdam")


def faces_dir() -> Path | None:
    path = Path(os.environ.get("FACES_DIR", settings.BASE_DIR.parent / "shared" / "faces"))
    return path if (path / "manifest.csv").exists() else None


def load(stdout) -> None:
    customers = [
        services.customer_ensure(name=name, kind=kind, country=country, contact_email=email)
        for name, kind, country, email in CUSTOMERS
    ]
    folder = faces_dir()
    if folder is None:
        stdout.write(
            f"biometrics: {len(customers)} customers; no shared photos found (set FACES_DIR) - store left empty"
        )
        return
    listing = list_source(folder / "manifest.csv")
    items = []
    for item in listing.items:
        relative = Path(item.path).relative_to(folder).as_posix()
        site = SITES.get(relative.split("/", 1)[0], "https://unknown.example")
        items.append(IngestItem(path=item.path, source_url=f"{site}/{relative}", collected_at=item.collected_at))
    report = run_ingest(Listing(items, listing.problems, 0), workers=min(2, os.cpu_count() or 1), mode="local")
    recorded = 0
    for index, reference, when, probe in SEARCHES:
        if SearchEvent.objects.filter(reference=reference).exists():
            continue
        probe_photo = SourcePhoto.objects.filter(source_url__endswith="/" + probe).first()
        if probe_photo is None:
            continue
        probe_face = probe_photo.faces.first()
        matches = _matches(probe_face)
        services.search_event_record(
            customer=customers[index],
            matches=matches,
            searched_at=when.replace(tzinfo=ZONE),
            reference=reference,
            tolerance=settings.FACE_TOLERANCE,
        )
        recorded += 1
    stdout.write(
        f"biometrics: {len(customers)} customers, {SourcePhoto.objects.count()} photos, {Face.objects.count()} faces "
        f"({report.counts.get('created', 0)} photos ingested now), {recorded} demo searches recorded"
    )


def _matches(face: Face) -> list[tuple[int, float]]:
    found = selectors.faces_within(face.encoding_array(), tolerance=settings.FACE_TOLERANCE)
    return list(zip(found.ids.tolist(), found.distances.tolist(), strict=True))

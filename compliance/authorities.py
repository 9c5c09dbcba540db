"""The supervisory authority a requester may complain to (GDPR Art. 77, UK GDPR Art. 77, Swiss
FADP Art. 49), chosen by the country where they live and, in Germany, their Land: the Land
authorities supervise private controllers (BDSG s. 40), so a Bavarian resident is pointed to the
BayLDA, not to Hamburg's or the federal authority.

The table is data (compliance/data/complaint_authorities.json, with its sources and the date it
was curated), not the enforcement register: the register's authorities are those that decided
cases (e.g. the CNIL's sanctions committee), not where a person files a complaint.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import gettext_lazy as _

TABLE = Path(__file__).resolve().parent / "data" / "complaint_authorities.json"

# ISO 3166-2:DE subdivision codes (without the "DE-" prefix) with the Land's own name.
GERMAN_STATES = (
    ("BW", "Baden-Württemberg"),
    ("BY", "Bayern"),
    ("BE", "Berlin"),
    ("BB", "Brandenburg"),
    ("HB", "Bremen"),
    ("HH", "Hamburg"),
    ("HE", "Hessen"),
    ("MV", "Mecklenburg-Vorpommern"),
    ("NI", "Niedersachsen"),
    ("NW", "Nordrhein-Westfalen"),
    ("RP", "Rheinland-Pfalz"),
    ("SL", "Saarland"),
    ("SN", "Sachsen"),
    ("ST", "Sachsen-Anhalt"),
    ("SH", "Schleswig-Holstein"),
    ("TH", "Thüringen"),
)
# Countries whose complaint authority depends on the region of residence.
REGION_CHOICES = {"DE": GERMAN_STATES}


@dataclass(frozen=True)
class ComplaintAuthority:
    country: str
    region: str
    region_name: str
    name: str
    short_name: str
    address: str
    website: str


@cache
def _table() -> dict:
    with TABLE.open(encoding="utf-8") as handle:
        return json.load(handle)


def complaint_authority_for(country: str, region: str = "") -> ComplaintAuthority | None:
    """The authority for a resident of `country` (and `region` where it matters); None for a
    country outside the table. A German resident whose Land is unknown gets the federal
    authority, which forwards complaints to the competent Land authority."""
    country = (country or "").upper()
    table = _table()
    row = table["regions"].get(country, {}).get((region or "").upper())
    if row is not None:
        return ComplaintAuthority(country=country, region=region.upper(), **row)
    row = table["national"].get(country)
    if row is None:
        return None
    return ComplaintAuthority(country=country, region="", region_name="", **row)


def region_clean(country: str, region: str) -> str:
    """The region code to store: required and checked where it chooses the authority, blank
    elsewhere. Raises ValueError with the message to show."""
    country = (country or "").upper()
    region = (region or "").strip().upper()
    choices = REGION_CHOICES.get(country)
    if not choices:
        return ""
    if not region:
        raise ValueError(_("Choose the German state (Land) where you live: its authority handles complaints."))
    if region not in dict(choices):
        raise ValueError(_("Choose a German state (Land) from the list."))
    return region

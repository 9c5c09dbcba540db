"""The basis of each transfer of search results outside the EU/EEA (GDPR Chapter V; what an
access answer must state under Art. 15(2)), decided in one place from what is recorded per
recipient (Customer.transfer_*) and the Commission's adequacy decisions kept as data
(biometrics/data/adequacy_decisions.json). Nothing is assumed: a recipient outside the EEA with
no adequacy decision and no recorded safeguard or derogation is reported as having none.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

ADEQUACY_TABLE = Path(__file__).resolve().parent / "data" / "adequacy_decisions.json"

# EU member states and the other EEA countries: sending results there is no transfer.
EEA_COUNTRIES = frozenset(
    {
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
        "IS",
        "LI",
        "NO",
    }
)


class Basis:
    """What `Transfer.basis` may be (the recorded choices are Customer.TransferBasis)."""

    NOT_A_TRANSFER = "eea"  # the recipient is in the EU/EEA
    ADEQUACY = "adequacy"  # Art. 45, by the recipient's country
    ADEQUACY_IN_SCOPE = "adequacy_in_scope"  # Art. 45, a partial decision, recipient recorded as within it
    SCCS = "sccs"  # Art. 46(2)(c), signed on a recorded date
    DEROGATION = "derogation"  # Art. 49(1), the point and reason recorded
    NONE = "none"  # nothing covers it (or nothing is recorded)


@dataclass(frozen=True)
class Transfer:
    basis: str
    country: str
    scope: dict | None = None  # per letter language, for a partial adequacy decision
    scc_signed_on: date | None = None
    derogation: str = ""

    @property
    def outside_eea(self) -> bool:
        return self.basis != Basis.NOT_A_TRANSFER


@cache
def adequacy_decisions() -> dict[str, dict]:
    with ADEQUACY_TABLE.open(encoding="utf-8") as handle:
        return json.load(handle)["countries"]


def transfer_for(
    *, country: str, recorded: str = "", scc_signed_on: date | None = None, derogation: str = ""
) -> Transfer:
    """The basis that covers sending results to a recipient in `country`, given what is recorded
    for it: a full adequacy decision needs nothing recorded; a partial one (e.g. the United
    States' Data Privacy Framework) needs the recipient recorded as within its scope; otherwise
    standard contractual clauses with their date, or a derogation with its reason; else none."""
    country = (country or "").upper()
    if country in EEA_COUNTRIES:
        return Transfer(basis=Basis.NOT_A_TRANSFER, country=country)
    decision = adequacy_decisions().get(country)
    if decision is not None and not decision.get("scope"):
        return Transfer(basis=Basis.ADEQUACY, country=country)
    if decision is not None and recorded == Basis.ADEQUACY_IN_SCOPE:
        return Transfer(basis=Basis.ADEQUACY_IN_SCOPE, country=country, scope=dict(decision["scope"]))
    if recorded == Basis.SCCS and scc_signed_on:
        return Transfer(basis=Basis.SCCS, country=country, scc_signed_on=scc_signed_on)
    if recorded == Basis.DEROGATION and derogation.strip():
        return Transfer(basis=Basis.DEROGATION, country=country, derogation=derogation.strip())
    return Transfer(basis=Basis.NONE, country=country)


def transfer_of_customer(customer) -> Transfer:
    return transfer_for(
        country=customer.country,
        recorded=customer.transfer_basis,
        scc_signed_on=customer.transfer_scc_signed_on,
        derogation=customer.transfer_derogation,
    )

"""The basis of a transfer outside the EU/EEA (issue 16 item 4): decided in one place
(biometrics.transfers) from the Commission's adequacy decisions, kept as data, and what is
recorded per recipient; nothing is assumed."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from biometrics.models import Customer
from biometrics.transfers import Basis, adequacy_decisions, transfer_for
from compliance.reports.letters import transfer_statement
from compliance.reports.texts import LANGUAGES as LETTER_LANGUAGES


@pytest.mark.parametrize(
    ("country", "recorded", "expected"),
    [
        ("NL", "", Basis.NOT_A_TRANSFER),
        ("NO", "sccs", Basis.NOT_A_TRANSFER),  # EEA: no transfer whatever is recorded
        ("GB", "", Basis.ADEQUACY),  # an adequacy decision needs no clauses
        ("CH", "", Basis.ADEQUACY),
        ("JP", "none", Basis.ADEQUACY),
        ("US", "", Basis.NONE),  # the framework covers certified organisations only
        ("US", "adequacy_in_scope", Basis.ADEQUACY_IN_SCOPE),
        ("AU", "adequacy_in_scope", Basis.NONE),  # no decision for Australia to be within
        ("AU", "sccs", Basis.NONE),  # clauses without the date they were signed are not recorded
        ("AU", "derogation", Basis.NONE),  # nor a derogation without its reason
        ("AU", "", Basis.NONE),
    ],
)
def test_the_basis_follows_the_country_and_what_is_recorded(country, recorded, expected):
    assert transfer_for(country=country, recorded=recorded).basis == expected


def test_recorded_clauses_and_derogations_are_printed_as_recorded():
    clauses = transfer_for(country="AU", recorded="sccs", scc_signed_on=date(2024, 2, 29))
    assert clauses.basis == Basis.SCCS and clauses.outside_eea
    assert "signed on" in transfer_statement(clauses, "en") and "2024" in transfer_statement(clauses, "en")
    assert "ondertekend op 29 februari 2024" in transfer_statement(clauses, "nl")
    derogation = transfer_for(country="BR", recorded="derogation", derogation="Art. 49(1)(e): a legal claim")
    assert transfer_statement(derogation, "fr").endswith("Art. 49(1)(e): a legal claim")
    scoped = transfer_for(country="US", recorded="adequacy_in_scope")
    assert "Data Privacy Framework" in transfer_statement(scoped, "it")
    assert transfer_statement(transfer_for(country="AU"), "en").startswith("none")


def test_the_adequacy_table_lists_only_countries_with_a_decision():
    table = adequacy_decisions()
    assert {"GB", "CH", "JP", "KR", "US", "CA"} <= set(table)
    assert not {"AU", "CN", "RU", "IN"} & set(table)
    assert all(set(row["scope"]) == set(LETTER_LANGUAGES) for row in table.values() if "scope" in row)


@pytest.mark.django_db
def test_a_recipient_cannot_be_recorded_with_undated_clauses_or_an_unexplained_derogation():
    with pytest.raises(ValidationError) as invalid:
        Customer(name="X", kind="police", country="AU", transfer_basis="sccs").full_clean()
    assert "transfer_scc_signed_on" in invalid.value.message_dict
    with pytest.raises(ValidationError) as invalid:
        Customer(name="Y", kind="police", country="AU", transfer_basis="derogation").full_clean()
    assert "transfer_derogation" in invalid.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Customer.objects.create(name="Z", kind="police", country="AU", transfer_basis="sccs")

"""Importing other trackers' exports and spreadsheets (issue 15, "bring your own data").

The real TidyTuesday export is read from the shared data folder (SHARED_DATA_DIR), never copied
into the repository; the CSV, XLSX and JSON variants are written with tablib in tmp_path.
"""

import datetime as dt
import io
import re
import zipfile
from decimal import Decimal

import pytest
import tablib
from django.core.management import CommandError, call_command

from enforcement.dates import DatePrecision
from enforcement.models import ArticleReference, Authority, Case, ChangeRecord, Decision, Fine, Source
from enforcement.services.import_parse import ImportValidationError
from enforcement.services.tabular_import import TabularFileError, tabular_dataset_load, tabular_import
from enforcement.services.tabular_parse import mapping_load, parse_provisions

TODAY = dt.date(2025, 6, 1)
TIDY = "gdpr_violations_tidytuesday.tsv"
MALFORMED_TIDY_ROWS = {"89", "99", "229", "246"}  # see the file's SOURCE.md


def tidy_dataset(shared_data_dir) -> tablib.Dataset:
    return tabular_dataset_load(content=(shared_data_dir / TIDY).read_bytes(), file_name=TIDY)


def structured(decision: Decision) -> list[tuple]:
    return sorted(
        (a.instrument, a.article, a.paragraph, a.point, a.role)
        for a in decision.articles.all()
        if a.article is not None or a.instrument
    )


# --- the real export -----------------------------------------------------------------------------


def expected_tidy(values: dict) -> dict:
    """What a correct import of one TidyTuesday row holds, derived independently of the importer:
    the country by its English name, the date as MM/DD/YYYY (01/01/1970 = unknown), the price in
    EUR (0 = not stated) and the number of '|'-separated article entries naming a GDPR article."""
    countries = {"Czech Republic": "CZ", "United Kingdom": "GB"}
    from enforcement.currencies import COUNTRY_NAMES

    countries |= {name: code for code, name in COUNTRY_NAMES.items()}
    date = None if values["date"] == "01/01/1970" else dt.datetime.strptime(values["date"], "%m/%d/%Y").date()
    price = Decimal(values["price"])
    return {
        "country": countries[values["name"]],
        "date": date,
        "amount": price or None,
        "gdpr_articles": sorted({int(n) for n in re.findall(r"Art\.?\s*(\d+)", values["article_violated"])}),
    }


def test_tidytuesday_export_imports_at_least_240_rows_correctly_and_reports_every_other(db, shared_data_dir):
    dataset = tidy_dataset(shared_data_dir)
    report = tabular_import(
        dataset=dataset, mapping=mapping_load("tidytuesday"), source_name=TIDY, keep_valid=True, today=TODAY
    )

    assert report.rows == 250
    assert {row.number for row in report.rejected} == MALFORMED_TIDY_ROWS
    reasons = {row.number: row.reason for row in report.rejected}
    assert "source: not a URL" in reasons["89"]
    assert "names no article and no law" in reasons["99"]
    assert "swapped" in reasons["229"]
    assert "controller: holds a URL" in reasons["246"]
    assert report.imported + report.merged == 250 - len(MALFORMED_TIDY_ROWS)

    checked = merged = 0
    for values in dataset.dict:
        if values["id"] in MALFORMED_TIDY_ROWS:
            continue
        expected = expected_tidy(values)
        key = f"tidytuesday:gdpr_violations_tidytuesday:{values['id']}"
        decision = Decision.objects.filter(import_key=key).first()
        if decision is None:  # merged: its source sits on the decision it duplicates, which says so
            decision = Source.objects.get(url=values["source"].strip()).decision
            assert f"row {values['id']}" in decision.verification_notes["duplicates"]
            merged += 1
        authority = decision.case.authority
        assert authority.country == expected["country"], values["id"]
        assert decision.decision_date == expected["date"], values["id"]
        expected_precision = DatePrecision.UNKNOWN if expected["date"] is None else DatePrecision.DAY
        assert decision.decision_date_precision == expected_precision
        assert [f.amount for f in decision.fines.all()] == ([expected["amount"]] if expected["amount"] else [])
        articles = sorted({a.article for a in decision.articles.all() if a.article})
        assert set(expected["gdpr_articles"]) <= set(articles) if decision.import_key != key else True, values["id"]
        assert articles == expected["gdpr_articles"] or decision.verification_notes.get("duplicates"), values["id"]
        checked += 1
    assert checked >= 240 and merged == report.merged == 3

    # Authorities come from the alias table, linked across spellings and typos.
    aepd = Authority.objects.get(slug="es-aepd")
    assert (aepd.name, aepd.country) == ("Agencia Española de Protección de Datos", "ES")
    assert Case.objects.filter(authority__slug="cz-uoou").count() == 13  # incl. 'Auhtority'
    assert Authority.objects.get(slug="de-bw-lfdi-bw").subdivision == "BW"
    # Row 2: 'Art. 12 GDPR|Art. 13 GDPR|Art. 5 (1) c) GDPR|Art. 6 GDPR'.
    row2 = Decision.objects.get(import_key="tidytuesday:gdpr_violations_tidytuesday:2")
    assert structured(row2) == [("", 5, 1, "c", "violated"), ("", 6, None, "", "violated"),
                                ("", 12, None, "", "violated"), ("", 13, None, "", "violated")]  # fmt: skip
    # No HTML entity or tag survives in any text.
    for text in Case.objects.values_list("summary", flat=True):
        assert "&#" not in text and "<strong>" not in text and "&amp;" not in text
    # Every euro of the valid rows is there once; a 0 price is a decision without a fine.
    prices = [Decimal(v["price"]) for v in dataset.dict if v["id"] not in MALFORMED_TIDY_ROWS]
    merged_prices = [
        Decimal(v["price"])
        for v in dataset.dict
        if not Decision.objects.filter(import_key=f"tidytuesday:gdpr_violations_tidytuesday:{v['id']}").exists()
        and v["id"] not in MALFORMED_TIDY_ROWS
    ]
    assert sum(Fine.objects.values_list("amount", flat=True)) == sum(prices) - sum(merged_prices)
    not_stated = Decision.objects.filter(import_key__startswith="tidytuesday:", fines__isnull=True)
    assert not_stated.count() == sum(1 for v in dataset.dict if v["price"] == "0" and v["id"] not in {"99"})
    assert all("Amount not stated" in d.verification_notes["fines"] for d in not_stated)
    assert not Fine.objects.filter(amount=0).exists()


def test_tidytuesday_export_is_all_or_nothing_by_default(db, shared_data_dir):
    with pytest.raises(ImportValidationError) as caught:
        tabular_import(dataset=tidy_dataset(shared_data_dir), mapping=mapping_load("tidytuesday"), today=TODAY)
    lines = [str(error) for error in caught.value.errors]
    assert any(line.startswith("row 89, field source: not a URL") for line in lines)
    assert any(line.startswith("row 229, field authority: ") for line in lines)
    assert {error.row for error in caught.value.errors} == MALFORMED_TIDY_ROWS
    assert not Case.objects.exists() and not Authority.objects.exists()


def test_importing_the_export_again_changes_nothing(db, shared_data_dir):
    mapping = mapping_load("tidytuesday")
    tabular_import(dataset=tidy_dataset(shared_data_dir), mapping=mapping, source_name=TIDY, keep_valid=True)
    counts = (Case.objects.count(), Fine.objects.count(), Source.objects.count(), ChangeRecord.objects.count())
    again = tabular_import(dataset=tidy_dataset(shared_data_dir), mapping=mapping, source_name=TIDY, keep_valid=True)
    assert again.imported == 0
    assert (Case.objects.count(), Fine.objects.count(), Source.objects.count(), ChangeRecord.objects.count()) == counts


def test_command_report_mode_writes_every_rejected_row(db, shared_data_dir, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    rejected = tmp_path / "rejected.csv"
    call_command(
        "import_enforcement",
        str(shared_data_dir / TIDY),
        mapping="tidytuesday",
        report=rejected,
        stdout=out,
        stderr=err,
    )
    assert "4 rejected" in out.getvalue()
    assert "250/250" in err.getvalue()  # the progress bar
    rows = tablib.Dataset().load(rejected.read_text(encoding="utf-8"), format="csv").dict
    assert {row["row"] for row in rows} == MALFORMED_TIDY_ROWS
    assert all(row["reason"] for row in rows)
    assert Case.objects.count() >= 240


def test_command_without_report_imports_nothing_and_prints_row_field_reason(db, shared_data_dir):
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_enforcement", str(shared_data_dir / TIDY), mapping="tidytuesday", stderr=err)
    assert "row 246, field controller: holds a URL" in err.getvalue()
    assert not Case.objects.exists()


# --- own spreadsheets: CSV, XLSX and JSON --------------------------------------------------------

HEADERS = ["id", "country", "authority", "date", "respondent", "amount", "currency", "articles", "source", "summary"]
ROWS = [
    ["1", "Deutschland", "Data Protection Authority of Hamburg", "18.10.2019", "Acme GmbH", "1.250.000,50", "EUR",
     "Art. 5 (1) c) GDPR, Art. 32 (2), (4) GDPR, Art. 11 Law 3471/2006", "https://example.org/a",
     "Acme&#8217;s <strong>cameras</strong> &#8211; fined"],
    ["2", "Espagne", "Spanish Data Protection Authority (AEPD)", "10/16/2019", "Xfera", "60000", "",
     "Art. 12 GDPR|Art. 13 GDPR", "https://example.org/b", "x"],
    ["3", "pl", "UODO", "2021", "Bisnode", "0", "EUR", "Art. 14 GDPR", "https://example.org/c", "no amount yet"],
    ["4", "Nederland", "Autoriteit Persoonsgegevens", "2020-03-05", "Clinic B.V.", "440000", "EUR",
     "Art. 32 GDPR", "https://example.org/d", ""],
    # The same decision as row 2 from another source: merged, both sources kept.
    ["5", "España", "AEPD", "10/16/2019", "Xfera", "60000", "EUR", "Art. 13 GDPR", "https://example.org/e", ""],
    ["6", "Magyarország", "Brand-new Authority of Hungary", "2019-12-01", "Kft", "20000", "HUF", "Art. 6 GDPR",
     "https://example.org/f", ""],
]  # fmt: skip


def write_variant(tmp_path, fmt: str, rows=ROWS) -> tuple[bytes, str]:
    dataset = tablib.Dataset(*[tuple(row) for row in rows], headers=HEADERS)
    data = dataset.export(fmt)
    content = data if isinstance(data, bytes) else data.encode("utf-8")
    (tmp_path / f"fines.{fmt}").write_bytes(content)
    return content, f"fines.{fmt}"


@pytest.mark.parametrize("fmt", ["csv", "tsv", "xlsx", "json"])
def test_spreadsheet_variants_import_the_same_facts(db, tmp_path, fmt):
    content, name = write_variant(tmp_path, fmt)
    report = tabular_import(
        dataset=tabular_dataset_load(content=content, file_name=name),
        mapping=mapping_load("standard"),
        source_name=name,
        today=TODAY,
    )
    assert (report.imported, report.merged, len(report.rejected)) == (5, 1, 0)

    hamburg = Decision.objects.get(import_key="standard:fines:1")
    assert hamburg.case.authority.slug == "de-hmbbfdi"
    assert (hamburg.decision_date, hamburg.decision_date_precision) == (dt.date(2019, 10, 18), "day")
    assert hamburg.fines.get().amount == Decimal("1250000.50")
    assert structured(hamburg) == [
        ("", 5, 1, "c", "violated"),
        ("", 32, 2, "", "violated"),
        ("", 32, 4, "", "violated"),
        ("Law 3471/2006", None, None, "", "violated"),
    ]
    national = hamburg.articles.get(article=None)
    assert national.label == "Art. 11 Law 3471/2006"
    assert hamburg.case.summary == "Acme’s cameras – fined"

    aepd = Decision.objects.get(import_key="standard:fines:2")
    assert aepd.case.authority.country == "ES" and aepd.decision_date == dt.date(2019, 10, 16)
    assert aepd.fines.get().currency == "EUR"  # the mapping's currency for an empty cell
    assert sorted(aepd.sources.values_list("url", flat=True)) == ["https://example.org/b", "https://example.org/e"]
    assert not Decision.objects.filter(import_key="standard:fines:5").exists()

    year_only = Decision.objects.get(import_key="standard:fines:3")
    assert (year_only.decision_date, year_only.decision_date_precision) == (dt.date(2021, 1, 1), "year")
    assert year_only.case.authority.country == "PL" and not year_only.fines.exists()

    assert Decision.objects.get(import_key="standard:fines:4").case.authority.slug == "nl-ap-dutch-dpa"
    created = Authority.objects.get(name="Brand-new Authority of Hungary")
    assert (created.country, created.kind) == ("HU", Authority.Kind.EU_EEA_DPA)
    huf = Fine.objects.get(decision__import_key="standard:fines:6")
    assert huf.currency == "HUF" and huf.amount_eur is None  # no HUF rate in the table: unconverted, not guessed
    # History and the case list columns as the record services write them.
    assert ChangeRecord.objects.filter(case=hamburg.case, action=ChangeRecord.Action.CREATE).count() == 8
    assert hamburg.case.__class__.objects.get(pk=hamburg.case.pk).fines_eur_total == Decimal("1250000.50")
    assert not Case.objects.filter(published=True).exists()


def test_a_duplicate_of_a_stored_decision_adds_its_source(db, tmp_path):
    mapping = mapping_load("standard")
    content, name = write_variant(tmp_path, "csv", ROWS[1:2])
    tabular_import(
        dataset=tabular_dataset_load(content=content, file_name=name), mapping=mapping, source_name=name, today=TODAY
    )
    other = [["77", "ES", "AEPD", "2019-10-16", "Xfera", "60000", "EUR", "Art. 6 GDPR", "https://other.example/x", ""]]
    content, _ = write_variant(tmp_path, "csv", other)
    report = tabular_import(
        dataset=tabular_dataset_load(content=content, file_name="other.csv"), mapping=mapping, today=TODAY
    )
    assert report.merged == 1 and Decision.objects.count() == 1
    assert Source.objects.filter(decision__import_key="standard:fines:2").count() == 2


def test_unknown_dates_and_respondents_are_never_merged(db, tmp_path):
    rows = [
        ["1", "ES", "AEPD", "", "Unknown", "1000", "EUR", "Art. 6 GDPR", "https://example.org/1", ""],
        ["2", "ES", "AEPD", "", "Unknown", "1000", "EUR", "Art. 6 GDPR", "https://example.org/2", ""],
    ]
    content, name = write_variant(tmp_path, "csv", rows)
    report = tabular_import(
        dataset=tabular_dataset_load(content=content, file_name=name),
        mapping=mapping_load("standard"),
        source_name=name,
        today=TODAY,
    )
    assert (report.imported, report.merged) == (2, 0)


def test_bad_rows_name_row_field_and_reason_and_report_mode_keeps_the_good_ones(db, tmp_path):
    rows = [
        ROWS[0],
        ["2", "Atlantis", "AEPD", "2031-01-01", "X", "-5", "EUR", "Art. 6 GDPR", "https://example.org/x", ""],
        ["3", "ES", "AEPD", "31/31/2019", "Y", "abc", "XXX", "Failure to inform", "not a url", ""],
        ["4", "ES", "AEPD", "1899", "Z", "10", "EUR", "Art. 6 GDPR", "https://example.org/z", ""],
    ]
    content, name = write_variant(tmp_path, "csv", rows)
    dataset = tabular_dataset_load(content=content, file_name=name)
    with pytest.raises(ImportValidationError) as caught:
        tabular_import(dataset=dataset, mapping=mapping_load("standard"), today=TODAY)
    lines = [str(error) for error in caught.value.errors]
    for expected in (
        "row 2, field country: 'Atlantis' is not a country",
        "row 2, field date: The decision date (1 Jan 2031) is in the future",
        "row 2, field amount: -5 is negative",
        "row 3, field date: '31/31/2019' is not a date",
        "row 3, field amount: 'abc' is not an amount",
        "row 3, field currency: 'XXX' is not an ISO 4217",
        "row 3, field articles: 'Failure to inform' names no article",
        "row 3, field source: not a URL",
        "row 4, field date: The decision date (1899) is before 1970",
    ):
        assert any(line.startswith(expected) for line in lines), expected
    assert not Case.objects.exists()

    report = tabular_import(dataset=dataset, mapping=mapping_load("standard"), keep_valid=True, today=TODAY)
    assert report.imported == 1 and [row.number for row in report.rejected] == ["2", "3", "4"]


def test_a_row_the_database_refuses_is_named_and_the_batch_goes_in_row_by_row(db, tmp_path, staff_user):
    content, name = write_variant(tmp_path, "csv")
    first = tabular_import(
        dataset=tabular_dataset_load(content=content, file_name=name),
        mapping=mapping_load("standard"),
        source_name=name,
        today=TODAY,
    )
    taken = Decision.objects.get(import_key="standard:fines:4").case
    Decision.objects.filter(case=taken).delete()  # the case reference stays taken
    assert first.imported == 5
    report = tabular_import(
        dataset=tabular_dataset_load(content=content, file_name=name),
        mapping=mapping_load("standard"),
        source_name=name,
        keep_valid=True,
        today=TODAY,
    )
    assert [(row.number, row.errors[0].field) for row in report.rejected] == [("4", "reference")]
    assert report.unchanged == 4


def test_spreadsheet_dates_and_numbers_arrive_typed(db):
    dataset = tablib.Dataset(headers=HEADERS)
    dataset.append([1, "FR", "CNIL", dt.datetime(2022, 10, 17), "Clearview AI", 20000000, "EUR", "Art. 6 GDPR", "", ""])
    buffer = dataset.export("xlsx")
    report = tabular_import(
        dataset=tabular_dataset_load(content=buffer, file_name="typed.xlsx"),
        mapping=mapping_load("standard"),
        source_name="typed.xlsx",
    )
    decision = Decision.objects.get(import_key="standard:typed:1")
    assert report.imported == 1 and decision.decision_date == dt.date(2022, 10, 17)
    assert decision.fines.get().amount == Decimal("20000000")


# --- files that are not what they say ------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"not a zip at all", "fines.xlsx", "not an XLSX workbook"),
        (b"PK\x03\x04broken", "fines.xlsx", "cannot be read as XLSX"),
        (b"\xff\xfe\x00garbage", "fines.csv", "not UTF-8"),
        (b'[{"a": 1', "fines.json", "cannot be read as JSON"),
        (b"a,b\n1,2\n", "fines.exe", "use a .csv, .tsv, .xlsx or .json file"),
    ],
)
def test_corrupt_or_wrong_files_get_a_clear_message(content, name, message):
    with pytest.raises(TabularFileError, match=message):
        tabular_dataset_load(content=content, file_name=name)


def test_an_xlsx_that_is_another_zip_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(TabularFileError, match="cannot be read as XLSX"):
        tabular_dataset_load(content=buffer.getvalue(), file_name="fines.xlsx")


def test_a_mapped_column_missing_from_the_file_rejects_the_file(db):
    dataset = tablib.Dataset(["1", "FR"], headers=["id", "country"])
    with pytest.raises(ImportValidationError, match="row -, field authority: no such column"):
        tabular_import(dataset=dataset, mapping=mapping_load("standard"))


# --- provisions ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Art. 5 (1) c) GDPR, Art. 32 (2), (4) GDPR, Art. 11 Law 3471/2006",
         [("", 5, 1, "c"), ("", 32, 2, ""), ("", 32, 4, ""), ("Law 3471/2006", None, None, "")]),
        ("Art. 12 GDPR|Art. 13 GDPR", [("", 12, None, ""), ("", 13, None, "")]),
        ("Art.14 of the GDPR", [("", 14, None, "")]),
        ("Art 6 (1) GDPR", [("", 6, 1, "")]),
        ("Art. 6 (4) GDRP", [("", 6, 4, "")]),
        ("Art. 5 (1) a), (2) GDPR", [("", 5, 1, "a"), ("", 5, 2, "")]),
        ("Art. 32 GDPR\t", [("", 32, None, "")]),
        ("Data Protection Act 2018", [("Data Protection Act 2018", None, None, "")]),
    ],
)  # fmt: skip
def test_article_strings_become_structured_provisions(text, expected):
    parsed = parse_provisions(text, mapping_load("standard"))
    assert [(p.instrument, p.article, p.paragraph, p.point) for p in parsed.provisions] == expected


def test_fining_and_corrective_power_articles_are_legal_bases():
    parsed = parse_provisions("Art 58 (2) e) GDPR|Art 83 (5) a) GDPR|Art. 5 GDPR", mapping_load("tidytuesday"))
    assert [(p.article, p.point, p.role) for p in parsed.provisions] == [
        (58, "e", "legal_basis"),
        (83, "a", "legal_basis"),
        (5, "", "violated"),
    ]


def test_unknown_articles_are_marked_not_invented():
    parsed = parse_provisions("Unknown", mapping_load("tidytuesday"))
    assert parsed.unknown and parsed.provisions == []
    with pytest.raises(ValueError, match="names no article"):
        parse_provisions("Failure to implement sufficient measures", mapping_load("tidytuesday"))


def test_article_references_keep_the_text_as_found(db, tmp_path):
    content, name = write_variant(tmp_path, "csv", ROWS[:1])
    tabular_import(
        dataset=tabular_dataset_load(content=content, file_name=name),
        mapping=mapping_load("standard"),
        source_name=name,
    )
    labels = set(ArticleReference.objects.values_list("label", flat=True))
    assert labels == {"Art. 5 (1) c) GDPR", "Art. 32 (2), (4) GDPR", "Art. 11 Law 3471/2006"}

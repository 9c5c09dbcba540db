"""Importing a 10,000-row spreadsheet of fines (issue 15, "bring your own data"): time, rows/s and
peak memory, PASS/FAIL against 60 s.

    python -m benchmarks.import_enforcement [--rows 10000] [--seed 15]

Steps:
1. A fresh SQLite database in a temporary DATA_DIR is migrated (the zero-configuration setup).
2. An XLSX file in the `standard` mapping's columns is generated with tablib, shaped like real
   exports: 30 authorities (names as trackers write them, in their countries), clustered
   respondents (a few hundred companies fined repeatedly, look-alike names), dates in all four
   formats (ISO, DD.MM.YYYY, MM/DD/YYYY, year only), amounts with thousands separators, 5 % at 0
   (not stated), 3 % exact duplicates of an earlier row with another source URL, HTML entities in
   summaries and multi-article strings ('Art. 5 (1) c) GDPR, Art. 32 (2), (4) GDPR, ...').
3. `tabular_import` reads the file and imports it in one run; the wall time, rows/s and the peak
   resident memory of the process (resource.getrusage) are printed; `--tracemalloc` adds the
   peak Python allocations (and makes the run about twice as slow).
"""

import argparse
import os
import random
import resource
import sys
import tempfile
import time
import tracemalloc

TARGET_SECONDS = 60
AUTHORITIES = [
    ("ES", "Spanish Data Protection Authority (AEPD)"),
    ("RO", "Romanian National Supervisory Authority for Personal Data Processing (ANSPDCP)"),
    ("DE", "Data Protection Authority of Hamburg"),
    ("DE", "Data Protection Authority of Baden-Wuerttemberg"),
    ("FR", "CNIL"),
    ("IT", "Garante"),
    ("NL", "AP"),
    ("GB", "ICO"),
    ("PL", "UODO"),
    ("HU", "NAIH"),
    ("BG", "KZLD"),
    ("CZ", "UOOU"),
    ("GR", "HDPA"),
    ("BE", "APD"),
    ("AT", "DSB"),
    ("SE", "IMY"),
    ("NO", "Datatilsynet"),
    ("DK", "Datatilsynet"),
    ("PT", "CNPD"),
    ("HR", "AZOP"),
    ("LT", "VDAI"),
    ("LV", "DVI"),
    ("CY", "Cypriot Data Protection Commissioner"),
    ("SK", "Slovak Data Protection Office"),
    ("MT", "IDPC"),
    ("IS", "Persónuvernd"),
    ("FI", "Office of the Data Protection Ombudsman"),
    ("IE", "Data Protection Commission"),
    ("LU", "CNPD Luxembourg"),
    ("SI", "Information Commissioner of Slovenia"),
]
COUNTRY_SPELLINGS = {"DE": ["DE", "Germany", "Deutschland"], "ES": ["Spain", "España", "ES"], "FR": ["France", "fr"]}
ARTICLES = [
    "Art. 5 (1) c) GDPR, Art. 32 (2), (4) GDPR, Art. 11 Law 3471/2006",
    "Art. 12 GDPR|Art. 13 GDPR",
    "Art. 6 GDPR",
    "Art. 5 (1) a) GDPR|Art. 6 (1) GDPR|Art. 83 (5) a) GDPR",
    "Art. 32 GDPR",
    "Data Protection Act 2018",
]


def generate(rows: int, seed: int):
    import tablib

    rng = random.Random(seed)
    companies = [f"{rng.choice(['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli'])} {i} {suffix}"
                 for i in range(400) for suffix in ["S.A."]]  # fmt: skip
    headers = [
        "id",
        "country",
        "authority",
        "date",
        "respondent",
        "amount",
        "currency",
        "articles",
        "source",
        "summary",
    ]
    data = []
    for number in range(1, rows + 1):
        if data and rng.random() < 0.03:  # the same decision reported by another source
            copy = list(rng.choice(data))
            copy[0], copy[8] = str(number), f"https://other-tracker.example/{number}"
            data.append(copy)
            continue
        country, authority = rng.choice(AUTHORITIES)
        day = rng.randrange(2018 * 366, 2025 * 365) // 366, rng.randrange(1, 13), rng.randrange(1, 29)
        date_format = rng.choice(["{0:04d}-{1:02d}-{2:02d}", "{2:02d}.{1:02d}.{0:04d}", "{1:02d}/{2:02d}/{0:04d}",
                                  "{0:04d}"])  # fmt: skip
        amount = 0 if rng.random() < 0.05 else rng.choice([1000, 2500, 20000, 75000, 1250000]) * rng.randrange(1, 9)
        data.append(
            [
                str(number),
                rng.choice(COUNTRY_SPELLINGS.get(country, [country])),
                authority,
                date_format.format(*day),
                rng.choice(companies),
                f"{amount:,}" if rng.random() < 0.5 else str(amount),
                "EUR",
                rng.choice(ARTICLES),
                f"https://dpa.example/{country.lower()}/{number}",
                "The controller&#8217;s <strong>cameras</strong> &#8211; no legal basis &amp; no notice.",
            ]
        )
    return tablib.Dataset(*[tuple(row) for row in data], headers=headers).export("xlsx")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=15)
    # tracemalloc slows allocation-heavy code about twofold: off for the timed run by default.
    parser.add_argument("--tracemalloc", action="store_true", help="also trace Python allocations (slower)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as data_dir:
        os.environ["DATA_DIR"] = data_dir
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        os.environ.setdefault("DJANGO_DEBUG", "1")
        import django

        django.setup()
        from django.core.management import call_command

        from enforcement.services.tabular_import import tabular_dataset_load, tabular_import
        from enforcement.services.tabular_parse import mapping_load

        call_command("migrate", verbosity=0)
        content = generate(args.rows, args.seed)
        print(f"generated {args.rows} rows as XLSX ({len(content) / 1e6:.1f} MB), mapping 'standard', SQLite")
        if args.tracemalloc:
            tracemalloc.start()
        started = time.perf_counter()
        dataset = tabular_dataset_load(content=content, file_name="bench.xlsx")
        read = time.perf_counter() - started
        report = tabular_import(dataset=dataset, mapping=mapping_load("standard"), source_name="bench.xlsx")
        elapsed = time.perf_counter() - started
        peak_alloc = tracemalloc.get_traced_memory()[1] if args.tracemalloc else 0
        tracemalloc.stop()
        peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        for line in report.lines():
            print(line)
        print(f"read XLSX: {read:.1f} s; total: {elapsed:.1f} s; {args.rows / elapsed:.0f} rows/s")
        if args.tracemalloc:
            print(f"peak Python allocations (tracemalloc): {peak_alloc / 1e6:.0f} MB")
        print(f"peak RSS of the process: {peak_rss:.0f} MB")
        ok = elapsed < TARGET_SECONDS
        print(f"{'PASS' if ok else 'FAIL'}: {elapsed:.1f} s against the {TARGET_SECONDS} s target")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

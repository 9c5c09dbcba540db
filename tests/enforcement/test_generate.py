import io

import pytest
from django.core.management import CommandError, call_command

from enforcement import demo
from enforcement.models import Case, Decision, Fine
from enforcement.services import case_refresh_summary, fine_refresh_eur
from enforcement.services.generate import cases_generate

pytestmark = pytest.mark.django_db


def test_generate_cases_command_creates_consistent_cases():
    out, err = io.StringIO(), io.StringIO()
    call_command("generate_cases", "120", "--seed", "7", "--batch-size", "50", stdout=out, stderr=err)
    assert "Created 120 synthetic cases" in out.getvalue()
    assert "120/120" in err.getvalue()  # tqdm progress bar
    assert Case.objects.filter(reference__startswith="gen-7-").count() == 120
    assert Decision.objects.count() >= 120
    assert Fine.objects.exists()
    # Denormalised columns and EUR equivalents equal what the services compute.
    for case in Case.objects.all()[:40]:
        total, latest = case.fines_eur_total, case.latest_decision_date
        for fine in Fine.objects.filter(decision__case=case).select_related("decision"):
            before = (fine.amount_eur, fine.eur_rate_id)
            fine_refresh_eur(fine=fine)
            assert (fine.amount_eur, fine.eur_rate_id) == before
        case_refresh_summary(case=case)
        assert (case.fines_eur_total, case.latest_decision_date) == (total, latest)


def test_generation_is_deterministic_and_refuses_duplicates():
    cases_generate(count=30, seed=3, prefix="a")
    first = list(
        Case.objects.filter(reference__startswith="a-3-").values_list("public_id", "fines_eur_total", "status")
    )
    Case.objects.all().delete()
    cases_generate(count=30, seed=3, prefix="a")
    again = list(
        Case.objects.filter(reference__startswith="a-3-").values_list("public_id", "fines_eur_total", "status")
    )
    assert first == again
    with pytest.raises(CommandError, match="exist already"):
        call_command("generate_cases", "5", "--seed", "3", "--prefix", "a", "--no-progress")
    with pytest.raises(CommandError):
        call_command("generate_cases", "0")


def test_demo_load_is_idempotent():
    out = io.StringIO()
    demo.load(stdout=out)
    assert "loaded" in out.getvalue()
    counts = (Case.objects.count(), Decision.objects.count(), Fine.objects.count())
    out = io.StringIO()
    demo.load(stdout=out)
    assert "already loaded" in out.getvalue()
    # 6 fines: the CNIL liquidation of 2023 is a penalty payment, not a fine (issue 15 item 2).
    assert (Case.objects.count(), Decision.objects.count(), Fine.objects.count()) == counts == (14, 15, 6)

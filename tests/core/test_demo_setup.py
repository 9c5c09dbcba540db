import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from biometrics import demo as biometrics_demo
from biometrics.models import Customer
from core.services import DEMO_LOADERS, demo_loader_register, demo_loaders
from enforcement import demo as enforcement_demo
from enforcement.models import Decision, Fine


@pytest.mark.django_db
def test_demo_setup_is_idempotent_and_prints_passwords_once(capsys):
    call_command("demo_setup", "--no-data")
    first = capsys.readouterr().out
    assert "staff" in first and "password:" in first
    call_command("demo_setup", "--no-data")
    second = capsys.readouterr().out
    assert "password:" not in second
    assert get_user_model().objects.filter(username__in=["staff", "auditor"]).count() == 2
    staff = get_user_model().objects.get(username="staff")
    assert list(staff.groups.values_list("name", flat=True)) == ["DPA staff"]


@pytest.mark.django_db
def test_demo_setup_loads_every_registered_apps_data_in_order(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("FACES_DIR", str(tmp_path))  # no shared photos: the store gets customers only
    call_command("demo_setup")
    out = capsys.readouterr().out
    assert Decision.objects.exists() and Fine.objects.exists()
    assert Customer.objects.count() == 4
    assert out.index("Enforcement demo data") < out.index("biometrics: 4 customers")


def test_the_demo_loaders_are_registered_once_in_an_explicit_order():
    # compliance has no demo data (there never was a compliance.demo module).
    assert [loader.name for loader in demo_loaders()] == ["enforcement", "biometrics"]
    assert DEMO_LOADERS["enforcement"].load is enforcement_demo.load
    assert DEMO_LOADERS["biometrics"].load is biometrics_demo.load
    with pytest.raises(ImproperlyConfigured, match="registered twice"):
        demo_loader_register(name="biometrics", order=1, load=enforcement_demo.load)
    assert DEMO_LOADERS["biometrics"].load is biometrics_demo.load

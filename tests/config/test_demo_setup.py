import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command


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

import pytest
from django.urls import reverse

from core.roles import Perm, Role, can, role_of


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is True


@pytest.mark.django_db
def test_healthz_is_503_when_broker_is_unreachable(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is False


@pytest.mark.django_db
def test_home_page_renders_for_anonymous(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Staff log in" in response.content


@pytest.mark.django_db
def test_roles(staff_user, auditor_user, outsider_user, inactive_staff_user, django_user_model):
    assert role_of(staff_user) is Role.STAFF
    assert role_of(auditor_user) is Role.AUDITOR
    assert role_of(outsider_user) is Role.OUTSIDER
    assert role_of(inactive_staff_user) is Role.ANONYMOUS
    assert can(staff_user, Perm.EDIT) and not can(auditor_user, Perm.EDIT)
    assert can(auditor_user, Perm.EXPORT) and not can(outsider_user, Perm.VIEW_INTERNAL)


@pytest.mark.django_db
def test_login_page_and_wrong_password(client, staff_user):
    response = client.post(reverse("login"), {"username": "stella_staff", "password": "wrong"})
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content
    response = client.post(reverse("login"), {"username": "stella_staff", "password": "correct horse battery"})
    assert response.status_code == 302


@pytest.mark.django_db
def test_static_files_are_served_locally(client):
    response = client.get("/")
    html = response.content.decode()
    assert "/static/css/app.css" in html or "/static/css/app." in html
    assert "http://" not in html.split("<body")[0].replace("http://www.w3.org", "")
    assert "https://" not in html.split("<body")[0]

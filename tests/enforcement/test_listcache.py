"""The list aggregates cache (enforcement.listcache): never a figure computed from data that has
since changed, whichever way the data was written."""

import re
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from enforcement import listcache
from enforcement.models import Case, Fine, Sector
from enforcement.services import case_refresh_summary, fine_refresh_eur
from enforcement.services.records import fine_update
from tests.enforcement.factories import CaseFactory, FineFactory

pytestmark = pytest.mark.django_db

TOTALS = "/api/v1/cases/totals/"


def totals(client, **params) -> dict:
    response = client.get(TOTALS, params)
    assert response.status_code == 200
    return response.json()


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def fines():
    made = [FineFactory(amount=Decimal("1000.00")), FineFactory(amount=Decimal("2500.00"))]
    for fine in made:
        fine_refresh_eur(fine=fine)
        case_refresh_summary(case=fine.decision.case)
    return made


def test_every_enforcement_table_replaces_the_data_version_when_written():
    # A model added without install_triggers in its migration would let stale figures through.
    assert listcache.tables_without_trigger() == []


def test_orm_bulk_and_raw_writes_each_replace_the_version(fines):
    seen = {listcache.data_version()}
    fines[0].save()
    seen.add(listcache.data_version())
    Fine.objects.filter(pk=fines[1].pk).update(payment_status=Fine.PaymentStatus.PAID)
    seen.add(listcache.data_version())
    with connection.cursor() as cursor:
        cursor.execute("UPDATE enforcement_case SET title = 'raw' WHERE id = %s", [fines[0].decision.case_id])
    seen.add(listcache.data_version())
    Case.objects.filter(pk=fines[1].decision.case_id).delete()
    seen.add(listcache.data_version())
    assert None not in seen
    assert len(seen) == 5


def test_a_rolled_back_write_restores_the_version_with_the_data(fines):
    before = listcache.data_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        Fine.objects.filter(pk=fines[0].pk).update(amount=Decimal("9"))
        assert listcache.data_version() != before
        raise RuntimeError("roll back")
    assert listcache.data_version() == before


def test_totals_follow_a_fine_edited_through_the_service(api, fines, staff_user):
    assert totals(api)["total_eur"] == "3500.00"
    assert totals(api)["total_eur"] == "3500.00"  # served from the cache
    fine_update(fine=fines[0], user=staff_user, data={"amount": Decimal("4000.00")})
    assert totals(api)["total_eur"] == "6500.00"


def test_counts_and_facets_follow_writes_that_bypass_the_orm_models(api, fines):
    first = totals(api)
    assert first["count"] == 2
    assert api.get("/api/v1/cases/").json()["count"] == 2
    health = {f["value"]: f["count"] for f in first["facets"]["sector"]}[Sector.HEALTH]
    Case.objects.filter(pk=fines[0].decision.case_id).update(sector=Sector.HEALTH)
    CaseFactory()
    after = totals(api)
    assert after["count"] == 3
    assert api.get("/api/v1/cases/").json()["count"] == 3
    assert {f["value"]: f["count"] for f in after["facets"]["sector"]}[Sector.HEALTH] == health + 1


def eur_total_shown(client) -> str:
    page = client.get(reverse("enforcement:case_list")).content.decode()
    return re.search(r'data-testid="eur-total">([^<]*)<', page).group(1)


def test_the_html_list_shows_the_new_total_after_an_edit(staff_client, fines, staff_user):
    assert eur_total_shown(staff_client) == "EUR 3,500"
    assert eur_total_shown(staff_client) == "EUR 3,500"
    fine_update(fine=fines[1], user=staff_user, data={"amount": Decimal("500.00")})
    assert eur_total_shown(staff_client) == "EUR 1,500"


def test_a_filter_is_its_own_entry(api, fines):
    fines[1].decision.case.authority.country = "NL"
    fines[1].decision.case.authority.save()
    assert totals(api, country="NL")["total_eur"] == "2500.00"
    assert totals(api, country="FR")["total_eur"] == "1000.00"
    assert totals(api)["total_eur"] == "3500.00"


def test_the_published_and_the_internal_view_do_not_share_an_entry(api, staff_user, fines):
    Case.objects.filter(pk=fines[0].decision.case_id).update(published=False)
    assert totals(api)["total_eur"] == "2500.00"
    staff = APIClient()
    staff.force_authenticate(staff_user)
    assert totals(staff)["total_eur"] == "3500.00"
    assert totals(api)["total_eur"] == "2500.00"


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            # Nothing listens on port 1: every cache call fails to connect.
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
)
def test_without_a_reachable_cache_the_figures_are_computed_directly(api, fines):
    assert totals(api)["total_eur"] == "3500.00"
    assert api.get("/api/v1/cases/").json()["count"] == 2


def test_a_cached_page_follows_a_new_order_and_an_unpublished_case(api, fines, staff_user):
    def references(**params):
        listed = api.get("/api/v1/cases/", {"ordering": "-amount", **params}).json()
        return [row["reference"] for row in listed["results"]]

    small, large = (fine.decision.case.reference for fine in fines)
    assert references() == [large, small]
    assert references() == [large, small]  # the page's ids come from the cache
    fine_update(fine=fines[0], user=staff_user, data={"amount": Decimal("9000.00")})
    assert references() == [small, large]
    Case.objects.filter(reference=small).update(published=False)
    assert references() == [large]


def test_the_ids_kept_for_a_text_follow_new_and_renamed_cases(api):
    CaseFactory(title="Needle in a haystack")
    assert api.get("/api/v1/cases/", {"q": "needle"}).json()["count"] == 1
    second = CaseFactory(title="Another needle")
    assert api.get("/api/v1/cases/", {"q": "needle"}).json()["count"] == 2
    Case.objects.filter(pk=second.pk).update(title="A pin")
    assert api.get("/api/v1/cases/", {"q": "needle"}).json()["count"] == 1

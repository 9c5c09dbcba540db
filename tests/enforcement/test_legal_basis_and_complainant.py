"""Issue 15, item 3: GDPR Art. 84 is the decision's legal basis, not a provision found violated;
the complainant is internal unless staff publish it."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from rest_framework.test import APIClient

from enforcement.models import ArticleReference, Case, Decision
from enforcement.selectors import case_list
from enforcement.services import case_update
from enforcement.services.import_parse import parse_article

pytestmark = pytest.mark.django_db


def _page(response) -> str:
    assert response.status_code == 200
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def _violated_section(page: str) -> str:
    start = page.index('id="articles-heading"')
    return page[start : page.index("</section>", start)].split("Legal basis of the decision")[0]


def test_art_84_is_parsed_as_a_legal_basis():
    (ref,) = parse_article("84 (listed by EDPB as legal reference)")
    assert (ref["article"], ref["role"]) == (84, "legal_basis")
    assert parse_article("5(1)(a) r/w 6(1)")[0]["role"] == "violated"
    # A national instrument's s. 84 is not GDPR Art. 84.
    assert parse_article("PIPA s. 84")[0]["role"] == "violated"


def test_art_84_is_shown_as_legal_basis_everywhere(clearview, client, auditor_client):
    dutch = Case.objects.get(reference="nl-ap-2024")
    art84 = dutch.articles.get(article=84)
    assert art84.role == ArticleReference.Role.LEGAL_BASIS
    assert not dutch.articles.filter(article=84, role=ArticleReference.Role.VIOLATED).exists()

    for page in (
        _page(auditor_client.get(reverse("enforcement:case_detail", args=[dutch.public_id]))),
        _page(client.get(reverse("enforcement:register_case", args=[dutch.public_id]))),
    ):
        assert "Art. 84" not in _violated_section(page)
        assert "Legal basis of the decision" in page and "Art. 84" in page
        assert "Art. 9(1)" in _violated_section(page)

    # The article filter finds provisions found violated only.
    assert list(case_list(user=AnonymousUser(), filters={"article": "84"})) == []
    assert dutch in case_list(user=AnonymousUser(), filters={"article": "27"})
    # API: the list's articles are the violated ones; the detail says which is which.
    api = APIClient()
    listed = api.get("/api/v1/cases/", {"country": "NL"}).json()["results"][0]
    assert "Art. 84" not in listed["articles"] and "Art. 27" in listed["articles"]
    detail = api.get(f"/api/v1/cases/{dutch.public_id}/").json()
    assert {a["citation"]: a["role"] for a in detail["articles"]}["Art. 84"] == "legal_basis"
    # Export: a separate column.
    export = _page(auditor_client.get(reverse("enforcement:case_list_json"), {"country": "NL"}))
    assert '"legal_basis": ["Art. 84"]' in export


def test_complainant_is_internal_by_default(clearview, client, auditor_client, staff_user):
    greece = Case.objects.get(reference="gr-hdpa-2022-35")
    assert greece.origin == Case.Origin.COMPLAINT
    assert "Homo Digitalis" in greece.complainant and not greece.complainant_public
    assert "Homo Digitalis" not in greece.origin_detail
    decision = Decision.objects.get(import_key="gr-hdpa-2022-35")
    assert decision.reference == "Decision 35/2022"
    austria = Case.objects.get(reference="at-dsb-2023")
    assert "noyb" in austria.complainant and "noyb" not in Decision.objects.get(case=austria).reference

    public_page = _page(client.get(reverse("enforcement:register_case", args=[greece.public_id])))
    assert "Homo Digitalis" not in public_page
    public_api = APIClient().get(f"/api/v1/cases/{greece.public_id}/").json()
    assert "complainant" not in public_api and "Homo Digitalis" not in str(public_api)
    register = _page(client.get(reverse("enforcement:register")))
    assert "Homo Digitalis" not in register

    staff_page = _page(auditor_client.get(reverse("enforcement:case_detail", args=[greece.public_id])))
    assert "Homo Digitalis" in staff_page and "internal: not in the public register" in staff_page

    case_update(case=greece, user=staff_user, data={"complainant_public": True})
    assert "Homo Digitalis" in _page(client.get(reverse("enforcement:register_case", args=[greece.public_id])))
    assert "Homo Digitalis" in APIClient().get(f"/api/v1/cases/{greece.public_id}/").json()["complainant"]

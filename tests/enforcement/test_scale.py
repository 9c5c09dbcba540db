"""At ten times as many generated cases (3,000 against 300) the staff list page and the list API
issue exactly as many SQL queries, filtered or not: no query per row, so the count does not grow
with the data. The same property at 100,000 cases, and the latency there, are measured by
`python -m benchmarks.enforcement_list` (its "queries per request" table), not in the suite."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from enforcement.models import Case, Respondent
from enforcement.services.generate import cases_generate
from enforcement.views.lists import SELECT_LIMIT

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

QUERIES = [
    "",
    "?country=FR&ordering=-amount",
    "?article=6(1)&unpaid_only=true",
    "?q=synthetic&status=decided",
    "?date_from=2021-01-01&date_to=2023-12-31&amount_min=100000&decision_kind=fine",
]


def counts(staff: Client, api: APIClient) -> dict[str, tuple[int, int]]:
    """Per query: (SQL queries of the HTML list page, SQL queries of the list API). Every query
    must find cases: an empty page skips the per-page queries and would prove nothing."""
    found = {}
    for query in QUERIES:
        with CaptureQueriesContext(connection) as html:
            assert staff.get(reverse("enforcement:case_list") + query).status_code == 200
        with CaptureQueriesContext(connection) as rest:
            response = api.get("/api/v1/cases/" + query)
        assert response.status_code == 200 and response.json()["count"] > 0, query
        found[query] = (len(html), len(rest))
    return found


def test_list_page_and_api_issue_the_same_queries_at_ten_times_the_cases(staff_user):
    staff, api = Client(), APIClient()
    staff.force_login(staff_user)
    api.force_login(staff_user)
    cases_generate(count=300, seed=7, prefix="scale-small")
    # Above SELECT_LIMIT respondents the filter form shows a text box instead of loading them all
    # for a select (one query less); start above it so that both sizes render the same form.
    Respondent.objects.bulk_create(
        Respondent(name=f"Extra respondent {n}", slug=f"extra-respondent-{n}") for n in range(SELECT_LIMIT + 1)
    )
    small = counts(staff, api)
    cases_generate(count=3_000 - 300, seed=8, prefix="scale", batch_size=1000)
    assert Case.objects.count() == 3_000
    large = counts(staff, api)
    # The same count, except that a page holding no penalty payment skips their nested prefetch:
    # one query less, depending on which cases are on the first page, not on how many there are.
    # A query per row would add a query per case on the page (25).
    differences = {query: (small[query], large[query]) for query in QUERIES if small[query] != large[query]}
    assert all(
        abs(small[query][0] - large[query][0]) <= 1 and small[query][1] == large[query][1] for query in QUERIES
    ), differences
    # The page's 15 plus one count query per facet (sector, violation type) shown next to the filters;
    # with free text (`q`) each facet count repeats the authority lookup of the search (2 more);
    # plus one read of the data version that keys the cached aggregates (enforcement.listcache).
    assert all(html <= 20 and rest <= 11 for html, rest in large.values()), large
    listed = api.get("/api/v1/cases/").json()
    assert listed["count"] == 3_000 and len(listed["results"]) > 0

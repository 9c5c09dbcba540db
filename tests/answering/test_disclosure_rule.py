"""The disclosure rule depends on the store's size (issue 14 item 3): strangers expected among
the confident matches = faces in the store x the encoder's false-match rate (an upper bound from
biometrics/data/fmr_table.json). Above DISCLOSURE_MAX_EXPECTED_STRANGERS every match waits for a
staff decision; below it confident matches may be confirmed by rule."""

import pytest
from django.urls import reverse

from compliance.workflow import disclosure


def test_the_table_is_an_upper_bound_and_never_smaller_than_measured():
    table = disclosure.fmr_table()
    assert table["impostor_pairs"] > 0 and table["source"] and "Assumption" in table["about"]
    assert disclosure.fmr_at(0.5) == next(row["fmr_upper_95"] for row in table["table"] if row["threshold"] == 0.5)
    assert disclosure.fmr_at(0.47) == disclosure.fmr_at(0.5)  # rounded up to the next tabulated threshold
    assert disclosure.fmr_at(0.9) == 1.0  # beyond the table nothing is assumed


def test_a_large_store_needs_a_decision_for_every_match_and_a_tiny_one_may_not(settings):
    settings.FACE_MATCH_AUTO_CONFIRM = True
    settings.FACE_MATCH_CONFIDENT = 0.5
    settings.DISCLOSURE_MAX_EXPECTED_STRANGERS = 0.01
    rate = disclosure.fmr_at(0.5)
    assert not disclosure.auto_confirm_allowed(store_faces=1_000_000)
    assert disclosure.expected_strangers(store_faces=1_000_000, threshold=0.5) == pytest.approx(1_000_000 * rate)
    # A tiny store under a looser limit: confident matches may be confirmed by rule.
    settings.DISCLOSURE_MAX_EXPECTED_STRANGERS = 0.05
    assert disclosure.auto_confirm_allowed(store_faces=2)
    assert not disclosure.auto_confirm_allowed(store_faces=int(0.05 / rate) + 1)
    settings.FACE_MATCH_AUTO_CONFIRM = False
    assert not disclosure.auto_confirm_allowed(store_faces=1)


@pytest.mark.django_db
@pytest.mark.parametrize(("limit", "expected_status"), [(0.01, "pending"), (1_000.0, "confirmed")])
def test_matching_applies_the_rule_to_the_store_it_searched(
    settings, limit, expected_status, staff_user, django_capture_on_commit_callbacks
):
    from biometrics.models import Face
    from compliance.models import MatchBand, MatchingRun, RequestStatus
    from compliance.workflow.matching import StoreMatch, match_rows
    from tests.reports.factories import RequestFactory
    from tests.reports.test_compliance_reports import make_photo

    settings.DISCLOSURE_MAX_EXPECTED_STRANGERS = limit
    request = RequestFactory(status=RequestStatus.PROCESSING)
    run = MatchingRun.objects.create(request=request, status="running", confident_tolerance=0.5, possible_tolerance=0.6)
    face = Face.objects.create(
        photo=make_photo(1),
        top=1,
        right=2,
        bottom=2,
        left=1,
        encoding=bytes(512),
        model_name="small",
        model_version="t",
    )
    rows = match_rows(
        request=request, run=run, results=[StoreMatch(face_id=face.pk, photo_id=face.photo_id, distance=0.3)]
    )
    assert [row.band for row in rows] == [MatchBand.CONFIDENT]
    assert [row.review_status for row in rows] == [expected_status]


@pytest.mark.django_db
def test_the_review_page_shows_the_strangers_expected_per_band(staff_client, staff_user, settings):
    from biometrics.models import Face
    from compliance.models import RequestStatus
    from tests.reports.factories import RequestFactory, searched
    from tests.reports.test_compliance_reports import make_photo

    Face.objects.create(
        photo=make_photo(2),
        top=1,
        right=2,
        bottom=2,
        left=1,
        encoding=bytes(512),
        model_name="small",
        model_version="t",
    )
    settings.DISCLOSURE_MAX_EXPECTED_STRANGERS = 0.01  # the production default
    request = RequestFactory(status=RequestStatus.AWAITING_REVIEW)
    searched(request)
    page = staff_client.get(reverse("answering:review", kwargs={"public_id": request.public_id})).content.decode()
    assert 'id="expected-strangers"' in page and "within the confident band" in page
    assert "In a store of 1 face:" in page and "every match needs your decision" in page

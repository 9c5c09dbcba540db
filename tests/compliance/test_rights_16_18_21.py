"""Issue 16 item 5: rectification (GDPR Art. 16), restriction (Art. 18) and objection (Art. 21)
on the public form, with their deadlines, the staff decision, what each does in the store (a
restricted face is withheld from customers' searches; an upheld objection erases), and the
decision letter in the requester's language."""

import io
import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test
from pypdf import PdfReader

from biometrics import selectors as store_selectors
from biometrics.models import Face, SearchResult
from biometrics.services import (
    customer_ensure,
    customer_search,
    face_restrictions_add,
    face_restrictions_lift,
    faces_delete,
)
from compliance.deadlines import due_date_for
from compliance.models import DataSubjectRequest, DocumentKind, ErasureStatus, RequestStatus, RequestType
from compliance.workflow import handling, intake, matching, restriction, review, rights
from compliance.workflow.lifecycle import ActionNotAllowed
from core.models import AuditEvent
from tests.compliance.web_support import (
    FORM_URL,
    form_data,
    fresh_rate_limits,  # noqa: F401 - autouse fixture
    selfie_upload,
)
from tests.workflow import assess_identity, decide_all, to_status

pytestmark = pytest.mark.django_db

STORED = (
    "people/obama/obama.jpg",
    "people/obama/obama2.jpg",
    "people/obama/obama4.jpg",
    "people/biden/biden.jpg",
)
OBAMA_STORED = {"people/obama/obama.jpg", "people/obama/obama2.jpg", "people/obama/obama4.jpg"}
STATEMENT = "The photos of my face were collected from my family's private album, which I never published."


def pdf_text(document) -> str:
    with document.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


# --- a small store: three photos of one person, one of another ------------------------------


@pytest.fixture(scope="module")
def analysed(faces_dir):
    from biometrics.ingest import analyse_bytes, ingest_limits

    result = {}
    for path in STORED:
        data = (faces_dir / path).read_bytes()
        result[path] = (data, analyse_bytes(data, limits=ingest_limits()))
    return result


@pytest.fixture
def store(db, analysed) -> dict[str, int]:
    """{path: face id} of the stored photos (one face each)."""
    from biometrics.ingest import IngestItem, store_analysis
    from biometrics.models import SourcePhoto

    faces = {}
    for path, (data, analysis) in analysed.items():
        item = IngestItem(path=path, source_url=f"https://photos.example.org/{path}", page_url="")
        store_analysis(item, analysis, data)
        photo = SourcePhoto.objects.get(sha256=analysis.sha256)
        faces[path] = photo.faces.get().pk
    return faces


@pytest.fixture
def obama_encoding(analysed):
    from biometrics.models import encoding_from_bytes

    return encoding_from_bytes(analysed["people/obama/obama2.jpg"][1].faces[0].encoding)


@pytest.fixture
def file_reviewed(store, faces_dir, staff_user, django_capture_on_commit_callbacks):
    """File a request with Obama's selfie, confirm the email, search the store (the real
    matching), confirm every match and assess the identity: the request awaits the decision."""

    def do(request_type: str, *, language: str = "en"):
        data = {
            "request_type": request_type,
            "statement": STATEMENT,
            "name": "Barack Example",
            "email": "barack@example.org",
            "country": "NL",
            "language": language,
            "selfie_consent": True,
        }
        with django_capture_on_commit_callbacks(execute=True):
            request, token = intake.request_submit(
                data=data, selfie_file=(faces_dir / "people/obama/obama.jpg").read_bytes(), ip="198.51.100.7"
            )
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            request = intake.request_confirm_email(token=token)
            matching.matching_schedule(request=request)
        request.refresh_from_db()
        assert request.status == RequestStatus.AWAITING_REVIEW
        found = set(request.matches.values_list("face_id", flat=True))
        assert found == {store[path] for path in OBAMA_STORED}  # Biden is not found
        decide_all(request, staff_user)
        assess_identity(request, staff_user)
        with django_capture_on_commit_callbacks(execute=True):
            review.review_finish(request=request, user=staff_user)
        request.refresh_from_db()
        assert request.status == RequestStatus.AWAITING_APPROVAL
        return request

    return do


def searchable_faces(encoding) -> set[int]:
    return set(store_selectors.faces_searchable(encoding, tolerance=0.6).ids.tolist())


# --- the public form ----------------------------------------------------------------------------


@pytest.mark.parametrize("request_type", ["rectification", "restriction", "objection"])
def test_each_new_right_is_filed_on_the_public_form(client, faces_dir, request_type):
    html = client.get(FORM_URL).content.decode()
    assert f'value="{request_type}"' in html and 'name="statement"' in html
    response = client.post(
        FORM_URL,
        {**form_data(request_type=request_type, statement=STATEMENT), "selfie": selfie_upload(faces_dir)},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    request = DataSubjectRequest.objects.get()
    assert request.request_type == request_type
    assert request.statement == STATEMENT
    # GDPR Art. 12(3): one month from receipt on the controller's calendar, like access and erasure.
    assert request.due_date == due_date_for(received=timezone.localdate(request.received_at))
    assert request.due_date > timezone.localdate(request.received_at) + timedelta(days=27)


def test_a_new_right_needs_its_statement_and_the_form_says_so_in_dutch(client, faces_dir):
    response = client.post(
        FORM_URL,
        {**form_data(request_type="objection", statement="   "), "selfie": selfie_upload(faces_dir)},
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    assert response.status_code == 200
    assert not DataSubjectRequest.objects.exists()
    html = response.content.decode()
    assert "Vertel ons waar uw verzoek over gaat" in html
    assert "Bezwaar: stop met het verwerken van foto" in html


def test_the_service_refuses_a_new_right_without_statement(submit):
    with pytest.raises(ValidationError) as raised:
        submit(data={"request_type": "rectification", "statement": "short"})
    assert "statement" in raised.value.message_dict


def test_access_requests_keep_no_statement(submit):
    request, _token = submit(data={"request_type": "access", "statement": STATEMENT})
    assert request.statement == ""


def test_the_deadline_of_a_new_right_is_extended_like_the_others(submit, staff_user, now):
    request, token = submit(data={"request_type": "restriction", "statement": STATEMENT})
    request = intake.request_confirm_email(token=token, now=now)
    assert request.due_date == due_date_for(received=timezone.localdate(now))
    handling.request_extend_deadline(
        request=request, user=staff_user, months=2, reason="Many sources to check for the restriction.", now=now
    )
    request.refresh_from_db()
    assert request.extended_due_date == due_date_for(received=timezone.localdate(now), months=3)


def test_api_filters_and_serialises_the_new_types(submit, staff_client):
    submit(data={"request_type": "objection", "statement": STATEMENT})
    submit(data={"request_type": "access", "email": "other@example.org"})
    response = staff_client.get("/api/v1/requests/?request_type=objection")
    assert response.status_code == 200, response.content
    rows = response.json()["results"]
    assert [row["request_type"] for row in rows] == ["objection"]
    assert rows[0]["statement"] == STATEMENT and rows[0]["outcome"] == ""


# --- decisions without a face in the store -----------------------------------------------------


def test_rectification_refused_on_the_merits_states_the_reason_in_the_letter(
    submit, staff_user, django_capture_on_commit_callbacks
):
    request, token = submit(
        data={"request_type": "rectification", "statement": STATEMENT, "language": "en"}, at=timezone.now()
    )
    request = intake.request_confirm_email(token=token)
    request = to_status(
        request, RequestStatus.AWAITING_APPROVAL, staff=staff_user, capture=django_capture_on_commit_callbacks
    )
    with pytest.raises(ValidationError):
        rights.rights_decide(request=request, user=staff_user, outcome="restricted", reason="Wrong outcome type.")
    with pytest.raises(ValidationError):
        rights.rights_decide(request=request, user=staff_user, outcome="not_rectified", reason="no")
    with django_capture_on_commit_callbacks(execute=True):
        rights.rights_decide(
            request=request,
            user=staff_user,
            outcome="not_rectified",
            reason="The URLs recorded are the pages where the photos were published.",
        )
    request.refresh_from_db()
    assert request.status == RequestStatus.COMPLETED
    assert request.outcome == "not_rectified" and request.selfie.name in ("", None)
    letter = request.documents.get(kind=DocumentKind.DECISION_LETTER)
    text = pdf_text(letter)
    assert "GDPR Art. 16" in text and "we consider them accurate" in text
    assert "The URLs recorded are the pages where the photos were published." in text
    assert STATEMENT[:40] in text
    event = AuditEvent.objects.filter(action="request.approve").latest("pk")
    assert event.details["outcome"] == "not_rectified"


def test_the_approval_without_a_decision_is_blocked_by_the_guard(
    submit, staff_user, django_capture_on_commit_callbacks
):
    from compliance.workflow import approval

    request, token = submit(data={"request_type": "restriction", "statement": STATEMENT}, at=timezone.now())
    request = intake.request_confirm_email(token=token)
    request = to_status(
        request, RequestStatus.AWAITING_APPROVAL, staff=staff_user, capture=django_capture_on_commit_callbacks
    )
    with pytest.raises(ActionNotAllowed) as raised:
        approval.answer_approve(request=request, user=staff_user)
    assert "decision" in str(raised.value)
    request.refresh_from_db()
    assert request.status == RequestStatus.AWAITING_APPROVAL


# --- restriction (Art. 18) ---------------------------------------------------------------------


@pytest.mark.faces
def test_a_granted_restriction_withholds_the_faces_from_customer_searches_until_lifted(
    file_reviewed, store, obama_encoding, staff_user, django_capture_on_commit_callbacks
):
    obama_faces = {store[path] for path in OBAMA_STORED}
    assert searchable_faces(obama_encoding) == obama_faces
    request = file_reviewed("restriction", language="de")
    decided_at = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        rights.rights_decide(
            request=request,
            user=staff_user,
            outcome="restricted",
            reason="You contest the accuracy; we verify it meanwhile.",
            now=decided_at,
        )
    request.refresh_from_db()
    assert request.status == RequestStatus.COMPLETED
    # Kept: every face and photo is still stored ...
    assert set(Face.objects.filter(pk__in=obama_faces).values_list("pk", flat=True)) == obama_faces
    # ... but no search for a customer returns them, nor records them as received.
    assert searchable_faces(obama_encoding) == set()
    police = customer_ensure(name="Example Police", country="NL", kind="police")
    event = customer_search(customer=police, encoding=obama_encoding, tolerance=0.6)
    assert not SearchResult.objects.filter(search=event).exists()
    # The request workflow still finds them (a later access or erasure request of the same person).
    assert {m.face_id for m in matching.store_search(obama_encoding, tolerance=0.6)} >= obama_faces

    letter = request.documents.get(kind=DocumentKind.DECISION_LETTER)
    assert letter.language == "de"
    text = pdf_text(letter)
    assert "Art. 18 DSGVO" in text and "eingeschränkt" in text and "Art. 18 Abs. 3 DSGVO" in text

    # Lifting: not before telling the requester (Art. 18(3)), then not before the notice period.
    with pytest.raises(ActionNotAllowed):
        restriction.restriction_lift(request=request, user=staff_user, now=decided_at)
    with django_capture_on_commit_callbacks(execute=True):
        restriction.restriction_lift_announce(
            request=request, user=staff_user, reason="The accuracy was verified: the photos are yours.", now=decided_at
        )
    note = request.messages.filter(visible_to_requester=True).latest("pk")
    assert "Art. 18" in note.body and "Einschränkung" in note.body  # in the requester's language
    with pytest.raises(ActionNotAllowed):
        restriction.restriction_lift(request=request, user=staff_user, now=decided_at + timedelta(days=13))
    assert searchable_faces(obama_encoding) == set()
    lifted = restriction.restriction_lift(
        request=request, user=staff_user, now=decided_at + timedelta(days=restriction.LIFT_NOTICE_DAYS)
    )
    assert lifted == 3
    assert searchable_faces(obama_encoding) == obama_faces
    actions = set(AuditEvent.objects.filter(request_public_id=request.public_id).values_list("action", flat=True))
    assert {"request.faces_restricted", "request.restriction_lift_announced", "request.restriction_lifted"} <= actions


@pytest.mark.faces
def test_the_staff_page_offers_the_lift_only_after_the_announcement(
    file_reviewed, staff_user, staff_client, django_capture_on_commit_callbacks
):
    request = file_reviewed("restriction")
    with django_capture_on_commit_callbacks(execute=True):
        rights.rights_decide(request=request, user=staff_user, outcome="restricted", reason="Art. 18(1)(b) applies.")
    page = staff_client.get(f"/requests/staff/{request.public_id}/").content.decode()
    assert "announce_restriction_lift" in page and "actions/lift_restriction/" not in page
    response = staff_client.post(
        f"/requests/staff/{request.public_id}/actions/announce_restriction_lift/",
        {"announce_restriction_lift-reason": "The unlawfulness claim was examined and not confirmed."},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.restriction_lift_announced_at is not None
    page = staff_client.get(f"/requests/staff/{request.public_id}/").content.decode()
    assert "actions/lift_restriction/" in page


# --- objection (Art. 21) -----------------------------------------------------------------------


@pytest.mark.faces
def test_an_objection_withholds_the_faces_at_once_and_upheld_erases_them(
    file_reviewed, store, obama_encoding, staff_user, django_capture_on_commit_callbacks
):
    obama_faces = {store[path] for path in OBAMA_STORED}
    request = file_reviewed("objection", language="fr")
    # Since the store search, pending the decision (Art. 18(1)(d)).
    assert searchable_faces(obama_encoding) == set()
    with pytest.raises(ValidationError):  # the erasure plan must be confirmed
        rights.rights_decide(
            request=request, user=staff_user, outcome="objection_upheld", reason="No compelling grounds exist."
        )
    with django_capture_on_commit_callbacks(execute=True):
        rights.rights_decide(
            request=request,
            user=staff_user,
            outcome="objection_upheld",
            reason="No compelling legitimate grounds override your situation.",
            confirm_erasure=True,
        )
    request.refresh_from_db()
    assert request.erasure.status == ErasureStatus.DONE, request.erasure.last_error
    assert request.status == RequestStatus.COMPLETED
    assert not Face.objects.filter(pk__in=obama_faces).exists()
    assert searchable_faces(obama_encoding) == set()
    kinds = set(request.documents.values_list("kind", flat=True))
    assert kinds == {DocumentKind.DECISION_LETTER, DocumentKind.ERASURE_CERTIFICATE}
    text = pdf_text(request.documents.get(kind=DocumentKind.DECISION_LETTER))
    assert "RGPD, art. 21" in text and "Nous faisons droit à votre opposition" in text


@pytest.mark.faces
def test_a_rejected_objection_states_the_grounds_and_keeps_the_restriction_until_the_notice_ran(
    file_reviewed, store, obama_encoding, staff_user, django_capture_on_commit_callbacks
):
    obama_faces = {store[path] for path in OBAMA_STORED}
    request = file_reviewed("objection")
    decided_at = timezone.now()
    with pytest.raises(ValidationError) as raised:
        rights.rights_decide(request=request, user=staff_user, outcome="objection_rejected", reason="")
    assert "compelling legitimate grounds" in raised.value.message_dict["reason"][0]
    grounds = "A court order requires us to keep these photos available to the investigating police."
    with django_capture_on_commit_callbacks(execute=True):
        rights.rights_decide(
            request=request, user=staff_user, outcome="objection_rejected", reason=grounds, now=decided_at
        )
    request.refresh_from_db()
    assert request.status == RequestStatus.COMPLETED
    assert set(Face.objects.filter(pk__in=obama_faces).values_list("pk", flat=True)) == obama_faces
    # The letter is the Art. 18(3) notice: the restriction stays until then.
    assert request.restriction_lift_announced_at == decided_at
    assert searchable_faces(obama_encoding) == set()
    text = pdf_text(request.documents.get(kind=DocumentKind.DECISION_LETTER))
    assert "GDPR Art. 21(1)" in text and "compelling legitimate grounds" in text and grounds in text
    earliest = timezone.localdate(decided_at + timedelta(days=restriction.LIFT_NOTICE_DAYS))
    assert "GDPR Art. 18(3)" in text and f"{earliest.day} {earliest:%B %Y}" in text
    restriction.restriction_lift(
        request=request, user=staff_user, now=decided_at + timedelta(days=restriction.LIFT_NOTICE_DAYS)
    )
    assert searchable_faces(obama_encoding) == obama_faces


@pytest.mark.faces
def test_withdrawing_an_objection_releases_its_faces(file_reviewed, store, obama_encoding, staff_user):
    request = file_reviewed("objection")
    assert searchable_faces(obama_encoding) == set()
    handling.request_withdraw(request=request)
    request.refresh_from_db()
    assert request.status == RequestStatus.WITHDRAWN
    assert searchable_faces(obama_encoding) == {store[path] for path in OBAMA_STORED}


def test_request_type_choices_name_the_articles():
    labels = dict(RequestType.choices)
    assert "16" in str(labels["rectification"]) and "18" in str(labels["restriction"])
    assert "21" in str(labels["objection"])


# --- the letter in every language, the staff pages and the API -----------------------------------

ARTICLE = {
    "en": "GDPR Art. {n}",
    "nl": "AVG art. {n}",
    "fr": "RGPD, art. {n}",
    "it": "RGPD, art. {n}",
    "de": "Art. {n} DSGVO",
    "es": "RGPD, art. {n}",
    "el": "ΓΚΠΔ, άρθρο {n}",
}
OUTCOME_ARTICLE = {
    "rectified": 16,
    "not_rectified": 16,
    "restricted": 18,
    "not_restricted": 18,
    "objection_upheld": 21,
    "objection_rejected": 21,
}
TYPE_OF = {"16": "rectification", "18": "restriction", "21": "objection"}


@pytest.mark.parametrize("language", list(ARTICLE))
def test_the_decision_letter_exists_in_every_language_for_every_outcome(submit, language):
    """The HTML of the letter (rendered as the PDF is, in the letter's language) names the
    article of the decision and prints the reasons; the lift notice only with a rejected
    objection whose faces are withheld."""
    from django.template.loader import render_to_string
    from django.utils import translation

    from compliance.reports.letters import decision_context, subject_for

    for outcome, article in OUTCOME_ARTICLE.items():
        request, _token = submit(
            data={"request_type": TYPE_OF[str(article)], "statement": STATEMENT, "language": language},
            at=timezone.now(),
        )
        request.outcome = outcome
        request.outcome_reason = f"Reasons for {outcome}."
        request.approved_at = timezone.now()
        lift = timezone.now() + timedelta(days=14)
        context = decision_context(request, restricted_faces=2, lift_not_before=lift)
        with translation.override(language):
            html = render_to_string(
                f"reports/letters/{language}/decision.html",
                {**context, "subject": subject_for("decision", language), "report_meta": {"labels": context["t"]}},
            )
        assert ARTICLE[language].format(n=article) in html, (language, outcome)
        assert f"Reasons for {outcome}." in html and 'id="outcome"' in html
        assert ("lift-notice" in html) == (outcome == "objection_rejected")
        if language != "en":
            assert "Our decision" not in html and "Dear " not in html


@pytest.mark.faces
def test_staff_decide_on_the_approval_page(file_reviewed, staff_client, django_capture_on_commit_callbacks):
    request = file_reviewed("rectification")
    url = f"/requests/answer/{request.public_id}/approve/"
    page = staff_client.get(url).content.decode()
    assert (
        "private album, which I never published" in page
        and 'value="rectified"' in page
        and 'value="restricted"' not in page
    )
    assert 'name="confirm"' not in page  # only an upheld objection erases
    response = staff_client.post(url, {"outcome": "rectified", "reason": "short"})
    assert response.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            url, {"outcome": "rectified", "reason": "The wrong page URL of one photo was rejected as a match."}
        )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.outcome == "rectified" and request.status == RequestStatus.COMPLETED
    assert request.documents.filter(kind=DocumentKind.DECISION_LETTER).exists()


@pytest.mark.faces
def test_the_api_decides_and_the_status_page_tells_the_requester(
    file_reviewed, staff_client, client, django_capture_on_commit_callbacks
):
    request = file_reviewed("restriction", language="it")
    api = f"/api/v1/requests/{request.public_id}/"
    assert "announce_restriction_lift" not in staff_client.get(api).json()["allowed_actions"]
    response = staff_client.post(
        f"{api}decide/", {"outcome": "objection_upheld", "reason": "Wrong type."}, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            f"{api}decide/",
            {"outcome": "restricted", "reason": "La sua contestazione dell'esattezza è in verifica."},
            content_type="application/json",
        )
    assert response.status_code == 200, response.content
    body = response.json()["request"]
    assert body["outcome"] == "restricted" and "announce_restriction_lift" in body["allowed_actions"]
    request.refresh_from_db()
    session = client.session
    intake.status_grant(session, request)  # what opening the status link does
    session.save()
    html = client.get(f"/requests/status/{request.public_id}/", HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert "3 volti che la ritraggono sono conservati ma esclusi da ogni ricerca" in html
    assert "decision-letter.pdf" in html or "La nostra decisione sulla sua richiesta" in html


def test_retention_empties_the_statement_and_the_reasons(submit, staff_user, django_capture_on_commit_callbacks):
    from compliance.retention import request_pseudonymise

    request, token = submit(data={"request_type": "objection", "statement": STATEMENT}, at=timezone.now())
    request = intake.request_confirm_email(token=token)
    request = to_status(
        request, RequestStatus.AWAITING_APPROVAL, staff=staff_user, capture=django_capture_on_commit_callbacks
    )
    with django_capture_on_commit_callbacks(execute=True):
        rights.rights_decide(
            request=request, user=staff_user, outcome="objection_rejected", reason="Legal claims of Anna de Vries."
        )
    request.refresh_from_db()
    assert request.status == RequestStatus.COMPLETED
    request_pseudonymise(request=request, now=timezone.now() + timedelta(days=400))
    request.refresh_from_db()
    assert request.pseudonymised_at is not None
    assert (request.statement, request.outcome_reason) == ("", "")
    assert request.outcome == "objection_rejected"  # the statistics keep the outcome


# --- the invariant, property-based: a restricted face never reaches a customer -----------------


class RestrictionWorkflow(RuleBasedStateMachine):
    """Random restrictions and lifts by two requests, erasures and customer searches, in any
    order; after every step the search answers exactly the stored faces within tolerance less the
    faces some request still restricts, and no customer ever received a restricted face."""

    context: dict = {}
    REQUESTS = (uuid.UUID(int=1), uuid.UUID(int=2))

    @initialize()
    def fill_the_store(self):
        from biometrics.ingest import IngestItem, store_analysis
        from biometrics.search.store import stores_forget

        self.savepoint = transaction.savepoint()
        stores_forget()
        for path, (data, analysis) in self.context["analysed"].items():
            store_analysis(
                IngestItem(path=path, source_url=f"https://p.example.org/{path}", page_url=""), analysis, data
            )
        self.faces = sorted(Face.objects.values_list("pk", flat=True))
        self.expected = {key: set() for key in self.REQUESTS}  # the model: active per request
        self.customer = customer_ensure(name="Example Police", country="NL", kind="police")

    def teardown(self):
        if hasattr(self, "savepoint"):
            transaction.savepoint_rollback(self.savepoint)

    @rule(data=st.data(), which=st.sampled_from(REQUESTS))
    def restrict(self, data, which):
        faces = data.draw(st.sets(st.sampled_from(self.faces), max_size=3))
        face_restrictions_add(face_ids=faces, request_public_id=which, basis="art_18_1")
        self.expected[which] |= set(Face.objects.filter(pk__in=faces).values_list("pk", flat=True))

    @rule(data=st.data(), which=st.sampled_from(REQUESTS), everything=st.booleans())
    def lift(self, data, which, everything):
        faces = None if everything else data.draw(st.sets(st.sampled_from(self.faces), max_size=3))
        face_restrictions_lift(request_public_id=which, face_ids=faces)
        self.expected[which] = set() if faces is None else self.expected[which] - faces

    @rule(data=st.data())
    def erase(self, data):
        face = data.draw(st.sampled_from(self.faces))
        faces_delete(face_ids=[face])
        for key in self.REQUESTS:
            self.expected[key].discard(face)

    @rule()
    def customer_searches(self):
        event = customer_search(customer=self.customer, encoding=self.context["encoding"], tolerance=0.6)
        received = set(SearchResult.objects.filter(search=event).values_list("face_id", flat=True))
        assert not received & store_selectors.restricted_face_ids()

    @invariant()
    def only_unrestricted_faces_are_searchable(self):
        if not hasattr(self, "expected"):
            return
        active = set().union(*self.expected.values())
        assert store_selectors.restricted_face_ids() == active
        within = set(store_selectors.faces_within(self.context["encoding"], tolerance=0.6).ids.tolist())
        assert searchable_faces(self.context["encoding"]) == within - active


@pytest.mark.faces
def test_no_sequence_of_restrictions_lets_a_restricted_face_reach_a_customer(db, analysed, obama_encoding):
    RestrictionWorkflow.context = {"analysed": analysed, "encoding": obama_encoding}
    run_state_machine_as_test(
        RestrictionWorkflow,
        settings=settings(
            max_examples=15,
            stateful_step_count=15,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )


@pytest.mark.faces
def test_customers_that_received_the_faces_are_told_of_the_restriction(
    file_reviewed, store, staff_user, django_capture_on_commit_callbacks
):
    """GDPR Art. 19: every customer whose searches returned a restricted face is emailed; one
    without an address is counted for staff; a customer that received other faces is not told."""
    from django.core import mail

    from biometrics.services import search_event_record

    police = customer_ensure(name="Example Police", country="NL", kind="police", contact_email="dpo@police.example")
    agency = customer_ensure(name="Border Agency", country="FR", kind="border")
    bank = customer_ensure(name="Unrelated Bank", country="IT", contact_email="privacy@bank.example")
    search_event_record(customer=police, matches=[(store["people/obama/obama2.jpg"], 0.3)])
    search_event_record(customer=agency, matches=[(store["people/obama/obama4.jpg"], 0.4)])
    search_event_record(customer=bank, matches=[(store["people/biden/biden.jpg"], 0.2)])
    request = file_reviewed("restriction")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        rights.rights_decide(request=request, user=staff_user, outcome="restricted", reason="Art. 18(1)(a) applies.")
    notices = [m for m in mail.outbox if "GDPR Art. 19" in m.subject]
    assert [m.to for m in notices] == [["dpo@police.example"]]
    assert "Example Police" in notices[0].body and "1 face(s)" in notices[0].body and "Art. 18" in notices[0].body
    event = AuditEvent.objects.filter(request_public_id=request.public_id, action="request.faces_restricted").get()
    assert (event.details["recipients_told"], event.details["recipients_without_address"]) == (1, 1)

"""The permissions matrix (issue 8): every URL the resolver knows, against every role.

URLs are discovered from `get_resolver()` (includes, the DRF router with its format-suffix
variants, the admin at settings.ADMIN_URL), so a new page is covered automatically: a URL name
without an entry in EXPECTED fails `test_every_url_has_an_expectation`, and so does an entry
whose URL no longer exists. Each discovered pattern then becomes one test that builds a concrete
path from real objects (a published and an unpublished case, a fine, a request with its status
link, another requester's request, a report, a photo, a face, a match...) and asserts the status
for every role:

    anonymous      no session
    citizen        no account; the session holds the grant of Alice's status link (the token
                   from after "#" in her emails, posted once), and she holds her other links
                   (signed downloads, the consent-withdrawal link)
    other_citizen  the same with Bob's links: where a URL names a request, he is tried on his
                   own request (his page, never Alice's data) and on Alice's (nothing)
    outsider       logged in, in no role group
    inactive       a staff member whose account was deactivated (a dead session)
    auditor        reads internal data, exports, never acts
    staff          reads and acts

GET for every URL; for URLs that accept POST, every role that must not write POSTs too and the
test checks that the database and media folder are unchanged. The admin has a rule per kind of
admin URL (Django wraps every admin view in the same staff check), so a newly registered model's
admin pages are covered by the same rules.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from enforcement.models import InvestigativeAct
from tests.security.conftest import (
    ALICE_MARK,
    BOB_MARK,
    INTERNAL_NOTE,
    ROLES,
    UNPUBLISHED_TITLE,
    World,
    changes_between,
    db_snapshot,
    media_snapshot,
)

pytestmark = pytest.mark.django_db

LOGIN = "login"  # a redirect to the log-in page
ADMIN_LOGIN = "admin-login"  # a redirect to the admin's log-in page
DENIED_WRITE = {403, LOGIN, ADMIN_LOGIN, 404, 405, 410}  # a POST by someone who may not write
GUESSED = "guessed-" + "x" * 40  # a token nobody was given

# --- discovery -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Discovered:
    key: str  # the URL name with its namespace, or "route:<pattern>" for unnamed patterns
    route: str
    kwarg_names: tuple[str, ...]

    @property
    def is_admin(self) -> bool:
        return self.key.startswith("admin:") or self.route.startswith(settings.ADMIN_URL)


def _pattern_kwargs(pattern) -> tuple[str, ...]:
    regex = pattern.pattern.regex
    return tuple(regex.groupindex)


def discover_urls() -> list[Discovered]:
    found: dict[tuple[str, str], Discovered] = {}

    def walk(patterns, prefix: str, namespace: str | None, inherited: tuple[str, ...]):
        for item in patterns:
            if isinstance(item, URLResolver):
                ns = namespace
                if item.namespace:
                    ns = f"{namespace}:{item.namespace}" if namespace else item.namespace
                walk(item.url_patterns, prefix + str(item.pattern), ns, inherited + _pattern_kwargs(item))
            elif isinstance(item, URLPattern):
                route = prefix + str(item.pattern)
                name = f"{namespace}:{item.name}" if namespace else item.name
                key = name if item.name else f"route:{route}"
                kwargs = inherited + _pattern_kwargs(item)
                found[(key, route)] = Discovered(key, route, kwargs)

    walk(get_resolver().url_patterns, "", None, ())
    return sorted(found.values(), key=lambda d: (d.key, d.route))


# --- expectations --------------------------------------------------------------------------------

Expect = dict[str, object]  # role -> status code, LOGIN or a set of acceptable outcomes


def every(outcome) -> Expect:
    return dict.fromkeys(ROLES, outcome)


def html_internal(ok=200) -> Expect:
    """core.roles.require(VIEW_INTERNAL or EXPORT): the log-in page for the anonymous, 403 for
    a logged-in user without a role."""
    return {**every(LOGIN), "outsider": 403, "auditor": ok, "staff": ok}


def html_edit(ok=200) -> Expect:
    return {**every(LOGIN), "outsider": 403, "auditor": 403, "staff": ok}


def api_internal(ok=200) -> Expect:
    return {**every(403), "auditor": ok, "staff": ok}


def api_public(ok=200, *, internal_only_object: bool = False) -> Expect:
    if internal_only_object:
        return {**every(404), "auditor": ok, "staff": ok}
    return every(ok)


def citizen_link(ok=200) -> Expect:
    """A URL of the requester's own request (own_request): Alice's grant opens hers, Bob's grant
    his (his page, never hers); everyone else, with Alice's id and no grant, gets nothing."""
    return {**every(404), "citizen": ok, "other_citizen": ok}


def only_alice(ok=200) -> Expect:
    """A URL of Alice's request for every role (another's request for Bob): only her grant."""
    return {**every(404), "citizen": ok}


@dataclass
class Variant:
    """One concrete way to fill a URL: path kwargs for a role, the GET expectation, and (for URLs
    that accept POST) the POST expectation and body."""

    label: str
    kwargs: Callable[[World, str], dict]
    get: Expect
    post: Expect | None = None
    data: Callable[[World], dict] = field(default=lambda w: {})
    # Strings that only these roles may see in a successful response.
    secrets: Callable[[World], dict[str, tuple[str, ...]]] = field(default=lambda w: {})
    # Strings that a role must see (so that the secrets check above is not vacuous).
    shows: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # A POST body that depends on the role (a token each role holds), instead of `data`.
    role_data: Callable[[World, str], dict] | None = None

    def body(self, world: World, role: str) -> dict:
        return self.role_data(world, role) if self.role_data else self.data(world)


def V(label, kwargs, get, post=None, data=None, secrets=None, shows=None, role_data=None) -> Variant:
    return Variant(label, kwargs, get, post, data or (lambda w: {}), secrets or (lambda w: {}), shows or {}, role_data)


def none(w, role):
    return {}


def case_id(which: str):
    return lambda w, role: {"public_id": getattr(w, which).public_id}


def alice_request(w, role):
    return {"public_id": w.alice.request.public_id}


def token_of(attribute: str, kwarg: str):
    """Alice's secret for the citizen, Bob's for the other citizen, a guess for everyone else."""

    def build(w, role):
        if role == "citizen":
            return {kwarg: getattr(w.alice, attribute)}
        if role == "other_citizen":
            return {kwarg: getattr(w.bob, attribute)}
        return {kwarg: GUESSED}

    return build


def own_request(w, role):
    """The requester's own request: Bob's for Bob, Alice's for everyone else."""
    return {"public_id": (w.bob if role == "other_citizen" else w.alice).request.public_id}


def own_link(attribute: str, kwarg: str):
    """The requester's own request with their own secret (Bob's for Bob, Alice's for Alice), and
    Alice's request with a guess for everyone else."""

    def build(w, role):
        return {**own_request(w, role), **token_of(attribute, kwarg)(w, role)}

    return build


def alice_link(attribute: str, kwarg: str):
    """Alice's request with Alice's own secret, for every role."""
    return lambda w, role: {**alice_request(w, role), kwarg: getattr(w.alice, attribute)}


def alice_secrets(w):
    """Alice's mark may be seen by her and by staff/auditors (on internal pages), never by Bob."""
    return {ALICE_MARK: ("citizen", "auditor", "staff"), BOB_MARK: ("other_citizen", "auditor", "staff")}


def internal_secrets(w):
    return {INTERNAL_NOTE: ("auditor", "staff"), UNPUBLISHED_TITLE: ("auditor", "staff")}


def investigative_act(case):
    return InvestigativeAct.objects.get_or_create(case=case, power="a")[0]


MESSAGE_POST = {"message-body": "written by someone who may not", "message-visible_to_requester": "on"}

EXPECTED: dict[str, list[Variant]] = {
    # --- site --------------------------------------------------------------------------------
    "home": [V("", none, every(200))],
    "healthz": [V("", none, every(200), post=every(405))],
    "login": [V("", none, every(200))],
    "logout": [V("", none, every(405))],
    "set_language": [V("", none, every({200, 204, 302}))],
    "api-root": [V("", lambda w, r: {}, every(200))],
    "api-schema": [V("", none, every(200))],
    "api-docs": [V("", none, every(200))],
    # --- enforcement: public register ---------------------------------------------------------
    "enforcement:index": [V("", none, every(302))],
    "enforcement:register": [V("", none, every(200), secrets=internal_secrets)],
    "enforcement:register_decisions": [V("", none, every(200), secrets=internal_secrets)],
    "enforcement:register_csv": [V("", none, every(200), secrets=internal_secrets)],
    "enforcement:register_json": [V("", none, every(200), secrets=internal_secrets)],
    "enforcement:register_case": [
        V("published", case_id("published"), every(200), secrets=lambda w: {INTERNAL_NOTE: ()}),
        V("unpublished", case_id("unpublished"), every(404)),
    ],
    # --- enforcement: staff and auditors ------------------------------------------------------
    "enforcement:dashboard": [V("", none, html_internal())],
    "enforcement:worklist": [V("", none, html_internal())],
    "enforcement:case_list": [V("", none, html_internal(), secrets=internal_secrets)],
    "enforcement:case_list_csv": [V("", none, html_internal())],
    "enforcement:case_list_json": [V("", none, html_internal())],
    "enforcement:case_detail": [
        V(
            "published",
            case_id("published"),
            html_internal(),
            secrets=internal_secrets,
            shows={"auditor": (INTERNAL_NOTE,), "staff": (INTERNAL_NOTE,)},
        ),
        V(
            "unpublished",
            case_id("unpublished"),
            html_internal(),
            secrets=internal_secrets,
            shows={"auditor": (UNPUBLISHED_TITLE,), "staff": (UNPUBLISHED_TITLE,)},
        ),
        V("unknown", lambda w, r: {"public_id": uuid.uuid4()}, html_internal(404)),
    ],
    "enforcement:case_edit": [
        V(
            "",
            case_id("published"),
            html_edit(),
            post=html_edit({200, 302, 400}),
            data=lambda w: {"title": "changed by someone who may not", "reference": w.published.reference},
        )
    ],
    "enforcement:fine_edit": [
        V(
            "own case",
            lambda w, r: {"public_id": w.published.public_id, "fine_id": w.fine.pk},
            html_edit(),
            post=html_edit({200, 302, 400}),
            data=lambda w: {"amount": "1", "currency": "EUR", "payment_status": "paid"},
        ),
        # Object level: a fine of another case through this case's URL.
        V(
            "fine of another case",
            lambda w, r: {"public_id": w.published.public_id, "fine_id": w.unpublished_fine.pk},
            html_edit(404),
            post=html_edit(404),
            data=lambda w: {"amount": "1", "currency": "EUR", "payment_status": "paid"},
        ),
    ],
    "enforcement:order_edit": [
        V(
            "own case",
            lambda w, r: {"public_id": w.published.public_id, "order_id": w.order.pk},
            html_edit(),
            post=html_edit({200, 302, 400}),
            data=lambda w: {"text": "changed"},
        ),
        V(
            "order of another case",
            lambda w, r: {"public_id": w.published.public_id, "order_id": w.unpublished_order.pk},
            html_edit(404),
            post=html_edit(404),
            data=lambda w: {"text": "changed"},
        ),
    ],
    "enforcement:compliance_check_add": [
        V(
            "own case",
            lambda w, r: {"public_id": w.published.public_id, "order_id": w.order.pk},
            html_edit(),
            post=html_edit({200, 302, 400}),
            data=lambda w: {"checked_on": "2024-02-01", "complied": "on", "note": "x"},
        ),
        V(
            "order of another case",
            lambda w, r: {"public_id": w.published.public_id, "order_id": w.unpublished_order.pk},
            html_edit(404),
            post=html_edit(404),
            data=lambda w: {"checked_on": "2024-02-01", "complied": "on"},
        ),
    ],
    # Every other staff form: staff only; a record of another case through this case's URL is a
    # 404 (object level), for the GET and the POST alike.
    "enforcement:case_create": [
        V("", none, html_edit(), post=html_edit({302, 400}), data=lambda w: {"title": "made by someone who may not"})
    ],
    "enforcement:authority_create": [
        V("", none, html_edit(), post=html_edit({302, 400}), data=lambda w: {"name": "Made up", "country": "NL"})
    ],
    # Staff import a spreadsheet (no file posted: the form says so, 400).
    "enforcement:import_upload": [
        V("", none, html_edit(), post=html_edit({200, 400}), data=lambda w: {"mapping": "standard"})
    ],
    "enforcement:respondent_create": [
        V("", none, html_edit(), post=html_edit({302, 400}), data=lambda w: {"name": "Made up"})
    ],
    "enforcement:decision_add": [
        V("", case_id("published"), html_edit(), post=html_edit({302, 400}), data=lambda w: {"kind": "fine"})
    ],
    **{
        name: [
            V(
                "own case",
                lambda w, r, attr=attr, kwarg=kwarg: {"public_id": w.published.public_id, kwarg: getattr(w, attr).pk},
                html_edit(),
                post=html_edit({302, 400}),
                data=lambda w: {"kind": "other", "text": "x", "amount": "1", "currency": "EUR"},
            ),
            V(
                "record of another case",
                lambda w, r, attr=attr, kwarg=kwarg: {
                    "public_id": w.published.public_id,
                    kwarg: getattr(w, f"unpublished_{attr}").pk,
                },
                html_edit(404),
                post=html_edit(404),
                data=lambda w: {"kind": "other", "text": "x", "amount": "1", "currency": "EUR"},
            ),
        ]
        for name, attr, kwarg in (
            ("enforcement:decision_edit", "decision", "decision_id"),
            ("enforcement:fine_add", "decision", "decision_id"),
            ("enforcement:order_add", "decision", "decision_id"),
            ("enforcement:penalty_add", "decision", "decision_id"),
            ("enforcement:conversion_add", "fine", "fine_id"),
            ("enforcement:fine_criterion_add", "fine", "fine_id"),
            ("enforcement:appeal_edit", "appeal", "appeal_id"),
            ("enforcement:appeal_event_add", "appeal", "appeal_id"),
        )
    },
    **{
        name: [
            V(
                "own case",
                lambda w, r: {"public_id": w.published.public_id, "penalty_id": w.penalty.pk},
                html_edit(),
                post=html_edit({302, 400}),
                data=lambda w: {"currency": "EUR", "unit": "day", "amount_per_unit": "10"},
            ),
            V(
                "penalty through another case",
                lambda w, r: {"public_id": w.unpublished.public_id, "penalty_id": w.penalty.pk},
                html_edit(404),
                post=html_edit(404),
                data=lambda w: {"currency": "EUR", "unit": "day"},
            ),
        ]
        for name in ("enforcement:penalty_edit", "enforcement:liquidation_add")
    },
    **{
        name: [
            V(
                "",
                case_id("published"),
                html_edit(),
                post=html_edit({302, 400}),
                data=lambda w: {"url": "https://example.org/x", "label": "5(1)(a)", "court": "x"},
            )
        ]
        for name in (
            "enforcement:appeal_add",
            "enforcement:source_add",
            "enforcement:article_add",
            "enforcement:investigative_act_add",
            "enforcement:complainant_update_add",
        )
    },
    **{
        name: [
            V(
                "own case",
                lambda w, r, attr=attr, kwarg=kwarg: {
                    "public_id": w.published.public_id,
                    kwarg: getattr(w.published, attr).get().pk,
                },
                html_edit(),
                post=html_edit({302, 400}),
                data=lambda w: {"url": "https://example.org/changed", "label": "6(1)"},
            ),
            V(
                "record of another case",
                lambda w, r, attr=attr, kwarg=kwarg: {
                    "public_id": w.unpublished.public_id,
                    kwarg: getattr(w.published, attr).get().pk,
                },
                html_edit(404),
                post=html_edit(404),
                data=lambda w: {"url": "https://example.org/changed", "label": "6(1)"},
            ),
        ]
        for name, attr, kwarg in (
            ("enforcement:source_edit", "sources", "source_id"),
            ("enforcement:article_edit", "articles", "article_id"),
        )
    },
    "enforcement:investigative_act_edit": [
        V(
            "own case",
            lambda w, r: {"public_id": w.published.public_id, "act_id": investigative_act(w.published).pk},
            html_edit(),
            post=html_edit({302, 400}),
            data=lambda w: {"power": "b", "description": "changed by someone who may not"},
        ),
        V(
            "act of another case",
            lambda w, r: {"public_id": w.published.public_id, "act_id": investigative_act(w.unpublished).pk},
            html_edit(404),
            post=html_edit(404),
            data=lambda w: {"power": "b"},
        ),
    ],
    "enforcement:record_delete": [
        V(
            "own case",
            lambda w, r: {"public_id": w.published.public_id, "kind": "fines", "record_id": w.fine.pk},
            html_edit(),
            post=html_edit(302),
        ),
        V(
            "record of another case",
            lambda w, r: {"public_id": w.published.public_id, "kind": "fines", "record_id": w.unpublished_fine.pk},
            html_edit(404),
            post=html_edit(404),
        ),
        V(
            "no such kind",
            lambda w, r: {"public_id": w.published.public_id, "kind": "users", "record_id": w.fine.pk},
            html_edit(404),
            post=html_edit(404),
        ),
    ],
    # --- requests: citizens -------------------------------------------------------------------
    "compliance:request_new": [V("", none, every(200))],
    "compliance:request_submitted": [V("", none, every(200))],
    # GET only shows a confirmation button (link scanners open links); the POST uses the token,
    # once: Alice's and Bob's were used when they confirmed, a guess never worked.
    "compliance:verify": [
        V("", none, every(200), post=every(410), role_data=lambda w, role: token_of("verify_token", "token")(w, role))
    ],
    # The page of the emailed status link: its script posts the token from after "#".
    "compliance:status_open": [
        V(
            "",
            none,
            every(200),
            post={**every(404), "citizen": 302, "other_citizen": 302},
            role_data=lambda w, role: token_of("status_token", "token")(w, role),
        )
    ],
    "compliance:status": [
        V(
            "own request",
            own_request,
            citizen_link(),
            secrets=alice_secrets,
            shows={"citizen": (ALICE_MARK,), "other_citizen": (BOB_MARK,)},
        ),
        V("another's request", alice_request, only_alice(), secrets=alice_secrets, shows={"citizen": (ALICE_MARK,)}),
    ],
    "compliance:withdraw": [
        V(
            "own request",
            own_request,
            every(405),
            # Alice and Bob may withdraw their own request; the rest is a 404.
            post={**every(404), "citizen": 302, "other_citizen": 302},
            data=lambda w: {"confirm": "yes"},
        ),
        V(
            "another's request",
            alice_request,
            every(405),
            post={**every(404), "citizen": 302},
            data=lambda w: {"confirm": "yes"},
        ),
    ],
    "compliance:download": [
        V("own document", own_link("compliance_download", "signed"), citizen_link()),
        V("another's document", alice_link("compliance_download", "signed"), only_alice()),
    ],
    "compliance:suppression_withdraw_status": [
        V("own request", own_request, every(405), post={**every(404), "citizen": 302, "other_citizen": 302}),
        V("another's request", alice_request, every(405), post={**every(404), "citizen": 302}),
    ],
    "compliance:follow_up_erasure": [
        V(
            "own request",
            own_request,
            citizen_link(),
            # No new selfie and the access request's matches are not confirmed: the form asks for one.
            post={**every(404), "citizen": {302, 400}, "other_citizen": {302, 400}},
            data=lambda w: {"selfie_consent": "on"},
        ),
        V(
            "another's request",
            alice_request,
            only_alice(),
            post={**every(404), "citizen": {302, 400}},
            data=lambda w: {"selfie_consent": "on"},
        ),
    ],
    # The requester leaves the blocklist of erased files: without the confirmation box ticked
    # the page says so (302 back to the status page) and nothing changes.
    "compliance:blocklist_leave": [
        V("own request", own_request, every(405), post={**every(404), "citizen": 302, "other_citizen": 302}),
        V("another's request", alice_request, every(405), post={**every(404), "citizen": 302}),
    ],
    # The requester's own face templates as a file (only an answered access request whose faces
    # are still held: otherwise 404 for them too).
    "compliance:face_templates": [
        V(
            "own request",
            own_request,
            every(405),
            post={**every(404), "citizen": {200, 404}, "other_citizen": {200, 404}},
        ),
        V("another's request", alice_request, every(405), post={**every(404), "citizen": {200, 404}}),
    ],
    # The requester writes to us from the status page (their own request only).
    "compliance:reply": [
        V(
            "own request",
            own_request,
            every(405),
            post={**every(404), "citizen": 302, "other_citizen": 302},
            data=lambda w: {"body": "A note from the requester."},
        ),
        V(
            "another's request",
            alice_request,
            every(405),
            post={**every(404), "citizen": 302},
            data=lambda w: {"body": "A note from the requester."},
        ),
    ],
    # The permanent consent-withdrawal link of the certificate: no session needed, the keyed
    # token in the link is the key; GET asks, POST withdraws.
    "compliance:suppression_withdraw": [
        V("own link", own_link("suppression_token", "token"), citizen_link(), post=citizen_link()),
        V(
            "another's token",
            lambda w, role: {**alice_request(w, role), "token": w.bob.suppression_token},
            every(404),
            post=every(404),
        ),
    ],
    # A lost link: the same answer whatever the address (nothing is shown, a link is emailed).
    "compliance:recover": [V("", none, every(200), post=every(302), data=lambda w: {"email": "nobody@example.org"})],
    "compliance:recover_sent": [V("", none, every(200))],
    # --- requests: staff and auditors ---------------------------------------------------------
    "compliance:queue": [V("", none, html_internal())],
    "compliance:request_detail": [
        V("", alice_request, html_internal(), secrets=alice_secrets, shows={"auditor": (ALICE_MARK,)}),
        V("unknown", lambda w, r: {"public_id": uuid.uuid4()}, html_internal(404)),
    ],
    "compliance:request_action": [
        V(
            "message",
            lambda w, r: {**alice_request(w, r), "action": "message"},
            html_edit(405),
            post=html_edit(302),
            data=lambda w: MESSAGE_POST,
        ),
        V(
            "unknown action",
            lambda w, r: {**alice_request(w, r), "action": "drop-tables"},
            html_edit(405),
            post=html_edit(404),
        ),
    ],
    # A file a requester attached (may be an identity document): request handlers only; an id
    # that is no attachment of this request is a 404 for them.
    "compliance:message_attachment": [
        V("unknown message", lambda w, r: {**alice_request(w, r), "message_id": 987654}, html_edit(404)),
    ],
    # --- the review page (answering) ------------------------------------------------------------
    "answering:review": [V("", alice_request, html_internal())],
    "answering:selfie_crop": [V("", alice_request, html_internal())],
    "answering:selfie_crop_n": [V("first selfie", lambda w, r: {**alice_request(w, r), "number": 1}, html_internal())],
    "answering:match_crop": [
        V("own match", lambda w, r: {**alice_request(w, r), "match_id": w.alice.match.pk}, html_internal()),
        # Object level: Bob's match through Alice's request.
        V("other's match", lambda w, r: {**alice_request(w, r), "match_id": w.bob.match.pk}, html_internal(404)),
    ],
    # A thumbnail of the erasure plan: only faces of this request's matches.
    "answering:plan_crop": [
        V("own face", lambda w, r: {**alice_request(w, r), "face_id": w.alice.match.face_id}, html_internal()),
        V("other's face", lambda w, r: {**alice_request(w, r), "face_id": w.bob.match.face_id}, html_internal(404)),
    ],
    "answering:decide": [
        V(
            "own match",
            lambda w, r: {**alice_request(w, r), "match_id": w.alice.match.pk},
            html_edit(405),
            post=html_edit(302),
            data=lambda w: {"decision": "confirm"},
        ),
        V(
            "other's match",
            lambda w, r: {**alice_request(w, r), "match_id": w.bob.match.pk},
            html_edit(405),
            post=html_edit(404),
            data=lambda w: {"decision": "confirm"},
        ),
    ],
    "answering:decide_many": [
        V(
            "own matches",
            alice_request,
            html_edit(405),
            post=html_edit(302),
            data=lambda w: {"decision": "reject", "matches": [w.alice.match.pk]},
        )
    ],
    "answering:assess_identity": [
        V(
            "",
            alice_request,
            html_edit(405),
            post=html_edit({302, 400}),
            data=lambda w: {"outcome": "established", "note": "Checked by video call."},
        )
    ],
    "answering:finish_review": [V("", alice_request, html_edit(405), post=html_edit(302))],
    "answering:reopen_review": [V("", alice_request, html_edit(405), post=html_edit(302))],
    # GET: what approval will do (the erasure plan with thumbnails); POST: approve (an erasure
    # needs the confirmation box).
    "answering:approve": [
        V("", alice_request, html_edit(), post=html_edit({302, 400}), data=lambda w: {"confirm": "on"})
    ],
    "answering:matching_retry": [V("", alice_request, html_edit(405), post=html_edit(302))],
    "answering:erasure_retry": [
        V("", alice_request, html_edit(405), post=html_edit(302), data=lambda w: {"confirm": "yes"})
    ],
    "answering:recipient_notified": [
        V(
            "own recipient",
            lambda w, r: {**alice_request(w, r), "recipient_id": w.alice.recipient.pk},
            html_edit(405),
            post=html_edit(302),
            data=lambda w: {"how": "other_means", "note": "Told by registered letter."},
        ),
        V(
            "other's recipient",
            lambda w, r: {**alice_request(w, r), "recipient_id": w.bob.recipient.pk},
            html_edit(405),
            post=html_edit(404),
            data=lambda w: {"how": "other_means", "note": "Told by registered letter."},
        ),
    ],
    # The access draft (staff preview before approval) and the issued documents, for staff and
    # auditors; the requester downloads the same documents from the status page.
    "answering:draft_file": [
        V("draft letter", lambda w, r: {**alice_request(w, r), "kind": "pdf"}, html_internal()),
        V("draft data", lambda w, r: {**alice_request(w, r), "kind": "zip"}, html_internal()),
        V("unknown kind", lambda w, r: {**alice_request(w, r), "kind": "selfie"}, html_internal(404)),
    ],
    "answering:document_file": [
        V("issued letter", lambda w, r: {**alice_request(w, r), "kind": "access_letter"}, html_internal()),
        V("not issued", lambda w, r: {**alice_request(w, r), "kind": "erasure_certificate"}, html_internal(404)),
        V("unknown kind", lambda w, r: {**alice_request(w, r), "kind": "selfie"}, html_internal(404)),
    ],
    # --- biometric store ----------------------------------------------------------------------
    "biometrics:store": [V("", none, html_internal())],
    "biometrics:photo_list": [V("", none, html_internal())],
    "biometrics:photo_detail": [V("", lambda w, r: {"public_id": w.photo.public_id}, html_internal())],
    "biometrics:photo_image": [V("", lambda w, r: {"public_id": w.photo.public_id}, html_internal())],
    "biometrics:face_detail": [
        V("own photo", lambda w, r: {"public_id": w.photo.public_id, "face_id": w.face.pk}, html_internal()),
        V(
            "face of another photo",
            lambda w, r: {"public_id": w.photo.public_id, "face_id": w.bob.match.face_id},
            html_internal(404),
        ),
    ],
    "biometrics:search": [V("", none, html_edit(), post=html_edit(200), data=lambda w: {"tolerance": "0.6"})],
    # --- reports ------------------------------------------------------------------------------
    "reports:list": [V("", none, html_internal())],
    "reports:detail": [V("", lambda w, r: {"public_id": w.report.public_id}, html_internal())],
    "reports:download": [V("", lambda w, r: {"public_id": w.report.public_id}, html_internal())],
    "reports:export": [
        V(
            "",
            none,
            html_internal(405),
            post=html_internal(302),
            data=lambda w: {"kind": "case_file", "case": str(w.published.public_id)},
        )
    ],
    "reports:export_audit": [
        V(
            "",
            none,
            html_internal(405),
            post=html_internal(302),
            data=lambda w: {"audit-period_start": "2025-01-01", "audit-period_end": "2025-01-31"},
        )
    ],
    # --- REST API: enforcement (public reads of published data, staff writes) ----------------
    "authority-list": [V("", none, every(200), data=lambda w: {"name": ""})],
    "authority-detail": [V("", lambda w, r: {"slug": w.authority.slug}, every(200))],
    "respondent-list": [V("", none, every(200))],
    "respondent-detail": [V("", lambda w, r: {"slug": w.respondent.slug}, every(200))],
    "case-list": [V("", none, every(200), secrets=internal_secrets)],
    "case-totals": [V("", none, every(200))],
    "case-detail": [
        V("published", case_id("published"), every(200), secrets=internal_secrets),
        V("unpublished", case_id("unpublished"), api_public(internal_only_object=True)),
    ],
    "decision-list": [V("", none, every(200))],
    "decision-detail": [
        V("published", lambda w, r: {"public_id": w.decision.public_id}, every(200)),
        V(
            "unpublished",
            lambda w, r: {"public_id": w.unpublished_decision.public_id},
            api_public(internal_only_object=True),
        ),
    ],
    "fine-list": [V("", none, every(200))],
    "fine-detail": [
        V("published", lambda w, r: {"public_id": w.fine.public_id}, every(200)),
        V(
            "unpublished",
            lambda w, r: {"public_id": w.unpublished_fine.public_id},
            api_public(internal_only_object=True),
        ),
    ],
    "penalty-payment-list": [V("", none, every(200))],
    "penalty-payment-detail": [V("", lambda w, r: {"public_id": w.penalty.public_id}, every(200))],
    "appeal-list": [V("", none, every(200))],
    "appeal-detail": [
        V("published", lambda w, r: {"public_id": w.appeal.public_id}, every(200)),
        V(
            "unpublished",
            lambda w, r: {"public_id": w.unpublished_appeal.public_id},
            api_public(internal_only_object=True),
        ),
    ],
    # --- REST API: requests, audit trail and store (staff and auditors only) ------------------
    "compliance-request-list": [V("", none, api_internal())],
    "compliance-request-counts": [V("", none, api_internal())],
    "compliance-request-detail": [V("", alice_request, api_internal())],
    "compliance-request-messages": [V("", alice_request, api_internal())],
    "compliance-request-audit": [V("", alice_request, api_internal())],
    "compliance-audit-event-list": [V("", none, api_internal())],
    "compliance-audit-event-verify": [V("", none, api_internal())],
    "compliance-audit-event-detail": [V("", lambda w, r: {"pk": w.audit_event.pk}, api_internal())],
    "biometrics-photo-list": [V("", none, api_internal())],
    "biometrics-photo-stats": [V("", none, api_internal())],
    "biometrics-photo-detail": [V("", lambda w, r: {"public_id": w.photo.public_id}, api_internal())],
}

# Request actions of the API: POST only; staff get a 200, 400 or 409 (the state decides). The
# answer's actions are the guarded transitions of the review page; the shortcuts of the earlier
# lifecycle (start-processing, mark-awaiting-*, verify-identity) no longer exist, and
# test_every_url_has_an_expectation fails if one comes back.
for _action, _body in {
    "announce-restriction-lift": {"reason": "the objection was rejected on compelling grounds"},
    "approve": {"confirm_erasure": True},
    "assess-identity": {"outcome": "established", "note": "seen passport"},
    "decide": {"outcome": "rectified", "reason": "the page address was corrected"},
    "decide-matches": {"decision": "confirm", "matches": [1]},
    "escalate": {},
    "extend": {"months": 1, "reason": "complex"},
    "finish-review": {},
    "lift-restriction": {},
    "message": {"body": "hello"},
    "refuse": {"basis": "other", "reason": "no"},
    "refuse-part": {"scope": "names of recipients", "basis": "other", "reason": "no"},
    "reissue-status-link": {},
    "reopen-review": {},
    "withdraw": {},
}.items():
    EXPECTED[f"compliance-request-{_action}"] = [
        V(
            "",
            alice_request,
            {**every(403), "auditor": 405, "staff": 405},
            post={**every(403), "auditor": 403, "staff": {200, 400, 409}},
            data=lambda w, body=_body: body,
        )
    ]

# API writes on the enforcement resources: only staff; everyone else a 403 and nothing changed.
for _name in ("respondent-list", "case-list", "decision-list", "fine-list", "penalty-payment-list", "appeal-list"):
    EXPECTED[_name][0].post = {**every(403), "staff": {201, 400}}
EXPECTED["authority-list"][0].post = {**every(403), "staff": {201, 400}}

# --- the admin: one rule per kind of admin URL -------------------------------------------------
# Django's admin wraps every view in AdminSite.admin_view (is_active and is_staff), so no role of
# this app reaches it: staff and auditors work in the app, the admin is for superusers.
ADMIN_RULES: list[tuple[str, Expect]] = [
    (r"^admin:login$", every(200)),
    (r"^admin:logout$", every({302, 405})),
    (r"^admin:jsi18n$", every(ADMIN_LOGIN)),
    (r"^admin:(index|password_change|password_change_done|autocomplete|view_on_site|app_list)$", every(ADMIN_LOGIN)),
    (r"^admin:\w+_\w+_(changelist|add|history|delete|change)$", every(ADMIN_LOGIN)),
    (r"^route:admin/[\w/]+<path:object_id>/$", every(ADMIN_LOGIN)),  # old-style change-page redirects
    (r"^route:admin/\(\?P<url>\.\*\)\$$", every({ADMIN_LOGIN, 404})),  # the catch-all
]


def admin_rule(key_for_rules: str) -> Expect | None:
    matches = [expect for pattern, expect in ADMIN_RULES if re.search(pattern, key_for_rules)]
    return matches[0] if len(matches) == 1 else None


def rule_key(d: Discovered) -> str:
    """Admin keys as if the admin were at /admin/ (it lives at settings.ADMIN_URL)."""
    if d.key.startswith("route:"):
        return "route:" + d.route.replace(settings.ADMIN_URL, "admin/", 1)
    return d.key


DISCOVERED = discover_urls()


def test_every_url_has_an_expectation():
    """A URL without a row in the table fails here, and so does a row whose URL is gone."""
    unclassified = []
    for d in DISCOVERED:
        if d.is_admin:
            if admin_rule(rule_key(d)) is None:
                unclassified.append(f"{d.key} ({d.route})")
        elif d.key not in EXPECTED:
            unclassified.append(f"{d.key} ({d.route})")
    assert not unclassified, "URLs with no expectation in the permissions matrix:\n" + "\n".join(unclassified)
    stale = set(EXPECTED) - {d.key for d in DISCOVERED}
    assert not stale, f"expectations for URLs that no longer exist: {sorted(stale)}"
    assert len(DISCOVERED) > 100  # the walk reached the includes, the router and the admin


# --- running the matrix ----------------------------------------------------------------------------


def outcome_matches(response, expected) -> bool:
    allowed = expected if isinstance(expected, set) else {expected}
    status = response.status_code
    location = response.get("Location", "")
    for item in allowed:
        if item == LOGIN and status == 302 and location.startswith(reverse("login")):
            return True
        if item == ADMIN_LOGIN and status == 302 and location.startswith(reverse("admin:login")):
            return True
        if item == 302 and status == 302 and not location.startswith(reverse("login")):
            return True
        if isinstance(item, int) and item != 302 and status == item:
            return True
    return False


def build_path(d: Discovered, kwargs: dict) -> str:
    kwargs = dict(kwargs)
    if "format" in d.kwarg_names:
        kwargs["format"] = "json"
    name = d.key
    path = reverse(name, kwargs=kwargs) if kwargs else reverse(name)
    matched = resolve(path).route
    assert matched.replace("^", "") == d.route.replace("^", ""), (
        f"{path} resolved to {matched}, not to the pattern under test {d.route}"
    )
    return path


def body_text(response) -> str:
    """The body as text (a streamed body is read once and kept)."""
    if not hasattr(response, "_security_text"):
        streamed = getattr(response, "streaming", False)
        content = b"".join(response.streaming_content) if streamed else response.content
        response._security_text = content.decode("utf-8", errors="replace")
    return response._security_text


def check_secrets(response, role: str, secrets: dict[str, tuple[str, ...]], where: str) -> list[str]:
    if response.status_code != 200 or not secrets:
        return []
    text = body_text(response)
    return [
        f"{where}: {role} sees {secret!r}"
        for secret, allowed in secrets.items()
        if role not in allowed and secret in text
    ]


def is_denied(expected) -> bool:
    return isinstance(expected, int | str) and expected in DENIED_WRITE


def post_and_check(discovered, variant, world, role_clients, role) -> list[str]:
    path = build_path(discovered, variant.kwargs(world, role))
    response = role_clients[role].post(path, variant.body(world, role))
    expected = variant.post[role]
    if not outcome_matches(response, expected):
        return [f"POST {path} [{variant.label}]: {role} got {describe(response)}, expected {expected}"]
    return []


def alice_rows(world) -> tuple:
    from compliance.models import DataSubjectRequest, RequestMessage

    pk = world.alice.request.pk
    return (
        list(DataSubjectRequest.objects.filter(pk=pk).values()),
        list(RequestMessage.objects.filter(request_id=pk).order_by("pk").values()),
    )


def describe(response) -> str:
    return f"{response.status_code} {response.get('Location', '')}".strip()


APP_URLS = [d for d in DISCOVERED if not d.is_admin and d.key in EXPECTED]

# DRF extra actions (@action) are routed with the format suffix too (`cases/totals.json`): they
# take `*args, **kwargs` so that the router's `format` argument reaches them (it was a TypeError,
# a 500, while they were declared `def totals(self, request)`). The `.json` variants of every
# action below are tested like any other URL.
EXTRA_ACTIONS = {"case-totals", "biometrics-photo-stats", "compliance-audit-event-verify"} | {
    key
    for key in EXPECTED
    if key.startswith("compliance-request-") and key not in ("compliance-request-list", "compliance-request-detail")
}


def test_every_extra_action_has_a_format_suffix_route():
    """The actions above are reached through their `.json` route by the matrix (not skipped)."""
    with_suffix = {d.key for d in APP_URLS if "format" in d.kwarg_names}
    assert with_suffix >= EXTRA_ACTIONS, sorted(EXTRA_ACTIONS - with_suffix)


def app_params():
    for d in APP_URLS:
        yield pytest.param(d, id=f"{d.key}|{d.route}")


@pytest.mark.parametrize("discovered", list(app_params()))
def test_url_against_every_role(discovered, world, role_clients, media_root):
    failures: list[str] = []
    for variant in EXPECTED[discovered.key]:
        for role in ROLES:
            client = role_clients[role]
            path = build_path(discovered, variant.kwargs(world, role))
            where = f"GET {path} [{variant.label or 'default'}]"
            response = client.get(path)
            if not outcome_matches(response, variant.get[role]):
                failures.append(f"{where}: {role} got {describe(response)}, expected {variant.get[role]}")
            failures += check_secrets(response, role, variant.secrets(world), where)
            for needle in variant.shows.get(role, ()):
                if needle not in body_text(response):
                    failures.append(f"{where}: {role} should see {needle!r}")

        if variant.post is None:
            continue
        denied = [role for role in ROLES if is_denied(variant.post[role])]
        before, files_before = db_snapshot(), media_snapshot(media_root)
        for role in denied:
            failures += post_and_check(discovered, variant, world, role_clients, role)
        changed = changes_between(before, db_snapshot())
        if changed or media_snapshot(media_root) != files_before:
            failures.append(f"POST {discovered.route} [{variant.label}] by refused roles changed {changed or 'files'}")
        # Writers last: Bob first (with his own link he may only touch his own request), then
        # Alice, then staff.
        for role in ("other_citizen", "citizen", "staff"):
            if role in denied:
                continue
            alice_before = alice_rows(world)
            failures += post_and_check(discovered, variant, world, role_clients, role)
            if role == "other_citizen" and alice_rows(world) != alice_before:
                failures.append(f"POST {discovered.route}: Bob's link changed Alice's request")
    assert not failures, "\n".join(failures)


ADMIN_URLS = [d for d in DISCOVERED if d.is_admin and admin_rule(rule_key(d)) is not None]
ADMIN_KWARGS = {
    "object_id": "1",
    "content_type_id": "1",
    "id": "1",
    "app_label": "enforcement",
    "url": "no-such-page/",
}


@pytest.fixture
def plain_role_clients(staff_user, auditor_user, outsider_user, inactive_staff_user):
    users = {"staff": staff_user, "auditor": auditor_user, "outsider": outsider_user, "inactive": inactive_staff_user}
    from django.test import Client

    clients = {}
    for role in ROLES:
        clients[role] = Client()
        if role in users:
            clients[role].force_login(users[role])
    return clients


def admin_path(d: Discovered) -> str:
    kwargs = {name: ADMIN_KWARGS[name] for name in d.kwarg_names}
    if d.key.startswith("route:"):
        path = "/" + d.route
        for name, value in kwargs.items():
            path = re.sub(rf"<(\w+:)?{name}>", value, path)
        path = path.replace("(?P<url>.*)$", kwargs.get("url", ""))
        return path
    return reverse(d.key, kwargs=kwargs) if kwargs else reverse(d.key)


@pytest.mark.parametrize("discovered", ADMIN_URLS, ids=[f"{d.key}|{d.route}" for d in ADMIN_URLS])
def test_admin_url_against_every_role(discovered, plain_role_clients):
    expected = admin_rule(rule_key(discovered))
    path = admin_path(discovered)
    failures = []
    for role in ROLES:
        response = plain_role_clients[role].get(path)
        if not outcome_matches(response, expected[role]):
            failures.append(f"GET {path}: {role} got {describe(response)}, expected {expected[role]}")
        if response.status_code < 400 and discovered.key not in ("admin:login",) and response.status_code != 302:
            failures.append(f"GET {path}: {role} reached an admin page ({response.status_code})")
    assert not failures, "\n".join(failures)


def test_admin_works_for_a_superuser_at_the_configured_path(django_user_model, client, world):
    """The rules above would also pass if the admin were broken: a superuser must get in."""
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "another correct horse")
    client.force_login(admin)
    assert reverse("admin:index") == f"/{settings.ADMIN_URL}"
    for d in DISCOVERED:
        if d.key.endswith("_changelist") and d.key.startswith("admin:"):
            response = client.get(reverse(d.key))
            assert response.status_code == 200, f"{d.key}: {response.status_code}"

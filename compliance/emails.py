"""Emails of the request service. Every one goes through the outbox (core.outbox): the
workflow writes a row in the same transaction as the change that causes it, and the renderers
below turn the row into the email when it is sent, in the requester's language, as plain text
with an HTML alternative.

Templates (templates/compliance/email/): for every kind `K`, `K_subject.txt` (one line), `K.txt`
and `K.html`. Every template receives `req`, `status_url` (the private status page, its token
after "#" so that it never reaches a server log), `site_url` and `language`, plus:

    verification      verify_url (single use, 7 days; its token after "#" too)
    acknowledgement   (email confirmed; the due date is req.effective_due_date)
    extension         (req.extended_due_date, req.extension_reason)
    message           message (a RequestMessage visible to the requester)
    refusal           letter (refusal_letter()), remedies (remedies_text())
    completed         summary (completion_summary())
    withdrawn, status_link
    staff_reminder    requests (list of {"req", "url"}), days -- to staff, in LANGUAGE_CODE
    art19_notice      recipient, erasure -- to a customer whose searches returned erased faces
    restriction_art19_notice  customer_name, faces, reference, law, swiss -- to a customer whose
                      searches returned faces now restricted (GDPR Art. 18, 19)
    restriction_lift_art19_notice  the same, when that restriction is lifted (Art. 18(3), 19)
    rectification_art19_notice  the same and `corrected` (the staff's reasons: what was
                      corrected) -- faces whose data were rectified (Art. 16, 19)

A renderer returns None when the email no longer applies (it is then cancelled, not sent): a
verification email for a request that is no longer waiting for it, a message since hidden.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext as _

from compliance.models import DataSubjectRequest, ErasureRecipient, Regime, RequestMessage, RequestStatus
from compliance.regimes import (
    refusal_basis_label,
    regime_extension_citation,
    regime_period_citation,
    request_type_label,
    uk_named,
)
from compliance.services.tokens import status_token_for, verification_token_for
from compliance.workflow.extension_notice import NOTICE_KIND, extension_notice_sent
from compliance.workflow.machine import DECIDED_TYPES, UNVERIFIED_STATUSES, approval_erases
from compliance.workflow.recipients import (
    RECTIFICATION_NOTICE_KIND,
    RESTRICTION_LIFT_NOTICE_KIND,
    RESTRICTION_NOTICE_KIND,
)
from core.models import OutboxEmail
from core.outbox import RenderedEmail, outbox_register

REQUEST_KINDS = (
    "verification",
    "acknowledgement",
    "extension",
    "message",
    "refusal",
    "completed",
    "withdrawn",
    "status_link",
)


def remedies_text(regime: str = Regime.EU_GDPR) -> str:
    """The remedies under the request's law (compliance/regimes.py), in the active language: GDPR
    Art. 12(4), 77 and 79 (the same sentence as the refusal templates, so that it shares their
    translations); UK GDPR Art. 12(4), 77 and 79 (the Information Commissioner); FADP Art. 49
    (a report to the FDPIC) and Art. 32 (the civil courts)."""
    if regime == Regime.UK_GDPR:
        return _(
            "You have the right to lodge a complaint with the Information Commissioner and the right to go to court "
            "(UK GDPR Art. 12(4), 77 and 79)."
        )
    if regime == Regime.CH_FADP:
        return _(
            "You may report the matter to the Federal Data Protection and Information Commissioner (FDPIC, Art. 49 "
            "FADP) and bring your claims before the civil courts (Art. 32 FADP)."
        )
    return _(
        "You have the right to lodge a complaint with a data protection supervisory authority, in particular in "
        "the EU country where you live, where you work or where the alleged infringement took place, and the "
        "right to go to court (GDPR Art. 12(4), 77 and 79)."
    )


def refusal_letter(request) -> str:
    """The full text of a refusal email, in the active language."""
    parts = [
        _("Dear %(name)s,") % {"name": request.name},
        _(
            "We have decided not to take action on your %(type)s request received on %(received)s "
            "(reference %(reference)s)."
        )
        % {
            "type": request_type_label(request_type=request.request_type, regime=request.regime),
            "received": date_format(request.received_at, "DATE_FORMAT"),
            "reference": request.public_id,
        },
        # The ground under the request's law: the FADP's own for a Swiss request (compliance/regimes.py).
        _("Legal basis: %(basis)s.")
        % {
            "basis": refusal_basis_label(
                basis=request.refusal_basis, regime=request.regime, request_type=request.request_type
            )
        },
        _("Our reasons: %(reason)s") % {"reason": request.refusal_reason},
    ]
    if request.refusal_law:
        # GDPR Art. 23(2), 17(3)(b): the provision of law the refusal rests on.
        parts.append(_("The provision of law we rely on: %(law)s") % {"law": request.refusal_law})
    if request.refused_late and request.regime == Regime.CH_FADP:
        parts.append(
            _("We are answering after the 30 days within which the law asks us to answer (FADO Art. 18). Why: %(why)s")
            % {"why": request.late_refusal_reason}
        )
    elif request.refused_late:
        late = _(
            "We are answering after the one month the law allows for a refusal (GDPR Art. 12(4)). Why: %(why)s"
        ) % {"why": request.late_refusal_reason}
        # The UK GDPR has the same Art. 12(4) under its own name.
        parts.append(uk_named(late) if request.regime == Regime.UK_GDPR else late)
    parts.append(remedies_text(request.regime))
    return "\n\n".join(parts)


@dataclass(frozen=True)
class CompletionSummary:
    """What a completed request's email and status page say about the requester's data."""

    access: bool
    erasure: bool
    selfie_deleted_at: object
    photos_found: int
    photos_still_held: int
    faces_erased: int
    # Set when the match details were deleted at the end of their retention period: the counts
    # above are then unknown, not zero.
    details_deleted_at: object = None
    # A rectification, restriction or objection: answered by a decision letter.
    decision: bool = False


def completion_summary(request: DataSubjectRequest) -> CompletionSummary:
    """Honest numbers: the selfie was deleted; for an access answer the photos of the person the
    store still holds (confirmed matches whose face is still there), which they may have erased."""
    confirmed = request.matches.filter(review_status="confirmed")
    erasure = getattr(request, "erasure", None) if request.request_type != "access" else None
    return CompletionSummary(
        access=request.request_type in ("access", "both"),
        erasure=approval_erases(request.request_type, request.outcome),
        decision=request.request_type in DECIDED_TYPES,
        selfie_deleted_at=request.biometrics_purged_at,
        photos_found=confirmed.values("photo_id_snapshot").distinct().count(),
        photos_still_held=confirmed.filter(face__isnull=False).values("photo_id_snapshot").distinct().count(),
        faces_erased=erasure.faces_deleted if erasure else 0,
        details_deleted_at=request.matches_purged_at,
    )


def status_url_for(request: DataSubjectRequest) -> str:
    """The status link of the emails: the token after "#" (see compliance.workflow.intake)."""
    token = status_token_for(request)
    return f"{settings.SITE_URL}{reverse('compliance:status_open')}#{token}" if token else ""


def email_render(*, kind: str, language: str, context: dict) -> RenderedEmail:
    with translation.override(language):
        full = {"site_url": settings.SITE_URL, "language": language, **context}
        regime = full["req"].regime if "req" in full else Regime.EU_GDPR
        if "req" in full:
            # The provisions the acknowledgement and the extension notice cite (compliance/regimes.py).
            full.setdefault("period_law", regime_period_citation(regime))
            full.setdefault("extension_law", regime_extension_citation(regime))
        if kind == "refusal" and "req" in full:
            full.setdefault("letter", refusal_letter(full["req"]))
            full.setdefault("remedies", remedies_text(regime))
        subject = " ".join(render_to_string(f"compliance/email/{kind}_subject.txt", full).split())
        text = render_to_string(f"compliance/email/{kind}.txt", full)
        html = render_to_string(f"compliance/email/{kind}.html", full)
        if kind == "refusal":
            # Whatever the template says, a refusal always names the remedies (Art. 12(4)).
            remedies = remedies_text(regime)
            if remedies not in text:
                text = f"{text.rstrip()}\n\n{remedies}\n"
            if escape(remedies) not in html and remedies not in html:
                html = f"{html}<p>{escape(remedies)}</p>"
    return RenderedEmail(subject=subject, text=text, html=html)


def _request_context(email: OutboxEmail) -> dict | None:
    request = DataSubjectRequest.objects.filter(pk=email.params.get("request_id")).first()
    if request is None:
        return None
    return {"req": request, "status_url": status_url_for(request)}


def _render_request_email(kind: str):
    def render(email: OutboxEmail) -> RenderedEmail | None:
        context = _request_context(email)
        if context is None:
            return None
        request = context["req"]
        if kind == "verification":
            if request.status not in UNVERIFIED_STATUSES:
                return None
            verification = request.email_verifications.filter(used_at__isnull=True).order_by("-created_at").first()
            token = verification_token_for(verification) if verification else None
            if token is None:
                return None
            context["verify_url"] = f"{settings.SITE_URL}{reverse('compliance:verify')}#{token}"
            context["expires_at"] = verification.expires_at
        elif kind == "message":
            message = RequestMessage.objects.filter(
                pk=email.params.get("message_id"), request=request, visible_to_requester=True
            ).first()
            if message is None:
                return None
            context["message"] = message
        elif kind == "completed":
            if request.status != RequestStatus.COMPLETED:
                return None
            context["summary"] = completion_summary(request)
        return email_render(kind=kind, language=email.language, context=context)

    return render


def _render_staff_reminder(email: OutboxEmail) -> RenderedEmail | None:
    requests = DataSubjectRequest.objects.filter(pk__in=email.params.get("request_ids", [])).order_by("due_date", "pk")
    items = [
        {"req": r, "url": settings.SITE_URL + reverse("compliance:request_detail", kwargs={"public_id": r.public_id})}
        for r in requests
    ]
    if not items:
        return None
    return email_render(
        kind="staff_reminder", language=email.language, context={"requests": items, "days": email.params.get("days")}
    )


def _render_art19_notice(email: OutboxEmail) -> RenderedEmail | None:
    recipient = (
        ErasureRecipient.objects.filter(pk=email.params.get("recipient_id")).select_related("erasure__request").first()
    )
    if recipient is None:
        return None
    return email_render(
        kind="art19_notice",
        language=email.language,
        context={
            "recipient": recipient,
            "erasure": recipient.erasure,
            "reference": recipient.erasure.request.public_id,
        },
    )


def recipient_notice_law(regime: str) -> dict:
    """What an Art. 19 notice to a customer cites (compliance.workflow.recipients): the GDPR's or
    the UK GDPR's Art. 16, 18 and 19 (the same numbers); the Swiss FADP has no Art. 19, so a Swiss
    notice names only the requester's claim (Art. 32 FADP)."""
    if regime == Regime.CH_FADP:
        return {"swiss": True, "law": "FADP"}
    return {"swiss": False, "law": "UK GDPR" if regime == Regime.UK_GDPR else "GDPR"}


def _without_requester_name(text: str, name: str) -> str:
    """The staff's reasons as a recipient reads them: the requester's full name, should the reasons
    repeat it, replaced (the notice identifies the request by its reference only). A safeguard; the
    decision form tells staff that recipients read the reasons of a rectification."""
    name = " ".join((name or "").split())
    if not text or len(name) < 2:
        return text
    pattern = r"\s+".join(re.escape(part) for part in name.split())
    return re.sub(pattern, "[the data subject]", text, flags=re.IGNORECASE)


def _render_recipient_notice(template: str):
    """A notice to a customer whose searches returned the faces of a rectification, a restriction
    or its lift (GDPR Art. 19): the request's reference, how many faces, for a rectification the
    staff's statement of what was corrected; nothing biometric and not the requester's name."""

    def render(email: OutboxEmail) -> RenderedEmail | None:
        request = DataSubjectRequest.objects.filter(pk=email.params.get("request_id")).first()
        if request is None:
            return None
        return email_render(
            kind=template,
            language=email.language,
            context={
                "customer_name": email.params.get("customer", ""),
                "faces": email.params.get("faces", 0),
                "reference": request.public_id,
                "corrected": _without_requester_name(request.outcome_reason, request.name),
                **recipient_notice_law(request.regime),
            },
        )

    return render


RENDERERS = {
    **{f"request.{kind}": _render_request_email(kind) for kind in REQUEST_KINDS},
    "request.staff_reminder": _render_staff_reminder,
    "erasure.art19_notice": _render_art19_notice,
    RESTRICTION_NOTICE_KIND: _render_recipient_notice("restriction_art19_notice"),
    RESTRICTION_LIFT_NOTICE_KIND: _render_recipient_notice("restriction_lift_art19_notice"),
    RECTIFICATION_NOTICE_KIND: _render_recipient_notice("rectification_art19_notice"),
}


def register_outbox_renderers() -> None:
    """Called from ComplianceConfig.ready()."""
    for kind, render in RENDERERS.items():
        outbox_register(kind=kind, render=render, on_sent=extension_notice_sent if kind == NOTICE_KIND else None)

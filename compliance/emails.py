"""Emails of the request service: rendered in the requester's language, sent through Django's
email backend as plain text with an HTML alternative.

Templates (templates/compliance/email/, written with the web side): for every kind `K`,
`K_subject.txt` (one line), `K.txt` and `K.html`. Every template receives `req` (the
DataSubjectRequest), `status_url` (the requester's private status page), `site_url` and
`language`, plus:

    verification      verify_url (single use, 7 days)
    acknowledgement   (email confirmed; the due date is req.effective_due_date)
    extension         (req.extended_due_date, req.extension_reason)
    message           message (a RequestMessage visible to the requester)
    refusal           letter (refusal_letter()), remedies (remedies_text())
    completed, withdrawn
    expired           (not sent by the expiry task: the address was never confirmed, and the
                       verification email already said the request lapses after 7 days)
    staff_reminder    requests (list of {"req", "url"}), days -- to staff, in LANGUAGE_CODE

The refusal letter's text is built here, not in a template, so that it always carries the
remedies (GDPR Art. 12(4): the controller informs the data subject "of the reasons for not taking
action and on the possibility of lodging a complaint with a supervisory authority and seeking a
judicial remedy") whatever a template does; the PDF letter reuses refusal_letter().
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext as _

EMAIL_KINDS = (
    "verification",
    "acknowledgement",
    "extension",
    "message",
    "refusal",
    "completed",
    "withdrawn",
    "expired",
    "staff_reminder",
)


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def remedies_text() -> str:
    """GDPR Art. 12(4), 77 and 79, in the active language (the same sentence as the refusal
    templates, so that it shares their translations)."""
    return _(
        "You have the right to lodge a complaint with a data protection supervisory authority, in particular in "
        "the EU country where you live, where you work or where the alleged infringement took place, and the "
        "right to go to court (GDPR Art. 12(4), 77 and 79)."
    )


def refusal_letter(request) -> str:
    """The full text of a refusal (email and PDF), in the active language."""
    parts = [
        _("Dear %(name)s,") % {"name": request.name},
        _(
            "We have decided not to take action on your %(type)s request received on %(received)s "
            "(reference %(reference)s)."
        )
        % {
            "type": request.get_request_type_display(),
            "received": date_format(request.received_at, "DATE_FORMAT"),
            "reference": request.public_id,
        },
        _("Legal basis: %(basis)s.") % {"basis": request.get_refusal_basis_display()},
        _("Our reasons: %(reason)s") % {"reason": request.refusal_reason},
        remedies_text(),
    ]
    return "\n\n".join(parts)


def email_render(*, kind: str, language: str, context: dict) -> RenderedEmail:
    if kind not in EMAIL_KINDS:
        raise ValueError(f"unknown email kind {kind!r}")
    with translation.override(language):
        full = {"site_url": settings.SITE_URL, "language": language, **context}
        if kind == "refusal" and "req" in full:
            full.setdefault("letter", refusal_letter(full["req"]))
            full.setdefault("remedies", remedies_text())
        subject = " ".join(render_to_string(f"compliance/email/{kind}_subject.txt", full).split())
        text = render_to_string(f"compliance/email/{kind}.txt", full)
        html = render_to_string(f"compliance/email/{kind}.html", full)
        if kind == "refusal":
            # Whatever the template says, a refusal always names the remedies (Art. 12(4)).
            remedies = remedies_text()
            if remedies not in text:
                text = f"{text.rstrip()}\n\n{remedies}\n"
            if escape(remedies) not in html and remedies not in html:
                html = (
                    html.replace("</body>", f"<p>{escape(remedies)}</p></body>")
                    if "</body>" in html
                    else (f"{html}<p>{escape(remedies)}</p>")
                )
    return RenderedEmail(subject=subject, text=text, html=html)


def email_send(*, to: list[str], kind: str, language: str, context: dict) -> None:
    """Render and send one email; raises what the backend raises (SMTP errors) to the caller."""
    rendered = email_render(kind=kind, language=language, context=context)
    message = EmailMultiAlternatives(
        subject=rendered.subject, body=rendered.text, from_email=settings.DEFAULT_FROM_EMAIL, to=to
    )
    message.attach_alternative(rendered.html, "text/html")
    message.send(fail_silently=False)

"""Forms of the request service: the citizen's public form and the staff action forms.

The public form checks every photo with the service's check (compliance.workflow.photos: the
image checks of biometrics/images.py, then the face count), so that the citizen learns at once
that a photo cannot be used, in their language, instead of weeks later. A selfie that passed is kept server-side
(PendingUpload, one hour, private storage) behind a random token in a hidden field, so a form
re-displayed for a text error does not make the citizen choose the photo again.
"""

import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _

from biometrics.images import ACCEPT_ATTRIBUTE, ImageRejected
from biometrics.models import Customer
from compliance.authorities import GERMAN_STATES, region_clean
from compliance.consent import ID_CONSENT_MISSING
from compliance.consent import LABELS as CONSENT_LABELS
from compliance.models import (
    COUNTRIES,
    ClockStop,
    DataSubjectRequest,
    IdentityAssessment,
    NotifiedHow,
    RefusalBasis,
    RequestType,
)
from compliance.withholding import request_recipient_customers
from compliance.workflow.intake import STATEMENT_MIN_LENGTH
from compliance.workflow.machine import DECIDED_TYPES
from compliance.workflow.photos import CheckedPhoto, photo_check
from enforcement.models import Authority, Case, Respondent


def check_photo(upload, *, require_single_face: bool) -> CheckedPhoto:
    """The service's photo check (compliance.workflow.photos), its refusal as a form error."""
    try:
        return photo_check(upload, require_single_face=require_single_face)
    except ImageRejected as rejected:
        raise forms.ValidationError(str(rejected.message), code=rejected.code) from None


def country_choices() -> list[tuple[str, str]]:
    """Countries sorted by their name in the current language (accents ignored)."""

    def key(item):
        text = unicodedata.normalize("NFKD", str(item[1]))
        return "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()

    return [("", _("Choose your country"))] + sorted(((code, str(name)) for code, name in COUNTRIES), key=key)


class PhotoInput(forms.ClearableFileInput):
    """A file input that never renders a link to a stored file (our photos have no URL)."""

    template_name = "django/forms/widgets/file.html"

    def __init__(self, attrs=None):
        super().__init__(attrs={"accept": ACCEPT_ATTRIBUTE, **(attrs or {})})

    def format_value(self, value):
        return None


class RequestForm(forms.Form):
    """The citizen's request. The view supplies photos already kept from an earlier attempt
    (`kept_selfie`, `kept_selfie_2`, `kept_selfie_3`, `kept_id_document`: (token, original
    name)); a new upload replaces them."""

    request_type = forms.ChoiceField(
        label=_("What do you want to ask?"),
        choices=[
            (
                RequestType.ACCESS,
                _(
                    "Access: tell me whether you hold photos of my face, where they came from and what you did "
                    "with them (GDPR Art. 15)"
                ),
            ),
            (
                RequestType.ERASURE,
                _("Erasure: delete photos of my face and everything derived from them (GDPR Art. 17)"),
            ),
            (RequestType.BOTH, _("Both: first tell me what you hold, then delete it")),
            (
                RequestType.RECTIFICATION,
                _("Rectification: correct data about me that is inaccurate or incomplete (GDPR Art. 16)"),
            ),
            (
                RequestType.RESTRICTION,
                _(
                    "Restriction: keep photos of my face but stop using them in searches, for example while "
                    "their accuracy is checked (GDPR Art. 18)"
                ),
            ),
            (
                RequestType.OBJECTION,
                _(
                    "Objection: stop processing photos of my face, for reasons of my particular situation "
                    "(GDPR Art. 21)"
                ),
            ),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose what you want to ask."),
            "invalid_choice": _("Choose one of the options."),
        },
    )
    statement = forms.CharField(
        label=_("For rectification, restriction or objection: explain your request"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Rectification: what is inaccurate and what is right. Restriction: why the processing should be "
            "restricted (for example, you contest the accuracy, or you need the data for a legal claim). "
            "Objection: the reasons of your particular situation."
        ),
        error_messages={"max_length": _("Your explanation can have at most %(limit_value)d characters.")},
    )
    name = forms.CharField(
        label=_("Your full name"),
        max_length=200,
        error_messages={
            "required": _("Enter your name."),
            "max_length": _("Your name can have at most %(limit_value)d characters."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        help_text=_("We send a link to this address to confirm it. The link also lets you follow your request."),
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter a valid email address, like name@example.org."),
            "max_length": _("An email address can have at most %(limit_value)d characters."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    country = forms.ChoiceField(
        label=_("Country where you live"),
        choices=country_choices,
        help_text=_(
            "The legal deadline for our answer counts the public holidays of the controller's Member State, "
            "not those of your country."
        ),
        error_messages={
            "required": _("Choose the country where you live."),
            "invalid_choice": _("Choose a country from the list."),
        },
    )
    region = forms.ChoiceField(
        label=_("If you live in Germany: your state (Land)"),
        choices=[("", "—"), *GERMAN_STATES],
        required=False,
        help_text=_(
            "In Germany the data protection authority of your state handles complaints; we name it in our letters."
        ),
    )
    selfie = forms.FileField(
        label=_("A photo of your face (selfie)"),
        required=False,
        widget=PhotoInput(),
        help_text=_("JPEG, PNG, HEIC, WEBP or AVIF. Only your face, looking at the camera, in good light."),
    )
    selfie_token = forms.CharField(required=False, widget=forms.HiddenInput, max_length=128)
    selfie_2 = forms.FileField(
        label=_("Optional: a second photo of your face"),
        required=False,
        widget=PhotoInput(),
        help_text=_(
            "Another photo of you only (other light, other day). With more photos we find fewer faces of "
            "other people: a face is only a match if it resembles every photo you give."
        ),
    )
    selfie_2_token = forms.CharField(required=False, widget=forms.HiddenInput, max_length=128)
    selfie_3 = forms.FileField(
        label=_("Optional: a third photo of your face"),
        required=False,
        widget=PhotoInput(),
    )
    selfie_3_token = forms.CharField(required=False, widget=forms.HiddenInput, max_length=128)
    selfie_consent = forms.BooleanField(
        label=CONSENT_LABELS["selfie"],
        error_messages={"required": _("Without your explicit consent we cannot use your photo to answer the request.")},
    )
    id_document = forms.FileField(
        label=_("Optional: a photo of your identity document"),
        required=False,
        widget=PhotoInput(),
        help_text=_(
            "Used only to check that the face on it matches your selfie, then deleted at once. "
            "We keep no copy. You may cover your document number and other details except the photo."
        ),
    )
    id_document_token = forms.CharField(required=False, widget=forms.HiddenInput, max_length=128)
    id_document_consent = forms.BooleanField(label=CONSENT_LABELS["id_document"], required=False)
    suppression_consent = forms.BooleanField(
        label=CONSENT_LABELS["suppression"],
        required=False,
        help_text=_(
            "Photos found later on the internet that match it would be refused and not stored. We keep no "
            "photo, only the description. You can withdraw this consent at any time."
        ),
    )

    def __init__(
        self,
        *args,
        kept_selfie: tuple[str, str] | None = None,
        kept_selfie_2: tuple[str, str] | None = None,
        kept_selfie_3: tuple[str, str] | None = None,
        kept_id_document: tuple[str, str] | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.kept_selfie = kept_selfie
        self.kept_selfie_2 = kept_selfie_2
        self.kept_selfie_3 = kept_selfie_3
        self.kept_id_document = kept_id_document
        self.checked_selfie: CheckedPhoto | None = None
        self.checked_selfie_2: CheckedPhoto | None = None
        self.checked_selfie_3: CheckedPhoto | None = None
        self.checked_id_document: CheckedPhoto | None = None

    def clean_selfie(self):
        upload = self.cleaned_data.get("selfie")
        if upload:
            self.checked_selfie = check_photo(upload, require_single_face=True)
            return upload
        if self.kept_selfie is None:
            raise forms.ValidationError(_("Add a photo of your face."), code="required")
        return None

    def clean_selfie_2(self):
        return self._clean_extra_selfie("selfie_2")

    def clean_selfie_3(self):
        return self._clean_extra_selfie("selfie_3")

    def _clean_extra_selfie(self, field: str):
        """An optional selfie passes the same checks as the first (exactly one face)."""
        upload = self.cleaned_data.get(field)
        if upload:
            setattr(self, f"checked_{field}", check_photo(upload, require_single_face=True))
        return upload

    def clean_id_document(self):
        upload = self.cleaned_data.get("id_document")
        if upload:
            self.checked_id_document = check_photo(upload, require_single_face=False)
        return upload

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("request_type") in DECIDED_TYPES:
            statement = (cleaned.get("statement") or "").strip()
            if len(statement) < STATEMENT_MIN_LENGTH:
                self.add_error(
                    "statement",
                    _("Tell us what your request is about (at least %(min)d characters).")
                    % {"min": STATEMENT_MIN_LENGTH},
                )
        has_id_document = bool(cleaned.get("id_document") or self.kept_id_document)
        if has_id_document and not cleaned.get("id_document_consent"):
            self.add_error("id_document_consent", ID_CONSENT_MISSING)
        if cleaned.get("country"):
            try:
                cleaned["region"] = region_clean(cleaned["country"], cleaned.get("region", ""))
            except ValueError as invalid:
                self.add_error("region", str(invalid))
        return cleaned

    def clean_email(self):
        return self.cleaned_data["email"].strip()

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Enter your name."), code="required")
        return name


# --- staff action forms (staff pages stay in English) --------------------------------------------


class MessageForm(forms.Form):
    body = forms.CharField(label="Message", widget=forms.Textarea(attrs={"rows": 4}), max_length=10_000)
    visible_to_requester = forms.BooleanField(
        label="Show this message to the requester on their status page (they are told by email)", required=False
    )


class AskInformationForm(forms.Form):
    body = forms.CharField(
        label="Question to the requester (shown on their status page, they are told by email)",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10_000,
    )
    suspend = forms.BooleanField(
        label="Stop the clock until they answer (only for information without which the request cannot be answered, "
        "e.g. identity under Art. 12(6); EDPB Guidelines 01/2022)",
        required=False,
    )
    # UK GDPR Art. 12A: identity information starts the period afresh, a clarification pauses it.
    clock_stop = forms.ChoiceField(
        label="What the clock waits for (matters for UK GDPR requests, Art. 12A)",
        choices=ClockStop.choices,
        initial=ClockStop.IDENTITY,
        required=False,
    )


class ReplyForm(forms.Form):
    """The requester's message on their status page."""

    body = forms.CharField(label=_("Your message"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10_000)
    attachment = forms.FileField(
        label=_("Attach one file (optional)"),
        required=False,
        help_text=_("A photo (JPEG, PNG, HEIC, WEBP or AVIF) or a PDF, for example the information we asked you for."),
    )


class ExtendForm(forms.Form):
    months = forms.TypedChoiceField(label="Extend by", choices=[(1, "1 month"), (2, "2 months")], coerce=int)
    reason = forms.CharField(
        label="Reasons (shown and sent to the requester)",
        widget=forms.Textarea(attrs={"rows": 3}),
        min_length=10,
        max_length=4000,
        help_text="GDPR Art. 12(3): only for complex or numerous requests, only while the first month runs.",
    )


class RefuseForm(forms.Form):
    basis = forms.ChoiceField(
        label="Legal basis",
        choices=[("", "Choose…"), *RefusalBasis.choices],
        help_text="The Art. 17(3) exceptions apply to erasure requests only.",
    )
    reason = forms.CharField(
        label="Reasons (sent to the requester)",
        widget=forms.Textarea(attrs={"rows": 4}),
        min_length=10,
        max_length=8000,
        help_text="The letter always adds that the requester may complain to a supervisory authority and go to court.",
    )
    law = forms.CharField(
        label="Provision of law relied on (printed in the letter)",
        required=False,
        max_length=2000,
        help_text=(
            "Required for an Art. 23 restriction and for Art. 17(3)(b): the provision of Union or Member State law, "
            "e.g. the article of the code of criminal procedure that keeps an investigation secret."
        ),
    )
    late_reason = forms.CharField(
        label="Why the refusal comes after the first month (only when it does)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=4000,
        help_text=(
            "GDPR Art. 12(4): a refusal must reach the requester within one month of receipt; an extension does not "
            "extend it. A later refusal is flagged and this reason is shown to the requester."
        ),
    )


class RefusePartForm(RefuseForm):
    """Refuse part of the request and answer the rest (handling.request_refuse_part)."""

    field_order = ["scope", "basis", "reason", "law", "late_reason", "withheld_customers"]

    scope = forms.CharField(
        label="What is not acted on (the requester reads this)",
        widget=forms.Textarea(attrs={"rows": 2}),
        min_length=10,
        max_length=4000,
        help_text='e.g. "the names of recipients that are police forces investigating a crime".',
    )
    withheld_customers = forms.ModelMultipleChoiceField(
        label="Recipients not to name to the requester",
        queryset=Customer.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=(
            "Art. 23 only: the access letter, the package and the erasure certificate leave these recipients out "
            "(they are still told of an erasure under Art. 19). The choices are the customers whose searches "
            "returned this request's matched faces."
        ),
    )

    def __init__(self, *args, dsr: DataSubjectRequest, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["withheld_customers"]
        field.queryset = request_recipient_customers(dsr)
        field.label_from_instance = _recipient_label


def _recipient_label(customer: Customer) -> str:
    return f"{customer.name} ({customer.get_kind_display()}, {customer.country})"


class IdentityAssessForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Assessment",
        choices=[("", "Choose…"), *[(v, label) for v, label in IdentityAssessment.choices if v]],
    )
    note = forms.CharField(
        label="How was the identity established? (an override needs the reason)",
        widget=forms.Textarea(attrs={"rows": 2}),
        min_length=10,
        max_length=2000,
        help_text="Recorded in the audit trail. Never paste identity document numbers here.",
    )


class ApproveForm(forms.Form):
    """Approval; an erasure also needs the confirmation of the plan shown with it."""

    confirm = forms.BooleanField(
        label="I have checked the photos listed above and confirm that they are to be deleted or blurred",
        required=False,
    )


class DecisionForm(forms.Form):
    """The decision on a rectification, restriction or objection, recorded with the approval
    (compliance.workflow.rights.rights_decide)."""

    outcome = forms.ChoiceField(label="Decision", choices=[], widget=forms.RadioSelect)
    reason = forms.CharField(
        label="Reasons (the requester reads them in the letter)",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10_000,
        help_text=(
            "Rectified: what was corrected (the customers that received the faces are sent it too, GDPR Art. 19: "
            "do not name the requester). Not rectified / not restricted: why. Objection rejected: the "
            "compelling legitimate grounds that override the requester's interests, rights and freedoms, or the "
            "legal claims (GDPR Art. 21(1))."
        ),
    )
    confirm = forms.BooleanField(
        label="An upheld objection erases the faces: I have checked the photos listed above and confirm that they "
        "are to be deleted or blurred",
        required=False,
    )

    def __init__(self, *args, outcome_choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = outcome_choices


class RestrictionLiftForm(forms.Form):
    """Tell the requester that the restriction of their faces will be lifted (GDPR Art. 18(3))."""

    reason = forms.CharField(
        label="Why the restriction is lifted (the requester reads it)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )


class RecipientNotifiedForm(forms.Form):
    how = forms.ChoiceField(
        label="How", choices=[(v, label) for v, label in NotifiedHow.choices if v != NotifiedHow.EMAIL]
    )
    note = forms.CharField(label="Note", min_length=10, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class MatchDecisionsForm(forms.Form):
    """Several matches decided at once (the review page's selection)."""

    decision = forms.ChoiceField(choices=[("confirm", "Confirm"), ("reject", "Reject")])
    matches = forms.TypedMultipleChoiceField(coerce=int, choices=())

    def __init__(self, *args, match_ids: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["matches"].choices = [(pk, pk) for pk in match_ids]


# --- citizens, after the form ---------------------------------------------------------------------


class RecoverForm(forms.Form):
    email = forms.EmailField(
        label=_("The email address you gave with your request"),
        max_length=254,
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter a valid email address, like name@example.org."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class FollowUpErasureForm(forms.Form):
    """The one-click erasure after an access answer: only consents, and a new selfie when the
    one sent with the access request is no longer held."""

    selfie = forms.FileField(
        label=_("A photo of your face (selfie)"),
        required=False,
        widget=PhotoInput(),
        help_text=_("JPEG, PNG, HEIC, WEBP or AVIF. Only your face, looking at the camera, in good light."),
    )
    selfie_consent = RequestForm.base_fields["selfie_consent"]
    suppression_consent = RequestForm.base_fields["suppression_consent"]

    def __init__(self, *args, needs_selfie: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.needs_selfie = needs_selfie
        if not needs_selfie:
            del self.fields["selfie"]

    def clean_selfie(self):
        upload = self.cleaned_data.get("selfie")
        if not upload:
            raise forms.ValidationError(_("Add a photo of your face."), code="required")
        check_photo(upload, require_single_face=True)
        return upload


class ConfirmForm(forms.Form):
    """An action with nothing to fill in besides its button."""


class EscalateForm(forms.Form):
    case = forms.ModelChoiceField(
        label="Existing case", queryset=None, required=False, help_text="Or create a new complaint case below."
    )
    authority = forms.ModelChoiceField(label="Authority (new case)", queryset=None, required=False)
    respondent = forms.ModelChoiceField(label="Respondent (new case)", queryset=None, required=False)

    def __init__(self, *args, **kwargs):

        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = Case.objects.order_by("-pk")
        self.fields["authority"].queryset = Authority.objects.all()
        self.fields["respondent"].queryset = Respondent.objects.all()

    def clean(self):
        data = super().clean()
        if not data.get("case") and not (data.get("authority") and data.get("respondent")):
            raise forms.ValidationError("Choose a case, or an authority and a respondent for a new case.")
        return data

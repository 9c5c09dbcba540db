"""Forms of the staff pages of the biometric store."""

import numpy as np
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from biometrics import selectors, services
from biometrics.images import ACCEPT_ATTRIBUTE, ImageRejected

NO_DOMAIN = "-"


class PhotoFilterForm(forms.Form):
    domain = forms.ChoiceField(label=_("Source domain"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domain"].choices = [("", _("All domains"))] + [
            (domain or NO_DOMAIN, domain or _("(no source URL)")) for domain in selectors.domains()
        ]

    def domain_filter(self) -> str | None:
        """None: every photo; "": photos without a source URL; else that domain."""
        value = self.cleaned_data.get("domain") or None
        return "" if value == NO_DOMAIN else value


class FaceSearchForm(forms.Form):
    """A photo to search the store with. It is read from memory and never saved (see views)."""

    photo = forms.FileField(
        label=_("Photo"),
        help_text=_("JPEG, PNG, HEIC, WEBP or AVIF. The photo is analysed in memory and not kept."),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )
    tolerance = forms.DecimalField(
        label=_("Tolerance"),
        min_value=0,
        max_value=1,
        max_digits=3,
        decimal_places=2,
        help_text=_("Largest face distance counted as the same person (0.6 is the calibrated default)."),
    )

    def __init__(self, *args, upload_too_large: bool = False, **kwargs):
        kwargs.setdefault("initial", {"tolerance": settings.FACE_TOLERANCE})
        super().__init__(*args, **kwargs)
        self.upload_too_large = upload_too_large
        if upload_too_large:  # the upload handler dropped the file: say why instead of "required"
            self.fields["photo"].required = False

    def clean_photo(self):
        if self.upload_too_large:
            raise forms.ValidationError(services.search_photo_too_large_message(), code="too_large")
        upload = self.cleaned_data.get("photo")
        if upload is None:
            raise forms.ValidationError(_("Choose a photo to search with."), code="required")
        try:
            return services.search_photo_read(upload)
        except ImageRejected as rejected:
            raise forms.ValidationError(str(rejected.message), code=rejected.code) from None

    def clean_tolerance(self):
        value = self.cleaned_data["tolerance"]
        if value is None or not np.isfinite(float(value)):
            raise forms.ValidationError(_("Enter a tolerance between 0 and 1."), code="invalid")
        return float(value)

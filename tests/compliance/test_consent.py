"""Consent texts are versioned (Art. 7(1)): every version the form ever showed is kept, so the
version a request recorded can always be read back."""

from compliance.consent import LABELS, TEXTS, consent_history, consent_version


def test_the_current_texts_are_a_recorded_version():
    history = consent_history()
    assert consent_version() in history, (
        "A consent text changed: add its new version to compliance/data/consent_texts.json (never edit an old one)."
    )
    assert history[consent_version()]["texts"] == TEXTS


def test_the_form_shows_exactly_the_versioned_texts():
    from compliance.forms import RequestForm

    form = RequestForm()
    assert str(form.fields["selfie_consent"].label) == TEXTS["selfie"] == str(LABELS["selfie"])
    assert str(form.fields["id_document_consent"].label) == TEXTS["id_document"]
    assert str(form.fields["suppression_consent"].label) == TEXTS["suppression"]

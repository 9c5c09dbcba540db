"""Create and update services for the records of the fining law and of the complainant's right to
be informed: Art. 83(2) criteria of a fine, Art. 58(1) investigative acts, and the updates sent
to a complainant (Art. 77(2)). The rules they apply are in services.law."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from enforcement.models import Case, ComplainantUpdate, Fine, FineCriterionAssessment, InvestigativeAct
from enforcement.services.law import complaint_refresh_due, date_plausible_check
from enforcement.services.records import VERIFICATION, _save_changes, _save_new

FINE_CRITERION_FIELDS = ("criterion", "effect", "note")
INVESTIGATIVE_ACT_FIELDS = ("power", "date", "description", *VERIFICATION)
COMPLAINANT_UPDATE_FIELDS = ("informed_on", "kind", "note")


@transaction.atomic
def fine_criterion_create(*, fine: Fine, user, data: dict) -> FineCriterionAssessment:
    return _save_new(
        obj=FineCriterionAssessment(fine=fine),
        data=dict(data),
        case=fine.decision.case,
        user=user,
        fields=FINE_CRITERION_FIELDS,
    )


# --- Art. 58(1): investigative acts --------------------------------------------------------------


@transaction.atomic
def investigative_act_create(*, case: Case, user, data: dict) -> InvestigativeAct:
    date_plausible_check("date", data.get("date"))
    return _save_new(
        obj=InvestigativeAct(case=case), data=dict(data), case=case, user=user, fields=INVESTIGATIVE_ACT_FIELDS
    )


@transaction.atomic
def investigative_act_update(*, act: InvestigativeAct, user, data: dict) -> InvestigativeAct:
    date_plausible_check("date", data.get("date"))
    return _save_changes(obj=act, data=dict(data), case=act.case, user=user, fields=INVESTIGATIVE_ACT_FIELDS)


@transaction.atomic
def complainant_update_create(*, case: Case, user, data: dict) -> ComplainantUpdate:
    errors = {}
    if case.origin != Case.Origin.COMPLAINT:
        errors["kind"] = "Only a complaint case has a complainant to inform (set the case's origin first)."
    informed_on = data.get("informed_on")
    if informed_on and case.complaint_received_on and informed_on < case.complaint_received_on:
        errors["informed_on"] = "This is before the complaint was received."
    if errors:
        raise ValidationError(errors)
    date_plausible_check("informed_on", informed_on)
    update = _save_new(
        obj=ComplainantUpdate(case=case), data=dict(data), case=case, user=user, fields=COMPLAINANT_UPDATE_FIELDS
    )
    complaint_refresh_due(case=case)
    return update

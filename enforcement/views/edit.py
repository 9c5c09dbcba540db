"""Staff edits: every record of a case is created, changed and deleted here through a form that
validates and then hands its data to a service, which writes the history shown on the case page.

Records are always looked up through the case in the URL, so a record of another case is a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from core.roles import Perm, require
from enforcement import services
from enforcement.forms import (
    CURRENCY_CODES,
    AppealEventForm,
    AppealForm,
    ArticleForm,
    AuthorityForm,
    CaseForm,
    ComplainantUpdateForm,
    ComplianceCheckForm,
    DecisionForm,
    FineCriterionForm,
    FineForm,
    InvestigativeActForm,
    LiquidationForm,
    OrderForm,
    PenaltyForm,
    QuotedConversionForm,
    RespondentForm,
    SourceForm,
)
from enforcement.models import (
    Appeal,
    AppealEvent,
    ArticleReference,
    Case,
    ComplainantUpdate,
    ComplianceCheck,
    Decision,
    Fine,
    FineCriterionAssessment,
    InvestigativeAct,
    Order,
    PenaltyLiquidation,
    PenaltyPayment,
    QuotedConversion,
    Source,
)


def _staff_form(view):
    """Staff only (Perm.EDIT); GET shows, POST saves."""
    return require_http_methods(["GET", "POST"])(require(Perm.EDIT)(view))


def _case(public_id) -> Case:
    return get_object_or_404(Case.objects.select_related("authority", "respondent"), public_id=public_id)


def _of_case(model: type[models.Model], case: Case, pk: int, path: str) -> models.Model:
    """A record of `case` (reached through `path`, e.g. "decision__case"), else 404. Each call
    loads a fresh copy: the form writes on one, the service compares against another."""
    return get_object_or_404(model, pk=pk, **{path: case})


def _case_url(case: Case, anchor: str = "history") -> str:
    return reverse("enforcement:case_detail", args=[case.public_id]) + f"#{anchor}"


def _form_page(
    request,
    *,
    make_form: Callable,
    save: Callable[[dict], models.Model],
    case: Case | None,
    title: str,
    success: str,
    done: Callable[[models.Model], str] | None = None,
    record=None,
    template: str = "enforcement/edit.html",
):
    """GET shows the form; POST validates, calls `save(data)` (a service) and goes to `done(saved)`
    (by default the case history). Invalid input comes back with its messages and a 400."""
    if request.method == "POST":
        form = make_form(request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    saved = save(form.service_data())
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, success)
                return redirect(done(saved) if done else _case_url(case))
        status = 400
    else:
        form = make_form(None)
        status = 200
    context = {"form": form, "case": case, "title": title, "record": record, "currency_codes": CURRENCY_CODES}
    return render(request, template, context, status=status)


# --- cases and parties ---------------------------------------------------------------------------


@_staff_form
def case_create(request):
    initial = {name: request.GET[name] for name in ("authority", "respondent") if request.GET.get(name, "").isdigit()}
    return _form_page(
        request,
        make_form=lambda data: CaseForm(data, initial=initial),
        save=lambda data: services.case_create(user=request.user, data=data),
        case=None,
        title="New case",
        success="The case was created. Add its decisions, sources and provisions below.",
        done=lambda case: _case_url(case, "decisions-heading"),
        template="enforcement/case_new.html",
    )


@_staff_form
def case_edit(request, public_id):
    case = _case(public_id)
    return _form_page(
        request,
        make_form=lambda data: CaseForm(data, instance=_case(public_id)),
        save=lambda data: services.case_update(case=case, user=request.user, data=data),
        case=case,
        title=f"Edit case {case.reference}",
        success="The case was saved.",
    )


def _back_to_new_case(request, field: str) -> Callable[[models.Model], str]:
    """After adding a party from the new-case form, go back to it with the party chosen."""

    def done(party) -> str:
        target = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) or not target.startswith(
            "/"
        ):
            target = reverse("enforcement:case_create")
        separator = "&" if "?" in target else "?"
        return f"{target}{separator}{field}={party.pk}"

    return done


@_staff_form
def authority_create(request):
    return _form_page(
        request,
        make_form=lambda data: AuthorityForm(data),
        save=lambda data: services.authority_create(user=request.user, data=data),
        case=None,
        title="New authority",
        success="The authority was added.",
        done=_back_to_new_case(request, "authority"),
    )


@_staff_form
def respondent_create(request):
    return _form_page(
        request,
        make_form=lambda data: RespondentForm(data),
        save=lambda data: services.respondent_create(user=request.user, data=data),
        case=None,
        title="New respondent (controller)",
        success="The respondent was added.",
        done=_back_to_new_case(request, "respondent"),
    )


# --- decisions and what they impose ----------------------------------------------------------------


def _decision_anchor(decision: Decision) -> str:
    return f"decision-{decision.public_id}"


@_staff_form
def decision_add(request, public_id):
    case = _case(public_id)
    return _form_page(
        request,
        make_form=lambda data: DecisionForm(data, case=case),
        save=lambda data: services.decision_create(case=case, user=request.user, data=data),
        case=case,
        title="Add a decision",
        success="The decision was added. Add its fines, orders and penalty payments on the case page.",
        done=lambda decision: _case_url(case, _decision_anchor(decision)),
    )


@_staff_form
def decision_edit(request, public_id, decision_id: int):
    case = _case(public_id)
    decision = _of_case(Decision, case, decision_id, "case")
    return _form_page(
        request,
        make_form=lambda data: DecisionForm(data, instance=_of_case(Decision, case, decision_id, "case"), case=case),
        save=lambda data: services.decision_update(decision=decision, user=request.user, data=data),
        case=case,
        title=f"Edit decision: {decision}",
        success="The decision was saved.",
        record=decision,
    )


@_staff_form
def fine_add(request, public_id, decision_id: int):
    case = _case(public_id)
    decision = _of_case(Decision, case, decision_id, "case")
    return _form_page(
        request,
        make_form=lambda data: FineForm(data),
        save=lambda data: services.fine_create(decision=decision, user=request.user, data=data),
        case=case,
        title="Add a fine",
        success="The fine was added; its EUR equivalent and the case total were computed.",
        done=lambda fine: _case_url(case, f"fine-{fine.pk}"),
        record=decision,
    )


@_staff_form
def fine_edit(request, public_id, fine_id: int):
    case = _case(public_id)
    fine = _of_case(Fine, case, fine_id, "decision__case")
    return _form_page(
        request,
        make_form=lambda data: FineForm(data, instance=_of_case(Fine, case, fine_id, "decision__case")),
        save=lambda data: services.fine_update(fine=fine, user=request.user, data=data),
        case=case,
        title=f"Edit fine of {fine.decision.get_kind_display().lower()} {fine.decision.decision_date_display}",
        success="The fine was saved; the EUR equivalent and the case total were recomputed.",
        record=fine,
    )


@_staff_form
def conversion_add(request, public_id, fine_id: int):
    case = _case(public_id)
    fine = _of_case(Fine, case, fine_id, "decision__case")
    return _form_page(
        request,
        make_form=lambda data: QuotedConversionForm(data),
        save=lambda data: services.quoted_conversion_create(fine=fine, user=request.user, data=data),
        case=case,
        title="Add a conversion quoted by a source",
        success="The quoted conversion was added. It is shown as quoted and never recomputed.",
        done=lambda _saved: _case_url(case, f"fine-{fine.pk}"),
        record=fine,
    )


@_staff_form
def order_add(request, public_id, decision_id: int):
    case = _case(public_id)
    decision = _of_case(Decision, case, decision_id, "case")
    return _form_page(
        request,
        make_form=lambda data: OrderForm(data),
        save=lambda data: services.order_create(decision=decision, user=request.user, data=data),
        case=case,
        title="Add an order",
        success="The order was added.",
        done=lambda order: _case_url(case, f"order-{order.pk}"),
        record=decision,
    )


@_staff_form
def order_edit(request, public_id, order_id: int):
    case = _case(public_id)
    order = _of_case(Order, case, order_id, "decision__case")
    return _form_page(
        request,
        make_form=lambda data: OrderForm(data, instance=_of_case(Order, case, order_id, "decision__case")),
        save=lambda data: services.order_update(order=order, user=request.user, data=data),
        case=case,
        title="Edit order",
        success="The order was saved.",
        record=order,
    )


@_staff_form
def compliance_check_add(request, public_id, order_id: int):
    case = _case(public_id)
    order = _of_case(Order, case, order_id, "decision__case")
    return _form_page(
        request,
        make_form=lambda data: ComplianceCheckForm(data),
        save=lambda data: services.compliance_check_create(order=order, user=request.user, data=data),
        case=case,
        title="Record a compliance check",
        success="The compliance check was recorded; the order's status follows the latest check.",
        record=order,
    )


@_staff_form
def penalty_add(request, public_id, decision_id: int):
    case = _case(public_id)
    decision = _of_case(Decision, case, decision_id, "case")
    return _form_page(
        request,
        make_form=lambda data: PenaltyForm(data, decision=decision),
        save=lambda data: services.penalty_create(decision=decision, user=request.user, data=data),
        case=case,
        title="Add a penalty payment",
        success="The penalty payment was added; its accrual is shown against its cap.",
        done=lambda penalty: _case_url(case, f"penalty-{penalty.pk}"),
        record=decision,
    )


@_staff_form
def penalty_edit(request, public_id, penalty_id: int):
    case = _case(public_id)
    path = "decision__case"
    penalty = _of_case(PenaltyPayment, case, penalty_id, path)
    return _form_page(
        request,
        make_form=lambda data: PenaltyForm(
            data, instance=_of_case(PenaltyPayment, case, penalty_id, path), decision=penalty.decision
        ),
        save=lambda data: services.penalty_update(penalty=penalty, user=request.user, data=data),
        case=case,
        title="Edit penalty payment",
        success="The penalty payment was saved; its accrual was recomputed.",
        record=penalty,
    )


@_staff_form
def liquidation_add(request, public_id, penalty_id: int):
    case = _case(public_id)
    penalty = _of_case(PenaltyPayment, case, penalty_id, "decision__case")
    return _form_page(
        request,
        make_form=lambda data: LiquidationForm(data, penalty=penalty),
        save=lambda data: services.penalty_liquidation_create(penalty=penalty, user=request.user, data=data),
        case=case,
        title="Record a liquidation",
        success="The liquidation was recorded.",
        done=lambda _saved: _case_url(case, f"penalty-{penalty.pk}"),
        record=penalty,
    )


# --- appeals -------------------------------------------------------------------------------------


@_staff_form
def appeal_add(request, public_id):
    case = _case(public_id)
    return _form_page(
        request,
        make_form=lambda data: AppealForm(data, case=case),
        save=lambda data: services.appeal_create(case=case, user=request.user, data=data),
        case=case,
        title="Add an appeal",
        success="The appeal was added. Record its filing, hearings and judgment as events.",
        done=lambda appeal: _case_url(case, f"appeal-{appeal.pk}"),
    )


@_staff_form
def appeal_edit(request, public_id, appeal_id: int):
    case = _case(public_id)
    appeal = _of_case(Appeal, case, appeal_id, "case")
    return _form_page(
        request,
        make_form=lambda data: AppealForm(data, instance=_of_case(Appeal, case, appeal_id, "case"), case=case),
        save=lambda data: services.appeal_update(appeal=appeal, user=request.user, data=data),
        case=case,
        title="Edit appeal",
        success="The appeal was saved.",
        record=appeal,
    )


@_staff_form
def appeal_event_add(request, public_id, appeal_id: int):
    case = _case(public_id)
    appeal = _of_case(Appeal, case, appeal_id, "case")
    return _form_page(
        request,
        make_form=lambda data: AppealEventForm(data),
        save=lambda data: services.appeal_event_create(appeal=appeal, user=request.user, data=data),
        case=case,
        title="Add an appeal event",
        success="The event was added to the appeal.",
        done=lambda _saved: _case_url(case, f"appeal-{appeal.pk}"),
        record=appeal,
    )


# --- sources and provisions ----------------------------------------------------------------------


@_staff_form
def source_add(request, public_id):
    case = _case(public_id)
    return _form_page(
        request,
        make_form=lambda data: SourceForm(data, case=case),
        save=lambda data: services.source_create(case=case, user=request.user, data=data),
        case=case,
        title="Add a source",
        success="The source was added.",
        done=lambda _saved: _case_url(case, "sources-heading"),
    )


@_staff_form
def source_edit(request, public_id, source_id: int):
    case = _case(public_id)
    source = _of_case(Source, case, source_id, "case")
    return _form_page(
        request,
        make_form=lambda data: SourceForm(data, instance=_of_case(Source, case, source_id, "case"), case=case),
        save=lambda data: services.source_update(source=source, user=request.user, data=data),
        case=case,
        title="Edit source",
        success="The source was saved.",
        record=source,
    )


@_staff_form
def article_add(request, public_id):
    case = _case(public_id)
    return _form_page(
        request,
        make_form=lambda data: ArticleForm(data, case=case),
        save=lambda data: services.article_create(case=case, user=request.user, data=data),
        case=case,
        title="Add a provision found violated",
        success="The provision was added.",
        done=lambda _saved: _case_url(case, "articles-heading"),
    )


@_staff_form
def article_edit(request, public_id, article_id: int):
    case = _case(public_id)
    article = _of_case(ArticleReference, case, article_id, "case")
    return _form_page(
        request,
        make_form=lambda data: ArticleForm(
            data, instance=_of_case(ArticleReference, case, article_id, "case"), case=case
        ),
        save=lambda data: services.article_update(article=article, user=request.user, data=data),
        case=case,
        title="Edit provision",
        success="The provision was saved.",
        record=article,
    )


# --- the fining law and the complainant (Art. 58(1), 83(2), 77(2)) -------------------------------


@_staff_form
def fine_criterion_add(request, public_id, fine_id: int):
    case = _case(public_id)
    fine = _of_case(Fine, case, fine_id, "decision__case")
    return _form_page(
        request,
        make_form=lambda data: FineCriterionForm(data),
        save=lambda data: services.fine_criterion_create(fine=fine, user=request.user, data=data),
        case=case,
        title="Add an Art. 83(2) criterion the decision weighed",
        success="The criterion was added.",
        done=lambda _saved: _case_url(case, f"fine-{fine.pk}-law"),
        record=fine,
    )


@_staff_form
def investigative_act_add(request, public_id):
    case = _case(public_id)
    return _form_page(
        request,
        make_form=lambda data: InvestigativeActForm(data),
        save=lambda data: services.investigative_act_create(case=case, user=request.user, data=data),
        case=case,
        title="Add an investigative act (Art. 58(1))",
        success="The investigative act was added.",
        done=lambda _saved: _case_url(case, "investigation-heading"),
    )


@_staff_form
def investigative_act_edit(request, public_id, act_id: int):
    case = _case(public_id)
    act = _of_case(InvestigativeAct, case, act_id, "case")
    return _form_page(
        request,
        make_form=lambda data: InvestigativeActForm(data, instance=_of_case(InvestigativeAct, case, act_id, "case")),
        save=lambda data: services.investigative_act_update(act=act, user=request.user, data=data),
        case=case,
        title="Edit investigative act",
        success="The investigative act was saved.",
        record=act,
    )


@_staff_form
def complainant_update_add(request, public_id):
    case = _case(public_id)
    return _form_page(
        request,
        make_form=lambda data: ComplainantUpdateForm(data),
        save=lambda data: services.complainant_update_create(case=case, user=request.user, data=data),
        case=case,
        title="Record an update sent to the complainant (Art. 77(2))",
        success="The update was recorded; the next due date is on the case page.",
        done=lambda _saved: _case_url(case, "complainant-heading"),
    )


# --- deleting ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deletable:
    model: type[models.Model]
    path: str  # from the record to its case
    name: str
    also: str = ""  # what goes with it


DELETABLE: dict[str, Deletable] = {
    "decisions": Deletable(
        Decision, "case", "decision", "its fines, orders, compliance checks, penalty payments and provisions"
    ),
    "fines": Deletable(Fine, "decision__case", "fine", "its quoted conversions and Art. 83(2) criteria"),
    "criteria": Deletable(FineCriterionAssessment, "fine__decision__case", "Art. 83(2) criterion"),
    "investigations": Deletable(InvestigativeAct, "case", "investigative act"),
    "complainant-updates": Deletable(ComplainantUpdate, "case", "update to the complainant"),
    "conversions": Deletable(QuotedConversion, "fine__decision__case", "quoted conversion"),
    "orders": Deletable(Order, "decision__case", "order", "its compliance checks"),
    "checks": Deletable(ComplianceCheck, "order__decision__case", "compliance check"),
    "penalties": Deletable(PenaltyPayment, "decision__case", "penalty payment", "its liquidations"),
    "liquidations": Deletable(PenaltyLiquidation, "penalty__decision__case", "liquidation"),
    "appeals": Deletable(Appeal, "case", "appeal", "its events"),
    "events": Deletable(AppealEvent, "appeal__case", "appeal event"),
    "sources": Deletable(Source, "case", "source"),
    "articles": Deletable(ArticleReference, "case", "provision"),
}


@_staff_form
def record_delete(request, public_id, kind: str, record_id: int):
    """GET asks for confirmation; POST deletes through the service, which keeps a history line."""
    case = _case(public_id)
    deletable = DELETABLE.get(kind)
    if deletable is None:
        raise Http404("No such kind of record.")
    record = _of_case(deletable.model, case, record_id, deletable.path)
    error = ""
    if request.method == "POST":
        try:
            with transaction.atomic():
                services.record_delete(obj=record, user=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, f"The {deletable.name} was deleted; the case history keeps what it was.")
            return redirect(_case_url(case))
    context = {"case": case, "record": record, "deletable": deletable, "error": error}
    return render(request, "enforcement/delete.html", context, status=400 if error else 200)

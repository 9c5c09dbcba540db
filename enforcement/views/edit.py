"""Staff edits. Every form validates, then hands its data to a service, which records history."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from config.roles import Perm, require
from enforcement import services
from enforcement.forms import CURRENCY_CODES, CaseForm, ComplianceCheckForm, FineForm, OrderForm
from enforcement.models import Case, Fine, Order


def _case(public_id) -> Case:
    return get_object_or_404(Case.objects.select_related("authority", "respondent"), public_id=public_id)


def _edit(
    request,
    *,
    form_class,
    form_instance,
    save,
    case: Case,
    title: str,
    template: str = "enforcement/edit.html",
    extra: dict | None = None,
    success: str,
):
    """GET shows the form; POST validates, calls `save(data)` (a service) and goes back to the case.

    `form_instance` is a copy of the record for the form to write on; the service gets its own
    copy so that the history compares the stored values with the new ones.
    """
    if request.method == "POST":
        form = form_class(request.POST, instance=form_instance)
        if form.is_valid():
            try:
                with transaction.atomic():
                    save(form.service_data())
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, success)
                return redirect(reverse("enforcement:case_detail", args=[case.public_id]) + "#history")
        status = 400
    else:
        form = form_class(instance=form_instance)
        status = 200
    context = {"form": form, "case": case, "title": title, "currency_codes": CURRENCY_CODES, **(extra or {})}
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
@require(Perm.EDIT)
def case_edit(request, public_id):
    case = _case(public_id)
    return _edit(
        request,
        form_class=CaseForm,
        form_instance=_case(public_id),
        save=lambda data: services.case_update(case=case, user=request.user, data=data),
        case=case,
        title=f"Edit case {case.reference}",
        success="The case was saved.",
    )


@require_http_methods(["GET", "POST"])
@require(Perm.EDIT)
def fine_edit(request, public_id, fine_id: int):
    case = _case(public_id)
    lookup = {"pk": fine_id, "decision__case": case}
    fine = get_object_or_404(Fine.objects.select_related("decision__case"), **lookup)
    return _edit(
        request,
        form_class=FineForm,
        form_instance=get_object_or_404(Fine, **lookup),
        save=lambda data: services.fine_update(fine=fine, user=request.user, data=data),
        case=case,
        title=f"Edit fine of {fine.decision.get_kind_display().lower()} {fine.decision.decision_date_display}",
        extra={"record": fine},
        success="The fine was saved; the EUR equivalent and the case total were recomputed.",
    )


@require_http_methods(["GET", "POST"])
@require(Perm.EDIT)
def order_edit(request, public_id, order_id: int):
    case = _case(public_id)
    lookup = {"pk": order_id, "decision__case": case}
    order = get_object_or_404(Order.objects.select_related("decision__case"), **lookup)
    return _edit(
        request,
        form_class=OrderForm,
        form_instance=get_object_or_404(Order, **lookup),
        save=lambda data: services.order_update(order=order, user=request.user, data=data),
        case=case,
        title="Edit order",
        extra={"record": order},
        success="The order was saved.",
    )


@require_http_methods(["GET", "POST"])
@require(Perm.EDIT)
def compliance_check_add(request, public_id, order_id: int):
    case = _case(public_id)
    order = get_object_or_404(Order.objects.select_related("decision__case"), pk=order_id, decision__case=case)
    return _edit(
        request,
        form_class=ComplianceCheckForm,
        form_instance=None,
        save=lambda data: services.compliance_check_create(order=order, user=request.user, data=data),
        case=case,
        title="Record a compliance check",
        extra={"record": order, "order": order},
        success="The compliance check was recorded; the order's status follows the latest check.",
    )

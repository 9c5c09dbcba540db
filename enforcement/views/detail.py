"""The case page (staff and auditors) and its public twin in the register."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.roles import Perm, can, require
from enforcement import selectors, services
from enforcement.models import ArticleReference, PenaltyPayment
from enforcement.views.common import case_timeline, decisions_in_order, today

HISTORY_LIMIT = 200


def _case_context(request, case, *, public: bool) -> dict:
    decisions = decisions_in_order(case)
    as_of = today()
    if not public and can(request.user, Perm.VIEW_INTERNAL):
        # Staff see whether each fine fits under its Art. 83 maximum (services.law).
        for decision in decisions:
            for fine in decision.fines.all():
                fine.ceiling_check = services.fine_ceiling_assess(fine=fine)
    return {
        "case": case,
        "decisions": decisions,
        "timeline": case_timeline(case, decisions),
        "penalties": [
            {"penalty": penalty, "accrual": accrual, "decision": penalty.decision}
            for penalty, accrual in selectors.case_penalty_accruals(case=case, as_of=as_of)
        ],
        "articles_violated": [a for a in case.articles.all() if a.role == ArticleReference.Role.VIOLATED],
        "articles_legal_basis": [a for a in case.articles.all() if a.role == ArticleReference.Role.LEGAL_BASIS],
        "penalty_totals": selectors.penalty_totals(PenaltyPayment.objects.filter(decision__case=case)),
        "as_of": as_of,
        "public": public,
        "can_edit": not public and can(request.user, Perm.EDIT),
        "show_internal": not public and can(request.user, Perm.VIEW_INTERNAL),
        "history": [] if public else list(case.history.all())[:HISTORY_LIMIT],
    }


@require_GET
@require(Perm.VIEW_INTERNAL)
def case_detail(request, public_id):
    case = selectors.case_detail(public_id=public_id, user=request.user)
    return render(request, "enforcement/case_detail.html", _case_context(request, case, public=False))


@require_GET
@require(Perm.VIEW_PUBLIC)
def register_case(request, public_id):
    """A published case as the public sees it, whoever asks: no internal notes, no history, and a
    404 for a case that is not published (staff included: their page is case_detail)."""
    case = selectors.case_detail(public_id=public_id, user=AnonymousUser())
    return render(request, "enforcement/register_case.html", _case_context(request, case, public=True))

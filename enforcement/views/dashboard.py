"""The staff dashboard: key numbers and SVG charts of fines, and penalty payments apart."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.roles import Perm, require
from enforcement import selectors
from enforcement.currencies import country_name
from enforcement.views.common import today


@require_GET
@require(Perm.VIEW_INTERNAL)
def dashboard(request):
    stats = selectors.dashboard_stats(user=request.user, as_of=today())
    # Countries by name in the UI language (the selector keeps the ISO codes for exports).
    stats["fines_by_country"] = [(country_name(code), eur, count) for code, eur, count in stats["fines_by_country"]]
    pairs = {
        key: [(str(label), eur) for label, eur, _count in stats[key]]
        for key in ("fines_by_authority", "fines_by_country", "fines_by_year", "payment_status")
    }
    return render(request, "enforcement/dashboard.html", {"stats": stats, "series": pairs})

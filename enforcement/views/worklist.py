"""What staff must act on: complainants to inform (Art. 77(2)/78(2)) and fines above a ceiling
with nothing recorded that allows them (Art. 83(4)-(6))."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.roles import Perm, require
from enforcement import selectors
from enforcement.law import COMPLAINANT_UPDATE_MONTHS
from enforcement.views.common import today


@require_GET
@require(Perm.VIEW_INTERNAL)
def worklist(request):
    as_of = today()
    context = {
        "worklist": selectors.staff_worklist(as_of=as_of),
        "as_of": as_of,
        "months": COMPLAINANT_UPDATE_MONTHS,
    }
    return render(request, "enforcement/worklist.html", context)

"""System checks of the request service (run by `manage.py check`, and `check --deploy`)."""

from django.conf import settings
from django.core.checks import Error, register
from django.utils import timezone

from compliance.deadlines import controller_country_problems
from compliance.reports.controller import controller_problems


@register()
def controller_identity_check(app_configs, **kwargs):
    """Every letter names the controller, its DPO and the store's legal basis, retention and DPIA
    (GDPR Art. 13-15, 27, 37): without them no final document can be issued.

    Every deadline counts the public holidays of the controller's country (Reg. 1182/71 Art. 2(1)):
    without a calendar for CONTROLLER_COUNTRY no request can be received, so that is checked in
    debug too (compliance.E002)."""
    errors = [
        Error(
            problem,
            hint="Set CONTROLLER_COUNTRY to the ISO code of the controller's EU/EEA state, GB or CH (README, "
            "configuration table).",
            id="compliance.E002",
        )
        for problem in controller_country_problems(today=timezone.localdate())
    ]
    if settings.DEBUG:
        return errors
    return [
        Error(problem, hint="See the README's configuration table (controller identity).", id="compliance.E001")
        for problem in controller_problems()
    ] + errors

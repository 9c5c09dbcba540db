"""The enforcement resources of /api/v1/, registered on config/api_urls.py's router by enforcement.apps."""


def register(router) -> None:
    from enforcement.api.views import (
        AppealViewSet,
        AuthorityViewSet,
        CaseViewSet,
        DecisionViewSet,
        FineViewSet,
        PenaltyPaymentViewSet,
        RespondentViewSet,
    )

    router.register("authorities", AuthorityViewSet, basename="authority")
    router.register("respondents", RespondentViewSet, basename="respondent")
    router.register("cases", CaseViewSet, basename="case")
    router.register("decisions", DecisionViewSet, basename="decision")
    router.register("fines", FineViewSet, basename="fine")
    router.register("penalty-payments", PenaltyPaymentViewSet, basename="penalty-payment")
    router.register("appeals", AppealViewSet, basename="appeal")

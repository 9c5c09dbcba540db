from django.urls import path
from django.views.generic import RedirectView

from enforcement import views

app_name = "enforcement"

CASE = "cases/<uuid:public_id>/"

urlpatterns = [
    # Public register: published cases only, for anyone.
    path("", RedirectView.as_view(pattern_name="enforcement:register"), name="index"),
    path("register/", views.register, name="register"),
    path("register/export.csv", views.register_csv, name="register_csv"),
    path("register/export.json", views.register_json, name="register_json"),
    path("register/decisions/", views.register_decisions, name="register_decisions"),
    path("register/<uuid:public_id>/", views.register_case, name="register_case"),
    # Staff and auditors.
    path("dashboard/", views.dashboard, name="dashboard"),
    path("worklist/", views.worklist, name="worklist"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/export.csv", views.case_list_csv, name="case_list_csv"),
    path("cases/export.json", views.case_list_json, name="case_list_json"),
    path(CASE, views.case_detail, name="case_detail"),
    # Staff edits: a new case and its parties.
    path("cases/new/", views.case_create, name="case_create"),
    path("authorities/new/", views.authority_create, name="authority_create"),
    path("respondents/new/", views.respondent_create, name="respondent_create"),
    path("import/", views.import_upload, name="import_upload"),
    # Staff edits of a case and of every record under it.
    path(CASE + "edit/", views.case_edit, name="case_edit"),
    path(CASE + "decisions/new/", views.decision_add, name="decision_add"),
    path(CASE + "decisions/<int:decision_id>/edit/", views.decision_edit, name="decision_edit"),
    path(CASE + "decisions/<int:decision_id>/fines/new/", views.fine_add, name="fine_add"),
    path(CASE + "decisions/<int:decision_id>/orders/new/", views.order_add, name="order_add"),
    path(CASE + "decisions/<int:decision_id>/penalties/new/", views.penalty_add, name="penalty_add"),
    path(CASE + "fines/<int:fine_id>/edit/", views.fine_edit, name="fine_edit"),
    path(CASE + "fines/<int:fine_id>/conversions/new/", views.conversion_add, name="conversion_add"),
    path(CASE + "fines/<int:fine_id>/criteria/new/", views.fine_criterion_add, name="fine_criterion_add"),
    path(CASE + "investigations/new/", views.investigative_act_add, name="investigative_act_add"),
    path(CASE + "investigations/<int:act_id>/edit/", views.investigative_act_edit, name="investigative_act_edit"),
    path(CASE + "complainant-updates/new/", views.complainant_update_add, name="complainant_update_add"),
    path(CASE + "orders/<int:order_id>/edit/", views.order_edit, name="order_edit"),
    path(CASE + "orders/<int:order_id>/checks/new/", views.compliance_check_add, name="compliance_check_add"),
    path(CASE + "penalties/<int:penalty_id>/edit/", views.penalty_edit, name="penalty_edit"),
    path(CASE + "penalties/<int:penalty_id>/liquidations/new/", views.liquidation_add, name="liquidation_add"),
    path(CASE + "appeals/new/", views.appeal_add, name="appeal_add"),
    path(CASE + "appeals/<int:appeal_id>/edit/", views.appeal_edit, name="appeal_edit"),
    path(CASE + "appeals/<int:appeal_id>/events/new/", views.appeal_event_add, name="appeal_event_add"),
    path(CASE + "sources/new/", views.source_add, name="source_add"),
    path(CASE + "sources/<int:source_id>/edit/", views.source_edit, name="source_edit"),
    path(CASE + "articles/new/", views.article_add, name="article_add"),
    path(CASE + "articles/<int:article_id>/edit/", views.article_edit, name="article_edit"),
    path(CASE + "<slug:kind>/<int:record_id>/delete/", views.record_delete, name="record_delete"),
]

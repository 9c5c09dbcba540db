from django.urls import path
from django.views.generic import RedirectView

from enforcement import views

app_name = "enforcement"

urlpatterns = [
    # Public register: published cases only, for anyone.
    path("", RedirectView.as_view(pattern_name="enforcement:register"), name="index"),
    path("register/", views.register, name="register"),
    path("register/decisions/", views.register_decisions, name="register_decisions"),
    path("register/<uuid:public_id>/", views.register_case, name="register_case"),
    # Staff and auditors.
    path("dashboard/", views.dashboard, name="dashboard"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/export.csv", views.case_list_csv, name="case_list_csv"),
    path("cases/export.json", views.case_list_json, name="case_list_json"),
    path("cases/<uuid:public_id>/", views.case_detail, name="case_detail"),
    # Staff edits.
    path("cases/<uuid:public_id>/edit/", views.case_edit, name="case_edit"),
    path("cases/<uuid:public_id>/fines/<int:fine_id>/edit/", views.fine_edit, name="fine_edit"),
    path("cases/<uuid:public_id>/orders/<int:order_id>/edit/", views.order_edit, name="order_edit"),
    path(
        "cases/<uuid:public_id>/orders/<int:order_id>/checks/new/",
        views.compliance_check_add,
        name="compliance_check_add",
    ),
]

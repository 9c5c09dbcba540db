from django.urls import path

from reports import views as report_views

app_name = "reports"

urlpatterns = [
    path("", report_views.report_list, name="list"),
    path("export/", report_views.report_export, name="export"),
    path("export/audit/", report_views.report_audit_export, name="export_audit"),
    path("<uuid:public_id>/", report_views.report_detail, name="detail"),
    path("<uuid:public_id>/download/", report_views.report_download, name="download"),
]

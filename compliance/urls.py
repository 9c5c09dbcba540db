from django.urls import path

from compliance.views import public, staff

app_name = "compliance"

urlpatterns = [
    # Citizens (no account): the form, then only the links in their emails.
    path("new/", public.request_new, name="request_new"),
    path("new/sent/", public.request_submitted, name="request_submitted"),
    path("verify/<str:token>/", public.verify_email, name="verify_email"),
    path("status/<str:token>/", public.status, name="status"),
    path("status/<str:token>/withdraw/", public.withdraw, name="withdraw"),
    path("download/<str:signed>/", public.download, name="download"),
    # Staff (act) and auditors (read).
    path("staff/", staff.queue, name="queue"),
    path("staff/<uuid:public_id>/", staff.request_detail, name="request_detail"),
    path("staff/<uuid:public_id>/actions/<slug:action>/", staff.request_action, name="request_action"),
]

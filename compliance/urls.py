from django.urls import path

from compliance.views import public, staff, status

app_name = "compliance"

urlpatterns = [
    # Citizens (no account): the form, then the links in their emails (secrets after "#").
    path("new/", public.request_new, name="request_new"),
    path("new/sent/", public.request_submitted, name="request_submitted"),
    path("verify/", status.verify, name="verify"),
    path("status/", status.status_open, name="status_open"),
    path("status/<uuid:public_id>/", status.status, name="status"),
    path("status/<uuid:public_id>/withdraw/", status.withdraw, name="withdraw"),
    path("status/<uuid:public_id>/documents/<str:signed>/", status.download, name="download"),
    path(
        "status/<uuid:public_id>/consent/withdraw/",
        status.suppression_withdraw_from_status,
        name="suppression_withdraw_status",
    ),
    path("status/<uuid:public_id>/erase/", status.follow_up_erasure, name="follow_up_erasure"),
    path("status/<uuid:public_id>/blocklist/leave/", status.blocklist_leave, name="blocklist_leave"),
    path("status/<uuid:public_id>/reply/", status.reply, name="reply"),
    path("status/<uuid:public_id>/face-templates/", status.face_templates, name="face_templates"),
    path("consent/<uuid:public_id>/<str:token>/", status.suppression_withdraw, name="suppression_withdraw"),
    path("lost-link/", status.recover, name="recover"),
    path("lost-link/sent/", status.recover_sent, name="recover_sent"),
    # Staff (act) and auditors (read).
    path("staff/", staff.queue, name="queue"),
    path("staff/<uuid:public_id>/", staff.request_detail, name="request_detail"),
    path("staff/<uuid:public_id>/actions/<slug:action>/", staff.request_action, name="request_action"),
    path(
        "staff/<uuid:public_id>/messages/<int:message_id>/attachment/",
        staff.message_attachment,
        name="message_attachment",
    ),
]

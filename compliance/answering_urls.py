"""Answering requests (issue 6), mounted at /requests/answer/ (namespace "answering")."""

from django.urls import path

from compliance import answering_views as views

app_name = "answering"

urlpatterns = [
    # Staff (act) and auditors (read).
    path("<uuid:public_id>/", views.review, name="review"),
    path("<uuid:public_id>/selfie.jpg", views.selfie_crop, name="selfie_crop"),
    path("<uuid:public_id>/matches/<int:match_id>/face.jpg", views.match_crop, name="match_crop"),
    path("<uuid:public_id>/matches/<int:match_id>/decide/", views.decide, name="decide"),
    path("<uuid:public_id>/finish-review/", views.finish_review, name="finish_review"),
    path("<uuid:public_id>/approve/", views.approve, name="approve"),
    path("<uuid:public_id>/matching/retry/", views.matching_retry, name="matching_retry"),
    path("<uuid:public_id>/erasure/retry/", views.erasure_retry, name="erasure_retry"),
    path(
        "<uuid:public_id>/recipients/<int:recipient_id>/notified/",
        views.recipient_notified,
        name="recipient_notified",
    ),
    path("<uuid:public_id>/files/<slug:kind>/", views.staff_file, name="staff_file"),
    # Requesters: signed, expiring links from the status page.
    path("download/<str:token>/", views.download, name="download"),
]

"""The review page of a request's answer, mounted at /requests/answer/ (namespace "answering")."""

from django.urls import path

from compliance.views import review as views

app_name = "answering"

urlpatterns = [
    # Staff (act) and auditors (read).
    path("<uuid:public_id>/", views.review_page, name="review"),
    path("<uuid:public_id>/selfie.jpg", views.selfie_crop, name="selfie_crop"),
    path("<uuid:public_id>/selfie-<int:number>.jpg", views.selfie_crop, name="selfie_crop_n"),
    path("<uuid:public_id>/matches/<int:match_id>/face.jpg", views.match_crop, name="match_crop"),
    path("<uuid:public_id>/faces/<int:face_id>/plan.jpg", views.plan_crop, name="plan_crop"),
    path("<uuid:public_id>/matches/<int:match_id>/decide/", views.decide, name="decide"),
    path("<uuid:public_id>/matches/decide/", views.decide_many, name="decide_many"),
    path("<uuid:public_id>/identity/", views.assess_identity, name="assess_identity"),
    path("<uuid:public_id>/finish-review/", views.finish_review, name="finish_review"),
    path("<uuid:public_id>/reopen-review/", views.reopen_review, name="reopen_review"),
    path("<uuid:public_id>/approve/", views.approve, name="approve"),
    path("<uuid:public_id>/matching/retry/", views.matching_retry, name="matching_retry"),
    path("<uuid:public_id>/erasure/retry/", views.erasure_retry, name="erasure_retry"),
    path(
        "<uuid:public_id>/recipients/<int:recipient_id>/notified/",
        views.recipient_notified,
        name="recipient_notified",
    ),
    path("<uuid:public_id>/draft/<slug:kind>/", views.draft_file, name="draft_file"),
    path("<uuid:public_id>/documents/<slug:kind>/", views.document_file, name="document_file"),
]

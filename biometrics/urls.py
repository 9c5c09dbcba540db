from django.urls import path

from biometrics import views

app_name = "biometrics"

urlpatterns = [
    path("", views.store, name="store"),
    path("photos/", views.photo_list, name="photo_list"),
    path("photos/<uuid:public_id>/", views.photo_detail, name="photo_detail"),
    path("photos/<uuid:public_id>/image.jpg", views.photo_image, name="photo_image"),
    path("photos/<uuid:public_id>/faces/<int:face_id>/", views.face_detail, name="face_detail"),
    path("search/", views.search, name="search"),
]

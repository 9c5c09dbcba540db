app_name = "biometrics"

urlpatterns: list = []

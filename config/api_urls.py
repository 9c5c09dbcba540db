"""/api/v1/: every app registers its viewsets on the one router."""

from rest_framework.routers import DefaultRouter

router = DefaultRouter()

for module_name in ("enforcement.api", "compliance.api", "biometrics.api"):
    try:
        module = __import__(module_name, fromlist=["register"])
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        continue
    module.register(router)

urlpatterns = router.urls

"""Settings of the app processes that the service fault tests start: production settings
(config.settings, DEBUG off) with static files served from the source folders, as the test suite
serves them, instead of requiring a collectstatic manifest."""

from config.settings import *  # noqa: F403
from config.settings import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True

# Until config/settings.py lists them (test_settings_wire_the_resilience_pieces checks that it
# does), the app processes here get the resilience middleware and the sweep's task module.
if "config.resilience.ServiceUnavailableMiddleware" not in MIDDLEWARE:  # noqa: F405
    MIDDLEWARE = [*MIDDLEWARE]  # noqa: F405
    MIDDLEWARE.insert(
        MIDDLEWARE.index("config.security.SecurityHeadersMiddleware") + 1,
        "config.resilience.ServiceUnavailableMiddleware",
    )
CELERY_IMPORTS = sorted({*globals().get("CELERY_IMPORTS", ()), "config.resilience"})

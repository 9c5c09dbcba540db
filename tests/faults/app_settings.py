"""Settings of the app processes that the service fault tests start: production settings
(config.settings, DEBUG off) with static files served from the source folders, as the test suite
serves them, instead of requiring a collectstatic manifest."""

from config.settings import *  # noqa: F403
from config.settings import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True

# The controller's identity, as the test suite sets it (tests/conftest.py TEST_CONTROLLER).
CONTROLLER_NAME = "Test Face Search B.V."
CONTROLLER_ADDRESS = "Teststraat 1\n1000 AA Amsterdam"
CONTROLLER_EMAIL = "privacy@test-face-search.example"
CONTROLLER_DPO_NAME = "Dana Officer"
CONTROLLER_DPO_EMAIL = "dpo@test-face-search.example"
CONTROLLER_COUNTRY = "NL"
STORE_LAWFUL_BASIS = ["6(1)(f)", "9(2)(e)"]
STORE_RETENTION = "until_erased"
STORE_DPIA_REFERENCE = "DPIA-TEST-1"

# Until config/settings.py lists them (test_settings_wire_the_resilience_pieces checks that it
# does), the app processes here get the resilience middleware and the sweep's task module.
if "core.resilience.ServiceUnavailableMiddleware" not in MIDDLEWARE:  # noqa: F405
    MIDDLEWARE = [*MIDDLEWARE]  # noqa: F405
    MIDDLEWARE.insert(
        MIDDLEWARE.index("core.security.SecurityHeadersMiddleware") + 1,
        "core.resilience.ServiceUnavailableMiddleware",
    )
CELERY_IMPORTS = sorted({*globals().get("CELERY_IMPORTS", ()), "reports.tasks"})

# Socket timeouts for Redis (broker, result backend, cache): a Redis that hangs without closing its
# connections must fail a request in seconds, not hold it until gunicorn kills the worker.
REDIS_TIMEOUTS = {"socket_timeout": 5, "socket_connect_timeout": 5}
CELERY_BROKER_TRANSPORT_OPTIONS = {**REDIS_TIMEOUTS, **CELERY_BROKER_TRANSPORT_OPTIONS}  # noqa: F405
CELERY_REDIS_SOCKET_TIMEOUT = globals().get("CELERY_REDIS_SOCKET_TIMEOUT", 5)
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = globals().get("CELERY_REDIS_SOCKET_CONNECT_TIMEOUT", 5)
if "redis" in CACHES["default"]["BACKEND"].lower():  # noqa: F405
    CACHES = {"default": {**CACHES["default"], "OPTIONS": {**REDIS_TIMEOUTS, **CACHES["default"].get("OPTIONS", {})}}}  # noqa: F405

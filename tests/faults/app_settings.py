"""Settings of the app processes that the service fault tests start: production settings
(config.settings, DEBUG off) with static files served from the source folders, as the test suite
serves them, instead of requiring a collectstatic manifest."""

from config.settings import *  # noqa: F403
from config.settings import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True

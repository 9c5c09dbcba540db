"""/api/v1/: the one router of the API.

Each domain app registers its viewsets on `router` from its `AppConfig.ready()` (through its
`api.register(router)`: `enforcement.apps`, `compliance.apps`, `biometrics.apps`), so config
imports no domain app. `config.urls` builds the URL patterns from it when Django first loads the
URLconf, which is after every app's ready() has run.
"""

from rest_framework.routers import DefaultRouter

router = DefaultRouter()

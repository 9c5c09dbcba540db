from django.apps import AppConfig


class BiometricsConfig(AppConfig):
    name = "biometrics"

    def ready(self) -> None:
        # config and core import no domain app (pyproject.toml): the app hands them its API
        # resources and demo data here, once the app registry is ready (Django's idiom).
        from biometrics import api, demo
        from config.api_urls import router
        from core.services import demo_loader_register

        api.register(router)
        demo_loader_register(name="biometrics", order=20, load=demo.load)  # order: see core.services

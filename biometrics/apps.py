from django.apps import AppConfig


class BiometricsConfig(AppConfig):
    name = "biometrics"

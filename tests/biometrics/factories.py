"""Factories for the biometric store (encodings are random unit-scale vectors, not real faces)."""

import hashlib
import itertools

import factory
import numpy as np

from biometrics.faces import DETECTOR, ENCODING_MODEL, MODEL_VERSION
from biometrics.models import Customer, CustomerKind, Face, SourcePhoto, encoding_to_bytes

_counter = itertools.count(1)


def random_encoding(seed: int | None = None) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.normal(0, 0.09, 128)


class SourcePhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SourcePhoto

    sha256 = factory.LazyFunction(lambda: hashlib.sha256(str(next(_counter)).encode()).hexdigest())
    source_url = factory.Sequence(lambda n: f"https://social.example/p/{n}.jpg")
    page_url = factory.Sequence(lambda n: f"https://social.example/profile/{n}")
    source_domain = "social.example"
    image = factory.LazyAttribute(lambda o: f"biometrics/photos/{o.sha256[:2]}/{o.sha256}.jpg")
    width = 640
    height = 480
    size_bytes = 12_345
    detector = DETECTOR


class FaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Face

    photo = factory.SubFactory(SourcePhotoFactory)
    top, right, bottom, left = 10, 110, 110, 10
    encoding = factory.LazyFunction(lambda: encoding_to_bytes(random_encoding()))
    model_name = ENCODING_MODEL
    model_version = MODEL_VERSION


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    name = factory.Sequence(lambda n: f"Police force {n}")
    kind = CustomerKind.POLICE
    country = "NL"

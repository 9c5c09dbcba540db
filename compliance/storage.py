"""Private file storage for request photos (selfies, ID document photos, pending uploads).

Files live under MEDIA_ROOT/private/ and have no URL: nothing in urls.py serves that folder and
`url()` refuses, so a photo can only be read by code that holds the model row. File names are
random (never the uploader's file name), so a directory listing reveals nothing about who sent
what.
"""

import os
import secrets

from django.conf import settings
from django.core.files.storage import FileSystemStorage

PRIVATE_SUBDIR = "private"


class PrivateMediaStorage(FileSystemStorage):
    """FileSystemStorage rooted at MEDIA_ROOT/private, re-read from settings on every access so
    that tests overriding MEDIA_ROOT (tests/conftest.py `media_root`) are honoured."""

    def __init__(self):
        super().__init__(location=None, base_url=None, file_permissions_mode=0o600, directory_permissions_mode=0o700)

    @property
    def base_location(self) -> str:
        return os.path.join(settings.MEDIA_ROOT, PRIVATE_SUBDIR)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name):  # signature of Storage.url
        raise ValueError("Private request files have no URL; read them through the request services.")

    def deconstruct(self):
        return ("compliance.storage.PrivateMediaStorage", (), {})


_storage = PrivateMediaStorage()


def private_storage() -> PrivateMediaStorage:
    """Callable used by the FileFields (keeps migrations free of a storage instance)."""
    return _storage


def private_root() -> str:
    return _storage.location


def _random_name(folder: str, extension: str) -> str:
    return f"{folder}/{secrets.token_hex(16)}.{extension}"


def selfie_upload_to(instance, filename: str) -> str:  # the uploader's name is never used
    return _random_name("requests/selfies", "jpg")


def id_document_upload_to(instance, filename: str) -> str:
    return _random_name("requests/id-documents", "jpg")


def pending_upload_to(instance, filename: str) -> str:
    return _random_name("pending", "jpg")

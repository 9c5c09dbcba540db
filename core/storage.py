"""Private file storage: files under MEDIA_ROOT/<subdirectory>/ that no URL maps to."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """Files under MEDIA_ROOT/private/, which no URL maps to.

    The location follows MEDIA_ROOT at the time of use (tests give every test its own media
    folder), and `url()` refuses, so a template can never link such a file by mistake.
    """

    def __init__(self, subdirectory: str = "private"):
        self.subdirectory = subdirectory
        super().__init__(file_permissions_mode=0o600, directory_permissions_mode=0o700)

    @property
    def base_location(self) -> str:
        return os.path.join(settings.MEDIA_ROOT, self.subdirectory)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("private files have no URL; serve them through a view that checks permissions")

    def deconstruct(self):
        return ("core.storage.PrivateStorage", (), {"subdirectory": self.subdirectory})


_private_storage = PrivateStorage()


def private_storage() -> PrivateStorage:
    """Callable for FileField(storage=...) so migrations do not freeze a path."""
    return _private_storage

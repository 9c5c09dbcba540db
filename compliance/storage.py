"""Where request photos (selfies, ID document photos, pending uploads) and request documents are
stored: the one private storage of core.storage (MEDIA_ROOT/private/, no URL), with random file
names (never the uploader's), so a directory listing reveals nothing about who sent what.
"""

import secrets

from core.storage import PrivateStorage
from core.storage import private_storage as core_private_storage


def private_storage() -> PrivateStorage:
    """Callable used by the FileFields (the migrations name it): core's private storage."""
    return core_private_storage()


def _random_name(folder: str, extension: str) -> str:
    return f"{folder}/{secrets.token_hex(16)}.{extension}"


def selfie_upload_to(instance, filename: str) -> str:  # the uploader's name is never used
    return _random_name("requests/selfies", "jpg")


def id_document_upload_to(instance, filename: str) -> str:
    return _random_name("requests/id-documents", "jpg")


def pending_upload_to(instance, filename: str) -> str:
    return _random_name("pending", "jpg")

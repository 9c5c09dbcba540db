"""Uploads that never touch the disk: the staff face search reads its photo from memory only.

Django writes uploads above FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file; this handler keeps
the file in memory up to UPLOAD_MAX_BYTES and drops anything beyond (the form then says the file
is too large), so a photo of a person searched for is never written anywhere.
"""

import io

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopFutureHandlers


class MemoryOnlyUploadHandler(FileUploadHandler):
    def __init__(self, request=None):
        super().__init__(request)
        self.limit = settings.UPLOAD_MAX_BYTES
        self.too_large = False

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()
        self.size = 0
        raise StopFutureHandlers  # no other handler (the temp-file one) sees this file

    def receive_data_chunk(self, raw_data, start):
        self.size += len(raw_data)
        if self.size > self.limit:
            self.too_large = True
            self.buffer = io.BytesIO()  # keep nothing of an oversized file
            return None
        self.buffer.write(raw_data)
        return None

    def file_complete(self, file_size):
        if self.too_large:
            return None  # the file is left out; the view reports it as too large
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )

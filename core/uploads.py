"""Request bodies and uploads: limited before they are read, never written to disk (issue 12).

1. `RequestSizeLimitMiddleware` (before any middleware that reads a body): a request announcing a
   body over REQUEST_MAX_BYTES (Content-Length) gets a 413 page before anything reads it, and
   every body is read through a counter that stops at the same cap (for a body sent without a
   Content-Length, e.g. chunked under ASGI). Views made with `upload_form` answer the same in
   their own form instead.
2. `LimitedUploadHandler`, the only FILE_UPLOAD_HANDLERS entry, so it serves every view: files are
   kept in memory, never in a temporary file; only in the file fields a view declared with
   `upload_form`, one file per field (any other file is skipped unread); a file over
   UPLOAD_MAX_BYTES is dropped as it streams in and reaches the form as a `DroppedUpload` of the
   size it had, so the form's own size check says "too large" and keeps the rest of the input.
3. `upload_form(fields=..., refused=..., permission=...)`, the decorator of a view that takes
   files. Before a byte of the body is read: the permission (an anonymous POST to a staff page
   goes to the log-in page, its body unread), then the Content-Length cap. Then it parses the
   body itself, so that what Django cannot parse (a part header over Django's 1 KB limit, i.e. a
   very long file name; too many files or fields; a body past the cap) comes back as a clear
   message in the view's own form (`refused(request, message, status)`) instead of a bare 400
   page; then text with NUL characters is refused, the CSRF token checked and the view runs.

Worst case per request: the declared fields x UPLOAD_MAX_BYTES of files in memory, plus
DATA_UPLOAD_MAX_MEMORY_SIZE of text fields.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.exceptions import BadRequest, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.files.uploadedfile import InMemoryUploadedFile, UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from core.roles import Perm, require
from core.security import nul_refusal_message, post_contains_nul

MB = 1_048_576
Refusal = Callable[[HttpRequest, str, int], HttpResponse]


class RequestBodyTooLarge(RequestDataTooBig):
    """The body went on past REQUEST_MAX_BYTES while it was being read."""


def announced_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0  # Django reads no body for an invalid length


def body_too_large(request: HttpRequest) -> bool:
    return announced_length(request) > settings.REQUEST_MAX_BYTES


def too_large_message() -> str:
    return _(
        "What you sent is too large: at most %(limit)s MB can be sent at once, and each photo may be at most "
        "%(photo)s MB. Choose a smaller photo and send the form again."
    ) % {"limit": round(settings.REQUEST_MAX_BYTES / MB), "photo": round(settings.UPLOAD_MAX_BYTES / MB, 1)}


class CountedStream:
    """The request body, read through a counter that refuses to go past `limit` bytes."""

    def __init__(self, stream, limit: int):
        self._stream, self.limit, self.count = stream, limit, 0

    def _counted(self, data: bytes) -> bytes:
        self.count += len(data)
        if self.count > self.limit:
            raise RequestBodyTooLarge(f"Request body exceeded REQUEST_MAX_BYTES ({self.limit}).")
        return data

    def _allowed(self, size: int | None) -> int:
        room = self.limit - self.count + 1  # one byte past the cap tells "too large"
        return room if size is None or size < 0 else min(size, room)

    def read(self, size: int | None = -1) -> bytes:
        return self._counted(self._stream.read(self._allowed(size)))

    def readline(self, size: int | None = -1) -> bytes:
        return self._counted(self._stream.readline(self._allowed(size)))

    def close(self) -> None:
        self._stream.close()


class RequestSizeLimitMiddleware:
    """Put it before every middleware that may read a body (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request._stream = CountedStream(request._stream, settings.REQUEST_MAX_BYTES)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "upload_form", False) or not body_too_large(request):
            return None
        return render(request, "413.html", {"message": too_large_message()}, status=413)


class DroppedUpload(UploadedFile):
    """A file dropped while it streamed in because it was over UPLOAD_MAX_BYTES: no content, only
    the size it had, for the form's size check to report."""

    def __init__(self, *, name: str | None, size: int, content_type: str | None):
        super().__init__(file=io.BytesIO(b""), name=name, content_type=content_type, size=size)


class LimitedUploadHandler(FileUploadHandler):
    """Files in memory only, in the fields the view declared, one per field, each up to
    UPLOAD_MAX_BYTES (see the module docstring). The buffer is not called `file`: the parser
    closes a handler's `file` when it skips a part, which would close the previous upload."""

    def __init__(self, request=None):
        super().__init__(request)
        self.allowed = frozenset(getattr(request, "upload_fields", ()))
        self.received: set[str] = set()
        self.buffer: io.BytesIO | None = None
        self.size = 0

    def new_file(self, field_name, *args, **kwargs):
        if field_name not in self.allowed or field_name in self.received:
            raise SkipFile
        super().new_file(field_name, *args, **kwargs)
        self.buffer, self.size = io.BytesIO(), 0

    def receive_data_chunk(self, raw_data, start):
        self.size += len(raw_data)
        if self.size > settings.UPLOAD_MAX_BYTES:
            self.buffer = None  # keep nothing of an oversized file; go on counting its size
        elif self.buffer is not None:
            self.buffer.write(raw_data)
        return None

    def file_complete(self, file_size):
        self.received.add(self.field_name)
        buffer, self.buffer = self.buffer, None
        if buffer is None:
            return DroppedUpload(name=self.file_name, size=self.size, content_type=self.content_type)
        buffer.seek(0)
        return InMemoryUploadedFile(
            file=buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )


def _read_body(request: HttpRequest, fields: tuple[str, ...]) -> tuple[str, int] | None:
    """Parse the body with the limits in place; (message, status) when it cannot be used."""
    if body_too_large(request):
        return too_large_message(), 413
    request.upload_fields = fields  # type: ignore[attr-defined]  # read by LimitedUploadHandler
    try:
        post = request.POST
    except RequestBodyTooLarge:
        return too_large_message(), 413
    except TooManyFilesSent:
        most = settings.DATA_UPLOAD_MAX_NUMBER_FILES
        return ngettext("Send at most %(count)d file at once.", "Send at most %(count)d files at once.", most) % {
            "count": most
        }, 400
    except (RequestDataTooBig, TooManyFieldsSent):
        return _("The form holds more text than it can take. Shorten what you typed and send it again."), 400
    except (MultiPartParserError, BadRequest):
        # Django refuses a part whose headers pass 1 KB: in practice a very long file name.
        return _(
            "We could not read what your browser sent. If a file has a very long name, rename it to something "
            "short (for example photo.jpg) and send the form again."
        ), 400
    if post_contains_nul(post):
        return nul_refusal_message(), 400
    return None


def upload_form(*, fields: tuple[str, ...], refused: Refusal, permission: Perm | None = None):
    """View decorator for a form with file fields `fields` (see the module docstring). `refused`
    renders the view's form with a message and a status, without reading the request data."""

    def decorate(view):
        checked = csrf_protect(view)

        @wraps(view)
        def read_then_check(request, *args, **kwargs):
            if request.method == "POST":
                problem = _read_body(request, fields)
                if problem is not None:
                    return refused(request, *problem)
            return checked(request, *args, **kwargs)

        gated = require(permission)(read_then_check) if permission is not None else read_then_check
        # The CSRF check reads the body: it runs inside, after the permission and the limits.
        exempt = csrf_exempt(gated)
        exempt.upload_form = True  # type: ignore[union-attr]  # a marker read by RejectNullCharactersMiddleware
        return exempt

    return decorate

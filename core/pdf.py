"""HTML templates to PDF with weasyprint, reading nothing but the project's own files.

Every report goes through `render_pdf`:

1. The Django template is rendered to HTML (autoescaped: text from cases and requests can
   never become markup).
2. weasyprint lays it out. Every resource it wants (stylesheets, images, fonts named in CSS)
   goes through `ProjectFileFetcher`, which answers only for the project's static files and
   media files, read from local paths; any other URL or path (``file:///etc/passwd``,
   ``http://127.0.0.1:...``, a remote image) is refused and recorded, and the PDF still renders
   without it. Nothing is ever fetched over the network.
3. The PDF is written to a temporary file next to its destination, fsynced, then moved into
   place with an atomic rename, so a reader never sees half a file.
4. Its SHA-256 and its page count are returned with the path.

Archival documents (case files, certificates, audits) are PDF/A-3b (`ARCHIVAL_VARIANT`), which
declares its conformance in the XMP metadata (pdfaid:part=3, pdfaid:conformance=B); every
document is also tagged (`pdf_tags=True`: headings, paragraphs, tables and lists in a structure
tree that screen readers use). weasyprint 70 offers "pdf/ua-1" as a variant of its own, but a
PDF cannot declare both PDF/A and PDF/UA through weasyprint's variant switch, and archival
conformance is the requirement for records; tagging gives the accessibility.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import mimetypes
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from pypdf import PdfReader
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

ARCHIVAL_VARIANT = "pdf/a-3b"
PRINT_STYLESHEET = "css/print.css"
MAX_RESOURCE_BYTES = 25 * 1024 * 1024  # no single image or stylesheet larger than this


class ResourceRefused(ValueError):
    """weasyprint asked for something outside the project's static and media files."""


def _within(path: str, root: str) -> bool:
    root = os.path.realpath(root)
    return os.path.commonpath([path, root]) == root


class ProjectFileFetcher(URLFetcher):
    """A weasyprint URL fetcher that serves only the project's own static and media files.

    Accepted, after resolving symlinks and ``..``:
    - ``<base>/<STATIC_URL>name`` (what ``{% static %}`` produces, joined to the base URL):
      the collected file in STATIC_ROOT if there is one, else the file a staticfiles finder
      finds in the source folders;
    - ``<base>/<MEDIA_URL>name``: a file under MEDIA_ROOT;
    - ``file://`` URLs whose real path lies inside a static folder or MEDIA_ROOT (photos on the
      private storage are passed to letter templates this way).

    Everything else raises `ResourceRefused`; weasyprint logs it and leaves the resource out.
    `requested` lists every URL asked for, `refused` the ones turned away and `served` the
    local files read, so tests and callers can see exactly what was touched.
    """

    def __init__(self, base_url: str = ""):
        # The parent's urllib handlers are deliberately not installed: this fetcher never opens
        # a network connection, whatever the URL.
        self._fail_on_errors = False
        self.base_url = base_url or pdf_base_url()
        self.requested: list[str] = []
        self.refused: list[str] = []
        self.served: list[str] = []

    # weasyprint calls fetcher(url) and may call fetch(url, headers).
    def __call__(self, url: str):
        return self.fetch(url)

    def fetch(self, url: str, headers=None):
        self.requested.append(url)
        try:
            path = self.resolve(url)
        except ResourceRefused as refusal:
            self.refused.append(url)
            logger.warning("PDF renderer refused a resource: %s (%s)", url[:300], refusal)
            raise
        size = os.path.getsize(path)
        if size > MAX_RESOURCE_BYTES:
            self.refused.append(url)
            raise ResourceRefused(f"{size} bytes is more than the {MAX_RESOURCE_BYTES} allowed for one resource")
        with open(path, "rb") as handle:
            body = handle.read()
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        self.served.append(path)
        return URLFetcherResponse(Path(path).as_uri(), body=body, headers={"Content-Type": content_type})

    def resolve(self, url: str) -> str:
        """The real local path for an allowed URL; `ResourceRefused` for anything else."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "file":
            if parts.netloc not in ("", "localhost"):
                raise ResourceRefused("file URLs on another host are not allowed")
            return self._checked(url2pathname(unquote(parts.path)), self._all_roots())
        if scheme not in ("http", "https"):
            raise ResourceRefused(f"the {scheme or 'empty'} scheme is not allowed")
        base = urlsplit(self.base_url)
        if (scheme, parts.netloc.lower()) != (base.scheme.lower(), base.netloc.lower()):
            raise ResourceRefused("only the project's own static and media files may be read")
        if parts.query:
            raise ResourceRefused("query strings are not allowed")
        path = unquote(parts.path)
        static_prefix, media_prefix = _url_path_prefix(settings.STATIC_URL), _url_path_prefix(settings.MEDIA_URL)
        if path.startswith(static_prefix):
            return self._static(path[len(static_prefix) :])
        if path.startswith(media_prefix):
            return self._checked(
                os.path.join(settings.MEDIA_ROOT, path[len(media_prefix) :]), [str(settings.MEDIA_ROOT)]
            )
        raise ResourceRefused("only the project's own static and media files may be read")

    def _static(self, name: str) -> str:
        candidates = []
        if settings.STATIC_ROOT:
            with contextlib.suppress(NotImplementedError, SuspiciousFileOperation):
                candidates.append(staticfiles_storage.path(name))
        try:
            found = finders.find(name)
        except SuspiciousFileOperation as error:
            raise ResourceRefused("path leaves the static folders") from error
        if found:
            candidates.append(found if isinstance(found, str) else found[0])
        for candidate in candidates:
            if os.path.isfile(candidate):
                return self._checked(candidate, _static_roots())
        raise ResourceRefused("no such static file")

    def _all_roots(self) -> list[str]:
        return [*_static_roots(), str(settings.MEDIA_ROOT)]

    @staticmethod
    def _checked(path: str, roots: list[str]) -> str:
        real = os.path.realpath(path)
        if not any(_within(real, str(root)) for root in roots if root):
            raise ResourceRefused("path is outside the project's static and media folders")
        if not os.path.isfile(real):
            raise ResourceRefused("no such file")
        return real


def _static_roots() -> list[str]:
    roots = [str(settings.STATIC_ROOT)] if settings.STATIC_ROOT else []
    for finder in finders.get_finders():
        # FileSystemFinder (STATICFILES_DIRS) and AppDirectoriesFinder keep a storage per folder.
        for storage in getattr(finder, "storages", {}).values():
            location = getattr(storage, "location", None)
            if location and str(location) not in roots:
                roots.append(str(location))
    return roots


def _url_path_prefix(url: str) -> str:
    """ "static/" or "https://cdn.example/static/" -> "/static/"."""
    return "/" + urlsplit(url).path.strip("/") + "/"


def pdf_static_url(name: str) -> str:
    """The URL of a static file for a PDF template, by its plain name.

    Not `{% static %}`: with the manifest storage of production that needs collectstatic's
    manifest in every process, and a worker must be able to render without it; the fetcher finds
    the plain name in STATIC_ROOT or in the source folders.
    """
    return pdf_base_url() + _url_path_prefix(settings.STATIC_URL).lstrip("/") + name


def pdf_base_url() -> str:
    """Relative URLs in PDF templates ("/static/css/print.css") resolve against the site's URL;
    the fetcher maps that origin's static and media paths to local files."""
    return settings.SITE_URL.rstrip("/") + "/"


@dataclass(frozen=True)
class RenderedPdf:
    path: Path
    sha256: str
    size_bytes: int
    page_count: int
    pdf_variant: str
    refused_urls: tuple[str, ...]
    served_files: tuple[str, ...]


def file_sha256(path: str | os.PathLike) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def pdf_page_count(path: str | os.PathLike) -> int:
    return len(PdfReader(os.fspath(path)).pages)


def html_to_pdf(
    *,
    html: str,
    target: str | os.PathLike,
    pdf_variant: str | None = None,
    tagged: bool = True,
    fetcher: ProjectFileFetcher | None = None,
) -> RenderedPdf:
    """Lay out `html` and write the PDF to `target` atomically (temp file, fsync, rename)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fetcher = fetcher or ProjectFileFetcher()
    document = HTML(string=html, base_url=fetcher.base_url, url_fetcher=fetcher).render()
    descriptor, temp_name = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            document.write_pdf(
                handle,
                pdf_variant=pdf_variant,
                pdf_tags=tagged,
                # Same input, same bytes, apart from the timestamps in the content.
                pdf_identifier=hashlib.sha256(html.encode()).hexdigest()[:32].encode(),
            )
            handle.flush()
            os.fsync(handle.fileno())
        sha256 = file_sha256(temp_name)
        # The laid-out document knows its pages; reading them back with pypdf would parse the
        # whole structure tree of a tagged PDF (seconds for a long report). Tests cross-check
        # this number with pypdf.
        page_count = len(document.pages)
        size = os.path.getsize(temp_name)
        os.replace(temp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise
    return RenderedPdf(
        path=target,
        sha256=sha256,
        size_bytes=size,
        page_count=page_count,
        pdf_variant=pdf_variant or "",
        refused_urls=tuple(fetcher.refused),
        served_files=tuple(fetcher.served),
    )


def render_pdf(
    *,
    template: str,
    context: dict,
    target: str | os.PathLike,
    pdf_variant: str | None = None,
    tagged: bool = True,
    fetcher: ProjectFileFetcher | None = None,
) -> RenderedPdf:
    """Render a Django template to a PDF file at `target` (see the module docstring)."""
    html = render_to_string(template, {"pdf_stylesheet": pdf_static_url(PRINT_STYLESHEET), **context})
    return html_to_pdf(html=html, target=target, pdf_variant=pdf_variant, tagged=tagged, fetcher=fetcher)

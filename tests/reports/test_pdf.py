"""core.pdf: rendering, PDF/A and tags, atomic writes, and the fetcher that reads nothing but
the project's own static and media files."""

import os
import socket
import threading
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from core.pdf import ARCHIVAL_VARIANT, ProjectFileFetcher, ResourceRefused, file_sha256, html_to_pdf
from tests.reports.conftest import has, pdf_text, pdf_xmp

PASSWD_MARKERS = ("root:x:0:0", "/bin/bash", "nologin")


class Listener:
    """A TCP server on the loopback that only counts connections: proof that nothing was fetched."""

    def __init__(self):
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(5)
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while self.running:
            try:
                connection, _ = self.socket.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            connection.close()

    def close(self):
        self.running = False
        self.thread.join(timeout=2)
        self.socket.close()


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()


def hostile_html(port: int) -> str:
    urls = ["file:///etc/passwd", "http://127.0.0.1:1/x", "https://example.com/x.png", f"http://127.0.0.1:{port}/y.png"]
    images = "".join(f'<img src="{url}" alt="image {index}">' for index, url in enumerate(urls))
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Hostile</title>
    <link rel="stylesheet" href="/static/css/print.css">
    <link rel="stylesheet" href="http://127.0.0.1:{port}/evil.css">
    <style>
      @import url("file:///etc/passwd");
      h1 {{ background-image: url("http://127.0.0.1:{port}/bg.png"); }}
      @font-face {{ font-family: Evil; src: url("file:///etc/passwd"); }}
    </style></head>
    <body><h1>Case text with links</h1>
    <p>Plain text mentioning file:///etc/passwd stays text.</p>
    {images}
    <img src="/static/../../../../etc/passwd" alt="traversal">
    <img src="/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd" alt="encoded traversal">
    <img src="/media/../../../../etc/passwd" alt="media traversal">
    <svg width="20" height="20"><image href="file:///etc/hosts" width="20" height="20"/></svg>
    <object data="https://example.com/embed.svg"></object>
    <table><thead><tr><th>a</th></tr></thead><tbody><tr><td>still renders</td></tr></tbody></table>
    </body></html>"""


def test_fetcher_refuses_files_outside_the_project_and_every_network_url(tmp_path, listener):
    fetcher = ProjectFileFetcher()
    result = html_to_pdf(html=hostile_html(listener.port), target=tmp_path / "out.pdf", fetcher=fetcher)

    # It was asked for each of them, and refused each one.
    for url in ("file:///etc/passwd", "http://127.0.0.1:1/x", "https://example.com/x.png"):
        assert url in fetcher.requested
        assert url in fetcher.refused
    assert f"http://127.0.0.1:{listener.port}/evil.css" in fetcher.refused
    assert f"http://127.0.0.1:{listener.port}/y.png" in fetcher.refused
    assert any("etc/passwd" in url and "static" in url for url in fetcher.refused)
    # Only the project's stylesheet was read, and nothing connected to the loopback listener.
    assert [Path(path).name for path in fetcher.served] == ["print.css"]
    assert listener.connections == 0
    # The PDF still rendered, with the text and no trace of /etc/passwd.
    assert result.page_count >= 1
    text = pdf_text(result.path)
    assert has(text, "still renders") and has(text, "file:///etc/passwd stays text")
    raw = result.path.read_bytes()
    for marker in PASSWD_MARKERS:
        assert marker not in text
        assert marker.encode() not in raw


def test_fetcher_serves_static_and_media_files_and_refuses_a_symlink_out_of_media(media_root):
    photo = media_root / "private" / "redacted" / "photo.png"
    photo.parent.mkdir(parents=True)
    Image.new("RGB", (8, 8), (10, 20, 30)).save(photo)
    (media_root / "escape.txt").symlink_to("/etc/passwd")
    fetcher = ProjectFileFetcher()

    assert fetcher.resolve(photo.as_uri()) == str(photo.resolve())
    assert fetcher.resolve(fetcher.base_url + "media/private/redacted/photo.png") == str(photo.resolve())
    assert fetcher.resolve(fetcher.base_url + "static/css/print.css").endswith("static/css/print.css")
    for url in (
        (media_root / "escape.txt").as_uri(),
        fetcher.base_url + "media/escape.txt",
        "file://otherhost/etc/passwd",
        "ftp://127.0.0.1/x",
        "data:text/plain,hello",
        fetcher.base_url + "static/css/print.css?x=1",
        fetcher.base_url + "accounts/login/",
        "http://[::1]:8000/static/css/print.css",
    ):
        with pytest.raises(ResourceRefused):
            fetcher.resolve(url)


def test_media_image_is_embedded(tmp_path, media_root):
    photo = media_root / "private" / "photo.png"
    photo.parent.mkdir(parents=True)
    Image.new("RGB", (40, 40), (200, 30, 30)).save(photo)
    fetcher = ProjectFileFetcher()
    html = f'<html lang="en"><title>x</title><body><p>photo</p><img src="{photo.as_uri()}" alt="a photo"></body></html>'
    result = html_to_pdf(html=html, target=tmp_path / "photo.pdf", fetcher=fetcher)
    assert str(photo.resolve()) in fetcher.served
    page = PdfReader(str(result.path)).pages[0]
    assert len(page.images) == 1


def test_pdfa_declares_its_conformance_and_is_tagged(tmp_path):
    html = '<html lang="en"><head><title>Archive</title></head><body><h1>Archive</h1><p>text</p></body></html>'
    result = html_to_pdf(html=html, target=tmp_path / "a.pdf", pdf_variant=ARCHIVAL_VARIANT)
    xmp = pdf_xmp(result.path)
    assert 'pdfaid:part="3"' in xmp
    assert 'pdfaid:conformance="B"' in xmp
    root = PdfReader(str(result.path)).trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert "/OutputIntents" in root  # sRGB output intent, required by PDF/A
    assert root["/Lang"] == "en"


def test_written_atomically_with_hash_and_page_count(tmp_path):
    html = "<html lang='en'><title>x</title><body>" + "<p style='break-after: page'>page</p>" * 3 + "</body></html>"
    target = tmp_path / "deep" / "folder" / "three.pdf"
    result = html_to_pdf(html=html, target=target)
    assert result.page_count == 3 == len(PdfReader(str(target)).pages)
    assert result.sha256 == file_sha256(target)
    assert result.size_bytes == os.path.getsize(target)
    assert [path.name for path in target.parent.iterdir()] == ["three.pdf"]  # no temp file left


def test_a_failed_render_leaves_no_file(tmp_path, monkeypatch):
    from weasyprint import Document

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Document, "write_pdf", explode)
    with pytest.raises(RuntimeError):
        html_to_pdf(html="<p>x</p>", target=tmp_path / "x.pdf")
    assert list(tmp_path.iterdir()) == []

"""Text written once and read later by the requester (messages on the status page) is written in
the requester's language, with dates in its locale, whoever's action caused it (issue 16 item 11:
an extension made by English-speaking staff showed an English message with an ISO date on an
Italian status page)."""

from __future__ import annotations

from collections.abc import Callable

from django.utils import translation


def in_requesters_language(request, build: Callable[[], object]) -> str:
    """`build()` evaluated (and made a str) with the request's language active."""
    with translation.override(request.language or "en"):
        return str(build())

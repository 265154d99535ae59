"""The only way WeasyPrint reads anything: files inside the allowed folders.

``file:`` URLs outside the project (and, later, the brand folder), ``http(s):`` and
every other scheme are refused. Each refusal is recorded so the build can report it
as a warning naming the resource; the document is still printed without it.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint import URLFetcher
from weasyprint.urls import URLFetcherResponse


class RefusedResource(ValueError):
    """Raised for a resource the fetcher will not serve (WeasyPrint logs and skips it)."""


class ProjectFetcher(URLFetcher):
    """Serves ``file:`` and ``data:`` URLs, and only files below ``allowed_roots``."""

    def __init__(self, allowed_roots: tuple[Path, ...]) -> None:
        super().__init__(allowed_protocols={"file", "data"})
        self.allowed_roots = tuple(root.resolve() for root in allowed_roots)
        self.refused: list[str] = []
        """Messages about refused or missing resources since the last :meth:`take_refused`."""
        self.served: set[str] = set()
        """Every file served so far (fonts, images, imported stylesheets), for incremental builds."""

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file":
            return self._refuse(url, f"'{url}' was not loaded: only files inside the project are allowed, "
                                     f"never {scheme or 'relative'}: addresses")
        path = Path(url2pathname(urlsplit(url).path)).resolve()
        if not any(path.is_relative_to(root) for root in self.allowed_roots):
            return self._refuse(url, f"'{path}' was not loaded: it is outside the project folder")
        if not path.is_file():
            self.served.add(str(path))  # a file added later must rebuild the document that missed it
            return self._refuse(url, f"'{path}' was not found")
        self.served.add(str(path))
        return URLFetcherResponse(url=path.as_uri(), body=path.read_bytes())

    def _refuse(self, url: str, message: str) -> URLFetcherResponse:
        self.refused.append(message)
        raise RefusedResource(message)

    def take_refused(self) -> list[str]:
        """Return and forget the refusals recorded so far (one document's worth)."""
        refused, self.refused = self.refused, []
        return list(dict.fromkeys(refused))

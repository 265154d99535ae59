"""The only way WeasyPrint reads anything: regular files inside the allowed folders.

``file:`` URLs outside the project, the built-in folders and the brand folders, every
symlink that resolves outside them, FIFOs, devices, ``http(s):`` and every other scheme
are refused. While a PDF is being written nothing at all is served: the only thing
WeasyPrint fetches then is an attachment, and attachments come from recipes alone (see
:mod:`ladderpress.pdf`). Each refusal is recorded so the build can report it as a warning
naming the resource; the document is still printed without it.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint import URLFetcher
from weasyprint.urls import URLFetcherResponse

from ladderpress.files import FileRefused, read_bytes

MAX_RESOURCE_BYTES = 30_000_000
"""A font or image larger than this is refused."""


class RefusedResource(ValueError):
    """Raised for a resource the fetcher will not serve (WeasyPrint logs and skips it)."""


class ProjectFetcher(URLFetcher):
    """Serves ``data:`` URLs, and ``file:`` URLs of regular files below ``allowed_roots``."""

    def __init__(self, allowed_roots: tuple[Path, ...], forbidden: frozenset[Path] = frozenset()) -> None:
        super().__init__(allowed_protocols={"file", "data"})
        self.allowed_roots = tuple(root.resolve() for root in allowed_roots)
        self.forbidden = frozenset(Path(os.path.realpath(path)) for path in forbidden)
        """Files and folders never served though inside the project: the rosters and the output folder
        (people's details, other people's packets)."""
        self.refused: list[str] = []
        """Messages about refused or missing resources since the last :meth:`take_refused`."""
        self.served: dict[str, str | None] = {}
        """Files served (with the SHA-256 of the bytes served) or looked for and absent (None) since
        the last :meth:`take_served`: the build record keeps what was read, not what is there later."""
        self.writing = False
        """True while a PDF is written: then nothing is served (only attachments would be asked for)."""

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        scheme = urlsplit(url).scheme.lower()
        if self.writing:
            return self._refuse(
                url, f"'{_short(url)}' was not attached: attachments come only from a recipe's 'attachments:' list"
            )
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file":
            return self._refuse(
                url,
                f"'{url}' was not loaded: only files inside the project are allowed, "
                f"never {scheme or 'relative'}: addresses",
            )
        path = Path(os.path.normpath(url2pathname(urlsplit(url).path)))
        if not any(path.is_relative_to(root) for root in self.allowed_roots) or self._private(path):
            # never recorded (the build record reads what it records) and never looked at: whether
            # such a file exists is nobody's business
            return self._refuse(url, f"'{path}' was not loaded: it is outside the project folder")
        self.served[str(path)] = None  # a file added or changed later must rebuild the document that asked
        if not os.path.lexists(path):
            return self._refuse(url, f"'{path}' was not found")
        try:
            body = read_bytes(path, self.allowed_roots, MAX_RESOURCE_BYTES)
        except FileRefused as exc:
            return self._refuse(
                url,
                f"'{path}' was not loaded: it is outside the project folder"
                if exc.outside
                else f"'{path}' was not loaded: it {exc.what}",
            )
        if self._private(Path(os.path.realpath(path))):
            return self._refuse(url, f"'{path}' was not loaded: it is outside the project folder")
        self.served[str(path)] = hashlib.sha256(body).hexdigest()
        return URLFetcherResponse(url=path.resolve().as_uri(), body=body)

    def _private(self, path: Path) -> bool:
        """A roster, the output folder, or a hidden file or folder (``.env``, ``.git``) under a root."""
        if any(path.is_relative_to(private) for private in self.forbidden):
            return True
        root = next((root for root in self.allowed_roots if path.is_relative_to(root)), None)
        return root is not None and any(part.startswith(".") for part in path.relative_to(root).parts)

    def _refuse(self, url: str, message: str) -> URLFetcherResponse:
        self.refused.append(message)
        raise RefusedResource(message)

    def take_refused(self) -> list[str]:
        """Return and forget the refusals recorded so far (one document's worth)."""
        refused, self.refused = self.refused, []
        return list(dict.fromkeys(refused))

    def take_served(self) -> dict[str, str | None]:
        """Return and forget the files served or looked for so far (one document's, or one stylesheet's)."""
        served, self.served = self.served, {}
        return served


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"

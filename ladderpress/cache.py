"""Incremental builds: skip a document when nothing that reaches its PDF has changed.

A document's key is a hash of everything that decides its bytes: the engine versions and
print options, its rendered HTML (content, recipe and templates all show in it), and
the files it read last time (stylesheets, fonts, images, brand files). The key and the
PDF's own hash are kept in a cache file in the output folder. A document is rebuilt when
its key changed, when any file it read changed, when its PDF is missing or is not the one
written, or when the cache is missing, unreadable or from another version: a stale or
corrupt cache can only cause a rebuild, never a wrong PDF.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path, PurePosixPath

from ladderpress import __version__
from ladderpress.files import FileRefused, digest, read_bytes
from ladderpress.findings import Finding
from ladderpress.write import CACHE, MAX_RECORD_BYTES, atomic_write

CACHE_FILE = CACHE
FORMAT = 2
"""2: records hold each document's preflight findings."""
MAX_HASHED_BYTES = 200_000_000
"""A file read by a document that is larger than this counts as unreadable (so: always rebuilt)."""


def engine_fingerprint(options: dict[str, object]) -> str:
    """What every key shares: the versions of ladderpress and the libraries that shape a PDF, and the print options.

    (Pango, HarfBuzz and the system's fallback fonts are not covered: ``--force`` rebuilds after
    upgrading them.)"""
    libraries = {name: version(name) for name in ("weasyprint", "pydyf", "pypdf", "fonttools", "pyphen", "tinycss2")}
    parts = {"format": FORMAT, "ladderpress": __version__, **libraries, "options": options}
    return json.dumps(parts, sort_keys=True, default=str)


@dataclass
class BuildCache:
    """The cache file of one output folder, and file hashes computed during this build."""

    path: Path
    fingerprint: str
    roots: tuple[Path, ...] = ()
    """Where the files it hashes may be: the project, the brands, the built-in folders and the output folder."""
    entries: dict[str, dict[str, object]] = field(default_factory=dict)
    _hashes: dict[str, str | None] = field(default_factory=dict)

    @classmethod
    def open(cls, out_dir: Path, fingerprint: str, roots: tuple[Path, ...] = ()) -> BuildCache:
        cache = cls(out_dir / CACHE_FILE, fingerprint, (*roots, out_dir))
        try:
            data = json.loads(read_bytes(cache.path, (out_dir,), MAX_RECORD_BYTES))
            if data.get("engine") == fingerprint and isinstance(data.get("documents"), dict):
                cache.entries = data["documents"]
        except (FileRefused, ValueError, AttributeError):
            pass  # no cache, or an unreadable one: everything is rebuilt
        return cache

    def file_hash(self, path: str) -> str | None:
        """The SHA-256 of a file a document read; None for one that is absent or may not be read.

        Read through :mod:`ladderpress.files`, inside the build's allowed roots only: the record
        names files the build looked for, and must never be a way to read, hang on (a FIFO) or
        fingerprint anything else.
        """
        if path not in self._hashes:
            self._hashes[path] = digest(Path(path), self.roots, MAX_HASHED_BYTES)
        return self._hashes[path]

    def key(self, html: str, extra: str = "") -> str:
        return hashlib.sha256(f"{self.fingerprint}\n{extra}\n{html}".encode()).hexdigest()

    def up_to_date(self, output: PurePosixPath, key: str, out_dir: Path) -> bool:
        entry = self.entries.get(output.as_posix())
        if not isinstance(entry, dict) or entry.get("key") != key:
            return False
        records = entry.get("findings")
        if not isinstance(records, list) or any(Finding.from_record(r) is None for r in records):
            return False  # findings that cannot be read back: printing again is the only way to know them
        files = entry.get("files")
        if not isinstance(files, dict) or any(self.file_hash(p) != h for p, h in files.items()):
            return False
        return self.file_hash(str(out_dir / output)) == entry.get("pdf")

    def record(
        self,
        output: PurePosixPath,
        key: str,
        data: bytes,
        files: Mapping[str, str | None],
        findings: Sequence[Finding] = (),
        pages: int | None = None,
    ) -> None:
        """Record a PDF written: the hash of each file as it was read while printing it, preflight's
        findings, and its pages (which the delivery list of packets gives without reading the PDF)."""
        entry: dict[str, object] = {
            "key": key,
            "pdf": hashlib.sha256(data).hexdigest(),
            "files": dict(files),
            "findings": [finding.as_record() for finding in findings],
        }
        if pages is not None:
            entry["pages"] = pages
        self.entries[output.as_posix()] = entry

    def written(self, output: PurePosixPath) -> tuple[str, int | None] | None:
        """The SHA-256 of the PDF recorded as written at ``output``, and its pages (None: not recorded,
        as in records made before they held the count); None when there is no such record."""
        entry = self.entries.get(output.as_posix())
        if not isinstance(entry, dict) or not isinstance(entry.get("pdf"), str):
            return None
        pages = entry.get("pages")
        return str(entry["pdf"]), pages if isinstance(pages, int) and not isinstance(pages, bool) else None

    def note_pages(self, output: PurePosixPath, pages: int) -> None:
        """Add the page count to a record that lacks it (counted from the PDF), so it is counted once."""
        entry = self.entries.get(output.as_posix())
        if isinstance(entry, dict):
            entry["pages"] = pages

    def findings(self, output: PurePosixPath) -> tuple[Finding, ...]:
        """What preflight found in a document when it was written (nothing for one without a record)."""
        entry = self.entries.get(output.as_posix())
        records = entry.get("findings") if isinstance(entry, dict) else None
        if not isinstance(records, list):
            return ()
        return tuple(finding for record in records if (finding := Finding.from_record(record)) is not None)

    def forget(self, output: PurePosixPath) -> None:
        """Drop the record of a PDF that was not written after all."""
        self.entries.pop(output.as_posix(), None)

    def save(self) -> None:
        if not self.entries and not self.path.parent.is_dir():
            return  # nothing was written, not even the folder
        self.path.parent.mkdir(parents=True, exist_ok=True)
        payload = {"engine": self.fingerprint, "documents": self.entries}
        atomic_write(self.path, json.dumps(payload, indent=1, sort_keys=True).encode())

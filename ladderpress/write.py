"""Write PDFs atomically, inside the output folder, never over a user's own files.

Each PDF goes to a temporary file beside its target and is renamed into place, so a
failed or interrupted build leaves the previous PDF intact. A manifest in the output
folder lists the files ladderpress wrote; a file that is not in it is never replaced.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path, PurePosixPath

MANIFEST = ".ladderpress-manifest.json"


class WriteRefused(Exception):
    """The target is not ours to write (outside the output folder, or a user's file)."""


class OutputFolder:
    """The output folder and the record of what ladderpress has written in it."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._manifest_path = self.root / MANIFEST
        self._ours: set[str] = self._read_manifest()

    def _read_manifest(self) -> set[str]:
        try:
            data = json.loads(self._manifest_path.read_text(encoding="utf-8"))
            return {str(name) for name in data.get("files", [])}
        except (OSError, ValueError, AttributeError):
            return set()

    def target(self, relative: PurePosixPath) -> Path:
        """The absolute path for ``relative``; refuses anything resolving outside the folder."""
        path = (self.root / relative).resolve()
        if not path.is_relative_to(self.root) or path == self.root:
            raise WriteRefused(f"{relative} would be written outside the output folder {self.root}")
        return path

    def claim(self, outputs: list[PurePosixPath]) -> None:
        """Record as ours, before writing any of them, the outputs that do not exist yet.

        Done once per build and before the PDFs, so an interrupted build never leaves a PDF
        that the next build would refuse to replace as the user's own.
        """
        new = {o.as_posix() for o in outputs if o.as_posix() not in self._ours and not (self.root / o).exists()}
        if new:
            self._ours |= new
            try:
                self.root.mkdir(parents=True, exist_ok=True)
                atomic_write(self._manifest_path, json.dumps({"files": sorted(self._ours)}, indent=1).encode())
            except OSError as exc:
                raise WriteRefused(f"cannot write in the output folder {self.root}: {exc.strerror}") from None

    def write(self, relative: PurePosixPath, data: bytes) -> Path:
        """Write ``data`` to ``relative`` atomically, if it is ours to write."""
        path = self.target(relative)
        if path.exists() and relative.as_posix() not in self._ours:
            raise WriteRefused(f"{path} exists and was not written by ladderpress; "
                               "move it away or change the recipe's output name")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(path, data)
        except OSError as exc:
            raise WriteRefused(f"{path} cannot be written: {exc.strerror or exc}") from None
        return path


def atomic_write(path: Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, flush it to disk, then rename it into place."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600 files; a PDF is as readable as any file
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask

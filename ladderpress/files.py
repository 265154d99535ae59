"""Every file the tool reads goes through here: resolved, confined, regular, bounded.

Content, recipes, rosters, brand files, templates and stylesheets come from many hands
(an agency's brand folder, a template copied from the internet, an HR export). A symlink
to ``/etc/passwd``, a FIFO that never ends, ``/dev/zero`` or a symlink loop must each be
refused with one located line, never read, hung on or turned into a traceback. So a path
is resolved (following every symlink), must then lie inside one of the roots it is
allowed in, and is opened without blocking and checked to be a regular file before a
byte is read; at most ``limit`` bytes are read.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path


class FileRefused(Exception):
    """A file the tool will not read, in plain words: ``what`` is wrong and ``hint`` says how to fix it."""

    def __init__(self, path: Path, what: str, hint: str, outside: bool = False) -> None:
        super().__init__(f"{path}: {what}")
        self.path = path
        self.what = what
        self.hint = hint
        self.outside = outside
        """Refused for where it is (outside the allowed roots), not for what it is."""


def confined(path: Path, roots: Iterable[Path]) -> Path:
    """``path`` resolved (symlinks followed); refused unless it exists and lies inside one of ``roots``."""
    roots = tuple(root.resolve() for root in roots)
    try:
        resolved = path.resolve(strict=True)
    except RuntimeError:  # Python < 3.13 reports a symlink loop this way
        raise FileRefused(path, "is a symlink loop", "replace the link with the file itself") from None
    except FileNotFoundError:
        raise FileRefused(
            path,
            "not found" if not path.is_symlink() else "is a link to a file that does not exist",
            "check the file name and where the file is",
        ) from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise FileRefused(path, "is a symlink loop", "replace the link with the file itself") from None
        raise FileRefused(path, f"cannot be read ({exc.strerror})", _hint(exc)) from None
    if not any(resolved.is_relative_to(root) for root in roots):
        linked = Path(os.path.normpath(path.absolute())) != resolved  # a link on the way, not only '..'
        where = "a link to a file outside the allowed folders" if linked else "outside the allowed folders"
        raise FileRefused(
            path, f"is {where} ({resolved})", "copy the file itself into the project or brand folder", outside=True
        )
    return resolved


def read_bytes(path: Path, roots: Iterable[Path], limit: int) -> bytes:
    """The bytes of a regular file inside ``roots``, at most ``limit`` of them (more is refused)."""
    resolved = confined(path, roots)
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; O_NOFOLLOW: the path is resolved already
        fd = os.open(resolved, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise FileRefused(path, f"cannot be read ({exc.strerror})", _hint(exc)) from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise FileRefused(path, "is a folder, not a file", "remove the folder or give the file another name")
        if not stat.S_ISREG(mode):
            raise FileRefused(path, f"is not a regular file (it is {_kind(mode)})", "replace it with an ordinary file")
        with os.fdopen(os.dup(fd), "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise FileRefused(path, f"cannot be read ({exc.strerror})", _hint(exc)) from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise FileRefused(path, f"is larger than the {_size(limit)} allowed", "split it or shorten it")
    return data


def digest(path: Path, roots: Iterable[Path], limit: int) -> str | None:
    """The SHA-256 of a regular file inside ``roots`` (hex), or None when it is absent or refused."""
    try:
        return hashlib.sha256(read_bytes(path, roots, limit)).hexdigest()
    except FileRefused:
        return None


def read_text(path: Path, roots: Iterable[Path], limit: int, encoding: str = "utf-8") -> str:
    """The text of a regular file inside ``roots``; a file that is not ``encoding`` is refused with its line."""
    data = read_bytes(path, roots, limit)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise NotText(path, line, exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1) from None


class NotText(FileRefused):
    """A file whose bytes are not UTF-8 text, located at the first bad byte."""

    def __init__(self, path: Path, line: int, column: int) -> None:
        super().__init__(path, "is not UTF-8 text", "save the file as UTF-8")
        self.line = line
        self.column = column


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a file"


def _hint(exc: OSError) -> str:
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "give yourself permission to read it (chmod u+r)"
    return "check the file and try again"


def _size(limit: int) -> str:
    return f"{limit // 1_000_000} MB" if limit >= 1_000_000 else f"{limit // 1000} kB"


def confining_root(folder: Path, project_root: Path, brand_folder: Path | None) -> Path:
    """The folder that ``folder``'s files must resolve into: the brand's own, the project's, or itself.

    A brand's files stay inside the brand even when the brand sits in the project: the
    project holds the roster, which a brand's template or stylesheet must never reach.
    Built-in folders (inside the installed package) confine to themselves.
    """
    if brand_folder is not None and folder.is_relative_to(brand_folder):
        return brand_folder
    if folder.is_relative_to(project_root):
        return project_root
    return folder

"""Write PDFs atomically, inside the output folder, never over a user's own files.

Each PDF goes to a temporary file beside its target and is renamed into place, so a
failed or interrupted build leaves the previous PDF intact. A manifest in the output
folder records, for every file ladderpress wrote, the SHA-256 of the bytes it wrote (and,
for a packet, whose packet it is). A file is replaced only when it is absent or is
byte-for-byte what ladderpress wrote there: a user's own file saved in a failed
document's place, or a PDF edited by hand, is never replaced.

One build at a time writes to a folder: :meth:`OutputFolder.lock` takes an exclusive lock
(a second build waits, or fails at once), and the records are read once it is held, so
that each build starts from the other's.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import re
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from ladderpress.files import FileRefused, digest, read_bytes

MANIFEST = ".ladderpress-manifest.json"
JOURNAL = ".ladderpress-manifest.journal"
MAX_RECORD_BYTES = 100_000_000
LOCK = ".ladderpress.lock"
CACHE = ".ladderpress-cache.json"
"""The build record of :mod:`ladderpress.cache`, also written with :func:`atomic_write`."""
FORMAT = 2
WRITABLE = "make the output folder writable, or free disk space"


class WriteRefused(Exception):
    """The target is not ours to write (outside the output folder, a user's file, another person's)."""


class FolderBusy(Exception):
    """Another build holds the output folder's lock."""

    def __init__(self, message: str, holder: str) -> None:
        super().__init__(message)
        self.holder = holder
        """The process id the other build wrote into the lock file ("unknown" when it wrote none)."""


class OutputFolder:
    """The output folder and the record of what ladderpress has written in it."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.mode = file_mode()
        """The permissions of the files it writes, read once (see :func:`file_mode`)."""
        self._manifest_path = self.root / MANIFEST
        self._files: dict[str, dict[str, object]] = self._read_manifest()

    def _read_manifest(self) -> dict[str, dict[str, object]]:
        """``name → {"sha256": [hashes written there], "person": key}``; an unreadable record is empty.

        The first format listed names only. Such a name is taken as ours only when the file
        there is the PDF that the build record of that version hashed: a listed name alone
        would let anyone who can write the record claim a user's file.
        """
        data = _read_json(self._manifest_path, self.root)
        files = data.get("files")
        if isinstance(files, list):
            written = _read_json(self.root / CACHE, self.root).get("documents")
            written = written if isinstance(written, dict) else {}
            files = {
                str(name): {"sha256": [written[name]["pdf"]]}
                for name in files
                if isinstance(written.get(name), dict) and isinstance(written[name].get("pdf"), str)
            }
        if not isinstance(files, dict):
            files = {}
        recorded = {str(name): entry for name, entry in files.items() if isinstance(entry, dict)}
        for line in _read_lines(self.root / JOURNAL, self.root):
            name = line.pop("name", None)
            if isinstance(name, str):
                recorded[name] = line
        return recorded

    @contextmanager
    def lock(self, wait: bool = True, waiting: Callable[[str], None] | None = None) -> Iterator[None]:
        """Hold the folder's lock for the block; read the records afresh once it is held.

        ``wait=False`` raises :class:`FolderBusy` at once when another build holds it;
        otherwise ``waiting`` is told (with the other build's process id) and the build waits.
        The lock is the kernel's (``flock``): a build that dies releases it.
        """
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            # never through a link: a planted out/.ladderpress.lock -> elsewhere must not be written
            fd = os.open(self.root / LOCK, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                os.close(fd)
                raise OSError(errno.EINVAL, "not a regular file")
            handle = os.fdopen(fd, "r+", encoding="utf-8")
        except OSError as exc:
            why = "it is a link: remove it" if exc.errno == errno.ELOOP else exc.strerror
            raise WriteRefused(f"cannot lock the output folder {self.root} ({self.root / LOCK}: {why})") from None
        with handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.seek(0)
                holder = handle.read().strip() or "unknown"
                if not wait:
                    raise FolderBusy(f"another build (process {holder}) is writing to {self.root}", holder) from None
                if waiting is not None:
                    waiting(holder)
                fcntl.flock(handle, fcntl.LOCK_EX)
            handle.seek(0)
            handle.truncate()
            handle.write(str(os.getpid()))
            handle.flush()
            self._files = self._read_manifest()
            self._remove_leftovers()
            if os.path.lexists(self._manifest_path) and not self._manifest_path.is_file():
                raise WriteRefused(f"{self._manifest_path} cannot be written (it is not a file) (fix: {WRITABLE})")
            try:
                yield
            finally:
                self._compact()
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _remove_leftovers(self) -> None:
        """Remove temporary files that a build killed mid-write (``kill -9``, a power cut) left behind.

        Only with the lock held (no other build is writing), and only files named as
        :func:`atomic_write` names them after a file the record knows (or the records themselves).
        """
        folders: dict[PurePosixPath, set[str]] = {PurePosixPath("."): {MANIFEST, CACHE}}
        for name in self._files:
            relative = PurePosixPath(name)
            folders.setdefault(relative.parent, set()).add(relative.name)
        for relative, names in folders.items():
            folder = (self.root / relative).resolve()
            if not folder.is_relative_to(self.root):
                continue  # a damaged record naming a folder elsewhere: nothing there is ours
            try:
                entries = list(os.scandir(folder))
            except OSError:
                continue
            for entry in entries:
                match = _LEFTOVER.fullmatch(entry.name)
                if match and match["name"] in names and entry.is_file(follow_symlinks=False):
                    Path(entry.path).unlink(missing_ok=True)

    def owners(self) -> dict[str, str]:
        """Output path → the key of the person whose packet was written there."""
        return {name: str(entry["person"]) for name, entry in self._files.items() if entry.get("person")}

    def target(self, relative: PurePosixPath) -> Path:
        """The absolute path for ``relative``; refuses anything resolving outside the folder."""
        path = (self.root / relative).resolve()
        if not path.is_relative_to(self.root) or path == self.root:
            raise WriteRefused(f"{relative} would be written outside the output folder {self.root}")
        return path

    def write(self, relative: PurePosixPath, data: bytes, person: str | None = None) -> Path:
        """Write ``data`` to ``relative`` atomically, if it is ours to write.

        The new file's hash is recorded before it is renamed into place, beside the hash of
        the file it replaces: whenever the build stops, the file there is one the record knows.
        """
        name = relative.as_posix()
        self.target(relative)  # its folders resolve inside the output folder
        # the name itself, never what a link there points to: a link planted in the output folder
        # is refused as not ours (and a file we wrote replaces the link, not its target)
        path = self.root / relative
        entry = self._files.get(name)
        if os.path.lexists(path):
            self._check_ours(path, name, entry)
        recorded = entry.get("person") if entry else None
        if person is not None and recorded and recorded != person:
            raise WriteRefused(
                f"{path} holds another person's packet; it is not given to someone else "
                "(fix: move it away, or give this person another output name)"
            )
        known = entry.get("sha256") if entry else None
        hashes = [h for h in known if isinstance(h, str)][-1:] if isinstance(known, list) else []
        new: dict[str, object] = {"sha256": [*hashes, hashlib.sha256(data).hexdigest()]}
        if person is not None:
            new["person"] = person
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            blocking = next(
                (p for p in (path.parent, *path.parent.parents) if p.is_file() or p.is_symlink()), path.parent
            )
            raise WriteRefused(
                f"{path} cannot be written: {blocking} is a file, not a folder (fix: move it away, "
                "or change the recipe's output name)"
            ) from None
        except OSError as exc:
            raise WriteRefused(f"{path} cannot be written: {exc.strerror or exc} (fix: {WRITABLE})") from None
        self._files[name] = new
        try:
            self._journal(name, new)
        except OSError as exc:  # the record, not the PDF, is what cannot be written: say so, and forget the hash
            if entry is None:
                del self._files[name]
            else:
                self._files[name] = entry
            raise WriteRefused(
                f"{self.root / JOURNAL} cannot be written ({exc.strerror or exc}), so the PDF was "
                f"not written either (fix: {WRITABLE})"
            ) from None
        try:
            atomic_write(path, data, mode=self.mode)
        except OSError as exc:
            raise WriteRefused(f"{path} cannot be written: {exc.strerror or exc} (fix: {WRITABLE})") from None
        return path

    def holds(self, relative: PurePosixPath, data: bytes) -> bool:
        """Whether the file at ``relative`` is ours and already byte-for-byte ``data``.

        Writing it again would change nothing but its time and the record's journal: a file made
        afresh by every build (a delivery list) is written only when this is False.
        """
        path = self.root / relative
        entry = self._files.get(relative.as_posix())
        hashes = entry.get("sha256") if entry else None
        wanted = hashlib.sha256(data).hexdigest()
        if not isinstance(hashes, list) or wanted not in hashes or path.is_symlink() or not path.is_file():
            return False
        return digest(path, (self.root,), MAX_OUTPUT_BYTES) == wanted

    def _check_ours(self, path: Path, name: str, entry: dict[str, object] | None) -> None:
        if entry is None:
            raise WriteRefused(
                f"{path} exists and was not written by ladderpress; move it away or change the recipe's output name"
            )
        hashes = entry.get("sha256")
        if (
            not isinstance(hashes, list)
            or path.is_symlink()
            or not path.is_file()
            or digest(path, (self.root,), MAX_OUTPUT_BYTES) not in hashes
        ):
            raise WriteRefused(
                f"{path} was changed since ladderpress wrote it (or replaced by another file); "
                "move it away to rebuild it, or change the recipe's output name"
            )

    def _journal(self, name: str, entry: dict[str, object]) -> None:
        """Add one file's record to the journal: an appended line, whatever the size of the record.

        Rewriting the whole manifest for each of ten thousand packets would cost minutes; the
        journal is folded into it when the build lets go of the folder (:meth:`_compact`) and read
        with it until then, so a build killed at any moment leaves a true record.
        """
        line = json.dumps({"name": name, **entry}, sort_keys=True) + "\n"
        fd = os.open(self.root / JOURNAL, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        try:
            os.write(fd, line.encode())
        finally:
            os.close(fd)

    def _compact(self) -> None:
        """Fold the journal into the manifest (if that fails, both stay, and are read together next time)."""
        if not os.path.lexists(self.root / JOURNAL):
            return
        try:
            self._save()
            (self.root / JOURNAL).unlink()
        except OSError:
            pass

    def _save(self) -> None:
        payload = {"format": FORMAT, "files": dict(sorted(self._files.items()))}
        # renamed into place, but not flushed to disk: the record must survive the build being
        # killed, which the rename alone ensures; a power cut may at worst cost a rebuild or a refusal
        atomic_write(self._manifest_path, json.dumps(payload, indent=1).encode(), durable=False, mode=self.mode)


_LEFTOVER = re.compile(r"\.(?P<name>.+)\.[a-z0-9_]{8}\.tmp")
"""A temporary file of :func:`atomic_write`: ``.NAME.XXXXXXXX.tmp`` (mkstemp's eight random characters)."""


def _read_lines(path: Path, root: Path) -> list[dict[str, object]]:
    """The records of a journal, one JSON object a line; a torn last line (a build killed mid-write) is skipped."""
    try:
        text = read_bytes(path, (root,), MAX_RECORD_BYTES).decode("utf-8", "replace")
    except FileRefused:
        return []
    records = []
    for line in text.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict):
            records.append(record)
    return records


def _read_json(path: Path, root: Path) -> dict[str, object]:
    """A record in the output folder, read as any file is (never through a link out, a FIFO…); {} if unreadable."""
    try:
        data = json.loads(read_bytes(path, (root,), MAX_RECORD_BYTES))
    except (FileRefused, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


MAX_OUTPUT_BYTES = 2_000_000_000
"""A file in the output folder larger than this is not one ladderpress wrote."""


def atomic_write(path: Path, data: bytes, durable: bool = True, mode: int | None = None) -> None:
    """Write to a temporary file in the same folder, flush it to disk (when ``durable``), then rename it.

    ``mode`` is the new file's permissions (default: as any new file, 0o666 less the umask).
    """
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, file_mode() if mode is None else mode)  # mkstemp makes 0600 files; a PDF is as readable
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def file_mode() -> int:
    """The permissions a new file gets here: 0o666 less the process's umask.

    Read from /proc where Linux offers it; elsewhere os.umask must be set to be read, which
    for a moment changes it for every thread, so callers read it once (see OutputFolder).
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            mask = next(int(line.split()[1], 8) for line in status if line.startswith("Umask:"))
    except (OSError, StopIteration, ValueError, IndexError):
        mask = os.umask(0o022)
        os.umask(mask)
    return 0o666 & ~mask

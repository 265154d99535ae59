"""The delivery list: which packet goes to whom, written beside the packets as ``manifest.csv``.

A build of a per-person recipe (onboarding) ends by writing, in the folder its output
pattern puts packets in (``onboarding/manifest.csv`` for ``onboarding/{person}.pdf``), one
row per person whose packet is there and current, in roster order, with the columns
``person, email, manager, file, pages, sha256``. A mail merge or an HR system sends each
packet to its person from it, and can check with the hash that the file it attaches is the
one listed. (Not to be confused with ``.ladderpress-manifest.json``, the record of which
files ladderpress wrote: see :mod:`ladderpress.write`.)

What the list promises, and why:

- **Every row is true now.** A person is listed only when their packet is current: written
  by this build, or left as it was because nothing that reaches it changed (the incremental
  build's own test). Its hash is read back from the file on disk when the list is made, and
  must be the hash of the bytes the build wrote, so a packet edited, replaced or removed
  meanwhile is not listed. A person whose packet failed (their previous copy is still there,
  out of date) is not listed, rather than listed without a file: a mail merge should not
  send anything in its place, and the build has said why, with exit code 1.
- **A partial build keeps everyone's rows.** ``--person`` and ``--level`` print fewer
  packets, but the list is made for the whole roster: the people not rebuilt keep their row
  when their packet is current, as a full build would find it; a packet that is out of date
  is left out (the build says how many, and a full build brings them back). So every row a
  partial build writes is the row a full build would write.
- **Written as a packet is.** Through :class:`~ladderpress.write.OutputFolder`: atomically,
  recorded as a file the build owns, never over a file ladderpress did not write; and only
  when the build has run to its end, so an interrupted or failed build leaves the previous
  list as it leaves the previous PDFs. A list whose bytes would not change is not rewritten.
- **Safe to open in a spreadsheet** (see :func:`neutralised`) and **readable by Excel** (see
  :func:`csv_bytes`).

Two recipes whose packets share a folder would write one list: :func:`clashes` refuses that.
The columns and order are fixed; the list holds names and addresses, so it is kept like the
roster it comes from (it is in the output folder, which templates never read).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from collections.abc import Iterable, Mapping
from dataclasses import astuple, dataclass
from pathlib import Path, PurePosixPath

from ladderpress.errors import Problem
from ladderpress.files import FileRefused, read_bytes
from ladderpress.model import Person, Recipe
from ladderpress.plan import Job, PacketJob
from ladderpress.write import MAX_OUTPUT_BYTES

LIST_NAME = "manifest.csv"
COLUMNS = ("person", "email", "manager", "file", "pages", "sha256")
_MARK = "DELIVERYxLISTxMARK"
"""Stands for the parts of an output pattern that differ between people ({level}, {person})."""


def list_path(recipe_name: str, recipe: Recipe) -> PurePosixPath:
    """Where a per-person recipe's delivery list goes, inside the output folder.

    The folder of its output pattern, up to the first part that differs between people:
    ``onboarding/{person}.pdf`` and ``onboarding/{level}/{person}.pdf`` both list their
    packets in ``onboarding/manifest.csv`` (the second with files such as ``pm/lea-dubois.pdf``),
    and ``{recipe}/{person}.pdf`` in ``onboarding/manifest.csv`` for the recipe ``onboarding``.
    """
    pattern = recipe.output.format(recipe=recipe_name, track=recipe.select.track or "all", level=_MARK, person=_MARK)
    folder: list[str] = []
    for part in PurePosixPath(pattern).parts[:-1]:
        if _MARK in part:
            break
        folder.append(part)
    return PurePosixPath(*folder, LIST_NAME)


def clashes(recipes: Mapping[str, Recipe], built: Iterable[str]) -> list[Problem]:
    """One problem for each delivery list that two per-person recipes would write, if one is built now.

    Every recipe of the project is looked at, not only those built: building one, then the
    other, would otherwise replace the first one's list without a word.
    """
    by_path: dict[PurePosixPath, list[str]] = {}
    for name in sorted(recipes):
        if recipes[name].per == "person":
            by_path.setdefault(list_path(name, recipes[name]), []).append(name)
    building = set(built)
    problems = []
    for path, names in by_path.items():
        ours = [name for name in names if name in building]
        if len(names) < 2 or not ours:
            continue
        others = ", ".join(f"'{name}'" for name in names if name != ours[0])
        problems.append(
            Problem(
                f"guides/{ours[0]}.yaml",
                f"writes its delivery list {path}, which recipe(s) {others} also write: each would replace the other's",
                field="output",
                hint="give each recipe that makes packets a folder of its own, like output: '{recipe}/{person}.pdf'",
            )
        )
    return problems


@dataclass(frozen=True)
class Delivery:
    """A per-person recipe's delivery list, and everyone it may list."""

    recipe_name: str
    output: PurePosixPath
    """Inside the output folder, like ``onboarding/manifest.csv``."""
    packets: tuple[PacketJob, ...]
    """A packet for every valid row of the roster, in its order: all of them, even when ``--person``
    or ``--level`` narrowed the build, since the list is made for the whole roster."""


def deliveries(recipes: Mapping[str, Recipe], names: Iterable[str], jobs: Iterable[Job]) -> list[Delivery]:
    """The delivery list of each per-person recipe in ``names``, with its packets among ``jobs`` (the
    whole plan, before narrowing), in roster order. A recipe with no packet still has a list: an
    empty roster empties it."""
    packets: dict[str, list[PacketJob]] = {name: [] for name in dict.fromkeys(names) if recipes[name].per == "person"}
    for job in jobs:
        if isinstance(job, PacketJob) and job.recipe_name in packets:
            packets[job.recipe_name].append(job)
    return [Delivery(name, list_path(name, recipes[name]), tuple(listed)) for name, listed in packets.items()]


@dataclass(frozen=True)
class Packet:
    """A person's packet as the build made it: what the list needs to check it on disk and describe it."""

    person: Person
    output: PurePosixPath
    """Inside the output folder."""
    sha256: str
    """Of the bytes the build wrote there (as its records hold it)."""
    pages: int | None
    """As recorded when it was printed; None when the record does not say (an older build's)."""


@dataclass(frozen=True)
class Row:
    """One line of the list, as written (each text already passed through :func:`neutralised`)."""

    person: str
    email: str
    manager: str
    file: str
    pages: int
    sha256: str


def row_of(root: Path, folder: PurePosixPath, packet: Packet) -> Row | None:
    """The packet's row, or None when the file on disk is not byte-for-byte what the build wrote.

    ``root`` is the output folder and ``folder`` the list's folder in it. The file is read as
    any file of the output folder is (regular, inside it, never through a link); a record
    without a page count has its pages counted from the file.
    """
    path = root / packet.output
    if path.is_symlink():
        return None
    try:
        data = read_bytes(path, (root,), MAX_OUTPUT_BYTES)
    except FileRefused:
        return None
    if hashlib.sha256(data).hexdigest() != packet.sha256:
        return None
    pages = packet.pages if packet.pages is not None else count_pages(data)
    if pages is None:
        return None
    person = packet.person
    return Row(
        neutralised(person.name),
        neutralised(person.email or ""),
        neutralised(person.manager),
        neutralised(packet.output.relative_to(folder).as_posix()),
        pages,
        packet.sha256,
    )


def count_pages(data: bytes) -> int | None:
    """The pages of a PDF, read with pypdf (only for records made before they held the count)."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        return len(PdfReader(io.BytesIO(data)).pages)
    except (PdfReadError, ValueError, KeyError, OSError):
        return None


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0", "\uff1d", "\uff0b", "\uff0d", "\uff20")
"""What makes a spreadsheet read a cell as a formula (or start one) when it comes first."""


def neutralised(value: str) -> str:
    """``value`` made safe to open in a spreadsheet: prefixed with ``'`` when it could start a formula.

    Names, addresses and managers come from an HR export, which is untrusted: a name written
    ``=HYPERLINK("http://evil","x")`` or ``+cmd|' /C calc'!A0`` would become a live formula when
    a people-ops lead opens the list in Excel, LibreOffice or Google Sheets (CSV injection). As
    OWASP advises, a value whose first character is ``=``, ``+``, ``-``, ``@``, a tab or a
    carriage return (also a line feed or NUL, and as a precaution the full-width ``＝ ＋ － ＠``,
    which fold to the same characters under NFKC) is prefixed with a single quote, which
    spreadsheets show and never evaluate; the same goes for a value that starts so after
    leading spaces, which some importers trim. Quoting by the csv module alone would not do:
    a spreadsheet unquotes a cell, then evaluates it. The price is a visible ``'`` before such
    a value (rare in a real name; an address starting with ``-`` or ``+`` reads ``'-ann@…``);
    the roster keeps the value as it was written. Nothing else is changed.
    """
    first = value.lstrip(" ")[:1]
    if value[:1] in FORMULA_STARTS or (first and first in FORMULA_STARTS):
        return "'" + value
    return value


def csv_bytes(rows: Iterable[Row]) -> bytes:
    """The list as a file: a header, then one row per person, written by the csv module.

    UTF-8 with a byte-order mark, lines ending in CRLF (RFC 4180). Without the mark, Excel
    (the program a people-ops lead double-clicks the file into) reads a CSV in the machine's
    legacy code page and turns Léa into LÃ©a and every name in another script into noise; with
    it, Excel, LibreOffice, Google Sheets, pandas and Python's ``utf-8-sig`` all read it right.
    A program that reads it as plain UTF-8 sees the mark before the first header
    (``\\ufeffperson``): read it with ``utf-8-sig``.
    """
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(astuple(r) for r in rows)
    return codecs.BOM_UTF8 + text.getvalue().encode("utf-8")

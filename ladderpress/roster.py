"""Read a roster of new hires (CSV as exported from an HR system, or YAML) into people.

A roster comes from an HR system and is untrusted. It is read through :mod:`ladderpress.files`
(confined, regular, bounded); CSV rows end only at ``\\r`` and ``\\n``, so a line separator
inside a name cannot split a row in two. Rows are validated like content, but one at a time:
a bad row is reported with its row number and a fix, and the other rows are still built.
Extra columns are ignored with one warning. People are told apart by :func:`person_key`, so
a name that differs only in invisible characters, spacing, case or accent encoding is a
duplicate. Output file names are made from the person's name, safely, and a file written for
one person is never handed to another (:func:`assign_files`).
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import difflib
import hashlib
import io
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import ValidationError
from slugify import slugify

from ladderpress import files
from ladderpress.errors import Problem, did_you_mean, plain_words, relative
from ladderpress.load import YamlProblem, read_yaml
from ladderpress.model import Ladder, Person

MAX_ROSTER_BYTES = 5_000_000
MAX_ROWS = 10_000
SLUG_LENGTH = 60
"""The longest file name (before .pdf) made from a person's name."""
COLUMNS = list(Person.model_fields)
REQUIRED = [name for name, info in Person.model_fields.items() if info.is_required()]

Row = tuple[int, dict[str, Any]]
"""A roster row: the line it starts on, and its values by column."""

BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
"""C0 and C1 controls (tab, CR, LF, VT, FF, NUL, ESC, U+001C-U+001E, U+0085, …) and the Unicode
line and paragraph separators: none of them belongs in a name, a team or a date."""


def person_key(name: str) -> str:
    """Who a name stands for, as a sha256 hex digest (it is stored in the output folder, so never the name).

    Two names are the same person when they differ only in invisible format characters
    (zero-width spaces, joiners, bidi controls: Unicode category Cf), spacing, case, or in
    how their accents are encoded (NFC or NFD). Accents themselves count: "Léa" is not "Lea".
    """
    visible = "".join(ch for ch in unicodedata.normalize("NFD", name) if unicodedata.category(ch) != "Cf")
    folded = " ".join(visible.split()).casefold()
    return hashlib.sha256(unicodedata.normalize("NFC", folded).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Entry:
    """A valid roster row."""

    person: Person
    row: int
    """Line of the file the person is on (CSV: the header is line 1)."""
    slug: str
    """A safe file name made from the person's name (numbered by :func:`assign_files` when shared)."""
    key: str = field(init=False)
    """:func:`person_key` of the person's name: who the packet is for, without the name."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", person_key(self.person.name))


@dataclass
class Roster:
    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    """Rows that cannot be built, one problem each (at least), in the order of the file."""
    warnings: list[str] = field(default_factory=list)
    fatal: bool = False
    """The file itself cannot be read: nothing in it can be built."""


def read_roster(path: Path, root: Path, ladder: Ladder, roots: Sequence[Path]) -> Roster:
    """Every valid person in the roster, and one located problem per bad row.

    ``root`` is the project (file names are shown relative to it); the roster must lie in
    one of ``roots``: the project when a recipe names it, its own folder when given with --roster.
    """
    name = relative(path, root)
    roster = Roster()
    try:
        rows = (
            _yaml_rows(path, root, roots)
            if path.suffix.lower() in (".yaml", ".yml")
            else _csv_rows(_csv_text(path, name, roots), name, roster)
        )
    except _Fatal as exc:
        roster.problems.append(exc.problem)
        roster.fatal = True
        return roster
    if len(rows) > MAX_ROWS:
        roster.problems.append(
            Problem(name, f"has {len(rows):,} rows, more than the {MAX_ROWS:,} allowed", hint="split the roster")
        )
        roster.fatal = True
        return roster
    seen: dict[str, tuple[int, str]] = {}
    for line, values in rows:
        person, problems = _check_row(_cleaned(values, line, name, roster), line, name, ladder)
        if person is None:
            roster.problems += problems
            continue
        entry = Entry(person, line, person_slug(person.name))
        if entry.key in seen:
            roster.problems.append(
                Problem(
                    name, _duplicate(person.name, *seen[entry.key]), line, field="name", hint="remove the duplicate row"
                )
            )
            continue
        seen[entry.key] = (line, person.name)
        roster.entries.append(entry)
    roster.problems.sort(key=lambda problem: problem.line or 0)
    return roster


class _Fatal(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem


def _read(path: Path, name: str, roots: Sequence[Path]) -> bytes:
    """The roster's bytes, through the one guarded way to read a user's file."""
    try:
        return files.read_bytes(path, roots, MAX_ROSTER_BYTES)
    except files.FileRefused as exc:
        raise _Fatal(_refused(name, exc)) from None


def _refused(name: str, exc: files.FileRefused) -> Problem:
    """The refusal as a problem, with a fix that fits a roster (files' own names the project and brand folders)."""
    hint = "keep the roster in the project, or give the roster's own folder to --roster" if exc.outside else exc.hint
    return Problem(name, exc.what, hint=hint)


def _csv_text(path: Path, name: str, roots: Sequence[Path]) -> str:
    """The roster as text: UTF-8, or UTF-16 with its byte-order mark (Excel's "Unicode text"). A
    UTF-8 mark (spreadsheets often write one) is dropped; any byte that is not UTF-8 is refused
    with its line and column (counted without the mark)."""
    data = _read(path, name, roots)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Excel's "Unicode text"
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise _Fatal(
                Problem(name, "starts as UTF-16 text but is not", 1, hint="export the roster as CSV UTF-8")
            ) from None
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        start = data.rfind(b"\n", 0, exc.start) + 1
        column = len(data[start : exc.start].decode("utf-8")) + 1
        raise _Fatal(
            Problem(
                name,
                "is not UTF-8 text",
                data.count(b"\n", 0, exc.start) + 1,
                column,
                hint="export the roster as CSV UTF-8",
            )
        ) from None


def _csv_rows(text: str, name: str, roster: Roster) -> list[Row]:
    """The data rows under the header; a row that is not readable CSV is a problem of its own."""
    records = _csv_records(text, _separator(text))
    header_line, header = next(((line, cells) for line, cells in records if cells != []), (1, []))
    if isinstance(header, csv.Error):
        raise _Fatal(
            Problem(
                name,
                f"the header row is not readable CSV ({header})",
                header_line,
                hint="export the roster again as CSV UTF-8",
            )
        )
    columns = _header(header, header_line, name, roster)
    rows = []
    for line, cells in records:
        if isinstance(cells, csv.Error):
            message, hint = _csv_words(cells)
            roster.problems.append(Problem(name, message, line, hint=hint))
            continue
        if not any(cell.strip() for cell in cells):
            continue  # a blank line, or a row of empty cells: no one is on it
        extra = [cell for cell in cells[len(columns) :] if cell.strip()]
        if extra:
            roster.problems.append(
                Problem(
                    name,
                    f"has {len(columns) + len(extra)} values, more than the {len(columns)} columns of the header",
                    line,
                    hint="put a value that holds a comma in double quotes",
                )
            )
            continue
        rows.append((line, {column: cell for column, cell in zip(columns, cells, strict=False) if column in COLUMNS}))
    return rows


SEPARATORS = {",": "commas", ";": "semicolons", "\t": "tabs"}
"""What separates a roster's values: commas, or what European spreadsheets and "text" exports use."""


def _separator(text: str) -> str:
    """The separator the header line uses most (a comma when it uses none): semicolons and tabs are
    read as such rather than taken for one long column."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {separator: first.count(separator) for separator in SEPARATORS}
    best = max(counts, key=lambda separator: counts[separator])
    return best if counts[best] else ","


def _csv_records(text: str, separator: str = ",") -> Iterator[tuple[int, list[str] | csv.Error]]:
    """Each CSV record with the line it starts on, or the error that stopped it.

    The reader works on the raw stream (``newline=""``): only ``\\r`` and ``\\n`` end a row,
    never U+2028, U+0085, a form feed or the other breaks ``str.splitlines`` knows. Strict
    mode refuses a stray quote instead of quietly swallowing the rows after it.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    start = 1
    while True:
        try:
            yield start, next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield start, exc
            if reader.line_num < start:  # nothing was consumed: stop rather than loop
                return
        start = reader.line_num + 1


def _csv_words(error: csv.Error) -> tuple[str, str]:
    """The csv module's message in plain words, and a fix."""
    text = str(error)
    if text == "unexpected end of data":
        return (
            "a quote opened on this row is never closed, so the rest of the file was read into this row",
            'close the quote, or write a quote inside a value as ""',
        )
    if text.startswith("',' expected after"):
        return "a quote inside a value is not doubled", 'write a quote inside a value as "", or remove it'
    if text.startswith("field larger than field limit"):
        return f"holds a value longer than {csv.field_size_limit()} characters", "shorten it"
    return f"is not readable CSV ({text})", "export the roster again as CSV UTF-8"


def _header(cells: list[str], line: int, name: str, roster: Roster) -> list[str]:
    """The header's column names; a missing or repeated column makes the whole roster unreadable.

    Headers are matched loosely, as HR systems write them: ``Name``, ``Start Date``, ``start-date``
    and ``START_DATE`` are the columns name and start_date. A required column that is missing
    names the header that comes close, and says what to call it.
    """
    written = [BREAKS.sub(" ", cell).strip() for cell in cells]
    columns = [column_name(cell) for cell in written]
    missing = [column for column in REQUIRED if column not in columns]
    if missing:
        unknown = {column: cell for column, cell in zip(columns, written, strict=True) if column not in COLUMNS}
        hints = []
        for column in missing:
            close = difflib.get_close_matches(column, list(unknown), n=1, cutoff=0.6)
            if close:
                hints.append(f"rename '{unknown[close[0]]}' to {column}")
        raise _Fatal(
            Problem(
                name,
                f"the header lacks column(s) {', '.join(missing)}",
                line,
                hint="; ".join(hints) or f"the columns are: {', '.join(COLUMNS)}",
            )
        )
    twice = [column for column in dict.fromkeys(columns) if column in COLUMNS and columns.count(column) > 1]
    if twice:
        raise _Fatal(
            Problem(
                name,
                f"the header has column(s) {', '.join(twice)} more than once",
                line,
                hint="keep one column of each name",
            )
        )
    extra = [column for column in columns if column not in COLUMNS]
    if extra:
        roster.warnings.append(
            f"{name}: ignoring column(s) {', '.join(extra)}; the columns used are {', '.join(COLUMNS)}"
        )
    return columns


def column_name(header: str) -> str:
    """A header as the column it names: lower case, words joined by underscores ("Start Date" -> start_date)."""
    return "_".join(re.findall(r"[0-9a-z]+", header.casefold()))


def _yaml_rows(path: Path, root: Path, roots: Sequence[Path]) -> list[Row]:
    try:
        files.confined(path, roots)  # first, so that a roster outside its folder gets a roster's fix
    except files.FileRefused as exc:
        raise _Fatal(_refused(relative(path, root), exc)) from None
    try:
        value, marks = read_yaml(path, root, roots)  # read through files, like the CSV
    except YamlProblem as exc:
        raise _Fatal(exc.problem) from None
    if not isinstance(value, list):
        raise _Fatal(Problem(relative(path, root), "must be a list of people, one '- name: …' entry each", 1))
    rows = []
    for i, item in enumerate(value):
        line = marks.get((i,), (path, i + 1, 1))[1]
        values = {k: v for k, v in item.items() if k in COLUMNS} if isinstance(item, dict) else {"name": item}
        rows.append((line, values))
    return rows


def _cleaned(values: dict[str, Any], line: int, name: str, roster: Roster) -> dict[str, Any]:
    """The row's values with line breaks and control characters replaced by a space, and one warning.

    Replaced rather than refused: an HR export often carries a line break typed inside a cell
    (a team written on two lines), and refusing would cost that person their packet over a
    character no one meant to print. Replaced, they never reach a packet or a terminal; the
    warning names the row and columns so the export can be fixed. Blank values are dropped,
    as an empty cell means no value.
    """
    cleaned: dict[str, Any] = {}
    found: dict[str, set[str]] = {}
    for column, value in values.items():
        if isinstance(value, str):
            for match in BREAKS.finditer(value):
                found.setdefault(column, set()).update(f"U+{ord(ch):04X}" for ch in match.group())
            value = BREAKS.sub(" ", value).strip()
            if not value:
                continue
        cleaned[column] = value
    if found:
        codes = sorted(set().union(*found.values()))
        roster.warnings.append(
            f"{name}:{line}: {', '.join(found)}: line break(s) or control character(s) "
            f"({', '.join(codes)}) replaced by spaces"
        )
    return cleaned


def _check_row(values: dict[str, Any], line: int, name: str, ladder: Ladder) -> tuple[Person | None, list[Problem]]:
    """The row's person, or None and its problems, each naming the file, row and column."""
    problems = []
    try:
        person = Person.model_validate(values)
    except ValidationError as exc:
        for error in exc.errors():
            column = str(error["loc"][0]) if error["loc"] else None
            message, hint = plain_words(error, COLUMNS)
            if error["type"] == "date_from_datetime_parsing" or "date" in error["type"]:
                given = values.get(column) if column is not None else None
                message, hint = f"'{given}' is not a date", "write dates as YYYY-MM-DD, like 2027-01-31"
            problems.append(Problem(name, message, line, field=column, hint=hint))
        return None, problems
    level_ids = [lv.id for lv in ladder.levels]
    level_id = values["level"]
    if level_id not in level_ids:
        problems.append(
            Problem(
                name,
                f"unknown level '{level_id}'",
                line,
                field="level",
                hint=did_you_mean(level_id, level_ids).removeprefix("; "),
            )
        )
    elif values.get("track"):
        tracks = ladder.level(level_id).tracks
        if values["track"] not in tracks:
            problems.append(
                Problem(
                    name,
                    f"level '{level_id}' is not on track '{values['track']}'",
                    line,
                    field="track",
                    hint=did_you_mean(values["track"], tracks).removeprefix("; "),
                )
            )
    return (None if problems else person), problems


def _duplicate(name: str, row: int, earlier: str) -> str:
    """Why a name is a duplicate, with any invisible difference made visible."""
    if name == earlier:
        return f"'{name}' is already on row {row}"
    shown, before = _visible(name), _visible(earlier)
    if shown == before:
        return f"'{shown}' is already on row {row}, with its accents encoded differently"
    return f"'{shown}' is already on row {row} as '{before}'"


def _visible(name: str) -> str:
    """``name`` in NFC with each invisible format character written as ``<U+200B>``."""
    return "".join(
        f"<U+{ord(ch):04X}>" if unicodedata.category(ch) == "Cf" else ch for ch in unicodedata.normalize("NFC", name)
    )


def person_slug(name: str) -> str:
    """A file name from a person's name: ASCII letters, digits and hyphens only, never a path.

    Names in any script are transliterated (python-slugify, with text-unidecode): "Иван Петров"
    is ivan-petrov, "李小龙" li-xiao-long, "Søren Ørsted" soren-orsted, so one can tell whose
    packet a file is; a name with nothing to transliterate (emoji alone) is "person".
    """
    return slugify(name, max_length=SLUG_LENGTH) or "person"


SLUG_MARK = "PERSONxSLUGxMARK"
"""Stands for the person in an output pattern; real slugs are lower-case, so it is never one."""


def assign_files(
    entries: Sequence[Entry], fill: Callable[[Entry, str], PurePosixPath], owners: Mapping[str, str]
) -> list[tuple[Entry, PurePosixPath]]:
    """Each person's output file, so that a file written for one person never goes to another.

    ``fill(entry, slug)`` is the recipe's output pattern for the person with ``slug`` as the
    file name (raising ValueError when the pattern is unsafe); ``owners`` maps an output path
    already written (posix, relative to the output folder) to the :func:`person_key` it was
    written for. A person whose key owns a path that fits their pattern keeps it, whatever the
    row order and whatever their slug is now; nobody is given a path owned by another key; a
    new person gets their slug, else slug-2, slug-3, … skipping every path taken or owned.
    Returns the entries (their ``slug`` the one used) with their paths, in the roster's order.
    """
    owned: dict[str, list[str]] = {}
    for path, key in owners.items():
        owned.setdefault(key, []).append(str(PurePosixPath(path)))
    chosen: dict[int, tuple[str, PurePosixPath]] = {}
    for i, entry in enumerate(entries):  # first the people who keep their files: no row order involved
        kept = _kept(entry, fill, owned.get(entry.key, []))
        if kept is not None:
            chosen[i] = kept
    taken = {path for _, path in chosen.values()} | {PurePosixPath(path) for path in owners}
    # per pattern and slug, the number last given: every lower one is taken (a roster of names
    # that all make "person" would otherwise count up from 1 for each of them)
    tried: dict[tuple[str, str], int] = {}
    for i, entry in enumerate(entries):
        if i in chosen:
            continue
        pattern = str(fill(entry, SLUG_MARK))
        if SLUG_MARK not in pattern:  # the pattern ignores the person: plan's _clashes reports it
            chosen[i] = (entry.slug, fill(entry, entry.slug))
            continue
        number = tried.get((pattern, entry.slug), 1)
        slug = entry.slug if number == 1 else f"{entry.slug}-{number}"
        while fill(entry, slug) in taken:
            number += 1
            slug = f"{entry.slug}-{number}"
        tried[(pattern, entry.slug)] = number
        chosen[i] = (slug, fill(entry, slug))
        taken.add(chosen[i][1])
    return [(dataclasses.replace(entry, slug=chosen[i][0]), chosen[i][1]) for i, entry in enumerate(entries)]


def _kept(
    entry: Entry, fill: Callable[[Entry, str], PurePosixPath], paths: list[str]
) -> tuple[str, PurePosixPath] | None:
    """The slug and path this person already owns under their pattern, if any (their own slug first)."""
    if not paths:
        return None
    first, *rest = str(fill(entry, SLUG_MARK)).split(SLUG_MARK)
    if not rest:
        return None
    slug = r"([a-z0-9]+(?:-[a-z0-9]+)*)"
    pattern = re.compile(
        re.escape(first) + slug + "".join(r"\1" * bool(i) + re.escape(part) for i, part in enumerate(rest))
    )
    fits = []
    for path in paths:
        match = pattern.fullmatch(path)
        if match and fill(entry, match[1]) == PurePosixPath(path):
            fits.append((match[1] != entry.slug, path, match[1]))
    if not fits:
        return None
    _, path, found = min(fits)
    return found, PurePosixPath(path)

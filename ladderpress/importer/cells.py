"""What one cell's text means: an expectation (a sentence, or behaviours as lines or bullets), years of
experience (``2–4``, ``15+``), a level's header (``Senior PM (L3)``), a list of names.

Spreadsheets are written by hand, so each reader here takes the forms people use and leaves a cell it
cannot read to its caller, who names the cell in a problem.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

BULLET = re.compile(r"^\s*(?:[•*–—·▪◦●‣⁃○■□➢►→✓✔]|-(?=\s)|\d{1,2}[.)](?=\s))\s*")
"""A line that starts as a list item: a bullet character, a dash and a space, or a number (1. or 1))."""
NOTHING = {"-", "–", "—", "n/a", "na", "none", "n.a."}
"""What a cell holds when it means "nothing here" (a level a competency does not apply to)."""
DITTO = {'"', "〃", "''", "as above", "same as above", "ditto", "^"}
"""What a grouping cell holds when it means "as above"."""


def lines_of(text: str) -> list[tuple[bool, str]]:
    """A cell's text as (is it a list item, its text) lines; a line that carries on the one before
    (it starts in lower case and is no item) is joined to it."""
    found: list[tuple[bool, str]] = []
    for raw in text.replace("\u2028", "\n").replace("\u2029", "\n").split("\n"):
        line = raw.strip()
        if not line:
            continue
        item = BULLET.match(line)
        words = line[item.end() :].strip() if item else line
        if not words:
            continue
        if not item and found and words[:1].islower():
            previous_item, previous = found[-1]
            found[-1] = (previous_item, f"{previous} {words}")
            continue
        found.append((bool(item), words))
    return found


def text_list(text: str) -> list[str]:
    """A cell as a list: one item per line, bullets and numbers stripped."""
    return [words for _, words in lines_of(text)]


def expectation_of(text: str) -> dict[str, Any] | None:
    """A matrix cell as an expectation: one line is its text; lines under a first line that is no item
    are its behaviours; several lines (with or without bullets) are behaviours."""
    if text.strip().casefold() in NOTHING:
        return None
    found = lines_of(text)
    if not found:
        return None
    if len(found) == 1:
        return {"text": found[0][1]}
    first_item, first = found[0]
    if not first_item and any(item for item, _ in found[1:]):
        return {"text": first, "behaviours": [words for _, words in found[1:]]}
    return {"behaviours": [words for _, words in found]}


YEARS = re.compile(
    r"^\s*(\d{1,2})\s*(?:(?:-|–|—|to|until|bis|à|a)\s*(\d{1,2})|(\+))?\s*(?:years?|yrs?|y)?\.?\s*(\+)?\s*$",
    re.IGNORECASE,
)


def years_of(value: Any) -> list[int | None] | str:
    """``2–4``, ``2-4``, ``2 to 4``, ``15+``, ``3`` or the number 3 as ``[from, to]``; else why not."""
    if isinstance(value, datetime.date | datetime.datetime):
        return "was turned into a date by the spreadsheet"
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and 0 <= value <= 60:
            return [int(value), int(value)]
        return "is not a whole number of years"
    match = YEARS.match(str(value))
    if not match:
        return "is not a number of years"
    start = int(match[1])
    if match[3] or match[4]:
        return [start, None]
    return [start, int(match[2]) if match[2] else start]


CODE = r"[A-Z]{1,4}-?\d{1,2}[a-z]?"
HEADER_FORMS = [
    re.compile(rf"^(?P<title>.+?)\s*[(\[]\s*(?P<code>{CODE})\s*[)\]]$"),
    re.compile(rf"^(?P<code>{CODE})\s*[(\[]\s*(?P<title>.+?)\s*[)\]]$"),
    re.compile(rf"^(?P<code>{CODE})\s*(?:[-–—:|·/]\s*|\s+)(?P<title>.+)$"),
    re.compile(rf"^(?P<title>.+?)\s*[-–—:|·/]\s*(?P<code>{CODE})$"),
    re.compile(rf"^(?P<code>{CODE})$"),
]


INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
"""Format characters that spell nothing: bidi marks, overrides and isolates, zero-width spaces, the word
joiner, the soft hyphen, a byte-order mark. Taken out of a header before it is read, so that one typed or
pasted before ``(L4)`` does not hide the code. The zero-width joiner and non-joiner (U+200C, U+200D) stay:
they are part of how Persian, the Indic scripts and emoji are spelled."""
LEVEL_WORD = re.compile(r"^(?:Level|Lvl\.?)\s*(\d{1,2}[a-z]?)$", re.IGNORECASE)
"""``Level 3``, written beside a title: the code ``L3`` (as :func:`title_from_code` titles ``L3`` Level 3)."""


def parse_header(text: str) -> tuple[str | None, str | None]:
    """A level's header as (title, code): ``Senior PM (L3)`` → (Senior PM, L3); ``L3`` → (None, L3);
    ``Senior Product Manager`` → (Senior Product Manager, None); on two lines, the line that is a code.

    ``Level 3`` beside a title is the code ``L3``: ``Level 3 – Senior``, ``Senior (Level 3)`` → (Senior, L3);
    alone, ``Level 3`` is a title (with no code: the sheet gives none). :data:`INVISIBLE` characters are
    taken out first."""
    text = INVISIBLE.sub("", text)
    parts = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    if len(parts) > 1:
        codes = [part for part in parts if re.fullmatch(CODE, part)]
        if len(codes) == 1:
            return " ".join(part for part in parts if part != codes[0]) or None, codes[0]
    joined = " ".join(parts)
    found = _header_form(joined)
    if found is None or found[1] is None:
        level = re.search(r"(?i)\b(?:Level|Lvl\.?)\s*\d{1,2}[a-z]?\b", joined)
        if level is not None and level.group() != joined:
            number = LEVEL_WORD.match(level.group())
            coded = _header_form(f"{joined[: level.start()]}L{number[1] if number else ''}{joined[level.end() :]}")
            if coded is not None and coded[0] is not None and coded[1] is not None:
                return coded
    return found if found is not None else (joined or None, None)


def _header_form(joined: str) -> tuple[str | None, str | None] | None:
    for form in HEADER_FORMS:
        match = form.match(joined)
        if match:
            found = match.groupdict()
            title = found.get("title")
            return (title.strip(" -–—:|·/") or None) if title else None, found["code"]
    return None


def title_from_code(code: str) -> str:
    """A title for a level known only by its code: L3 → Level 3; any other code is its own title (IC4 → IC4,
    as people call that level), rather than "Level IC4", which no one says. The code stays the level's code too:
    it is what the sheet gives, and what an HR system and a moves sheet name the level by."""
    plain = re.fullmatch(r"L-?(\d{1,2}[a-z]?)", code)
    return f"Level {plain[1]}" if plain else code


def split_names(text: str) -> list[str]:
    """A cell naming several things: separated by commas, semicolons, slashes or lines."""
    return [part.strip() for part in re.split(r"[,;/\n]", text) if part.strip()]


def one_line(text: str) -> str:
    return " ".join(text.split())


def short(text: str, limit: int = 50) -> str:
    text = one_line(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"

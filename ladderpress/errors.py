"""Problems a user can cause, and how they are put into plain words.

Every problem is located (file, line, column, field) and carries a fix, so it can be
printed as one line with no traceback. Pydantic's messages are rewritten from the
small table in :data:`PLAIN_WORDS`, in the spirit of RenderCV.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

EXIT_OK = 0
EXIT_INPUT = 1
"""Content, recipe, template or brand problems, or a document that failed to build."""
EXIT_USAGE = 2
"""The command line itself is wrong (unknown option or recipe name)."""
EXIT_INTERRUPTED = 130
"""Stopped with Ctrl+C (the shell's convention for SIGINT)."""
EXIT_TERMINATED = 143
"""Stopped by SIGTERM (128 + 15), handled as Ctrl+C is."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, with where it is and how to fix it."""

    file: str
    message: str
    line: int | None = None
    column: int | None = None
    field: str | None = None
    hint: str | None = None
    code: str = "input"
    """The kind of problem (``schema.missing``, ``unknown-level``, ``yaml.syntax``, …): code that acts on
    problems reads this, never the message, which is for people."""
    subject: str | None = None
    """What the problem is about, when that is one id or name (the unknown level's id, say)."""
    cell: str | None = None
    """Where in a spreadsheet, in A1 form with its sheet (``Sheet1!F4``, ``'Q1 hires'!A4:G4``): printed
    after the file instead of a line and column (``roster.xlsx: Sheet1!F4: …``)."""

    def __str__(self) -> str:
        where = self.file
        if self.cell is not None:
            where += f": {self.cell}"
        elif self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = f"{where}: "
        if self.field:
            text += f"{self.field}: "
        text += self.message
        if self.hint:
            text += f" (fix: {self.hint})"
        return " ".join(text.split())  # always one line


class InputErrors(Exception):
    """Raised once all input has been read, carrying every problem found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(f"{len(self.problems)} problem(s) in the input")


class UsageError(Exception):
    """The command line asks for something that does not exist."""


class Refusal(ValueError):
    """A validator's refusal of a value, with how to fix it: ``plain_words`` reports both.

    ``str()`` is the message alone, as for any ``ValueError``.
    """

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint

    def __reduce__(self) -> tuple[type[Refusal], tuple[str, str]]:  # pickles whole, both parts
        return type(self), (str(self), self.hint)


def suggestion(name: str, known: Iterable[str]) -> str | None:
    """``did you mean 'x'?`` for the closest known name, or the list of choices; None when there is none."""
    return did_you_mean(name, known).removeprefix("; ") or None


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest known name, or a list of the choices."""
    known = list(known)
    close = difflib.get_close_matches(str(name), known, n=1, cutoff=0.6)
    if close:
        return f"; did you mean '{close[0]}'?"
    if known and len(known) <= 12:
        return "; choose one of: " + ", ".join(f"'{k}'" for k in known)
    return ""


def field_path(loc: Sequence[str | int]) -> str:
    """``('levels', 2, 'duties', 0)`` → ``levels[2].duties[0]``."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text


def type_name(value: Any) -> str:
    if isinstance(value, str):
        return f"text '{_short(value)}'"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"the number {_short(value)}"
    return {
        dict: "a mapping",
        list: "a list",
        str: "text",
        int: "a number",
        float: "a number",
        bool: "true/false",
        type(None): "nothing (empty)",
    }.get(type(value), type(value).__name__)


PLAIN_WORDS: dict[str, tuple[str, str]] = {
    # pydantic error type: (what is wrong, how to fix it)
    "missing": ("this field is required but missing", "add it"),
    "string_type": (
        "expected text, got {got}",
        "write a single line of text, quoted if it contains ':' or starts with '{{' or '['",
    ),
    "list_type": ("expected a list, got {got}", "write one '- item' per line"),
    "dict_type": ("expected a mapping of 'key: value' lines, got {got}", "indent 'key: value' lines under it"),
    "model_type": ("expected a mapping of 'key: value' lines, got {got}", "indent 'key: value' lines under it"),
    "model_attributes_type": ("expected a mapping of 'key: value' lines, got {got}", "indent 'key: value' lines"),
    "int_type": ("expected a whole number, got {got}", "write a number such as 3"),
    "int_parsing": ("expected a whole number, got {got}", "write a number such as 3"),
    "int_from_float": ("expected a whole number, got {input}", "drop the decimals"),
    "bool_type": ("expected true or false, got {got}", "write true or false"),
    "bool_parsing": ("expected true or false, got {got}", "write true or false"),
    "string_too_short": ("must not be empty", "write some text"),
    "too_short": ("needs at least {min_length} item(s)", "add at least {min_length} item(s)"),
    "too_long": ("has more than {max_length} items", "keep at most {max_length}"),
    "string_too_long": ("is longer than {max_length} characters", "shorten it"),
    "string_pattern_mismatch": ("'{input}' is not a valid value here", "{pattern_hint}"),
    "literal_error": ("'{input}' is not allowed", "use one of {expected}"),
    "greater_than_equal": ("must be at least {ge}", "use a number of {ge} or more"),
    "less_than_equal": ("must be at most {le}", "use a number of {le} or less"),
    "extra_forbidden": ("unknown field '{key}'", "remove it{did_you_mean}"),
}


class Pattern(NamedTuple):
    """A pattern a text field must match, and how to fix a value that does not (the models use ``regex``)."""

    regex: str
    hint: str


ID = Pattern(r"^[a-z0-9][a-z0-9-]*$", "use lower-case letters, digits and hyphens, like 'senior-pm'")
TEMPLATE = Pattern(r"^[\w./-]+\.html$", "name a template file ending in .html, like 'handbook.html'")
STYLESHEET = Pattern(r"^[\w./-]+\.css$", "name a stylesheet ending in .css, like 'base.css'")
COLOUR = Pattern(r"^#[0-9a-fA-F]{6}$", "write a colour as # and six hex digits, like '#1c2f4a'")
RELATIVE_PATH = Pattern(r"^[^/\\][^:]*$", "write a path relative to the brand folder, like 'logo.svg'")
LANGUAGE = Pattern(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$", "write a language tag, like 'en-GB' or 'de'")
_ADDRESS = r"[^@\s\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]+"
"""Characters of an address: no @, space, control or invisible format character (zero-width, bidi)."""
EMAIL = Pattern(rf"^{_ADDRESS}@{_ADDRESS}\.{_ADDRESS}$", "write one email address, like ana.silva@example.com")
PATTERN_HINTS = {
    pattern.regex: pattern.hint for pattern in (ID, TEMPLATE, STYLESHEET, COLOUR, RELATIVE_PATH, LANGUAGE, EMAIL)
}


RETIRED_FIELDS = {
    "equivalents": "equivalent levels are those in one band now: remove it and give the levels the same band:",
}
"""Fields of the content model's first edition that the second drops, and what replaces each."""


def plain_words(error: Mapping[str, Any], allowed_keys: Sequence[str] = ()) -> tuple[str, str | None]:
    """Turn one pydantic error dict into (message, hint) a non-programmer can act on."""
    kind = error["type"]
    ctx = dict(error.get("ctx") or {})
    value = error.get("input")
    if kind == "value_error":
        refusal = ctx.get("error")
        return str(refusal or error["msg"]), refusal.hint if isinstance(refusal, Refusal) else None
    if kind not in PLAIN_WORDS:
        return error["msg"], None
    key = str(error["loc"][-1]) if error.get("loc") else ""
    if kind == "extra_forbidden" and key in RETIRED_FIELDS:
        return f"'{key}' is no longer a field", RETIRED_FIELDS[key]
    suggestion = did_you_mean(key, allowed_keys).removeprefix(";").strip() if kind == "extra_forbidden" else ""
    fields = {
        **{name: _number(item) for name, item in ctx.items()},
        "got": type_name(value),
        "input": _short(value),
        "key": key,
        "did_you_mean": f" ({suggestion})" if suggestion.startswith("did you mean") else "",
        "pattern_hint": PATTERN_HINTS.get(str(ctx.get("pattern")), "see the examples in the default content"),
        "min_length": _number(ctx.get("min_length", 1)),
        "max_length": _number(ctx.get("max_length", "?")),
    }
    if (kind == "string_too_short" or (kind == "too_short" and value in ([], {}, ""))) and value in ([], {}):
        return "must not be an empty list", "add at least one item"
    message, hint = PLAIN_WORDS[kind]
    return message.format(**fields), hint.format(**fields)


def _number(value: Any) -> Any:
    """A whole number as messages write it, with thousands separators (50,000); anything else as it is."""
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else value


def _short(value: Any, limit: int = 40) -> str:
    try:
        text = str(value)
    except ValueError:  # an integer too long to print
        return "a very long number"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def relative(path: Path, root: Path) -> str:
    """A path as the user would type it: relative to the project when inside it.

    Links are not followed: a refused link is named by its own path, not by its target's.
    """
    plain = Path(os.path.normpath(path.absolute()))
    for base in (Path(os.path.normpath(root.absolute())), _resolved(root)):
        if base is not None and plain.is_relative_to(base):
            return str(plain.relative_to(base))
    resolved, base = _resolved(path), _resolved(root)
    if resolved is not None and base is not None and resolved.is_relative_to(base):
        return str(resolved.relative_to(base))
    return str(path)


def _resolved(path: Path) -> Path | None:
    try:
        return path.resolve()
    except (RuntimeError, OSError):  # a symlink loop (RuntimeError before Python 3.13)
        return None


def shown_path(path: Path) -> str:
    """A folder as the user would type it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):
        return str(path)

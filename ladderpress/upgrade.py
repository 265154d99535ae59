"""From the first edition of the content model to the second: one set of rules, used twice.

The loader applies them in memory to a ladder without ``format: 2``, so that a project of
yesterday builds as it did, with one warning; ``ladderpress upgrade`` applies the same rules to
the files, through ruamel.yaml's round trip, so that comments and key order survive. Both
work on mutable mappings: plain dicts from the loader, ruamel's commented maps from the files.

The rules:

- ``format: 2`` is added to ``content/ladder.yaml``;
- ``equivalents`` become bands: one band per rank, each level naming its band (and its
  rank dropped when the band gives it); equivalent levels of different ranks are reported;
- an experience, time at level or reports-to that only says it is not known ("Not stated",
  "n/a", "TBD", "—") is removed: such facts are optional now and not printed when absent;
- the organisation's name, written out in any text, becomes ``{organisation}``, so that a
  brand's name replaces it everywhere.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
from collections.abc import Callable, MutableMapping
from pathlib import Path
from typing import Any

from ladderpress.errors import RETIRED_FIELDS, InputErrors, Problem, UsageError, relative
from ladderpress.model import FORMAT, PLACEHOLDER
from ladderpress.write import atomic_write

FILLER = re.compile(r"(not stated|not known|unknown|n/?a|none|tbd|tbc|-+|—|–|\?)\.?", re.IGNORECASE)
"""Values that only say a fact is not known."""

OPTIONAL_FACTS = ("experience", "time_at_level", "reports_to")
NOT_NAMED = {"organisation", "id", "code", "band", "tracks", "leads_to", "levels", "to", "step", "builds_on"}
"""Fields whose text is never the organisation's name in prose: ids, codes and the name itself."""


def is_first_edition(top: MutableMapping[str, Any]) -> bool:
    """Whether the ladder's top-level fields are of the first edition (no ``format``)."""
    return "format" not in top


def upgrade_ladder(top: MutableMapping[str, Any], levels: list[MutableMapping[str, Any]]) -> list[str]:
    """Apply every rule to a ladder's top-level fields and its levels, in place; the notes of what changed.

    ``top`` is ``content/ladder.yaml`` (or all top-level fields, merged); text in other files is
    renamed with :func:`rename_organisation` by the caller.
    """
    notes: list[str] = []
    _set_format(top)
    notes += _bands_from_equivalents(top, levels)
    for level in levels:
        notes += drop_filler(level)
    name = top.get("organisation")
    if isinstance(name, str) and name.strip():
        count = rename_organisation(top, name.strip()) + sum(rename_organisation(lv, name.strip()) for lv in levels)
        if count:
            notes.append(f"wrote {PLACEHOLDER} for '{name.strip()}' in {_times(count)}")
    return notes


def _set_format(top: MutableMapping[str, Any]) -> None:
    insert = getattr(top, "insert", None)
    if callable(insert):  # ruamel's map: put it first, where a reader looks for it
        insert(0, "format", FORMAT)
    else:
        top["format"] = FORMAT


def _bands_from_equivalents(top: MutableMapping[str, Any], levels: list[MutableMapping[str, Any]]) -> list[str]:
    """Equivalent levels share a band: one band per rank, named by its place, junior first."""
    if not any("equivalents" in level for level in levels) or "bands" in top:
        for level in levels:
            _remove_key(level, "equivalents")
        return []
    ranks = sorted({lv["rank"] for lv in levels if isinstance(lv.get("rank"), int)})
    band_of = {rank: f"band-{i}" for i, rank in enumerate(ranks, 1)}
    top["bands"] = [{"id": band_of[rank], "name": f"Band {i}", "rank": rank} for i, rank in enumerate(ranks, 1)]
    notes = [f"made {len(ranks)} bands from the levels' ranks, and gave each level its band"]
    # any value may be of the wrong kind here: the model says so afterwards, once, at its place
    rank_of = {lv["id"]: lv.get("rank") for lv in levels if isinstance(lv.get("id"), str)}
    for level in levels:
        others = _remove_key(level, "equivalents")
        for other in others if isinstance(others, list) else []:
            if isinstance(other, str) and other in rank_of and rank_of[other] != level.get("rank"):
                notes.append(
                    f"'{level.get('id')}' and '{other}' were equivalent but have different ranks, "
                    "so they are in different bands; give them one band if they are equivalent"
                )
        rank = level.get("rank")
        if isinstance(rank, int) and rank in band_of:
            _replace_key(level, "rank", "band", band_of[rank])
    return notes


def _replace_key(mapping: MutableMapping[str, Any], old: str, new: str, value: Any) -> None:
    """Put ``new: value`` where ``old`` was (ruamel keeps the position and the line's comment; a dict
    gets it at the end)."""
    keys = list(mapping)
    position = keys.index(old)
    comments = getattr(mapping, "ca", None)
    comment = comments.items.pop(old, None) if comments is not None else None
    del mapping[old]
    insert = getattr(mapping, "insert", None)
    if callable(insert):
        insert(position, new, value)
        if comments is not None and comment is not None:
            comments.items[new] = comment
    else:
        mapping[new] = value


def _remove_key(mapping: MutableMapping[str, Any], key: str) -> Any:
    """Remove ``key`` and return its value; in a ruamel map, whole-line comments written after its
    line (which ruamel keeps with it) move to the key before it, so only the key's own line goes."""
    if key not in mapping:
        return None
    comments = getattr(mapping, "ca", None)
    token = comments.items.pop(key, [None, None, None, None])[2] if comments is not None else None
    keys = list(mapping)
    previous = keys[keys.index(key) - 1] if keys.index(key) > 0 else None
    value = mapping.pop(key)
    following = token.value.split("\n", 1)[1] if token is not None and "\n" in token.value else ""
    if following.strip() and token is not None and previous is not None and comments is not None:
        held = comments.items.setdefault(previous, [None, None, None, None])
        if held[2] is None:
            token.value = "\n" + following
            held[2] = token
        else:
            held[2].value += following
    return value


def drop_filler(level: MutableMapping[str, Any]) -> list[str]:
    """Remove optional facts that only say they are not known."""
    notes = []
    for key in OPTIONAL_FACTS:
        value = level.get(key)
        if isinstance(value, str) and FILLER.fullmatch(value.strip()):
            del level[key]
            notes.append(f"removed {key}: '{value.strip()}' from '{level.get('id')}' (an absent fact is not printed)")
    return notes


def rename_organisation(value: Any, name: str) -> int:
    """Write ``{organisation}`` for ``name`` in every text inside ``value``, in place; how many were replaced."""
    pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")
    return _walk_text(value, lambda text: pattern.subn(PLACEHOLDER, text))


def _walk_text(value: Any, change: Callable[[str], tuple[str, int]]) -> int:
    count = 0
    if isinstance(value, MutableMapping):
        for key in list(value):
            item = value[key]
            if key in NOT_NAMED:
                continue
            if isinstance(item, str):
                new, n = change(item)
                if n:
                    value[key] = _same_style(item, new)
                    count += n
            else:
                count += _walk_text(item, change)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, str):
                new, n = change(item)
                if n:
                    value[i] = _same_style(item, new)
                    count += n
            else:
                count += _walk_text(item, change)
    return count


def _same_style(old: str, new: str) -> str:
    """``new`` in the style ``old`` was written in (ruamel's literal and folded blocks are str subclasses)."""
    return new if type(old) is str else type(old)(new)


def _times(count: int) -> str:
    return "1 place" if count == 1 else f"{count} places"


# --------------------------------------------------------------------------- files


def upgrade_project(root: Path) -> list[str]:
    """Rewrite a project's content and recipes in the second edition, in place; the notes of what changed.

    The project is first read as a build reads it (every file through the guarded path, every
    field validated, the first edition upgraded in memory): a project with problems stops the
    upgrade with nothing changed, and its problems are raised as :class:`InputErrors`, located as
    ``ladderpress check`` reports them. Then every file is read again, round trip, before any is
    written; only the files a rule changed are rewritten, atomically, with their comments, key
    order and permissions kept. A project already in the second edition gives no notes.
    """
    from ruamel.yaml.error import YAMLError

    from ladderpress import files
    from ladderpress.load import MAX_FILE_BYTES, load_project

    content = root / "content"
    main = content / "ladder.yaml"
    if not main.is_file():
        raise UsageError(f"{main} not found; run the command in a project folder, or pass --project DIR")
    try:
        load_project(root)  # what `check` would say: nothing half-read or invalid is rewritten
    except InputErrors as exc:
        raise InputErrors(_not_upgraded(exc.problems, main, root)) from None
    sections = sorted(content.glob("*.yaml"))
    level_files = sorted((content / "levels").glob("*.yaml"))
    recipes = sorted((root / "guides").glob("*.yaml"))
    data: dict[Path, Any] = {}
    before: dict[Path, str] = {}
    yamls: dict[Path, Any] = {}
    problems = []
    for path in [*sections, *level_files, *recipes]:
        try:
            text = files.read_text(path, [root], MAX_FILE_BYTES)
            yamls[path] = _round_trip(text)
            data[path] = _keep_anchors(yamls[path].load(text))
            before[path] = _dump(yamls[path], data[path])
        except files.FileRefused as exc:
            problems.append(Problem(relative(path, root), exc.what, hint=exc.hint))
        except YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line, column = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
            problems.append(
                Problem(relative(path, root), f"cannot be read ({_first_line(exc)})", line, column, hint="fix it first")
            )
    if problems:
        raise InputErrors(problems)
    top = data[main]
    if not isinstance(top, MutableMapping):
        raise InputErrors([Problem(relative(main, root), "is not a mapping of fields", hint="fix it first")])
    if not is_first_edition(top):
        return []
    levels = [data[p] for p in level_files if isinstance(data[p], MutableMapping)]
    notes = [f"{relative(main, root)}: format: {FORMAT} (the second edition of the content model)"]
    notes += upgrade_ladder(top, levels)
    name = top.get("organisation")
    if isinstance(name, str) and name.strip():
        renamed = {p: rename_organisation(data[p], name.strip()) for p in sections if p != main}
        for path in recipes:
            recipe = data[path]
            renamed[path] = _rename_in_recipe(recipe, name.strip()) if isinstance(recipe, MutableMapping) else 0
        if any(renamed.values()):
            where = ", ".join(f"{relative(path, root)} ({_times(n)})" for path, n in renamed.items() if n)
            notes.append(f"wrote {PLACEHOLDER} for '{name.strip()}' in {where}")
    changes = {
        files.confined(path, [root]): after  # a link inside the project stays a link
        for path, value in data.items()
        if (after := _dump(yamls[path], value)) != before[path]
    }
    _write_all(changes, root)
    written = ", ".join(relative(path, root) for path in changes)
    notes.append(
        f"rewrote {len(changes)} file{'s' if len(changes) != 1 else ''} ({written}); comments and key order were kept"
    )
    return notes


def _write_all(changes: dict[Path, str], root: Path) -> None:
    """Replace every file, or none: a project must never be left half in one edition and half in the other.

    Each new text is written beside its file first; only when all are written are they renamed
    into place, and if a rename fails (a file made immutable, say) the files already replaced
    get their old text back. The problem names the user's file, not the temporary one.
    """
    staged: dict[Path, Path] = {}
    replaced: dict[Path, bytes] = {}
    try:
        for target, text in changes.items():
            fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
            staged[target] = Path(name)
            os.fchmod(fd, stat.S_IMODE(target.stat().st_mode))
            with os.fdopen(fd, "wb") as handle:
                handle.write(text.encode("utf-8"))
                handle.flush()
                os.fsync(handle.fileno())
        for target, written in staged.items():
            original = target.read_bytes()
            os.replace(written, target)
            replaced[target] = original
    except OSError as exc:
        for target, original in replaced.items():
            atomic_write(target, original, mode=stat.S_IMODE(target.stat().st_mode))
        failed = next((t for t in changes if t not in replaced), next(iter(changes)))
        raise InputErrors(
            [
                Problem(
                    relative(failed, root),
                    f"cannot be rewritten ({exc.strerror or exc})",
                    hint="make the file and its folder writable, then run the upgrade again",
                )
            ]
        ) from None
    finally:
        for written in staged.values():
            written.unlink(missing_ok=True)


def _not_upgraded(problems: list[Problem], main: Path, root: Path) -> list[Problem]:
    """The problems the upgrade does not itself fix.

    A ladder the loader could not read whole is not upgraded in memory, so first-edition fields
    (``equivalents``) are reported as retired; unless the ladder says it is of the second edition,
    those are what the upgrade removes, and only the other problems are said.
    """
    from ladderpress.load import YamlProblem, read_yaml

    try:
        top = read_yaml(main, root)[0]
    except YamlProblem:  # unread: its own problem is among those reported
        top = None
    if isinstance(top, MutableMapping) and not is_first_edition(top):
        return problems
    return [p for p in problems if not (p.message.endswith("is no longer a field") and _retired(p.field))]


def _retired(field: str | None) -> bool:
    return field is not None and re.split(r"[.\[]", field)[-1] in RETIRED_FIELDS


RECIPE_PROSE = ("title", "description")
"""A recipe's prose, where the company's name is renamed (as the loader does); its paths and ids never are."""


def _rename_in_recipe(recipe: MutableMapping[str, Any], name: str) -> int:
    prose = {key: recipe[key] for key in RECIPE_PROSE if key in recipe}
    count = rename_organisation(prose, name)
    for key, value in prose.items():
        if value is not recipe[key]:
            recipe[key] = value
    return count


def _round_trip(text: str) -> Any:
    """A ruamel.yaml round trip for one file: comments, key order, quotes and block styles survive, and
    the file's own indentation is kept (a sequence's dashes under its key, or indented by two)."""
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a user's lines
    mapping, offset = _indentation(text)
    yaml.indent(mapping=mapping, sequence=offset + 2, offset=offset)
    return yaml


BLOCK_KEY = re.compile(r"""[^\s#\-'"][^#]*:\s*(#.*)?""")
"""A line that is a key opening a block (``duties:``): what follows, further in, is its value."""


def _indentation(text: str) -> tuple[int, int]:
    """How far a file indents a mapping under its key, and a sequence's dashes (2 and 2 unless it shows otherwise)."""
    mapping: int | None = None
    offset: int | None = None
    opener: int | None = None  # the indentation of the line before, when it is a key opening a block
    for line in text.splitlines():
        stripped = line.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(line) - len(stripped)
        if opener is not None:
            if stripped == "-" or stripped.startswith("- "):
                offset = indent - opener if offset is None and indent >= opener else offset
            elif indent > opener and mapping is None:
                mapping = indent - opener
        if mapping is not None and offset is not None:
            break
        opener = indent if BLOCK_KEY.fullmatch(stripped) else None
    return (mapping if mapping is not None and 1 < mapping <= 8 else 2), (
        offset if offset is not None and 0 <= offset <= 8 else 2
    )


def _keep_anchors(value: Any) -> Any:
    """Mark every anchor in ``value`` to be written again, even one no alias uses (ruamel drops those)."""
    seen: set[int] = set()

    def walk(node: Any) -> None:
        if id(node) in seen:
            return
        seen.add(id(node))
        anchor = getattr(node, "anchor", None)
        if anchor is not None and getattr(anchor, "value", None):
            anchor.always_dump = True
        if isinstance(node, MutableMapping):
            for item in node.values():
                walk(item)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(value)
    return value


def _dump(yaml: Any, value: Any) -> str:
    from io import StringIO

    stream = StringIO()
    yaml.dump(value, stream)
    return stream.getvalue()


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__

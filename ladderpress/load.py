"""Read and validate every input file once, at the boundary.

YAML is composed into nodes with PyYAML's safe loader so that every value keeps the
line and column it came from; the values are then validated with the pydantic models
in :mod:`ladderpress.model`. All problems in all files are gathered and raised
together as :class:`~ladderpress.errors.InputErrors`; nothing is written before the
whole project has been read.
"""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from ladderpress import files, upgrade
from ladderpress.errors import InputErrors, Problem, did_you_mean, field_path, plain_words, relative, suggestion
from ladderpress.model import FORMAT, Brand, Ladder, LocatedProblems, Recipe, misspelt_placeholders
from ladderpress.packaged import builtin_dir
from ladderpress.references import placeholder_problem

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
MAX_FILE_BYTES = 2_000_000
"""Larger YAML files are refused before parsing: no ladder needs more."""
MAX_LEVELS = 500
"""More level files than this are refused before any is read."""
MAX_DEPTH = 50
"""Deeper nesting than any ladder needs; refused before Python's own recursion limit is reached."""
MAX_NODES = 200_000
"""Bound on values built from one file, so an alias bomb cannot exhaust memory."""

# the CLI's COMMAND_WORDS
RESERVED_RECIPE_NAMES = {
    "build",
    "check",
    "preflight",
    "list",
    "watch",
    "init",
    "new-brand",
    "schema",
    "upgrade",
    "export",
    "import",
}
"""Words the command line uses itself, so they cannot name a recipe."""

Loc = tuple[str | int, ...]


@dataclass
class Positions:
    """Where each value came from: a field path → (file, line, column)."""

    root: Path
    marks: dict[Loc, tuple[Path, int, int]] = field(default_factory=dict)
    prefixes: dict[Path, Loc] = field(default_factory=dict)

    def locate(self, loc: Loc) -> tuple[Path | None, int | None, int | None, Loc]:
        """The closest known position for ``loc`` and the field path relative to its file."""
        for end in range(len(loc), -1, -1):
            mark = self.marks.get(tuple(loc[:end]))
            if mark:
                path, line, column = mark
                prefix = self.prefixes.get(path, ())
                inside = tuple(loc[len(prefix) :]) if tuple(loc[: len(prefix)]) == prefix else tuple(loc)
                return path, line, column, inside
        return None, None, None, tuple(loc)

    def level_index(self, file: str) -> int | None:
        """The index in ``levels`` of the level read from ``file`` (as problems name it), if one was."""
        for path, prefix in self.prefixes.items():
            if relative(path, self.root) == file and len(prefix) == 2 and isinstance(prefix[1], int):
                return prefix[1]
        return None

    def problem(
        self,
        loc: Loc,
        message: str,
        hint: str | None = None,
        default: Path | None = None,
        code: str = "input",
        subject: str | None = None,
    ) -> Problem:
        path, line, column, inside = self.locate(loc)
        path = path or default or self.root
        return Problem(
            relative(path, self.root), message, line, column, field_path(inside) or None, hint, code, subject
        )


# --------------------------------------------------------------------------- YAML

MAX_EXPANDED_CHARS = 4_000_000
"""Bound on the text one file expands to, counting a scalar again each time an alias repeats it.

A 2 MB file holds at most 2 million characters, so only aliases can reach this; the default
ladder's largest file expands to 3,300 characters, all its files together to 27,000.
Checked while composing, so a bomb is refused as soon as it crosses the line, before it
is built."""

TAG = "tag:yaml.org,2002:"
SCALAR_TAGS = {f"{TAG}{name}" for name in ("str", "int", "float", "bool", "null", "timestamp")}
"""The tags plain values resolve to: the only ones a ladder file may also spell out."""
TEXT_TAGS = {f"{TAG}merge", f"{TAG}value"}
"""What a plain ``<<`` or ``=`` resolves to; outside a key position they are just text."""
MERGE_TAG = f"{TAG}merge"
_RESOLVER = yaml.resolver.Resolver()


class YamlProblem(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem


def _at(name: str, mark: yaml.Mark | None, message: str, hint: str | None = None, where: Loc = ()) -> YamlProblem:
    line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
    return YamlProblem(Problem(name, message, line, column, field_path(where) or None, hint))


def read_yaml(
    path: Path,
    root: Path,
    roots: Iterable[Path] | None = None,
) -> tuple[Any, dict[Loc, tuple[Path, int, int]]]:
    """Parse one YAML file safely; return its value and the position of every value in it.

    The file is read through :func:`ladderpress.files.read_text`, so it must resolve to a
    regular file inside ``roots`` (default: the project ``root`` only).
    """
    name = relative(path, root)
    try:
        text = files.read_text(path, roots if roots is not None else (root,), MAX_FILE_BYTES)
    except files.NotText as exc:
        raise YamlProblem(Problem(name, exc.what, exc.line, exc.column, hint=exc.hint)) from None
    except files.FileRefused as exc:
        raise YamlProblem(Problem(name, exc.what, hint=exc.hint)) from None
    node = _compose(text, name)
    if node is None:
        return None, {(): (path, 1, 1)}
    builder = _Builder(path, name)
    value = builder.build(node, ())
    return value, builder.marks


def _compose(text: str, name: str) -> yaml.Node | None:
    """The node tree of ``text``; every YAML error becomes a located :class:`YamlProblem`."""
    try:
        loader = _Loader(text, name)
    except yaml.reader.ReaderError as exc:  # a character YAML forbids (NUL, other control characters)
        raise _unprintable(name, text, exc) from None
    try:
        return loader.get_single_node()
    except RecursionError:
        raise YamlProblem(Problem(name, "nests too deeply to read", hint="flatten the lists and mappings")) from None
    except yaml.MarkedYAMLError as exc:
        raise YamlProblem(_syntax_problem(name, exc)) from None
    except yaml.YAMLError as exc:  # errors without a position
        raise YamlProblem(Problem(name, f"is not valid YAML: {exc}", hint="check the file in a YAML editor")) from None
    finally:
        loader.dispose()


def _unprintable(name: str, text: str, exc: yaml.reader.ReaderError) -> YamlProblem:
    """A forbidden character, located by line and column (PyYAML only gives its position in the text)."""
    position = exc.position
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    code = ord(exc.character) if isinstance(exc.character, str) else exc.character
    control = code < 0x20 or 0x7F <= code <= 0x9F
    what = "a NUL character" if code == 0 else f"the {'control ' if control else ''}character U+{code:04X}"
    return YamlProblem(
        Problem(
            name,
            f"contains {what}, which YAML does not allow",
            line,
            column,
            hint="delete it; save the file as plain UTF-8 text",
        )
    )


class _Loader(yaml.SafeLoader):
    """The safe loader, measuring while it composes what each node expands to.

    It records what each node expands to: (characters, values) once every alias inside it is
    replaced by what it names. An alias adds the whole of its target again, so an alias
    bomb is refused at the alias where it crosses :data:`MAX_EXPANDED_CHARS` or
    :data:`MAX_NODES`, before anything is built. An alias becomes a shallow copy of its
    target carrying the alias's own position, so problems point at where it is used.
    """

    def __init__(self, text: str, name: str) -> None:
        super().__init__(text)
        self.name = name
        self.chars = 0
        self.nodes = 0
        self.depth = 0
        self.sizes: dict[yaml.Node, tuple[int, int]] = {}  # each node composed so far → what it expands to

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            target = super().compose_node(parent, index)
            assert target is not None  # PyYAML's composer always gives a node (its stubs say Optional)
            return self._alias(target, mark)
        self.depth += 1
        if self.depth > MAX_DEPTH + 1:
            raise _at(
                self.name,
                self.peek_event().start_mark,
                f"nests deeper than {MAX_DEPTH} levels",
                "flatten the lists and mappings",
            )
        chars, nodes = self.chars, self.nodes
        try:
            node = super().compose_node(parent, index)
        finally:
            self.depth -= 1
        assert node is not None
        self._grow(len(node.value) if isinstance(node, yaml.ScalarNode) else 0, 1, node.start_mark)
        self.sizes[node] = (self.chars - chars, self.nodes - nodes)
        return node

    def _alias(self, target: yaml.Node, mark: yaml.Mark) -> yaml.Node:
        size = self.sizes.get(target)
        if size is None:  # still being composed: the alias is inside what it names
            raise _at(self.name, mark, "an alias refers to the value that contains it", "remove the alias (*name)")
        self._grow(*size, mark)
        twin = copy.copy(target)  # shares the target's value: no text is copied
        twin.start_mark = twin.end_mark = mark
        return twin

    def _grow(self, chars: int, nodes: int, mark: yaml.Mark) -> None:
        self.chars += chars
        self.nodes += nodes
        if self.chars > MAX_EXPANDED_CHARS:
            raise _at(
                self.name,
                mark,
                f"expands to more than {MAX_EXPANDED_CHARS:,} characters of text, "
                "counting each alias (*name) as a copy of what it names",
                "write the text once and remove the repeated aliases",
            )
        if self.nodes > MAX_NODES:
            raise _at(
                self.name,
                mark,
                f"holds more than {MAX_NODES:,} values (or expands aliases into them)",
                "remove repeated aliases (*name)",
            )


def _syntax_problem(name: str, exc: yaml.MarkedYAMLError) -> Problem:
    problem = exc.problem or "invalid YAML"
    mark = exc.problem_mark or exc.context_mark
    hint = "check the indentation and quotes on this line and the one above"
    unclosed = "end of stream" in problem or "<stream end>" in problem
    if unclosed and exc.context_mark is not None:
        mark = exc.context_mark  # where the quote or bracket that never closes was opened
    if "'\\t'" in problem or "\\t" in problem:
        problem, hint = "a tab character is used for indentation", "indent with spaces, not tabs"
    elif unclosed and (exc.context or "").startswith("while scanning a quoted"):
        problem, hint = "the quote opened here is never closed", "close the quote, or remove it"
    elif unclosed and (exc.context or "").startswith("while parsing a flow"):
        problem, hint = "the bracket opened here is never closed", "close the bracket, or put the text in quotes"
    elif unclosed or "found unexpected end" in problem:
        hint = "close the quote or bracket opened here"
    elif exc.context is not None and exc.context.startswith("found duplicate anchor") and exc.context_mark is not None:
        anchor = exc.context.removeprefix("found duplicate anchor ").split(";")[0]
        problem = f"anchor {anchor} is defined twice (first on line {exc.context_mark.line + 1})"
        hint = "give each anchor (&name) its own name"
    elif "unknown escape character" in problem:
        hint = "in double quotes write a backslash as \\\\, or use single quotes"
    elif "found undefined alias" in problem:
        hint = "mark the value with '&name' before using '*name', or remove the alias"
    elif "mapping values are not allowed" in problem:
        hint = "put text that contains ': ' in quotes, or fix the indentation"
    elif (
        exc.context_mark is not None
        and exc.problem_mark is not None
        and (exc.context or "").startswith("while parsing a flow")
        and exc.context_mark.line != exc.problem_mark.line
    ):
        hint = f"close the bracket opened on line {exc.context_mark.line + 1}, or put the text in quotes"
    line = mark.line + 1 if mark else None
    column = mark.column + 1 if mark else None
    return Problem(name, f"YAML syntax error: {problem}", line, column, None, hint)


class _Builder:
    """Turns a composed YAML node tree into plain values, recording positions.

    Only what a ladder needs is built: text, numbers, true/false, dates, empty values,
    lists, mappings and ``<<`` merges of mappings. Any other tag is refused, so nothing
    in a file can ask the loader to make an object.
    """

    def __init__(self, path: Path, name: str) -> None:
        self.path = path
        self.name = name
        self.marks: dict[Loc, tuple[Path, int, int]] = {}
        self.constructor = yaml.constructor.SafeConstructor()

    def _refuse(self, node: yaml.Node, message: str, hint: str, loc: Loc = ()) -> YamlProblem:
        return _at(self.name, node.start_mark, message, hint, loc)

    def build(self, node: yaml.Node, loc: Loc) -> Any:
        if len(loc) > MAX_DEPTH:  # aliases can nest deeper than the text itself
            raise self._refuse(node, f"nests deeper than {MAX_DEPTH} levels", "flatten the lists and mappings")
        self.marks.setdefault(loc, (self.path, node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, yaml.MappingNode):
            self._check_tag(node, f"{TAG}map", "a mapping", loc)
            return self._mapping(node, loc)
        if isinstance(node, yaml.SequenceNode):
            self._check_tag(node, f"{TAG}seq", "a list", loc)
            return [self.build(item, (*loc, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)  # the composer makes only the three kinds
        return self._scalar(node, loc)

    def _check_tag(self, node: yaml.Node, expected: str, kind: str, loc: Loc) -> None:
        if node.tag != expected:
            raise self._refuse(
                node,
                f"the tag {_short_tag(node.tag)} is not allowed on {kind}",
                "remove the tag: ladder files hold plain text, numbers, dates, lists and mappings",
                loc,
            )

    def _scalar(self, node: yaml.ScalarNode, loc: Loc) -> Any:
        if node.tag in TEXT_TAGS:
            return node.value
        if node.tag not in SCALAR_TAGS:
            raise self._refuse(
                node,
                f"the tag {_short_tag(node.tag)} is not allowed",
                "remove the tag: ladder files hold plain text, numbers, dates, lists and mappings",
                loc,
            )
        if not _fits(node):
            raise self._refuse(
                node,
                f"'{_clip(node.value)}' is not {_tag_name(node.tag)}, as its tag {_short_tag(node.tag)} says",
                "correct the value, or remove the tag",
                loc,
            )
        try:
            return self.constructor.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as exc:
            raise YamlProblem(_syntax_problem(self.name, exc)) from None
        except (ValueError, OverflowError):  # such as 2025-02-30: shaped like a date, but no such day
            raise self._refuse(
                node,
                f"'{_clip(node.value)}' is not {_tag_name(node.tag)}",
                "check the value, or put it in quotes to keep it as text",
                loc,
            ) from None

    def _mapping(self, node: yaml.MappingNode, loc: Loc) -> dict[Any, Any]:
        chosen: dict[Any, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in self._merged(node, loc, 0):  # merged values first, later ones winning
            chosen[self._key(key_node, loc)] = (key_node, value_node)
        first_line: dict[Any, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == MERGE_TAG:
                continue
            key = self._key(key_node, loc)
            if key in first_line:
                raise self._refuse(
                    key_node, f"key '{key}' appears twice (first on line {first_line[key]})", "keep one of them", loc
                )
            first_line[key] = key_node.start_mark.line + 1
            chosen[key] = (key_node, value_node)  # an explicit key overrides a merged one
        result: dict[Any, Any] = {}
        for key, (key_node, value_node) in chosen.items():  # each value built once: the one that counts
            # scalars are located at their value, lists and mappings at their key
            mark = value_node.start_mark if isinstance(value_node, yaml.ScalarNode) else key_node.start_mark
            self.marks[(*loc, key)] = (self.path, mark.line + 1, mark.column + 1)
            result[key] = self.build(value_node, (*loc, key))
        return result

    def _merged(self, node: yaml.MappingNode, loc: Loc, depth: int) -> list[tuple[yaml.Node, yaml.Node]]:
        """The (key, value) pairs ``<<`` merges into ``node``, in the order YAML gives them precedence.

        ``<<: *a`` or ``<<: [*a, *b]`` merge mappings; in a list the first mapping wins, and
        the mapping's own keys win over all of them (as PyYAML does). Not mutated in place:
        the same mapping may be merged or aliased many times.
        """
        if depth > MAX_DEPTH:
            raise self._refuse(
                node, f"merges ('<<') nest deeper than {MAX_DEPTH} levels", "merge fewer mappings into each other", loc
            )
        pairs: list[tuple[yaml.Node, yaml.Node]] = []
        for key_node, value_node in node.value:
            if key_node.tag != MERGE_TAG:
                continue
            sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
            for source in sources:
                if not isinstance(source, yaml.MappingNode) or source.tag != f"{TAG}map":
                    raise self._refuse(
                        source,
                        f"'<<' merges take a mapping or a list of mappings, not {_node_kind(source)}",
                        "write '<<: *name' where '&name' marks a mapping, or remove the '<<' line",
                        loc,
                    )
            for source in reversed(sources):
                pairs += self._merged(source, loc, depth + 1)
                pairs += [pair for pair in source.value if pair[0].tag != MERGE_TAG]
        return pairs

    def _key(self, key_node: yaml.Node, loc: Loc) -> str | int:
        if not isinstance(key_node, yaml.ScalarNode):
            raise self._refuse(key_node, "a key must be a plain word", "write the key as text, like 'title:'", loc)
        key = self._scalar(key_node, loc)
        return key if isinstance(key, str | int) else str(key)


def _fits(node: yaml.ScalarNode) -> bool:
    """Whether the text of a tagged scalar is what its tag says (PyYAML's constructors crash when not)."""
    resolved = _RESOLVER.resolve(yaml.ScalarNode, node.value, (True, False))
    return node.tag in (resolved, f"{TAG}str") or (node.tag == f"{TAG}float" and resolved == f"{TAG}int")


def _clip(text: object, limit: int = 40) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _short_tag(tag: str) -> str:
    """``tag:yaml.org,2002:set`` → ``!!set``, as it is written in the file."""
    return "!!" + tag.removeprefix(TAG) if tag.startswith(TAG) else tag


def _tag_name(tag: str) -> str:
    return {
        "timestamp": "a real date",
        "int": "a whole number",
        "float": "a real number",
        "bool": "true or false",
        "null": "empty",
    }.get(tag.removeprefix(TAG), "a real value")


def _node_kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.ScalarNode):
        return f"the value '{_clip(node.value)}'"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return f"a mapping tagged {_short_tag(node.tag)}"


# --------------------------------------------------------------------------- validation


def validate(model: type[BaseModel], data: Any, positions: Positions, default: Path) -> tuple[Any, list[Problem]]:
    """Validate ``data`` as ``model``; return (instance or None, problems in plain words)."""
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = tuple(error["loc"])
            reference = (error.get("ctx") or {}).get("error")
            if isinstance(reference, LocatedProblems):
                problems += [
                    positions.problem(p.loc, p.message, p.hint, default=default, code=p.code, subject=p.subject)
                    for p in reference.problems
                ]
                continue
            message, hint = plain_words(error, _allowed_keys(model, loc))
            problem = positions.problem(loc, message, hint, default=default, code=f"schema.{error['type']}")
            if problem.field is None and error["type"] in WRONG_KIND:  # the whole file: say how it starts
                problem = replace(problem, hint=_how_a_file_starts(_model_at(model, loc)) or hint)
            problems.append(problem)
        return None, problems


DEPENDS_ON = {
    "bands": {"unknown-band", "missing-band", "rank-outside-band"},
    "families": {"unknown-family", "missing-family"},
    "scales": {"unknown-scale", "unknown-step", "step-without-scale"},
}
"""The reference problems a top-level field causes when it is left out because it is itself wrong."""


def references_of_the_rest(data: dict[str, Any], positions: Positions, default: Path) -> list[Problem]:
    """The cross-file problems of a ladder whose fields have problems too, found on the parts that are valid.

    Pydantic checks references only once every field is valid, so one typo in one level would
    hide every broken reference elsewhere until it is fixed. Here the levels and the optional
    top-level fields with problems are left out, the rest is checked again, and its reference
    problems are kept, except those that only say something left out is missing. A required
    top-level field with a problem (the tracks, say) makes the references unknowable: none are added.
    """
    try:
        Ladder.model_validate(data)
        return []
    except ValidationError as exc:
        errors = exc.errors()
    if any(isinstance((error.get("ctx") or {}).get("error"), LocatedProblems) for error in errors):
        return []  # the references were checked, and said
    bad_levels = {error["loc"][1] for error in errors if error["loc"][:1] == ("levels",) and len(error["loc"]) > 1}
    partial = dict(data)
    left_out: set[str] = set()
    for field_name in {str(error["loc"][0]) for error in errors if error["loc"] and error["loc"][0] != "levels"}:
        info = Ladder.model_fields.get(field_name)
        if info is not None and info.is_required():
            return []
        partial.pop(field_name, None)
        left_out.add(field_name)
    levels = data.get("levels")
    if not isinstance(levels, list) or any(not isinstance(i, int) for i in bad_levels):
        return []
    kept = [i for i in range(len(levels)) if i not in bad_levels]
    partial["levels"] = [levels[i] for i in kept]
    stems = {prefix[1]: path.stem for path, prefix in positions.prefixes.items() if len(prefix) == 2}
    # a level left out is known by its id, or by its file's name when it has no readable id
    dropped = {  # any value may be of any kind here: only a text is an id
        lv["id"]
        for i, lv in enumerate(levels)
        if i in bad_levels and isinstance(lv, dict) and isinstance(lv.get("id"), str)
    }
    dropped |= {stems[i] for i in bad_levels if i in stems}
    ignored = set().union(*(DEPENDS_ON.get(name, set()) for name in left_out))
    try:
        Ladder.model_validate(partial)
        return []
    except ValidationError as exc:
        found = [
            problem
            for error in exc.errors()
            if isinstance(reference := (error.get("ctx") or {}).get("error"), LocatedProblems)
            for problem in reference.problems
        ]
    every_id = [str(lv["id"]) for lv in levels if isinstance(lv, dict) and isinstance(lv.get("id"), str)]
    every_id += [stem for i, stem in stems.items() if i in bad_levels and stem not in every_id]
    return [
        positions.problem(
            _original(p.loc, kept),
            p.message,
            suggestion(p.subject, every_id) if p.code == "unknown-level" and p.subject else p.hint,  # all the ids
            default=default,
            code=p.code,
            subject=p.subject,
        )
        for p in found
        if p.code not in ignored and not (p.code == "unknown-level" and p.subject in dropped)
    ]


def _original(loc: Loc, kept: list[int]) -> Loc:
    """A location in the ladder with some levels left out, as a location in the whole ladder."""
    if len(loc) > 1 and loc[0] == "levels" and isinstance(loc[1], int):
        return ("levels", kept[loc[1]], *loc[2:])
    return loc


WRONG_KIND = {"model_type", "model_attributes_type", "dict_type"}
"""Pydantic's error types for a value that should be a mapping of fields and is not."""


def _how_a_file_starts(model: Any) -> str | None:
    """A fix for a file that holds no mapping (it is empty, or a list): what its first line should be."""
    required = [name for name, info in getattr(model, "model_fields", {}).items() if info.is_required()]
    if not required:
        return None
    return f"start the file with '{required[0]}: …' and the other fields of a {model.__name__.lower()}"


def _model_at(model: type[BaseModel], loc: Loc) -> Any:
    """The pydantic model of the value at ``loc`` (a Level for ``('levels', 2)``), or None."""
    current: Any = model
    for part in loc:
        if isinstance(part, int) or current is None:
            continue
        info = getattr(current, "model_fields", {}).get(part)
        current = _inner_model(info.annotation) if info else None
    return current


def _allowed_keys(model: type[BaseModel], loc: Loc) -> list[str]:
    """The field names allowed where ``loc`` points, for did-you-mean on unknown keys."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int) or current is None:
            continue
        info = getattr(current, "model_fields", {}).get(part)
        current = _inner_model(info.annotation) if info else None
    return list(getattr(current, "model_fields", {}))


def _inner_model(annotation: Any) -> Any:
    """The pydantic model inside ``list[Model]``, ``Model | None`` and friends."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    origin = getattr(annotation, "__origin__", None)
    if origin is not None and hasattr(annotation, "__metadata__"):
        return _inner_model(origin)
    return None


# --------------------------------------------------------------------------- content


def load_ladder(content_dir: Path, root: Path) -> tuple[Ladder | None, list[Problem], list[str]]:
    """Assemble ``content/*.yaml`` (top-level fields) and ``content/levels/*.yaml`` into a Ladder.

    Returns the ladder (None if it has problems), the problems, and warnings: a ladder of the
    content model's first edition is upgraded in memory (:mod:`ladderpress.upgrade`), with one.
    """
    main = content_dir / "ladder.yaml"
    positions = Positions(root, {(): (main, 1, 1)})
    problems: list[Problem] = []
    data: dict[str, Any] = {}
    if not content_dir.is_dir():
        return (
            None,
            [
                Problem(
                    relative(content_dir, root),
                    "content folder not found",
                    hint="run the command from the project folder, or pass --project",
                )
            ],
            [],
        )
    unread_sections = False
    if not os.path.lexists(main):  # anything else there (a folder, a broken link) is reported when read
        problems.append(Problem(relative(main, root), "file not found", hint="every ladder needs content/ladder.yaml"))
        unread_sections = True  # its fields are not also reported missing, one by one
    section_files = _yaml_files_in(content_dir, root, problems)
    level_files = _yaml_files_in(content_dir / "levels", root, problems)
    if section_files is None:
        return None, problems, []
    section_files.sort(key=lambda p: (p.name != "ladder.yaml", p.name))
    unread_levels: set[str] = set()
    renamed: dict[str, tuple[int, str]] = {}  # a level file whose id is not its name → (its problem's index, the id)
    for path in section_files:
        value, marks = _read(path, root, problems)
        if value is None and not marks:
            unread_sections = True
            continue
        if not isinstance(value, dict):
            problems.append(
                Problem(
                    relative(path, root),
                    "must be a mapping of 'field: value' lines",
                    1,
                    1,
                    hint="start each top-level entry with its field name, like 'faq:'",
                )
            )
            continue
        for key, item in value.items():
            if key == "levels":
                problems.append(
                    Positions(root, marks).problem(
                        ("levels",),
                        "levels live in content/levels/, one file per level",
                        "move each level to content/levels/<id>.yaml",
                    )
                )
                continue
            if key in data:
                where = positions.marks[(key,)]
                problems.append(
                    Positions(root, marks).problem(
                        (key,),
                        f"'{key}' is already given in {relative(where[0], root)} line {where[1]}",
                        "keep it in one file only",
                    )
                )
                continue
            data[key] = item
            positions.marks.update({loc: mark for loc, mark in marks.items() if loc[:1] == (key,)})
    data["levels"] = []
    if level_files is None:  # the folder cannot be read: its levels are unknown, not missing
        return None, problems, []
    if len(level_files) > MAX_LEVELS:
        problems.append(
            Problem(
                relative(content_dir / "levels", root),
                f"holds {len(level_files):,} level files, more than the {MAX_LEVELS:,} a ladder may have",
                hint="remove the files that are not levels",
            )
        )
        return None, problems, []
    if not level_files:
        problems.append(
            Problem(
                relative(content_dir / "levels", root),
                "no level files found",
                hint="add one file per level, like content/levels/pm.yaml",
            )
        )
    for path in level_files:
        value, marks = _read(path, root, problems)
        if value is None and not marks:
            unread_levels.add(path.stem)
            continue
        index = len(data["levels"])
        prefix: Loc = ("levels", index)
        positions.prefixes[path] = prefix
        positions.marks.update({(*prefix, *loc): mark for loc, mark in marks.items()})
        data["levels"].append(value)
        if (
            isinstance(value, dict)
            and isinstance(value.get("id"), str)
            and value["id"] != path.stem
            and ID_PATTERN.match(value["id"])
        ):
            renamed[path.stem] = (len(problems), value["id"])
            problems.append(
                positions.problem(
                    (*prefix, "id"),
                    f"id '{value['id']}' does not match the file name",
                    f"rename the file to {value['id']}.yaml or set id: {path.stem}",
                    code="id-not-file-name",
                    subject=path.stem,
                )
            )
    warnings = []
    if not unread_sections and upgrade.is_first_edition(data):
        upgrade.upgrade_ladder(data, [level for level in data["levels"] if isinstance(level, dict)])
        warnings.append(
            f"{relative(main, root)}: written for the first edition of the content model (it has no "
            f"'format: {FORMAT}'); it builds as before, but run 'ladderpress upgrade' to rewrite it for this one"
        )
    ladder, found = validate(Ladder, data, positions, default=main)
    if ladder is None and found:
        found += references_of_the_rest(data, positions, main)
    # A file that could not be read must not also be reported as missing or unknown; nor must the
    # references to a level by its file name when its id says otherwise: that is one mistake, said once.
    for stem, (index, level_id) in renamed.items():
        count = sum(1 for p in found if p.code == "unknown-level" and p.subject == stem)
        if count:
            references = (
                f"the {count} references to '{stem}' expect" if count != 1 else f"the reference to '{stem}' expects"
            )
            problems[index] = replace(
                problems[index],
                hint=f"set id: {stem}, as {references}, "
                f"or rename the file to {level_id}.yaml and change {'them' if count != 1 else 'it'}",
            )
    found = [p for p in found if not _caused_by_unread(p, unread_sections, unread_levels | set(renamed))]
    found = _rank_from_unknown_band(found, data, positions, unread_sections)
    if not data["levels"]:  # no level files, or none read: said already
        found = [p for p in found if not (p.code == "schema.too_short" and p.field == "levels")]
    return (ladder if not problems else None), problems + found, warnings


def _rank_from_unknown_band(
    found: list[Problem], data: dict[str, Any], positions: Positions, unread_sections: bool
) -> list[Problem]:
    """A level without a rank takes its band's: when the band is unknown, that is the mistake to report
    (and nothing at all when the file listing the bands could not be read: that is said already)."""
    bands = data.get("bands")
    ids = (
        [b["id"] for b in bands if isinstance(b, dict) and isinstance(b.get("id"), str)]
        if isinstance(bands, list)
        else []
    )
    changed = []
    for problem in found:
        index = (
            positions.level_index(problem.file)
            if problem.code == "schema.missing" and problem.field == "rank"
            else None
        )
        level = data["levels"][index] if index is not None else None
        band = level.get("band") if isinstance(level, dict) else None
        if band is not None and not (isinstance(band, str) and ID_PATTERN.match(band)):
            continue  # the band's own error says what is wrong with it
        if isinstance(band, str) and band not in ids and unread_sections:
            continue
        if index is not None and isinstance(band, str) and band not in ids:
            hint = suggestion(band, ids) if ids else "list the bands under bands: in content/ladder.yaml"
            problem = positions.problem(
                ("levels", index, "band"), f"unknown band '{band}'", hint, code="unknown-band", subject=band
            )
        changed.append(problem)
    return changed


def _caused_by_unread(problem: Problem, unread_sections: bool, unread_levels: set[str]) -> bool:
    if (
        unread_sections
        and problem.code == "schema.missing"
        and problem.file.endswith("ladder.yaml")
        and problem.field
        and "." not in problem.field
    ):
        return True
    return problem.code == "unknown-level" and problem.subject in unread_levels


def _yaml_files_in(folder: Path, root: Path, problems: list[Problem]) -> list[Path] | None:
    """The ``*.yaml`` entries of ``folder``, sorted; [] if it does not exist, None if it cannot be listed.

    A folder that cannot be read is reported as such, never taken for an empty one. Files
    ending in .yml would be skipped without a word: they are reported too.
    """
    try:
        entries = sorted(folder.iterdir())
    except FileNotFoundError:
        return []
    except NotADirectoryError:
        problems.append(
            Problem(
                relative(folder, root),
                "is a file, not a folder",
                hint=f"make {relative(folder, root)} a folder of .yaml files",
            )
        )
        return None
    except OSError as exc:
        problems.append(
            Problem(
                relative(folder, root),
                f"is a folder that cannot be read ({exc.strerror})",
                hint="give yourself permission to read it (chmod u+rx)",
            )
        )
        return None
    problems += [
        Problem(
            relative(path, root),
            "is not read: content and recipe files end in .yaml",
            hint=f"rename it to {path.stem}.yaml",
        )
        for path in entries
        if path.name.endswith(".yml")
    ]
    return [path for path in entries if path.name.endswith(".yaml")]


def _read(
    path: Path,
    root: Path,
    problems: list[Problem],
    roots: tuple[Path, ...] | None = None,
) -> tuple[Any, dict[Loc, tuple[Path, int, int]]]:
    """``read_yaml``, with a problem added to ``problems`` (and (None, {}) returned) instead of raised."""
    try:
        return read_yaml(path, root, roots)
    except YamlProblem as exc:
        problems.append(exc.problem)
        return None, {}


# --------------------------------------------------------------------------- recipes


def load_recipes(guides_dir: Path, root: Path) -> tuple[dict[str, Recipe], dict[str, Positions], list[Problem]]:
    """Read every ``guides/*.yaml`` recipe; the file name (without .yaml) is the recipe's name.

    Also returns where each recipe's values are, for the reference checks that follow.
    """
    recipes: dict[str, Recipe] = {}
    where: dict[str, Positions] = {}
    problems: list[Problem] = []
    recipe_files = _yaml_files_in(guides_dir, root, problems)
    if recipe_files == []:
        problems.append(
            Problem(relative(guides_dir, root), "no recipes found", hint="add a recipe such as guides/handbook.yaml")
        )
    for path in recipe_files or []:
        name = path.stem
        if name in RESERVED_RECIPE_NAMES:
            problems.append(
                Problem(
                    relative(path, root), f"'{name}' is a command word and cannot name a recipe", hint="rename the file"
                )
            )
            continue
        value, marks = _read(path, root, problems)
        if value is None and not marks:
            continue
        positions = Positions(root, marks)
        recipe, found = validate(Recipe, value, positions, default=path)
        problems += found
        if recipe is not None:
            recipes[name] = recipe
            where[name] = positions
    return recipes, where, problems


def check_recipe_references(
    recipes: dict[str, Recipe],
    where: dict[str, Positions],
    ladder: Ladder | None,
    templates: list[str],
    styles: list[str],
    guides_dir: Path,
) -> list[Problem]:
    """Check what recipes name (template, stylesheets, track, levels) against what exists.

    Ids are only checked when the ladder itself is valid: otherwise the known ids are unknown.
    """
    problems: list[Problem] = []
    for name, recipe in recipes.items():
        path = guides_dir / f"{name}.yaml"
        positions = where[name]

        def report(loc: Loc, message: str, hint: str | None, code: str, subject: str | None = None) -> None:
            # called in this iteration only, hence the noqa
            problems.append(positions.problem(loc, message, hint, path, code, subject))  # noqa: B023

        if recipe.template not in templates:
            report(
                ("template",),
                f"unknown template '{recipe.template}'",
                suggestion(recipe.template, templates),
                "unknown-template",
                recipe.template,
            )
        for i, style in enumerate(recipe.stylesheets()):
            if recipe.styles is None and recipe.template not in templates:
                break  # the default stylesheet follows the template's name: one error is enough
            if style not in styles:
                loc: Loc = ("styles", i) if recipe.styles is not None else ("template",)
                report(
                    loc, f"stylesheet '{style}' not found in styles/", suggestion(style, styles), "unknown-style", style
                )
        for text_field in ("title", "description"):
            for wrong in misspelt_placeholders(getattr(recipe, text_field) or ""):
                report((text_field,), *placeholder_problem(wrong))
        if ladder is None:
            continue
        track_ids = [t.id for t in ladder.tracks]
        level_ids = [lv.id for lv in ladder.levels]
        if recipe.select.track is not None and recipe.select.track not in track_ids:
            report(
                ("select", "track"),
                f"unknown track '{recipe.select.track}'",
                suggestion(recipe.select.track, track_ids),
                "unknown-track",
                recipe.select.track,
            )
        for i, level_id in enumerate(recipe.select.levels or []):
            if level_id not in level_ids:
                report(
                    ("select", "levels", i),
                    f"unknown level '{level_id}'",
                    suggestion(level_id, level_ids),
                    "unknown-level",
                    level_id,
                )
        if recipe.select.levels == []:
            report(("select", "levels"), "selects no levels", "list at least one level id", "schema.too_short")
        family = recipe.select.family
        if family is not None and family not in (family_ids := [f.id for f in ladder.families]):
            hint = suggestion(family, family_ids) if family_ids else "list the families under families: in content/"
            report(("select", "family"), f"unknown family '{family}'", hint, "unknown-family", family)
        section_ids = list(dict.fromkeys(s.id for lv in ladder.levels for s in lv.sections))
        for i, section_id in enumerate(recipe.level_sections or []):
            if section_id not in section_ids:
                hint = (
                    suggestion(section_id, section_ids)
                    if section_ids
                    else "add sections: to the levels first, or remove level_sections"
                )
                report(("level_sections", i), f"no level has a section '{section_id}'", hint, "unknown-section")
    return problems


def raise_if(problems: list[Problem]) -> None:
    if problems:
        raise InputErrors(problems)


# --------------------------------------------------------------------------- brands

LOGO_SUFFIXES = (".svg", ".png", ".jpg", ".jpeg")
FONT_SUFFIXES = (".ttf", ".otf", ".woff", ".woff2")


@dataclass(frozen=True)
class LoadedBrand:
    """A validated brand and the folder it lives in (its files are resolved against it)."""

    folder: Path
    brand: Brand
    digest: str | None = None
    """The SHA-256 of the brand.yaml that was read, for incremental builds."""

    def file(self, relative_path: str) -> Path:
        return (self.folder / relative_path).resolve()

    @property
    def template_dir(self) -> Path:
        return self.folder / "templates"

    @property
    def style_dir(self) -> Path:
        return self.folder / "styles"


def load_brand(folder: Path, root: Path) -> tuple[LoadedBrand | None, list[Problem]]:
    """Read ``brand.yaml`` in ``folder`` and check that every file it names is inside the folder."""
    folder = _real(folder)
    path = folder / "brand.yaml"
    if not folder.is_dir():
        return None, [
            Problem(
                relative(folder, root),
                "brand folder not found",
                hint=did_you_mean(folder.name, _folders_beside(folder)).removeprefix("; ")
                or "create one with: ladderpress new-brand NAME",
            )
        ]
    if not os.path.lexists(path):  # anything else there (a folder, a link out) is reported when read
        return None, [
            Problem(
                relative(path, root),
                "file not found",
                hint="every brand folder needs a brand.yaml; ladderpress new-brand NAME makes one",
            )
        ]
    problems: list[Problem] = []
    value, marks = _read(path, root, problems, roots=(folder,))
    if problems:
        return None, problems
    positions = Positions(root, marks)
    brand, problems = validate(Brand, value, positions, default=path)
    if brand is None:
        return None, problems
    named: list[tuple[Loc, str, tuple[str, ...]]] = []
    if brand.logo:
        named.append((("logo",), brand.logo, LOGO_SUFFIXES))
    if brand.fonts:
        for role in ("body", "heading"):
            family = getattr(brand.fonts, role)
            for weight in ("regular", "italic", "semibold", "bold"):
                if family is not None and getattr(family, weight):
                    named.append((("fonts", role, weight), getattr(family, weight), FONT_SUFFIXES))
    for loc, name, suffixes in named:
        wrong = _brand_file_problem(folder, name, suffixes, root)
        if wrong:
            problems.append(positions.problem(loc, *wrong))
    return (None if problems else LoadedBrand(folder, brand, files.digest(path, (folder,), MAX_FILE_BYTES))), problems


def _brand_file_problem(folder: Path, name: str, suffixes: tuple[str, ...], root: Path) -> tuple[str, str] | None:
    """What is wrong with the file ``name`` that brand.yaml names, as (message, fix), or None.

    The file must resolve (through any symlinks) to a regular file inside the brand folder.
    """
    path = folder / name
    if os.path.normpath(name).startswith(".."):
        return f"'{name}' is outside the brand folder", "copy the file into the brand folder and name it from there"
    if not os.path.lexists(path):
        known = [p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.suffix.lower() in suffixes]
        return (
            f"file '{name}' not found in {relative(folder, root)}",
            did_you_mean(name, known).removeprefix("; ") or "check the file name and where the file is",
        )
    try:
        target = files.confined(path, (folder,))
    except files.FileRefused as exc:
        if path.exists():  # it resolves, so what is wrong is where to
            return (
                f"'{name}' is a link to a file outside the brand folder",
                "copy the file into the brand folder and name it from there",
            )
        return f"'{name}' {exc.what}", exc.hint
    if target.is_dir():
        return f"'{name}' is a folder, not a file", f"name a {' or '.join(suffixes)} file in it"
    if not target.is_file():
        return f"'{name}' is not a regular file", "replace it with an ordinary file"
    if target.suffix.lower() not in suffixes:
        return f"'{name}' is not a {' or '.join(suffixes)} file", f"use a {suffixes[0]} file"
    return None


def _real(path: Path) -> Path:
    """``path`` with every symlink followed, as far as they lead.

    Unlike ``Path.resolve()`` on Python 3.11, a symlink loop does not raise: the looping
    path is returned, and is then reported as a folder or file that is not there.
    """
    return Path(os.path.realpath(path))


def _folders_beside(folder: Path) -> list[str]:
    """Names of the folders next to ``folder``, for did-you-mean; none if they cannot be listed."""
    try:
        return [p.name for p in folder.parent.iterdir() if p.is_dir()]
    except OSError:  # only a suggestion is lost: the problem itself is still reported
        return []


# --------------------------------------------------------------------------- the project


@dataclass(frozen=True)
class Project:
    """Everything a build needs, read and validated."""

    root: Path
    ladder: Ladder
    recipes: dict[str, Recipe]
    brands: dict[Path, LoadedBrand]
    """Every brand in use, by folder."""
    forced_brand: LoadedBrand | None = None
    """The brand given on the command line: it applies to every document."""
    warnings: list[str] = field(default_factory=list)
    """What the build should say before it starts (a first-edition ladder, upgraded in memory)."""

    def brand_for(self, recipe: Recipe) -> LoadedBrand | None:
        if self.forced_brand is not None:
            return self.forced_brand
        return self.brands[(self.root / recipe.brand).resolve()] if recipe.brand else None

    def template_dirs(self, brand: LoadedBrand | None) -> tuple[Path, ...]:
        """The brand's templates, then the project's, then the built-in ones: the first file of a name wins."""
        return search_path(self.root, brand, "templates")

    def style_dirs(self, brand: LoadedBrand | None) -> tuple[Path, ...]:
        return search_path(self.root, brand, "styles")

    @property
    def allowed_roots(self) -> tuple[Path, ...]:
        """Folders WeasyPrint may read from: the project, the built-in styles and the brand folders."""
        return (self.root, builtin_dir("templates"), builtin_dir("styles"), *self.brands)


def search_path(root: Path, brand: LoadedBrand | None, kind: str) -> tuple[Path, ...]:
    """The folders a template or stylesheet is looked for in, first wins, resolved.

    A brand's or project's folder that is a link out of its own root is left out (and
    reported by :func:`escaping_folders`): a brand's ``templates -> /`` must not put the whole
    disk within reach of its ``{% include %}``.
    """
    owned = [*([(brand.folder / kind, brand.folder)] if brand else []), (root / kind, root)]
    folders = [_real(folder) for folder, owner in owned if _real(folder).is_relative_to(_real(owner))]
    return tuple(dict.fromkeys([*folders, _real(builtin_dir(kind))]))


def escaping_folders(root: Path, brands: list[LoadedBrand]) -> list[Problem]:
    """Template and style folders that are links out of the brand or project that holds them."""
    owned = [(brand.folder, "brand folder") for brand in brands] + [(root, "project")]
    problems = []
    for owner, what in dict.fromkeys(owned):
        for kind in ("templates", "styles"):
            folder = owner / kind
            if os.path.lexists(folder) and not _real(folder).is_relative_to(_real(owner)):
                problems.append(
                    Problem(
                        relative(folder, root),
                        f"is a link to a folder outside the {what}",
                        hint=f"replace the link with a folder holding the {kind} themselves",
                    )
                )
    return problems


def files_in(folders: tuple[Path, ...], suffix: str) -> list[str]:
    """Relative names of the files with ``suffix`` in any of ``folders`` (first folder wins)."""
    names: dict[str, None] = {}
    for folder in folders:
        if folder.is_dir():
            for path in sorted(folder.rglob(f"*{suffix}")):
                if path.is_file():
                    names.setdefault(path.relative_to(folder).as_posix(), None)
    return list(names)


def load_project(root: Path, brand: Path | None = None) -> Project:
    """Read content, recipes and brands; raise InputErrors listing every problem.

    ``brand`` is the command line's ``--brand`` folder (relative to the current folder).
    """
    root = _real(root)
    ladder, problems, warnings = load_ladder(root / "content", root)
    recipes, recipe_positions, recipe_problems = load_recipes(root / "guides", root)
    if warnings and ladder is not None:  # a first-edition project: its recipes' titles name the company too
        recipes = {name: _renamed(recipe, ladder.organisation) for name, recipe in recipes.items()}
    problems += recipe_problems
    brands: dict[Path, LoadedBrand] = {}
    forced = None
    if brand is not None:
        forced, found = load_brand(brand, root)
        problems += found
        if forced is not None:
            brands[forced.folder] = forced
    else:
        for name, recipe in recipes.items():
            if recipe.brand and not _real(root / recipe.brand).is_relative_to(root):
                problems.append(
                    Problem(
                        f"guides/{name}.yaml",
                        f"brand '{recipe.brand}' is outside the project",
                        field="brand",
                        hint="keep brands in the project, or pass --brand DIR",
                    )
                )
                continue
            if recipe.brand and _real(root / recipe.brand) not in brands:
                loaded, found = load_brand(root / recipe.brand, root)
                problems += [_from_recipe(p, name, root) for p in found]
                if loaded is not None:
                    brands[loaded.folder] = loaded
    project = Project(root, ladder, recipes, brands, forced, warnings) if ladder is not None else None
    for name, recipe in recipes.items():
        chosen = forced if brand is not None else brands.get(_real(root / recipe.brand)) if recipe.brand else None
        if recipe.brand and brand is None and not _real(root / recipe.brand).is_relative_to(root):
            continue
        if recipe.brand and brand is None and chosen is None:
            continue  # the brand's own problems are reported already
        problems += check_recipe_references(
            {name: recipe},
            recipe_positions,
            ladder,
            files_in(search_path(root, chosen, "templates"), ".html"),
            files_in(search_path(root, chosen, "styles"), ".css"),
            root / "guides",
        )
    problems += escaping_folders(root, list(brands.values()))
    raise_if(problems)
    assert project is not None
    return project


def _renamed(recipe: Recipe, organisation: str) -> Recipe:
    """A first-edition recipe with ``{organisation}`` for the company's name, as ``ladderpress upgrade`` writes it."""
    fields = {"title": recipe.title, "description": recipe.description}
    return recipe.model_copy(update=fields) if upgrade.rename_organisation(fields, organisation) else recipe


def _from_recipe(problem: Problem, recipe_name: str, root: Path) -> Problem:
    """A brand problem found through a recipe says which recipe asked for the brand."""
    if problem.line is None and "brand folder not found" in problem.message:
        return Problem(
            f"guides/{recipe_name}.yaml", f"brand '{problem.file}' not found", field="brand", hint=problem.hint
        )
    return problem

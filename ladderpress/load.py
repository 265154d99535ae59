"""Read and validate every input file once, at the boundary.

YAML is composed into nodes with PyYAML's safe loader so that every value keeps the
line and column it came from; the values are then validated with the pydantic models
in :mod:`ladderpress.model`. All problems in all files are gathered and raised
together as :class:`~ladderpress.errors.InputErrors`; nothing is written before the
whole project has been read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from ladderpress.packaged import builtin_dir
from ladderpress.errors import InputErrors, Problem, did_you_mean, field_path, plain_words, relative
from ladderpress.model import Brand, Ladder, LocatedProblems, Recipe

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
MAX_FILE_BYTES = 2_000_000
"""Larger YAML files are refused before parsing: no ladder needs more."""
MAX_LEVELS = 500
"""More level files than this are refused before any is read."""
MAX_DEPTH = 50
"""Deeper nesting than any ladder needs; refused before Python's own recursion limit is reached."""
MAX_NODES = 200_000
"""Bound on values built from one file, so an alias bomb cannot exhaust memory."""

RESERVED_RECIPE_NAMES = {"check", "new-brand", "schema", "init"}  # the command line's COMMAND_WORDS
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
                inside = tuple(loc[len(prefix):]) if tuple(loc[: len(prefix)]) == prefix else tuple(loc)
                return path, line, column, inside
        return None, None, None, tuple(loc)

    def problem(self, loc: Loc, message: str, hint: str | None = None, default: Path | None = None) -> Problem:
        path, line, column, inside = self.locate(loc)
        path = path or default or self.root
        return Problem(relative(path, self.root), message, line, column, field_path(inside) or None, hint)


# --------------------------------------------------------------------------- YAML


class YamlProblem(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem


def read_yaml(path: Path, root: Path) -> tuple[Any, dict[Loc, tuple[Path, int, int]]]:
    """Parse one YAML file safely; return its value and the position of every value in it."""
    name = relative(path, root)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise YamlProblem(Problem(name, f"file is {size // 1000} kB, more than the {MAX_FILE_BYTES // 1000} kB "
                                            "allowed", hint="split it or shorten it"))
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise YamlProblem(Problem(name, f"is not UTF-8 text ({exc.reason})", hint="save the file as UTF-8")) from None
    except OSError as exc:
        raise YamlProblem(Problem(name, f"cannot be read: {exc.strerror}")) from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except RecursionError:
        raise YamlProblem(Problem(name, "nests too deeply to read", hint="flatten the lists and mappings")) from None
    except yaml.MarkedYAMLError as exc:
        raise YamlProblem(_syntax_problem(name, exc)) from None
    except yaml.YAMLError as exc:  # errors without a position
        raise YamlProblem(Problem(name, f"is not valid YAML: {exc}")) from None
    if node is None:
        return None, {(): (path, 1, 1)}
    builder = _Builder(path, name)
    value = builder.build(node, ())
    return value, builder.marks


def _syntax_problem(name: str, exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or "invalid YAML"
    hint = "check the indentation and quotes on this line and the one above"
    if "'\\t'" in problem or "\\t" in problem:
        problem, hint = "a tab character is used for indentation", "indent with spaces, not tabs"
    elif "found unexpected end of stream" in problem or "found unexpected end" in problem:
        hint = "close the quote or bracket opened here"
    elif "mapping values are not allowed" in problem:
        hint = "put text that contains ': ' in quotes, or fix the indentation"
    line = mark.line + 1 if mark else None
    column = mark.column + 1 if mark else None
    return Problem(name, f"YAML syntax error: {problem}", line, column, None, hint)


class _Builder:
    """Turns a composed YAML node tree into plain values, recording positions."""

    def __init__(self, path: Path, name: str) -> None:
        self.path = path
        self.name = name
        self.marks: dict[Loc, tuple[Path, int, int]] = {}
        self.count = 0
        self.open: set[int] = set()
        """Nodes being built: meeting one again means an alias that contains itself."""
        self.constructor = yaml.constructor.SafeConstructor()

    def _refuse(self, node: yaml.Node, message: str, hint: str) -> YamlProblem:
        return YamlProblem(Problem(self.name, message, node.start_mark.line + 1, node.start_mark.column + 1,
                                   None, hint))

    def build(self, node: yaml.Node, loc: Loc) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise self._refuse(node, f"holds more than {MAX_NODES} values (or expands aliases into them)",
                               "remove repeated aliases (*name)")
        if len(loc) > MAX_DEPTH:
            raise self._refuse(node, f"nests deeper than {MAX_DEPTH} levels", "flatten the lists and mappings")
        if id(node) in self.open:
            raise self._refuse(node, "an alias refers to the value that contains it", "remove the alias (*name)")
        self.marks.setdefault(loc, (self.path, node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, yaml.MappingNode | yaml.SequenceNode):
            self.open.add(id(node))
            try:
                if isinstance(node, yaml.MappingNode):
                    return self._mapping(node, loc)
                return [self.build(item, (*loc, i)) for i, item in enumerate(node.value)]
            finally:
                self.open.discard(id(node))
        return self._scalar(node)

    def _scalar(self, node: yaml.Node) -> Any:
        try:
            return self.constructor.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as exc:
            raise YamlProblem(_syntax_problem(self.name, exc)) from None
        except (ValueError, OverflowError):  # such as 2025-02-30: shaped like a date, but no such day
            raise self._refuse(node, f"'{_clip(node.value)}' is not a real {_tag_name(node)}",
                               "check the value, or put it in quotes to keep it as text") from None

    def _mapping(self, node: yaml.MappingNode, loc: Loc) -> dict[Any, Any]:
        explicit = list(node.value)
        self.constructor.flatten_mapping(node)  # '<<' merge keys: merged values come first
        merged = node.value[: len(node.value) - len(explicit)] if len(node.value) > len(explicit) else []
        result: dict[Any, Any] = {}
        seen: set[Any] = set()
        for key_node, value_node in [*merged, *[pair for pair in explicit if pair[0].tag != "tag:yaml.org,2002:merge"]]:
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlProblem(Problem(self.name, "a key must be a plain word", key_node.start_mark.line + 1,
                                          key_node.start_mark.column + 1, field_path(loc) or None))
            key = self._scalar(key_node)
            key = key if isinstance(key, str | int) else str(key)
            is_explicit = (key_node, value_node) not in merged
            if key in seen and is_explicit:
                first = self.marks[(*loc, key)]
                raise YamlProblem(Problem(self.name, f"key '{key}' appears twice (first on line {first[1]})",
                                          key_node.start_mark.line + 1, key_node.start_mark.column + 1,
                                          field_path(loc) or None, "keep one of them"))
            if is_explicit:
                seen.add(key)
            # scalars are located at their value, lists and mappings at their key
            mark = value_node.start_mark if isinstance(value_node, yaml.ScalarNode) else key_node.start_mark
            self.marks[(*loc, key)] = (self.path, mark.line + 1, mark.column + 1)
            result[key] = self.build(value_node, (*loc, key))  # an explicit key overrides a merged one
        return result


def _clip(text: object, limit: int = 40) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _tag_name(node: yaml.Node) -> str:
    return {"timestamp": "date", "int": "number", "float": "number"}.get(node.tag.rsplit(":", 1)[-1], "value")


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
                problems += [positions.problem(ref_loc, *_split_hint(msg), default=default)
                             for ref_loc, msg in reference.problems]
                continue
            message, hint = plain_words(error, _allowed_keys(model, loc))
            problems.append(positions.problem(loc, message, hint, default=default))
        return None, problems


def _split_hint(message: str) -> tuple[str, str | None]:
    """Messages built as 'what is wrong; fix' become (message, hint)."""
    head, sep, tail = message.partition("; ")
    return (head, tail) if sep else (message, None)


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


def load_ladder(content_dir: Path, root: Path) -> tuple[Ladder | None, list[Problem]]:
    """Assemble ``content/*.yaml`` (top-level fields) and ``content/levels/*.yaml`` into a Ladder."""
    main = content_dir / "ladder.yaml"
    positions = Positions(root, {(): (main, 1, 1)})
    problems: list[Problem] = []
    data: dict[str, Any] = {}
    if not content_dir.is_dir():
        return None, [Problem(relative(content_dir, root), "content folder not found",
                              hint="run the command from the project folder, or pass --project")]
    if not main.is_file():
        problems.append(Problem(relative(main, root), "file not found", hint="every ladder needs content/ladder.yaml"))
    problems += _yml_files(content_dir, root) + _yml_files(content_dir / "levels", root)
    section_files = sorted(content_dir.glob("*.yaml"), key=lambda p: (p.name != "ladder.yaml", p.name))
    unread_sections = False
    unread_levels: set[str] = set()
    for path in section_files:
        value, marks = _read(path, root, problems)
        if value is None and not marks:
            unread_sections = True
            continue
        if not isinstance(value, dict):
            problems.append(Problem(relative(path, root), "must be a mapping of 'field: value' lines", 1, 1,
                                    hint="start each top-level entry with its field name, like 'faq:'"))
            continue
        for key, item in value.items():
            if key == "levels":
                problems.append(Positions(root, marks).problem(
                    ("levels",), "levels live in content/levels/, one file per level",
                    "move each level to content/levels/<id>.yaml"))
                continue
            if key in data:
                where = positions.marks[(key,)]
                problems.append(Positions(root, marks).problem(
                    (key,), f"'{key}' is already given in {relative(where[0], root)} line {where[1]}",
                    "keep it in one file only"))
                continue
            data[key] = item
            positions.marks.update({loc: mark for loc, mark in marks.items() if loc[:1] == (key,)})
    data["levels"] = []
    level_files = sorted((content_dir / "levels").glob("*.yaml"))
    if len(level_files) > MAX_LEVELS:
        problems.append(Problem(relative(content_dir / "levels", root),
                                f"holds {len(level_files)} level files, more than the {MAX_LEVELS} a ladder may have",
                                hint="remove the files that are not levels"))
        return None, problems
    if not level_files:
        problems.append(Problem(relative(content_dir / "levels", root), "no level files found",
                                hint="add one file per level, like content/levels/pm.yaml"))
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
        if isinstance(value, dict) and isinstance(value.get("id"), str) and value["id"] != path.stem \
                and ID_PATTERN.match(value["id"]):
            problems.append(positions.problem((*prefix, "id"), f"id '{value['id']}' does not match the file name",
                                              f"rename the file to {value['id']}.yaml or set id: {path.stem}"))
    ladder, found = validate(Ladder, data, positions, default=main)
    # A file that could not be read must not also be reported as missing or unknown.
    found = [p for p in found if not _caused_by_unread(p, unread_sections, unread_levels)]
    return (ladder if not problems else None), problems + found


def _caused_by_unread(problem: Problem, unread_sections: bool, unread_levels: set[str]) -> bool:
    if unread_sections and problem.message.startswith("this field is required") and problem.file.endswith(
            "ladder.yaml") and problem.field and "." not in problem.field:
        return True
    return any(f"unknown level '{stem}'" in problem.message for stem in unread_levels)


def _yml_files(folder: Path, root: Path) -> list[Problem]:
    """Files ending in .yml would be skipped without a word: say so instead."""
    return [Problem(relative(path, root), "is not read: content and recipe files end in .yaml",
                    hint=f"rename it to {path.stem}.yaml") for path in sorted(folder.glob("*.yml"))]


def _read(path: Path, root: Path, problems: list[Problem]) -> tuple[Any, dict[Loc, tuple[Path, int, int]]]:
    try:
        return read_yaml(path, root)
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
    problems += _yml_files(guides_dir, root)
    files = sorted(guides_dir.glob("*.yaml")) if guides_dir.is_dir() else []
    if not files:
        problems.append(Problem(relative(guides_dir, root), "no recipes found",
                                hint="add a recipe such as guides/handbook.yaml"))
    for path in files:
        name = path.stem
        if name in RESERVED_RECIPE_NAMES:
            problems.append(Problem(relative(path, root), f"'{name}' is a command word and cannot name a recipe",
                                    hint="rename the file"))
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
    recipes: dict[str, Recipe], where: dict[str, Positions], ladder: Ladder | None, templates: list[str],
    styles: list[str], guides_dir: Path,
) -> list[Problem]:
    """Check what recipes name (template, stylesheets, track, levels) against what exists.

    Ids are only checked when the ladder itself is valid: otherwise the known ids are unknown.
    """
    problems: list[Problem] = []
    for name, recipe in recipes.items():
        path = guides_dir / f"{name}.yaml"
        positions = where[name]

        def report(loc: Loc, message: str) -> None:
            problems.append(positions.problem(loc, *_split_hint(message), default=path))

        if recipe.template not in templates:
            report(("template",), f"unknown template '{recipe.template}'{did_you_mean(recipe.template, templates)}")
        for i, style in enumerate(recipe.stylesheets()):
            if recipe.styles is None and recipe.template not in templates:
                break  # the default stylesheet follows the template's name: one error is enough
            if style not in styles:
                loc: Loc = ("styles", i) if recipe.styles is not None else ("template",)
                report(loc, f"stylesheet '{style}' not found in styles/{did_you_mean(style, styles)}")
        if ladder is None:
            continue
        track_ids = [t.id for t in ladder.tracks]
        level_ids = [lv.id for lv in ladder.levels]
        if recipe.select.track is not None and recipe.select.track not in track_ids:
            report(("select", "track"), f"unknown track '{recipe.select.track}'"
                                        f"{did_you_mean(recipe.select.track, track_ids)}")
        for i, level_id in enumerate(recipe.select.levels or []):
            if level_id not in level_ids:
                report(("select", "levels", i), f"unknown level '{level_id}'{did_you_mean(level_id, level_ids)}")
        if recipe.select.levels == []:
            report(("select", "levels"), "selects no levels; list at least one level id")
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
    folder = folder.resolve()
    path = folder / "brand.yaml"
    if not folder.is_dir():
        siblings = [p.name for p in folder.parent.iterdir() if p.is_dir()] if folder.parent.is_dir() else []
        return None, [Problem(relative(folder, root), "brand folder not found",
                              hint=did_you_mean(folder.name, siblings).removeprefix("; ") or
                              "create one with: python build.py new-brand NAME")]
    if not path.is_file():
        return None, [Problem(relative(path, root), "file not found",
                              hint="every brand folder needs a brand.yaml; python build.py new-brand NAME makes one")]
    problems: list[Problem] = []
    value, marks = _read(path, root, problems)
    if problems:
        return None, problems
    positions = Positions(root, marks)
    brand, problems = validate(Brand, value, positions, default=path)
    if brand is None:
        return None, problems
    loaded = LoadedBrand(folder, brand)
    files: list[tuple[Loc, str, tuple[str, ...]]] = []
    if brand.logo:
        files.append((("logo",), brand.logo, LOGO_SUFFIXES))
    if brand.fonts:
        for role in ("body", "heading"):
            family = getattr(brand.fonts, role)
            for weight in ("regular", "italic", "semibold", "bold"):
                if family is not None and getattr(family, weight):
                    files.append((("fonts", role, weight), getattr(family, weight), FONT_SUFFIXES))
    for loc, name, suffixes in files:
        target = loaded.file(name)
        if not target.is_relative_to(folder):
            problems.append(positions.problem(loc, f"'{name}' is outside the brand folder",
                                              "copy the file into the brand folder and name it from there"))
        elif not target.is_file():
            known = [p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.suffix.lower() in suffixes]
            problems.append(positions.problem(loc, f"file '{name}' not found in {relative(folder, root)}",
                                              did_you_mean(name, known).removeprefix("; ") or
                                              "check the file name and where the file is"))
        elif target.suffix.lower() not in suffixes:
            problems.append(positions.problem(loc, f"'{name}' is not a {' or '.join(suffixes)} file",
                                              f"use a {suffixes[0]} file"))
    return (None if problems else loaded), problems


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
    folders = ((brand.folder / kind,) if brand else ()) + (root / kind, builtin_dir(kind))
    return tuple(dict.fromkeys(folder.resolve() for folder in folders))


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
    root = root.resolve()
    ladder, problems = load_ladder(root / "content", root)
    recipes, recipe_positions, recipe_problems = load_recipes(root / "guides", root)
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
            if recipe.brand and not (root / recipe.brand).resolve().is_relative_to(root):
                problems.append(Problem(f"guides/{name}.yaml", f"brand '{recipe.brand}' is outside the project",
                                        field="brand", hint="keep brands in the project, or pass --brand DIR"))
                continue
            if recipe.brand and (root / recipe.brand).resolve() not in brands:
                loaded, found = load_brand(root / recipe.brand, root)
                problems += [_from_recipe(p, name, root) for p in found]
                if loaded is not None:
                    brands[loaded.folder] = loaded
    project = Project(root, ladder, recipes, brands, forced) if ladder is not None else None
    for name, recipe in recipes.items():
        chosen = forced if brand is not None else brands.get((root / recipe.brand).resolve()) if recipe.brand else None
        if recipe.brand and brand is None and not (root / recipe.brand).resolve().is_relative_to(root):
            continue
        if recipe.brand and brand is None and chosen is None:
            continue  # the brand's own problems are reported already
        problems += check_recipe_references({name: recipe}, recipe_positions, ladder,
                                            files_in(search_path(root, chosen, "templates"), ".html"),
                                            files_in(search_path(root, chosen, "styles"), ".css"),
                                            root / "guides")
    raise_if(problems)
    assert project is not None
    return project


def _from_recipe(problem: Problem, recipe_name: str, root: Path) -> Problem:
    """A brand problem found through a recipe says which recipe asked for the brand."""
    if problem.line is None and "brand folder not found" in problem.message:
        return Problem(f"guides/{recipe_name}.yaml", f"brand '{problem.file}' not found", field="brand",
                       hint=problem.hint)
    return problem

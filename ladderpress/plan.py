"""Expand recipes into a plan: one job per PDF to write.

A recipe with ``per: level`` becomes one job per selected level; every other recipe
becomes one job. Output paths are resolved here and confined to the output folder.
"""

from __future__ import annotations

import dataclasses
import datetime
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from types import MappingProxyType

from ladderpress.errors import Problem, UsageError, did_you_mean
from ladderpress.files import FileRefused, confined
from ladderpress.load import LoadedBrand, Project
from ladderpress.model import Ladder, Level, Person, Recipe, Track
from ladderpress.roster import Entry, assign_files, read_roster

NO_OWNERS: Mapping[str, str] = MappingProxyType({})
"""No packet written yet: the default for :func:`plan`'s ``owners``."""

FIT_STEPS = 3
"""Layouts a template may offer (fit 0, 1, 2) before a document longer than its ``max_pages`` is refused."""
PDF_VARIANTS = ("pdf/ua-1", "pdf/a-2b", "pdf/a-3b")
"""Standards a document can be printed to; the default is a plain, tagged PDF."""

@dataclass(frozen=True)
class Layout:
    """Paper and print-shop settings for one document (turned into an ``@page`` rule when printing)."""

    paper: str = "A4"
    bleed_mm: float = 0.0
    crop_marks: bool = False

    def css(self) -> str:
        size = {"A4": "A4", "Letter": "letter"}[self.paper]
        rules = [f"size: {size};"]
        if self.bleed_mm:
            rules.append(f"bleed: {self.bleed_mm:g}mm;")
        if self.crop_marks:
            rules.append("marks: crop;")
        return f"@page {{ {' '.join(rules)} }}\n@page landscape {{ size: {size} landscape; }}\n"


@dataclass(frozen=True)
class Settings:
    """What the command line decides for every document of a build."""

    paper: str | None = None
    """Overrides recipes and the ladder when set."""
    bleed_mm: float = 0.0
    crop_marks: bool = False
    duplex: bool = False
    """Forces duplex layout on for every document."""
    roster: Path | None = None
    """The roster for per-person recipes (instead of the recipe's own)."""


DUPLEX_STYLESHEET = "duplex.css"


@dataclass(frozen=True)
class Engine:
    """What a worker needs to rebuild the engine: all picklable."""

    root: Path
    brand: Path | None
    edition: datetime.date | None
    variant: str | None
    render_in_full: bool = False
    """Print every packet whole, without reusing shared pages (for the benchmark and checks)."""
    private: tuple[Path, ...] = ()
    """Files and folders WeasyPrint must never read though they are in the project: rosters, the output."""

    def options(self) -> dict[str, object]:
        """The options that change a PDF's bytes, for the incremental build's keys."""
        return {"variant": self.variant, "edition": str(self.edition), "render_in_full": self.render_in_full}


def job_extras(job: Job, engine: Engine) -> str:
    """What decides a job's PDF besides its HTML: layout, stylesheets, brand, attachments and page limit."""
    return (f"{job.layout}|{job.stylesheets}|{job.brand.folder if job.brand else None}|{job.recipe.attachments}"
            f"|{job.recipe.max_pages}")


@dataclass(frozen=True)
class Job:
    """One PDF to build: which recipe, which levels, and where it goes."""

    recipe_name: str
    recipe: Recipe
    output: PurePosixPath
    """Relative to the output folder."""
    levels: tuple[Level, ...]
    """The selected levels, junior first."""
    track: Track | None = None
    focus: Level | None = None
    """The level a per-level document is about."""
    layout: Layout = Layout()
    stylesheets: tuple[str, ...] = ()
    brand: LoadedBrand | None = None
    person: Entry | None = None
    """For onboarding packets: the person (and roster row) the document is for."""

    @property
    def title(self) -> str:
        if self.person is not None:
            return f"{self.person.person.name} — {self.recipe.title}"
        if self.focus is not None:
            return f"{self.focus.title} — {self.recipe.title}"
        return self.recipe.title


def attachment_paths(root: Path, recipe: Recipe) -> tuple[Path, ...]:
    """The files a recipe attaches to each of its PDFs (checked to be inside the project when planned)."""
    return tuple(root / name for name in recipe.attachments)


def even_parts(items: list, most: int) -> list[list]:
    """``items`` in as few consecutive parts as hold at most ``most`` each, of sizes as even as can be."""
    parts = -(-len(items) // most)
    size = -(-len(items) // parts) if parts else 1
    return [items[i:i + size] for i in range(0, len(items), size)]


def stand_in(job: Job) -> Job:
    """The job for a neutral person at the same level: its shared pages are everyone's."""
    assert job.person is not None and job.focus is not None
    person = Person(name="New Colleague", level=job.focus.id, team="Your team", manager="Your manager",
                    buddy="Your buddy", start_date=datetime.date(2000, 1, 3),
                    track=job.track.id if job.track else None, language=job.person.person.language)
    return dataclasses.replace(job, person=Entry(person, 0, "stand-in"))


def combination(job: Job) -> tuple[object, ...]:
    """What a packet's shared pages depend on: recipe, level, track, brand, layout and language."""
    assert job.person is not None and job.focus is not None
    return (job.recipe_name, job.focus.id, job.track.id if job.track else None,
            job.brand.folder if job.brand else None, job.layout, job.person.person.language)


def selected_levels(ladder: Ladder, recipe: Recipe) -> tuple[Level, ...]:
    if recipe.select.track is not None:
        return tuple(ladder.levels_in(recipe.select.track))
    if recipe.select.levels is not None:
        wanted = set(recipe.select.levels)
        return tuple(lv for lv in ladder.ranked_levels() if lv.id in wanted)
    return tuple(ladder.ranked_levels())


SAFE_PART = re.compile(r"^[\w][\w.-]*$")


def output_path(recipe_name: str, recipe: Recipe, level: Level | None, person: str = "") -> PurePosixPath:
    """Fill the recipe's output pattern; refuse anything that would leave the output folder."""
    values = {"recipe": recipe_name, "track": recipe.select.track or "all", "level": level.id if level else "",
              "person": person}
    path = PurePosixPath(recipe.output.format(**values))
    if path.is_absolute() or any(not SAFE_PART.match(part) for part in path.parts):
        raise ValueError(f"output '{path}' is not a safe relative path")
    return path


def layout_for(recipe: Recipe, ladder: Ladder, brand: LoadedBrand | None, settings: Settings) -> Layout:
    """Paper: the command line, else the recipe, else the brand, else the ladder."""
    paper = settings.paper or recipe.paper or (brand.brand.paper if brand else None) or ladder.paper
    return Layout(paper, settings.bleed_mm, settings.crop_marks)


def stylesheets_for(recipe: Recipe, settings: Settings) -> tuple[str, ...]:
    sheets = list(recipe.stylesheets())
    if (recipe.duplex or settings.duplex) and DUPLEX_STYLESHEET not in sheets:
        sheets.append(DUPLEX_STYLESHEET)
    return tuple(sheets)


@dataclass
class Plan:
    """Every document to build, and what could not even be planned."""

    jobs: list[Job] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    """Problems that stop the whole build (nothing is written)."""
    rejected: list[Problem] = field(default_factory=list)
    """Roster rows that cannot be built; the other documents still are."""
    warnings: list[str] = field(default_factory=list)


def plan(project: Project, names: list[str] | None = None, settings: Settings = Settings(), *,
         owners: Mapping[str, str] = NO_OWNERS) -> Plan:
    """The jobs for the named recipes (all when ``names`` is empty), in recipe-name order.

    ``owners`` maps each packet already in the output folder (its posix path there) to the
    :func:`~ladderpress.roster.person_key` it was written for, so no packet changes hands.
    """
    recipes = project.recipes
    for name in names or []:
        if name not in recipes:
            raise UsageError(f"unknown recipe '{name}'{did_you_mean(name, sorted(recipes))}")
    result = Plan()
    for name in dict.fromkeys(names or sorted(recipes)):
        recipe = recipes[name]
        result.problems += _attachment_problems(project.root, name, recipe)
        if recipe.per == "person":
            _plan_people(project, name, recipe, settings, result, owners)
            continue
        levels = selected_levels(project.ladder, recipe)
        track = project.ladder.track(recipe.select.track) if recipe.select.track else None
        brand = project.brand_for(recipe)
        layout = layout_for(recipe, project.ladder, brand, settings)
        for focus in levels if recipe.per == "level" else (None,):
            try:
                output = output_path(name, recipe, focus)
            except ValueError as exc:
                result.problems.append(Problem(f"guides/{name}.yaml", str(exc), field="output",
                                               hint="use a relative pattern such as 'levels/{level}.pdf'"))
                continue
            result.jobs.append(Job(name, recipe, output, levels, track, focus, layout,
                                   stylesheets_for(recipe, settings), brand))
    result.problems += _clashes(result.jobs)
    return result


def _plan_people(project: Project, name: str, recipe: Recipe, settings: Settings, result: Plan,
                 owners: Mapping[str, str]) -> None:
    """One job per valid roster row; bad rows are rejected, each with its own problem.

    A roster named by the recipe must be in the project; one given with --roster must be in
    its own folder (a symlink out of it is refused). Output files are assigned by
    :func:`~ladderpress.roster.assign_files`, which keeps each packet with the person it was written for.
    """
    roster_path = settings.roster or ((project.root / recipe.roster) if recipe.roster else None)
    if roster_path is None:
        result.problems.append(Problem(f"guides/{name}.yaml", "builds one packet per person but names no roster",
                                       field="roster", hint="add roster: examples/new-hires.csv, or use --roster FILE"))
        return
    # realpath, not resolve(): it never raises on a symlink loop (read_roster reports that one)
    if settings.roster is None and not Path(os.path.realpath(roster_path)).is_relative_to(project.root):
        result.problems.append(Problem(f"guides/{name}.yaml", f"roster '{recipe.roster}' is outside the project",
                                       field="roster", hint="keep rosters in the project, or pass --roster FILE"))
        return
    roots = (roster_path.parent,) if settings.roster is not None else (project.root,)
    roster = read_roster(roster_path, project.root, project.ladder, roots)
    if roster.fatal:
        result.problems += roster.problems
        return
    result.rejected += roster.problems
    result.warnings += roster.warnings
    brand = project.brand_for(recipe)
    layout = layout_for(recipe, project.ladder, brand, settings)

    def fill(entry: Entry, slug: str) -> PurePosixPath:
        return output_path(name, recipe, project.ladder.level(entry.person.level), slug)

    try:
        placed = assign_files(roster.entries, fill, owners)
    except ValueError as exc:
        result.problems.append(Problem(f"guides/{name}.yaml", str(exc), field="output",
                                       hint="use a relative pattern such as 'onboarding/{person}.pdf'"))
        return
    for entry, output in placed:
        level = project.ladder.level(entry.person.level)
        track = project.ladder.track(entry.person.track) if entry.person.track else None
        levels = tuple(project.ladder.levels_in(track.id)) if track else tuple(project.ladder.ranked_levels())
        result.jobs.append(Job(name, recipe, output, levels, track, level, layout, stylesheets_for(recipe, settings),
                               brand, entry))


def _attachment_problems(root: Path, name: str, recipe: Recipe) -> list[Problem]:
    """Each file a recipe attaches must be a regular file inside the project."""
    problems = []
    for i, path in enumerate(attachment_paths(root, recipe)):
        try:
            confined(path, (root,))
            if not path.is_file():
                raise FileRefused(path, "is not a regular file", "attach an ordinary file")
        except FileRefused as exc:
            problems.append(Problem(f"guides/{name}.yaml", f"attachment '{recipe.attachments[i]}' {exc.what}",
                                    field=f"attachments[{i}]", hint=exc.hint))
    return problems


def _clashes(jobs: list[Job]) -> list[Problem]:
    """Two jobs writing the same file would silently overwrite each other."""
    owner: dict[PurePosixPath, str] = {}
    problems = []
    for job in jobs:
        if job.output in owner:
            other = owner[job.output]
            why = (f", which recipe '{other}' also writes" if other != job.recipe_name
                   else " more than once: its pattern does not tell the documents apart")
            problems.append(Problem(f"guides/{job.recipe_name}.yaml", f"writes {job.output}{why}",
                                    field="output", hint="give each document its own output name"))
        owner.setdefault(job.output, job.recipe_name)
    return problems

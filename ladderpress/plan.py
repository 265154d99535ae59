"""Expand recipes into a plan: one job per PDF to write.

A recipe with ``per: level`` becomes one job per selected level; every other recipe
becomes one job. Output paths are resolved here and confined to the output folder.
"""

from __future__ import annotations

import dataclasses
import datetime
import difflib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from types import MappingProxyType

from ladderpress.errors import Problem, UsageError, did_you_mean
from ladderpress.files import FileRefused, confined
from ladderpress.load import LoadedBrand, Project
from ladderpress.model import PLACEHOLDER, Ladder, Level, Person, Recipe, Track
from ladderpress.request import BuildRequest
from ladderpress.roster import Entry, Roster, assign_files, person_key, read_roster

NO_OWNERS: Mapping[str, str] = MappingProxyType({})
"""No packet written yet: the default for :func:`plan`'s ``owners``."""

FIT_STEPS = 3
"""Layouts a template may offer (fit 0, 1, 2) before a document longer than its ``max_pages`` is refused."""
SHARED_START = "shared-start"
"""The anchor a packet template puts where the pages shared by everyone of a combination begin
(templates get it as ``shared_start``)."""


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


DUPLEX_STYLESHEET = "duplex.css"


@dataclass(frozen=True)
class Engine:
    """What a worker needs to rebuild the engine: all picklable."""

    root: Path
    brand: Path | None
    edition: datetime.date | None
    variant: str | None
    private: tuple[Path, ...] = ()
    """Files and folders WeasyPrint must never read though they are in the project: rosters, the output."""

    def options(self) -> dict[str, object]:
        """The options that change a PDF's bytes, for the incremental build's keys."""
        return {"variant": self.variant, "edition": str(self.edition)}


def job_extras(job: Job, engine: Engine) -> str:
    """What decides a job's PDF besides its HTML: layout, stylesheets, brand, attachments and page limit."""
    return (
        f"{job.layout}|{job.stylesheets}|{job.brand.folder if job.brand else None}|{job.recipe.attachments}"
        f"|{job.recipe.max_pages}"
    )


@dataclass(frozen=True)
class Job:
    """One PDF to build: which recipe, which levels, and where it goes (see the two kinds below)."""

    recipe_name: str
    recipe: Recipe
    output: PurePosixPath
    """Relative to the output folder."""
    levels: tuple[Level, ...]
    """The selected levels, junior first."""
    track: Track | None = None
    focus: Level | None = None
    """The level a per-level document (or a packet) is about."""
    layout: Layout = Layout()
    stylesheets: tuple[str, ...] = ()
    brand: LoadedBrand | None = None
    organisation: str = ""
    """The ladder's organisation: the company a recipe's title names, unless the brand names its own."""

    @property
    def recipe_title(self) -> str:
        """The recipe's title with ``{organisation}`` filled in: the brand's name, else the ladder's organisation."""
        return self.recipe.title.replace(PLACEHOLDER, self.brand.brand.name if self.brand else self.organisation)

    @property
    def title(self) -> str:
        """The PDF's title (templates show it as ``job.title``)."""
        if self.focus is not None:
            return f"{self.focus.title} — {self.recipe_title}"
        return self.recipe_title

    @property
    def subject(self) -> str:
        return self.recipe.description or ""


@dataclass(frozen=True)
class DocumentJob(Job):
    """A document printed whole: a handbook, a track book, one level's guide or one-pager."""


@dataclass(frozen=True)
class PacketJob(Job):
    """One person's onboarding packet: their own pages, then pages shared by everyone of a combination.

    Its title and subject are written here only: the template shows ``job.title`` and
    ``job.subject``, and packets cut from a batch take them from their own pages' metadata.
    """

    person: Entry = dataclasses.field(kw_only=True)
    """The person (and roster row) the packet is for."""

    @property
    def level(self) -> Level:
        assert self.focus is not None, "a packet is planned with its person's level"
        return self.focus

    @property
    def title(self) -> str:
        return f"{self.person.person.name} — {self.recipe_title}"

    @property
    def subject(self) -> str:
        return f"Onboarding packet for {self.person.person.name}, {self.level.title}"

    @property
    def combination(self) -> tuple[object, ...]:
        """What a packet's shared pages depend on: recipe, level, track, brand, layout and language."""
        return (
            self.recipe_name,
            self.level.id,
            self.track.id if self.track else None,
            self.brand.folder if self.brand else None,
            self.layout,
            self.person.person.language,
        )

    def stand_in(self) -> PacketJob:
        """The job for a neutral person at the same level: its shared pages are everyone's."""
        person = Person(
            name="New Colleague",
            level=self.level.id,
            team="Your team",
            manager="Your manager",
            buddy="Your buddy",
            start_date=datetime.date(2000, 1, 3),
            track=self.track.id if self.track else None,
            language=self.person.person.language,
            extra=dict.fromkeys(self.recipe.roster_columns or (), ""),  # every column, as each person has
        )
        return dataclasses.replace(self, person=Entry(person, 0, "stand-in"))


def attachment_paths(root: Path, recipe: Recipe) -> tuple[Path, ...]:
    """The files a recipe attaches to each of its PDFs (checked to be inside the project when planned)."""
    return tuple(root / name for name in recipe.attachments)


def even_parts(items: list, most: int) -> list[list]:
    """``items`` in as few consecutive parts as hold at most ``most`` each, of sizes as even as can be."""
    parts = -(-len(items) // most)
    if not parts:
        return []
    size, larger = divmod(len(items), parts)  # the first `larger` parts hold one more
    bounds = [i * size + min(i, larger) for i in range(parts + 1)]
    return [items[bounds[i] : bounds[i + 1]] for i in range(parts)]


def selected_levels(ladder: Ladder, recipe: Recipe) -> tuple[Level, ...]:
    if recipe.select.family is not None:
        return tuple(ladder.levels_of_family(recipe.select.family))
    if recipe.select.track is not None:
        return tuple(ladder.levels_in(recipe.select.track))
    if recipe.select.levels is not None:
        wanted = set(recipe.select.levels)
        return tuple(lv for lv in ladder.ranked_levels() if lv.id in wanted)
    return tuple(ladder.ranked_levels())


SAFE_PART = re.compile(r"^[\w][\w.-]*$")


def output_path(recipe_name: str, recipe: Recipe, level: Level | None, person: str = "") -> PurePosixPath:
    """Fill the recipe's output pattern; refuse anything that would leave the output folder."""
    values = {
        "recipe": recipe_name,
        "track": recipe.select.track or "all",
        "level": level.id if level else "",
        "person": person,
    }
    path = PurePosixPath(recipe.output.format(**values))
    if path.is_absolute() or any(not SAFE_PART.match(part) for part in path.parts):
        raise ValueError(f"'{path}' is not a safe relative path")
    return path


def layout_for(recipe: Recipe, ladder: Ladder, brand: LoadedBrand | None, request: BuildRequest) -> Layout:
    """Paper: the command line, else the recipe, else the brand, else the ladder."""
    paper = request.paper or recipe.paper or (brand.brand.paper if brand else None) or ladder.paper
    return Layout(paper, request.bleed_mm, request.crop_marks)


def stylesheets_for(recipe: Recipe, request: BuildRequest) -> tuple[str, ...]:
    sheets = list(recipe.stylesheets())
    if (recipe.duplex or request.duplex) and DUPLEX_STYLESHEET not in sheets:
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


def plan(
    project: Project,
    request: BuildRequest = BuildRequest(),
    *,
    owners: Mapping[str, str] = NO_OWNERS,
    rosters: Mapping[str, Roster] | None = None,
) -> Plan:
    """The jobs for the request's recipes (all when it names none), in recipe-name order.

    ``owners`` maps each packet already in the output folder (its posix path there) to the
    :func:`~ladderpress.roster.person_key` it was written for, so no packet changes hands.
    The request's ``levels`` and ``people`` narrow the jobs to those documents; a name that
    matches nothing is a usage error, with the names it could have meant. ``rosters`` are those
    :func:`rosters_for` read (read here when not given).
    """
    recipes = project.recipes
    for name in request.recipes:
        if name not in recipes:
            raise UsageError(f"unknown recipe '{name}'{did_you_mean(name, sorted(recipes))}")
    result = Plan()
    if rosters is None:
        rosters, result.problems = rosters_for(project, request)
    for name in dict.fromkeys(request.recipes or sorted(recipes)):
        recipe = recipes[name]
        result.problems += _attachment_problems(project.root, name, recipe)
        if recipe.per == "person":
            if name in rosters:  # else its problem is reported already
                _plan_people(project, name, recipe, request, result, owners, rosters[name])
            continue
        levels = selected_levels(project.ladder, recipe)
        track = project.ladder.track(recipe.select.track) if recipe.select.track else None
        brand = project.brand_for(recipe)
        layout = layout_for(recipe, project.ladder, brand, request)
        for focus in levels if recipe.per == "level" else (None,):
            try:
                output = output_path(name, recipe, focus)
            except ValueError as exc:
                result.problems.append(
                    Problem(
                        f"guides/{name}.yaml",
                        str(exc),
                        field="output",
                        hint="use a relative pattern such as 'levels/{level}.pdf'",
                    )
                )
                continue
            result.jobs.append(
                DocumentJob(
                    name,
                    recipe,
                    output,
                    levels,
                    track,
                    focus,
                    layout,
                    stylesheets_for(recipe, request),
                    brand,
                    project.ladder.organisation,
                )
            )
    result.problems += _clashes(result.jobs)
    if request.levels or request.people:
        result.jobs = narrowed(project, request, result.jobs)
    return result


def narrowed(project: Project, request: BuildRequest, jobs: list[Job]) -> list[Job]:
    """The jobs for the request's levels and people only (``--level``, ``--person``).

    ``--level`` keeps the documents made per level or per person at those levels; ``--person``
    keeps those people's packets. A recipe named on the command line that cannot be narrowed
    that way, or a level or person it does not have, is a usage error.
    """
    ids = [level.id for level in project.ladder.levels]
    for level_id in request.levels:
        if level_id not in ids:
            raise UsageError(f"--level '{level_id}' is not a level of this ladder{did_you_mean(level_id, ids)}")
    kind = " and ".join(flag for flag, given in (("--level", request.levels), ("--person", request.people)) if given)
    for name in request.recipes:
        recipe = project.recipes[name]
        if (request.people and recipe.per != "person") or recipe.per == "document":
            raise UsageError(_not_narrowed(name, recipe, request))
    kept = [
        job
        for job in jobs
        if (not request.people or isinstance(job, PacketJob))
        and (not request.levels or (job.focus is not None and job.focus.id in request.levels))
    ]
    if request.people:
        named = {person_key(name): name for name in request.people}
        # anyone in the roster counts as known, at whatever level: --level then narrows further
        people = {job.person.key: job.person.person.name for job in jobs if isinstance(job, PacketJob)}
        for key, name in named.items():
            if key not in people:
                raise UsageError(
                    f"--person '{name}' is not in the roster{_closest(name, sorted(people.values()))}"
                    " (names are matched ignoring case and spacing)"
                    if people
                    else f"--person '{name}': no recipe built here makes one packet per person"
                )
        kept = [job for job in kept if isinstance(job, PacketJob) and job.person.key in named]
        found = {job.person.key for job in kept if isinstance(job, PacketJob)}
        for job in jobs:
            if isinstance(job, PacketJob) and job.person.key in named and job.person.key not in found:
                raise UsageError(
                    f"--person '{named[job.person.key]}' is at level '{job.level.id}', which --level "
                    f"{', '.join(request.levels)} leaves out"
                )
    for name in request.recipes:
        if not any(job.recipe_name == name for job in kept):
            raise UsageError(_not_narrowed(name, project.recipes[name], request))
    if not kept:
        verb = "match" if request.levels and request.people else "matches"
        raise UsageError(f"{kind} {verb} no document of the recipes built here")
    return kept


def _not_narrowed(name: str, recipe: Recipe, request: BuildRequest) -> str:
    """Why a recipe named on the command line has no document left after ``--level`` or ``--person``."""
    made = "one document" if recipe.per == "document" else f"one document per {recipe.per}"
    if request.people and recipe.per != "person":
        return f"recipe '{name}' makes {made}, so --person does not apply to it"
    if recipe.per == "document":
        return f"recipe '{name}' makes {made}, so --level does not apply to it"
    return f"recipe '{name}' has no document for level {', '.join(request.levels)}"


def rosters_for(project: Project, request: BuildRequest) -> tuple[dict[str, Roster], list[Problem]]:
    """The roster of each per-person recipe the request builds, read and checked, by recipe name;
    and the problems that stop the build (a roster that is missing, outside the project or unreadable).

    A roster named by the recipe must be in the project; one given with --roster must be in
    its own folder (a symlink out of it is refused). Bad rows are not problems here: each is
    a :attr:`Roster.problems` entry, and the plan rejects that row alone.
    """
    rosters: dict[str, Roster] = {}
    problems: list[Problem] = []
    for name in dict.fromkeys(request.recipes or sorted(project.recipes)):
        recipe = project.recipes.get(name)
        if recipe is None or recipe.per != "person":
            continue
        roster_path = request.roster or ((project.root / recipe.roster) if recipe.roster else None)
        if roster_path is None:
            problems.append(
                Problem(
                    f"guides/{name}.yaml",
                    "builds one packet per person but names no roster",
                    field="roster",
                    hint="add roster: examples/new-hires.csv, or use --roster FILE",
                    code="roster.missing",
                )
            )
            continue
        # realpath, not resolve(): it never raises on a symlink loop (read_roster reports that one)
        if request.roster is None and not Path(os.path.realpath(roster_path)).is_relative_to(project.root):
            problems.append(
                Problem(
                    f"guides/{name}.yaml",
                    f"roster '{recipe.roster}' is outside the project",
                    field="roster",
                    hint="keep rosters in the project, or pass --roster FILE",
                    code="roster.outside",
                )
            )
            continue
        roots = (roster_path.parent,) if request.roster is not None else (project.root,)
        roster = read_roster(
            roster_path, project.root, project.ladder, roots, recipe.roster_columns or (), f"guides/{name}.yaml"
        )
        if roster.fatal:
            problems += roster.problems
        else:
            rosters[name] = roster
    return rosters, problems


def _plan_people(
    project: Project,
    name: str,
    recipe: Recipe,
    request: BuildRequest,
    result: Plan,
    owners: Mapping[str, str],
    roster: Roster,
) -> None:
    """One job per valid roster row; bad rows are rejected, each with its own problem.

    Output files are assigned by :func:`~ladderpress.roster.assign_files`, which keeps each
    packet with the person it was written for.
    """
    result.rejected += roster.problems
    result.warnings += roster.warnings
    brand = project.brand_for(recipe)
    layout = layout_for(recipe, project.ladder, brand, request)

    def fill(entry: Entry, slug: str) -> PurePosixPath:
        return output_path(name, recipe, project.ladder.level(entry.person.level), slug)

    try:
        placed = assign_files(roster.entries, fill, owners)
    except ValueError as exc:
        result.problems.append(
            Problem(
                f"guides/{name}.yaml",
                str(exc),
                field="output",
                hint="use a relative pattern such as 'onboarding/{person}.pdf'",
            )
        )
        return
    for entry, output in placed:
        level = project.ladder.level(entry.person.level)
        track = project.ladder.track(entry.person.track) if entry.person.track else None
        levels = tuple(project.ladder.levels_in(track.id)) if track else tuple(project.ladder.ranked_levels())
        result.jobs.append(
            PacketJob(
                name,
                recipe,
                output,
                levels,
                track,
                level,
                layout,
                stylesheets_for(recipe, request),
                brand,
                project.ladder.organisation,
                person=entry,
            )
        )


def _attachment_problems(root: Path, name: str, recipe: Recipe) -> list[Problem]:
    """Each file a recipe attaches must be a regular file inside the project."""
    problems = []
    for i, path in enumerate(attachment_paths(root, recipe)):
        try:
            confined(path, (root,))
            if not path.is_file():
                raise FileRefused(path, "is not a regular file", "attach an ordinary file")
        except FileRefused as exc:
            problems.append(
                Problem(
                    f"guides/{name}.yaml",
                    f"attachment '{recipe.attachments[i]}' {exc.what}",
                    field=f"attachments[{i}]",
                    hint=exc.hint,
                )
            )
    return problems


def _clashes(jobs: list[Job]) -> list[Problem]:
    """Two jobs writing the same file would silently overwrite each other."""
    owner: dict[PurePosixPath, str] = {}
    problems = []
    for job in jobs:
        if job.output in owner:
            other = owner[job.output]
            why = (
                f", which recipe '{other}' also writes"
                if other != job.recipe_name
                else " more than once: its pattern does not tell the documents apart"
            )
            problems.append(
                Problem(
                    f"guides/{job.recipe_name}.yaml",
                    f"writes {job.output}{why}",
                    field="output",
                    hint="give each document its own output name",
                )
            )
        owner.setdefault(job.output, job.recipe_name)
    return problems


def _closest(name: str, names: list[str]) -> str:
    """``; did you mean '…'?`` for the one name closest to a mistyped --person, else nothing.

    Never a list of the roster's names, as a did-you-mean for ids gives: logs name no one but
    the person asked for, and a typo should not print a hiring wave.
    """
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    if not close:
        return ""
    shown = close[0] if len(close[0]) <= 60 else close[0][:59] + "…"
    return f"; did you mean '{shown}'?"

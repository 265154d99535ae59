"""The build layer: load → plan → render → print → write, as generators of events.

:func:`build` is the library's entry point and the command line's: it reads and checks
all input before it writes anything, plans the documents, skips those whose inputs have
not changed, prints the rest in worker processes and writes each PDF as it arrives. It
yields typed events (:mod:`ladderpress.events`) and ends with :class:`Finished`, whose
result says what was written and what failed. :func:`check` and :func:`listing` do the
first steps only. None of them prints anything or reads process-wide state: everything
comes from the :class:`~ladderpress.request.BuildRequest`.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Generator, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ladderpress.cache import CACHE_FILE, BuildCache, engine_fingerprint
from ladderpress.delivery import Delivery, Packet, clashes, csv_bytes, deliveries, list_path, row_of
from ladderpress.errors import InputErrors, Problem, UsageError, shown_path
from ladderpress.events import (
    BuildError,
    Checked,
    Event,
    Failed,
    Finished,
    Listed,
    ManifestWritten,
    Planned,
    Refused,
    Reviewed,
    Started,
    Tally,
    Waiting,
    Warned,
    Written,
)
from ladderpress.load import Project, load_project
from ladderpress.plan import FIT_STEPS, Engine, Job, PacketJob, Plan, job_extras, plan, rosters_for
from ladderpress.render import Renderers, TemplateProblem
from ladderpress.request import BuildRequest
from ladderpress.roster import Roster
from ladderpress.write import FolderBusy, OutputFolder, WriteRefused

CACHE_SAVE_SECONDS = 2.0
"""During a build, the record of finished PDFs is saved at most this often (and always at the end)."""
INPUT_FOLDERS = ("content", "guides", "templates", "styles", "brands", "examples", "schemas")
"""Project folders the build reads: the output may be neither one of them, nor inside one."""


def build(project: str | Path = ".", **options: Any) -> Iterator[Event]:
    """Build a project's documents, yielding events as it goes; the last is :class:`Finished`.

    ``options`` are the fields of :class:`~ladderpress.request.BuildRequest` (``recipes``,
    ``levels``, ``people``, ``out``, ``brand``, ``paper``, ``workers``, ``force``, …). A wrong
    option raises :class:`~ladderpress.errors.UsageError`; problems in the input are a
    :class:`Refused` event, and nothing is written.
    """
    return run(BuildRequest(project=Path(project), **options))


@dataclass(frozen=True)
class Opened:
    """A project read and checked, ready to plan."""

    project: Project
    renderers: Renderers
    out_dir: Path
    rosters: dict[str, Roster]
    """The roster of each per-person recipe the request builds (see :func:`~ladderpress.plan.rosters_for`)."""


def open_project(request: BuildRequest) -> Opened:
    """Read and check all input: content, recipes, brands, templates, rosters and the output folder.

    This is the one entry point for input: everything a build reads is read here, before
    anything is planned or written. Raises :class:`InputErrors` with every problem found (the
    templates' and the rosters' together, once the content itself is valid), or :class:`UsageError`.
    """
    project = load_project(request.project, request.brand)
    renderers = Renderers(project, request.edition or project.ladder.date)
    rosters, roster_problems = rosters_for(project, request)
    problems = renderers.check_templates() + roster_problems
    if problems:
        raise InputErrors(problems)
    return Opened(project, renderers, output_folder(request.out, project), rosters)


def output_folder(given: Path | None, project: Project) -> Path:
    """The output folder: ``--out`` or PROJECT/out; never a folder the build reads from."""
    out_dir = given if given is not None else project.root / "out"
    resolved = out_dir.resolve()
    inputs = [project.root / name for name in INPUT_FOLDERS] + list(project.brands)
    for folder in inputs:
        if resolved.is_relative_to(folder.resolve()):
            raise UsageError(
                f"--out {out_dir} is inside {folder}, which the build reads; choose a folder of its own, like out/"
            )
    if project.root.resolve().is_relative_to(resolved):
        raise UsageError(f"--out {out_dir} holds the whole project; choose a folder of its own, like out/")
    return out_dir


def planned(opened: Opened, request: BuildRequest, owners: dict[str, str]) -> Plan:
    """The plan, with a warning for a roster given but not used; raises InputErrors if it cannot be made
    (or if two recipes built here would write one delivery list)."""
    result = plan(opened.project, request, owners=owners, rosters=opened.rosters)
    recipes = opened.project.recipes
    result.problems += clashes(recipes, request.recipes or sorted(recipes))
    if result.problems:
        raise InputErrors(result.problems)
    result.warnings[:0] = opened.project.warnings
    if (
        request.roster is not None
        and not any(isinstance(job, PacketJob) for job in result.jobs)
        and not result.rejected
    ):
        result.warnings.append(
            f"--roster {request.roster} is not used: no recipe built here makes one document "
            "per person (such as onboarding)"
        )
    return result


def _announced(result: Plan) -> Iterator[Event]:
    """A plan's warnings, and its roster rows that cannot be built."""
    for warning in result.warnings:
        yield Warned(warning)
    for problem in result.rejected:
        yield Failed(problem.file, str(problem))


def _prepared(request: BuildRequest, tally: Tally) -> Generator[Event, None, tuple[Opened, Plan] | None]:
    """Open and plan for ``check`` and ``list``: the plan's events (or the refusal), then what was made."""
    try:
        opened = open_project(request)
        result = planned(opened, request, {})
    except InputErrors as exc:
        yield tally.add(Refused(tuple(exc.problems)))
        return None
    for event in _announced(result):
        yield tally.add(event)
    return opened, result


def check(request: BuildRequest) -> Iterator[Event]:
    """Read, plan and render every document (no PDF): every problem, or :class:`Checked`."""
    started = time.perf_counter()
    tally = Tally(request.output_dir)
    prepared = yield from _prepared(request, tally)
    if prepared is not None:
        opened, result = prepared
        problems = render_all(opened.renderers, result.jobs)
        if problems:
            yield tally.add(Refused(tuple(problems)))
        elif not result.rejected:
            yield Checked(len(opened.project.ladder.levels), len(opened.project.recipes), len(result.jobs))
    yield Finished(tally.result(time.perf_counter() - started))


def render_all(renderers: Renderers, jobs: list[Job]) -> list[Problem]:
    """Render every job's HTML (no PDF) and return the distinct template problems found."""
    problems: dict[str, Problem] = {}
    for job in jobs:
        try:
            renderers.for_job(job).source(job)
        except TemplateProblem as exc:
            problems.setdefault(str(exc.problem), exc.problem)
    return list(problems.values())


def listing(request: BuildRequest) -> Iterator[Event]:
    """Each recipe and the files it would write (:class:`Listed`; a per-person recipe's delivery list
    among them), without rendering anything."""
    started = time.perf_counter()
    tally = Tally(request.output_dir)
    prepared = yield from _prepared(request, tally)
    if prepared is not None:
        _, result = prepared
        by_recipe: dict[str, list[Job]] = {}
        for job in result.jobs:
            by_recipe.setdefault(job.recipe_name, []).append(job)
        for name, jobs in by_recipe.items():
            outputs = tuple(job.output for job in jobs)
            delivery = list_path(name, jobs[0].recipe) if jobs[0].recipe.per == "person" else None
            yield Listed(name, jobs[0].recipe_title, jobs[0].recipe.template, outputs, delivery)
    yield Finished(tally.result(time.perf_counter() - started))


def run(request: BuildRequest) -> Iterator[Event]:
    """The build :func:`build` describes, for a request already made.

    All input is read and planned before the output folder is locked; if another build
    recorded packets meanwhile, it plans again with their owners. The build's records are
    saved however it ends (interrupted ones included), so they always tell which PDFs are
    complete.
    """
    started = time.perf_counter()
    tally = Tally(request.output_dir)
    try:
        opened = open_project(request)
        folder = OutputFolder(opened.out_dir)
        owners = folder.owners()
        result = planned(opened, request, owners)
    except InputErrors as exc:
        yield tally.add(Refused(tuple(exc.problems)))
        yield Finished(tally.result(time.perf_counter() - started))
        return
    tally.output = opened.out_dir
    for event in _announced(result):
        yield tally.add(event)
    shown = shown_path(opened.out_dir)
    try:
        with ExitStack() as stack:
            try:
                stack.enter_context(folder.lock(wait=False))
            except FolderBusy as busy:
                if not request.wait:
                    raise
                yield Waiting(busy.holder, opened.out_dir)
                stack.enter_context(folder.lock(wait=True))
            if folder.owners() != owners:  # another build wrote packets meanwhile: plan with what it recorded
                owners = folder.owners()
                result = plan(opened.project, request, owners=owners, rosters=opened.rosters)
            lists = delivery_lists(opened, request, result, owners)
            for event in Printing(opened, request, folder, shown).events(result.jobs, lists):
                yield tally.add(event)
    except (FolderBusy, WriteRefused) as exc:
        fix = (
            "wait for it to finish, or build into another folder with --out"
            if isinstance(exc, FolderBusy)
            else "make the output folder writable, or choose another with --out"
        )
        text = str(exc) if "(fix:" in str(exc) else f"{exc} (fix: {fix})"
        yield tally.add(BuildError(f"nothing was built: {text}"))
    yield Finished(tally.result(time.perf_counter() - started))


def delivery_lists(opened: Opened, request: BuildRequest, result: Plan, owners: dict[str, str]) -> list[Delivery]:
    """The delivery list of each per-person recipe this build prints packets of, with the whole roster's packets.

    A full build lists every per-person recipe it builds (an empty roster empties its list). A
    partial one (``--person``, ``--level``) lists only the recipes it prints packets of, each
    with everyone on its roster: the plan without the narrowing, with the same owners, so the
    same files.
    """
    recipes = opened.project.recipes
    names = [name for name in request.recipes or sorted(recipes) if name in opened.rosters]
    if not (request.people or request.levels):
        return deliveries(recipes, names, result.jobs)
    names = [name for name in names if any(job.recipe_name == name for job in result.jobs)]
    if not names:
        return []
    whole = dataclasses.replace(request, recipes=tuple(names), people=(), levels=())
    return deliveries(recipes, names, plan(opened.project, whole, owners=owners, rosters=opened.rosters).jobs)


def private_paths(project: Project, given: Path | None, out_dir: Path) -> tuple[Path, ...]:
    """What WeasyPrint never reads: every roster the project names, the one given, and the output folder."""
    named = [project.root / recipe.roster for recipe in project.recipes.values() if recipe.roster]
    output = [out_dir.absolute()] if not project.root.is_relative_to(out_dir.resolve()) else []
    return tuple(dict.fromkeys([*named, *([given.absolute()] if given else []), *output]))


def engine_for(opened: Opened, request: BuildRequest) -> Engine:
    """What a worker process needs to print for this request."""
    project = opened.project
    return Engine(
        project.root,
        request.brand.resolve() if request.brand else None,
        request.edition or project.ladder.date,
        request.pdf_variant,
        private_paths(project, request.roster, opened.out_dir),
    )


@dataclass
class Todo:
    """What a build prints: jobs whose inputs changed, their HTML and keys; and what it does not."""

    jobs: list[Job] = field(default_factory=list)
    sources: list[str | None] = field(default_factory=list)
    """Each job's HTML, printed as it is (None for a packet, printed from its parts)."""
    keys: dict[PurePosixPath, str] = field(default_factory=dict)
    fresh: list[PurePosixPath] = field(default_factory=list)
    """Documents up to date, left as they are."""
    failed: list[Failed] = field(default_factory=list)
    """Documents whose templates failed before anything was printed."""


class Printing:
    """One build's printing and writing, with the output folder locked by the caller."""

    def __init__(self, opened: Opened, request: BuildRequest, folder: OutputFolder, shown: str) -> None:
        self.opened = opened
        self.request = request
        self.folder = folder
        self.shown = shown
        self.engine = engine_for(opened, request)
        self.cache_error: str | None = None
        self.considered: set[PurePosixPath] = set()
        """The outputs of the jobs this build was asked for (printed, failed or up to date)."""
        self.current: set[PurePosixPath] = set()
        """Those written by this build, or up to date: PDFs that are what their inputs make now."""
        self.replaced: set[PurePosixPath] = set()
        """Those written by this build."""

    def events(self, jobs: list[Job], deliveries: Sequence[Delivery] = ()) -> Iterator[Event]:
        """Every job whose inputs changed printed and written, then each delivery list; the record saved at the end.

        The delivery lists are made once printing has run to its end. A build interrupted before
        then leaves a list as it was when none of its packets was replaced; one that replaced some
        is rewritten with the rows still true (a replaced packet has a new hash, and the packets
        not reached are out of date), as a partial build would write it.
        """
        cache = BuildCache.open(
            self.folder.root, engine_fingerprint(self.engine.options()), self.opened.project.allowed_roots
        )
        delivered = False
        try:
            yield from self._print(jobs, cache)
            for delivery in deliveries:
                yield from self._deliver(delivery, cache)
            delivered = True
        finally:
            if not delivered:
                self._correct(deliveries, cache)
            self._save(cache)  # even when interrupted: the record tells which PDFs are complete
        if self.cache_error:
            yield BuildError(self.cache_error)

    def _save(self, cache: BuildCache) -> None:
        try:
            cache.save()
        except OSError as exc:
            self.cache_error = (
                f"{self.shown}/{CACHE_FILE}: cannot be saved ({exc.strerror}) (fix: make the output "
                "folder writable, or free disk space)"
            )

    def _todo(self, jobs: Sequence[Job], cache: BuildCache, force: bool | None = None) -> Todo:
        """The jobs whose inputs changed since their PDF was written, each with its cache key.

        A job's key covers its HTML, and for a document held to ``max_pages``, the HTML of its
        tighter layouts too, since it may be printed from one of them. ``force`` (default: the
        request's ``--force``) counts every job as changed.
        """
        force = self.request.force if force is None else force
        todo = Todo()
        for job in jobs:
            renderer = self.opened.renderers.for_job(job)
            try:
                source = renderer.source(job)
                tighter = [renderer.source(job, fit) for fit in range(1, FIT_STEPS)] if job.recipe.max_pages else []
            except TemplateProblem as exc:
                todo.failed.append(Failed(f"{self.shown}/{job.output}", str(exc.problem), job.output))
                continue
            key = cache.key(source + "".join(tighter), job_extras(job, self.engine))
            if not force and cache.up_to_date(job.output, key, self.folder.root):
                todo.fresh.append(job.output)
                continue
            todo.jobs.append(job)
            todo.sources.append(None if isinstance(job, PacketJob) else source)  # a packet is printed from parts
            todo.keys[job.output] = key
        return todo

    def _print(self, jobs: list[Job], cache: BuildCache) -> Iterator[Event]:
        todo = self._todo(jobs, cache)
        self.considered.update(job.output for job in jobs)
        self.current.update(todo.fresh)
        yield from todo.failed
        yield Planned(tuple(job.output for job in todo.jobs), tuple(todo.fresh))
        for output in todo.fresh:  # what preflight found when they were written still holds
            if findings := cache.findings(output):
                yield Reviewed(output, findings)
        if not todo.jobs:
            return
        from ladderpress.produce import Began, produce  # WeasyPrint is imported only when something is printed

        saved = time.monotonic()
        for outcome in produce(
            self.opened.project, self.opened.renderers, self.engine, todo.jobs, todo.sources, self.request.workers
        ):
            if isinstance(outcome, Began):
                yield Started(tuple(todo.jobs[i].output for i in outcome.indices))
                continue
            job = todo.jobs[outcome.index]
            target = f"{self.shown}/{job.output}"
            if outcome.printed is None:
                yield Failed(target, outcome.error or "unknown failure", job.output)
                continue
            # recorded before it is written: stopped in between, the record names a PDF that is not
            # there yet, which only causes a rebuild (the other way round, a finished PDF would be
            # rebuilt for nothing, or an old one taken as new)
            printed = outcome.printed
            cache.record(
                job.output, todo.keys[job.output], printed.data, printed.files, printed.findings, printed.pages
            )
            try:
                path = self.folder.write(
                    job.output, outcome.printed.data, job.person.key if isinstance(job, PacketJob) else None
                )
            except WriteRefused as exc:
                cache.forget(job.output)
                yield Failed(target, str(exc), job.output)
                continue
            self.current.add(job.output)
            self.replaced.add(job.output)
            if time.monotonic() - saved > CACHE_SAVE_SECONDS:  # a build killed outright loses little
                self._save(cache)
                saved = time.monotonic()
            for warning in outcome.printed.stylesheet_warnings:
                yield Warned(warning)
            for warning in outcome.printed.warnings:
                yield Warned(f"{target} (template {job.recipe.template}): {warning}")
            yield Written(job.output, path, outcome.printed.pages, len(outcome.printed.data))
            if outcome.printed.findings:
                yield Reviewed(job.output, tuple(outcome.printed.findings))

    def _correct(self, deliveries: Sequence[Delivery], cache: BuildCache) -> None:
        """After an interruption, rewrite each list some of whose packets this build replaced (see :meth:`events`)."""
        for delivery in deliveries:
            if not any(job.output in self.replaced for job in delivery.packets):
                continue
            try:
                for _ in self._deliver(delivery, cache):
                    pass
            except Exception:  # noqa: BLE001 -- the interruption is what the user is told of
                pass

    def _deliver(self, delivery: Delivery, cache: BuildCache) -> Iterator[Event]:
        """Write a per-person recipe's delivery list: a row for each person whose packet is current.

        Current is what this build wrote or found up to date; the people a partial build
        (``--person``, ``--level``) was not asked for are checked here as a full build would
        check them, and listed when their packet is up to date (see :mod:`ladderpress.delivery`).
        Each row's hash is read back from the file on disk; a list whose bytes would not change
        is left as it was, and an empty one is written only to replace a list already there.
        """
        others = [job for job in delivery.packets if job.output not in self.considered]
        fresh = set(self._todo(others, cache, force=False).fresh) if others else set()
        current = self.current | fresh
        rows = []
        for job in delivery.packets:
            recorded = cache.written(job.output) if job.output in current else None
            if recorded is None:
                continue
            sha256, pages = recorded
            packet = Packet(job.person.person, job.output, sha256, pages)
            row = row_of(self.folder.root, delivery.output.parent, packet)
            if row is None:
                continue
            if pages is None:
                cache.note_pages(job.output, row.pages)
            rows.append(row)
        if not rows and not os.path.lexists(self.folder.root / delivery.output):
            return  # nothing to send, and no list to correct: a build whose packets all failed leaves no new file
        data = csv_bytes(rows)
        changed = not self.folder.holds(delivery.output, data)
        if changed:
            try:
                self.folder.write(delivery.output, data)
            except WriteRefused as exc:
                yield BuildError(f"{self.shown}/{delivery.output}: the delivery list was not written: {exc}")
                return
        yield ManifestWritten(
            delivery.output,
            self.folder.root / delivery.output,
            len(rows),
            len(delivery.packets),
            len(others) - len(fresh),
            changed,
        )

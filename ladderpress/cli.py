"""The command line: ``python build.py [RECIPE ...] [options]`` and ``python build.py check``.

Exit codes (also in ``--help`` and the README):
  0  everything asked for was built (or checked) without problems
  1  the input has problems (content, recipes, templates), or a document failed
  2  the command line is wrong (unknown option or recipe name)
"""

from __future__ import annotations

import argparse
import datetime
import logging
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from ladderpress.errors import (
    EXIT_INPUT,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_TERMINATED,
    EXIT_USAGE,
    InputErrors,
    Problem,
    UsageError,
)
from ladderpress.load import Project, load_project
from ladderpress.plan import FIT_STEPS, PDF_VARIANTS, Engine, Job, Plan, Settings, job_extras, plan
from ladderpress.cache import CACHE_FILE, BuildCache, engine_fingerprint
from ladderpress.render import Renderers, TemplateProblem
from ladderpress.scaffold import init_project, new_brand
from ladderpress.schema import write_schemas
from ladderpress.write import FolderBusy, OutputFolder, WriteRefused

COMMANDS = {
    "check": "validate content, recipes and templates without printing PDFs",
    "new-brand NAME": "create brands/NAME: a commented brand.yaml, a placeholder logo, one example override",
    "schema": "write JSON Schemas for editors into schemas/ (content, level, recipe, brand, roster)",
    "init DIR": "create a project of your own in DIR that builds at once (templates and styles stay built in)",
}
COMMAND_WORDS = {usage.split()[0] for usage in COMMANDS}

EPILOG = "commands:\n" + "".join(f"  {usage:<15}{text}\n" for usage, text in COMMANDS.items()) + """
exit codes:
  0    everything asked for was built (or checked) without problems
  1    the input has problems (content, recipes, templates), or a document failed to build
  2    the command line is wrong (unknown option or recipe name)
  130  interrupted (Ctrl+C): PDFs already written are complete, the rest untouched
  143  stopped by SIGTERM, as with Ctrl+C

examples:
  python build.py                      build every recipe in guides/ into out/
  python build.py one-pagers ic-track  build two recipes
  python build.py --list               show recipes and the files each would write
  python build.py check                validate everything, print nothing
  python build.py --brand brands/acme  build everything in the Acme brand
"""


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="ladderpress",
        description="Build career-ladder PDFs from the YAML and Markdown in content/ and the recipes in guides/.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("targets", nargs="*", metavar="RECIPE",
                   help="recipes to build (file names in guides/ without .yaml); default: all; or 'check'")
    p.add_argument("--out", type=Path, metavar="DIR", help="output folder (default: PROJECT/out)")
    p.add_argument("--project", type=Path, default=Path("."), metavar="DIR",
                   help="project folder holding content/, guides/, templates/, styles/ (default: .)")
    p.add_argument("--list", action="store_true", help="list recipes and the documents each would produce")
    p.add_argument("--brand", type=Path, metavar="DIR",
                   help="a brand folder (brand.yaml, logo, fonts, overrides) applied to every document")
    p.add_argument("--roster", type=Path, metavar="FILE",
                   help="CSV or YAML roster for per-person recipes such as onboarding (default: the recipe's)")
    p.add_argument("-j", "--jobs", type=_workers, default=min(os.cpu_count() or 1, 64), metavar="N",
                   help="documents printed at once, in N worker processes (default: the number of cores)")
    p.add_argument("--watch", action="store_true",
                   help="after building, rebuild whenever a file in content, guides, templates, styles, "
                        "examples or the brand is saved; problems are shown and the watch goes on")
    p.add_argument("--force", action="store_true",
                   help="rebuild every document, even those whose inputs have not changed")
    p.add_argument("--no-wait", action="store_true",
                   help="when another build is writing to the same output folder, fail at once instead of waiting")
    p.add_argument("--render-in-full", action="store_true",
                   help="print each onboarding packet whole instead of reusing its level's shared pages "
                        "(slower; for comparison and benchmarks)")
    printing = p.add_argument_group("printing")
    printing.add_argument("--paper", choices=["A4", "Letter"], help="paper size (default: recipe, then ladder, then A4)")
    printing.add_argument("--duplex", action="store_true",
                          help="print for both sides: binding margins, chapters on right-hand pages")
    printing.add_argument("--bleed", type=_millimetres, default=0.0, metavar="MM",
                          help="bleed for a print shop, e.g. 3mm; backgrounds that reach the edge extend into it")
    printing.add_argument("--crop-marks", action="store_true", help="draw crop marks in the bleed (needs --bleed)")
    printing.add_argument("--pdf-variant", choices=PDF_VARIANTS,
                          help="a PDF standard: pdf/ua-1 (accessible), pdf/a-3b or pdf/a-2b (archiving); "
                               "default: a plain tagged PDF")
    return p


def _workers(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 64:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of worker processes from 1 to 64")
    return int(text)


def _millimetres(text: str) -> float:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(mm)?\s*", text)
    if not match or float(match[1]) > 20:
        raise argparse.ArgumentTypeError(f"'{text}' is not a bleed such as 3mm (0 to 20 mm)")
    return float(match[1])


def edition_date(environ: dict[str, str], ladder_date: datetime.date | None) -> datetime.date | None:
    """The date written into PDF metadata: SOURCE_DATE_EPOCH, else the ladder's date, else none.

    Never the clock, so that two builds of the same input are byte-identical.
    """
    epoch = environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        if not epoch.isdigit():
            raise UsageError(f"SOURCE_DATE_EPOCH='{epoch}' is not a number of seconds since 1970")
        try:
            return datetime.datetime.fromtimestamp(int(epoch), datetime.UTC).date()
        except (ValueError, OverflowError, OSError):
            raise UsageError(f"SOURCE_DATE_EPOCH='{epoch}' is not a date this tool can write") from None
    return ladder_date


@dataclass
class Report:
    """What happened to each document, for the closing summary."""

    built: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    up_to_date: int = 0
    errors: list[str] = field(default_factory=list)
    """Problems of the build itself, not of one document (a busy output folder, a record not saved)."""


class Cli:
    def __init__(self, out: Console, err: Console) -> None:
        self.out = out
        self.err = err

    def problems(self, problems: list[Problem]) -> None:
        for problem in problems:
            self.err.print(f"[bold red]error[/]: {escape(str(problem))}", soft_wrap=True, highlight=False)
        self.err.print(f"[red]{len(problems)} problem{'s' if len(problems) != 1 else ''} found; nothing was built.[/]",
                       highlight=False)

    def warn(self, text: str) -> None:
        self.err.print(f"[yellow]warning[/]: {escape(text)}", soft_wrap=True, highlight=False)

    def listing(self, project: Project, jobs: list[Job]) -> None:
        by_recipe: dict[str, list[Job]] = {}
        for job in jobs:
            by_recipe.setdefault(job.recipe_name, []).append(job)
        for name, recipe_jobs in by_recipe.items():
            recipe = project.recipes[name]
            self.out.print(f"[bold]{name}[/]  {escape(recipe.title)}  [dim]({recipe.template}, "
                           f"{len(recipe_jobs)} document{'s' if len(recipe_jobs) != 1 else ''})[/]", highlight=False)
            for job in recipe_jobs:
                self.out.print(f"  {job.output}", highlight=False)

    def build(self, project: Project, renderers: Renderers, jobs: list[Job], folder: OutputFolder, engine: Engine,
              workers: int, report: Report, force: bool = False) -> Report:
        """Print every job whose inputs changed, in worker processes; write each PDF as it arrives.

        ``folder`` is locked by the caller. The records are saved however the build ends
        (interrupted ones included), so they always tell which PDFs are complete.
        """
        shown = _shown_dir(folder.root)
        cache = BuildCache.open(folder.root, engine_fingerprint(engine.options()), project.allowed_roots)
        try:
            self._build(renderers, jobs, folder, shown, engine, workers, report, cache, force)
        finally:
            self._save(cache, shown, report)
        return report

    def error(self, report: Report, text: str) -> None:
        report.errors.append(text)
        self.err.print(f"[bold red]error[/]: {escape(text)}", soft_wrap=True, highlight=False)

    def _build(self, renderers: Renderers, jobs: list[Job], folder: OutputFolder, shown: str, engine: Engine,
               workers: int, report: Report, cache: BuildCache, force: bool) -> None:
        todo: list[Job] = []
        sources: list[str | None] = []
        keys: dict[PurePosixPath, str] = {}
        for job in jobs:
            try:
                source = renderers.for_job(job).source(job)
            except TemplateProblem as exc:
                self._failed(report, f"{shown}/{job.output}", str(exc.problem))
                continue
            try:  # a document that must fit a page limit may be printed from a tighter layout's HTML
                tighter = "".join(renderers.for_job(job).render(job, fit) for fit in range(1, FIT_STEPS)) \
                    if job.recipe.max_pages is not None else ""
            except TemplateProblem as exc:
                self._failed(report, f"{shown}/{job.output}", str(exc.problem))
                continue
            key = cache.key(source + tighter, job_extras(job, engine))
            if not force and cache.up_to_date(job.output, key, folder.root):
                report.up_to_date += 1
                continue
            keys[job.output] = key
            todo.append(job)
            sources.append(source if job.person is None else None)  # a packet is printed from its parts
        if todo:
            self._produce(renderers.project, renderers, todo, sources, folder, shown, engine, workers, report, cache,
                          keys)

    def _save(self, cache: BuildCache, shown: str, report: Report) -> None:
        try:
            cache.save()
        except OSError as exc:
            if not any(CACHE_FILE in error for error in report.errors):  # said once, however often it is tried
                self.error(report, f"{shown}/{CACHE_FILE}: cannot be saved ({exc.strerror}) (fix: make the output "
                                    "folder writable, or free disk space)")

    def _produce(self, project: Project, renderers: Renderers, jobs: list[Job], sources: list[str | None],
                 folder: OutputFolder, shown: str, engine: Engine, workers: int, report: Report, cache: BuildCache,
                 keys: dict[PurePosixPath, str]) -> None:
        from ladderpress.produce import produce  # WeasyPrint is imported only when something is printed

        progress = _progress(self.out) if self.out.is_terminal else None
        task = progress.add_task("building", total=len(jobs)) if progress else None
        done = 0
        saved = time.monotonic()
        with progress if progress else _nothing():
            for outcome in produce(project, renderers, engine, jobs, sources, workers):
                job = jobs[outcome.index]
                target = f"{shown}/{job.output}"
                done += 1
                if progress is not None and task is not None:
                    progress.advance(task)
                if outcome.printed is None:
                    self._failed(report, target, outcome.error or "unknown failure")
                    continue
                # recorded before it is written: stopped in between, the record names a PDF that is not
                # there yet, which only causes a rebuild (the other way round, a finished PDF would be
                # rebuilt for nothing, or an old one taken as new)
                cache.record(job.output, keys[job.output], outcome.printed.data, outcome.printed.files)
                try:
                    folder.write(job.output, outcome.printed.data, job.person.key if job.person else None)
                except WriteRefused as exc:
                    cache.forget(job.output)
                    self._failed(report, target, str(exc))
                    continue
                if time.monotonic() - saved > CACHE_SAVE_SECONDS:  # a build killed outright loses little
                    self._save(cache, shown, report)
                    saved = time.monotonic()
                for warning in outcome.printed.stylesheet_warnings:
                    self.warn(warning)
                for warning in outcome.printed.warnings:
                    self.warn(f"{target} (template {job.recipe.template}): {warning}")
                report.built.append(target)
                pages = outcome.printed.pages
                self.out.print(f"{escape(target):<40} {pages:>3} page{'s' if pages != 1 else ' '} "
                               f"{_size(len(outcome.printed.data)):>9}  [dim]{done}/{len(jobs)}[/]",
                               highlight=False, soft_wrap=True)

    def _failed(self, report: Report, target: str, why: str) -> None:
        report.failed.append((target, why))
        self.err.print(f"[bold red]failed[/] {escape(target)}: {escape(why)}", soft_wrap=True)

    def summary(self, report: Report, seconds: float) -> None:
        total = len(report.built) + len(report.failed)
        if report.errors and not report.failed:
            self.err.print(f"[bold red]{len(report.built)} document{'s' if len(report.built) != 1 else ''} built "
                           f"in {seconds:.1f} s, with the error above[/]", highlight=False)
        elif report.failed:
            self.err.print(f"[bold red]{len(report.failed)} of {total} documents failed[/]; "
                           f"{len(report.built)} built in {seconds:.1f} s. Earlier copies of the failed "
                           "documents were left as they were.", highlight=False)
            for target, why in report.failed:
                line = why if why.startswith(target) else f"{target}: {why}"
                self.err.print(f"  {escape(line)}", soft_wrap=True, highlight=False)
        elif report.built or not report.up_to_date:
            fresh = f"; {report.up_to_date} already up to date" if report.up_to_date else ""
            self.out.print(f"[green]built {total} document{'s' if total != 1 else ''}[/]{fresh} in {seconds:.1f} s",
                           highlight=False)
        else:
            self.out.print(f"nothing to do: {report.up_to_date} documents up to date ({seconds:.1f} s)",
                           highlight=False)


class RateColumn(ProgressColumn):
    """Documents per second."""

    def render(self, task: Task) -> Text:
        return Text(f"{task.speed:.1f} docs/s" if task.speed else "", style="dim")


def _progress(console: Console) -> Progress:
    """Done, total, rate and time left, for a terminal."""
    return Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), RateColumn(),
                    TimeRemainingColumn(), console=console, transient=True)


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def _size(n: int) -> str:
    return f"{n / 1024:.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


def _shown_dir(out_dir: Path) -> str:
    try:
        return str(out_dir.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(out_dir)


def render_all(renderers: Renderers, jobs: list[Job]) -> list[Problem]:
    """Render every job's HTML (no PDF) and return the distinct template problems found."""
    problems: dict[str, Problem] = {}
    for job in jobs:
        try:
            renderers.for_job(job).source(job)
        except TemplateProblem as exc:
            problems.setdefault(str(exc.problem), exc.problem)
    return list(problems.values())


def scaffold_brand(project: Path, names: list[str], out: Console, err: Console) -> int:
    if len(names) != 1:
        err.print("[bold red]usage error[/]: new-brand takes one name, like: python build.py new-brand acme")
        return EXIT_USAGE
    try:
        folder = new_brand(project.resolve(), names[0])
    except UsageError as exc:
        err.print(f"[bold red]usage error[/]: {escape(str(exc))}")
        return EXIT_USAGE
    shown = _shown_dir(folder)
    out.print(f"[green]created[/] {shown}/ (brand.yaml, logo.svg, README.md, templates/blocks/colophon.html)")
    out.print(f"next: edit {shown}/brand.yaml, then: python build.py --brand {shown}")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    # emoji off: a value such as ':warning:' in a user's content must print as written
    out = Console(highlight=False, soft_wrap=True, emoji=False)
    err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)
    cli = Cli(out, err)
    logging.getLogger("weasyprint").addHandler(logging.NullHandler())
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    command = args.targets[0] if args.targets and args.targets[0] in COMMAND_WORDS else None
    names = args.targets[1:] if command else args.targets
    if command in ("new-brand", "schema") and not (args.project / "content").is_dir():
        err.print(f"[bold red]usage error[/]: {escape(str(args.project))} is not a ladderpress project (it has no "
                  "content/ folder); run this in one, or pass --project DIR")
        return EXIT_USAGE
    if command == "new-brand":
        return scaffold_brand(args.project, names, out, err)
    if command == "init":
        if len(names) != 1:
            err.print("[bold red]usage error[/]: init takes one folder, like: ladderpress init our-ladder")
            return EXIT_USAGE
        try:
            folder = init_project(Path(names[0]))
        except UsageError as exc:
            err.print(f"[bold red]usage error[/]: {escape(str(exc))}")
            return EXIT_USAGE
        out.print(f"[green]created[/] {_shown_dir(folder)}/; build it with: ladderpress --project {_shown_dir(folder)}")
        return EXIT_OK
    if command == "schema":
        try:
            written = write_schemas(args.project.resolve())
        except UsageError as exc:
            err.print(f"[bold red]usage error[/]: {escape(str(exc))}")
            return EXIT_USAGE
        for path in written:
            out.print(f"wrote {_shown_dir(path)}")
        return EXIT_OK
    if args.crop_marks and not args.bleed:
        err.print("[bold red]usage error[/]: --crop-marks needs a bleed to draw them in; add --bleed 3mm")
        return EXIT_USAGE
    try:
        with terminated_as_interrupt():
            if args.watch:
                return watch(args, cli, command, names)
            return run(args, cli, command, names)
    except Terminated:
        err.print("stopped (SIGTERM); PDFs already written are complete, the others were left as they were")
        return EXIT_TERMINATED
    except KeyboardInterrupt:
        err.print("interrupted; PDFs already written are complete, the others were left as they were")
        return EXIT_INTERRUPTED
    except OSError as exc:  # a file or folder the user's system refused: one line, never a traceback
        where = escape(str(exc.filename)) if exc.filename else "a file"
        err.print(f"[bold red]error[/]: {where}: {escape(exc.strerror or str(exc))} (fix: check that it exists, "
                  "that you may read and write it, and that the disk has room)", highlight=False)
        return EXIT_INPUT


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled as Ctrl+C is: complete PDFs kept, records saved, workers and scratch removed."""


@contextmanager
def terminated_as_interrupt() -> Iterator[None]:
    """Turn SIGTERM into :class:`Terminated` for the block (only the main thread can take signals)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise Terminated()

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def watch(args: argparse.Namespace, cli: Cli, command: str | None, names: list[str]) -> int:
    """Build, then rebuild what a saved file affects, until interrupted; problems never end it."""
    from watchfiles import watch as watch_files

    run(args, cli, command, names)
    folders = watched_folders(args)
    cli.out.print(f"[dim]watching {', '.join(_shown_dir(f) for f in folders)}; press Ctrl+C to stop[/]")
    # Ctrl+C and SIGTERM end the watch as they end a build (exit 130 and 143, see main)
    for changes in watch_files(*folders, debounce=WATCH_DEBOUNCE_MS, step=50, raise_interrupt=True,
                               watch_filter=lambda _, path: not Path(path).name.startswith(".")):
        changed = sorted({_shown_dir(Path(path)) for _, path in changes})
        cli.out.print(f"[bold]changed[/] {', '.join(changed)}")
        try:
            run(args, cli, command, names)
        except Exception as exc:  # the watch goes on; the next save tries again
            cli.err.print(f"[bold red]error[/]: the build stopped: {type(exc).__name__}: {escape(str(exc))}")
    return EXIT_OK


WATCH_DEBOUNCE_MS = 300
"""Saves closer together than this are one change (editors often write a file in steps)."""
CACHE_SAVE_SECONDS = 2.0
"""During a build, the record of finished PDFs is saved at most this often (and always at the end)."""


def watched_folders(args: argparse.Namespace) -> list[Path]:
    root = args.project.resolve()
    folders = [root / name for name in ("content", "guides", "templates", "styles", "examples", "brands")]
    if args.brand is not None:
        folders.append(args.brand.resolve())
    if args.roster is not None:
        folders.append(args.roster.resolve().parent)
    return [f for f in dict.fromkeys(folders) if f.is_dir()]


def private_paths(project: Project, given: Path | None, out_dir: Path) -> tuple[Path, ...]:
    """What WeasyPrint never reads: every roster the project names, the one given, and the output folder."""
    named = [project.root / recipe.roster for recipe in project.recipes.values() if recipe.roster]
    output = [out_dir.absolute()] if not project.root.is_relative_to(out_dir.resolve()) else []
    return tuple(dict.fromkeys([*named, *([given.absolute()] if given else []), *output]))


def run(args: argparse.Namespace, cli: Cli, command: str | None, names: list[str]) -> int:
    """One check, listing or build; returns the exit code.

    A build checks all input and plans before it writes anything, then prints with the output
    folder locked; if another build recorded packets meanwhile, it plans again with their owners.
    """
    started = time.perf_counter()
    try:
        project = load_project(args.project, args.brand)
        edition = edition_date(dict(os.environ), project.ladder.date)
        renderers = Renderers(project, edition)
        template_problems = renderers.check_templates()
        if template_problems:
            raise InputErrors(template_problems)
        out_dir = output_folder(args.out, project)
    except (InputErrors, UsageError) as exc:
        return _refused(cli, exc)
    if args.list or command == "check":
        return inspect(args, cli, command, names, project, renderers)
    folder = OutputFolder(out_dir)
    shown = _shown_dir(out_dir)
    owners = folder.owners()
    planned = _plan(args, cli, names, project, owners)  # all input checked before anything is written
    if isinstance(planned, int):
        return planned
    try:
        with folder.lock(not args.no_wait, waiting=lambda pid: cli.err.print(
                f"waiting for another build (process {escape(pid)}) writing to {escape(shown)}/ …", highlight=False)):
            if folder.owners() != owners:  # another build wrote packets meanwhile: plan with what it recorded
                planned = plan(project, names, _settings(args), owners=folder.owners())
            report = Report(failed=[(problem.file, str(problem)) for problem in planned.rejected])
            engine = Engine(project.root, args.brand.resolve() if args.brand else None, edition, args.pdf_variant,
                            args.render_in_full, private_paths(project, args.roster, out_dir))
            cli.build(project, renderers, planned.jobs, folder, engine, args.jobs, report, force=args.force)
    except (FolderBusy, WriteRefused) as exc:
        fix = "wait for it to finish, or build into another folder with --out" if isinstance(exc, FolderBusy) \
            else "make the output folder writable, or choose another with --out"
        report = Report()
        cli.error(report, f"nothing was built: {exc}" + ("" if "(fix:" in str(exc) else f" (fix: {fix})"))
    cli.summary(report, time.perf_counter() - started)
    return EXIT_INPUT if report.failed or report.errors else EXIT_OK


def _plan(args: argparse.Namespace, cli: Cli, names: list[str], project: Project,
          owners: dict[str, str]) -> Plan | int:
    """The plan, its warnings and rejected roster rows printed; or the exit code if it cannot be made."""
    try:
        planned = plan(project, names, _settings(args), owners=owners)
        if planned.problems:
            raise InputErrors(planned.problems)
    except (InputErrors, UsageError) as exc:
        return _refused(cli, exc)
    if args.roster is not None and not any(job.person for job in planned.jobs) and not planned.rejected:
        planned.warnings.append(f"--roster {args.roster} is not used: no recipe built here makes one document "
                                "per person (such as onboarding)")
    for warning in planned.warnings:
        cli.warn(warning)
    for problem in planned.rejected:
        cli.err.print(f"[bold red]error[/]: {escape(str(problem))}", soft_wrap=True)
    return planned


def _refused(cli: Cli, exc: InputErrors | UsageError) -> int:
    """Every input problem (exit 1), or the command line's (exit 2), printed; the exit code."""
    if isinstance(exc, InputErrors):
        cli.problems(exc.problems)
        return EXIT_INPUT
    cli.err.print(f"[bold red]usage error[/]: {escape(str(exc))}", soft_wrap=True)
    return EXIT_USAGE


def _settings(args: argparse.Namespace) -> Settings:
    return Settings(args.paper, args.bleed, args.crop_marks, args.duplex, args.roster)


def inspect(args: argparse.Namespace, cli: Cli, command: str | None, names: list[str], project: Project,
            renderers: Renderers) -> int:
    """``--list`` or ``check``: plan (and for ``check``, render) everything, print nothing else."""
    planned = _plan(args, cli, names, project, {})
    if isinstance(planned, int):
        return planned
    if args.list:
        cli.listing(project, planned.jobs)
        return EXIT_INPUT if planned.rejected else EXIT_OK
    template_problems = render_all(renderers, planned.jobs)
    if template_problems:
        cli.problems(template_problems)
        return EXIT_INPUT
    if planned.rejected:
        cli.err.print(f"[red]{len(planned.rejected)} roster row(s) cannot be built[/]")
        return EXIT_INPUT
    cli.out.print(f"[green]ok[/]: {len(project.ladder.levels)} levels, {len(project.recipes)} recipes, "
                  f"{len(planned.jobs)} documents; no problems found")
    return EXIT_OK


INPUT_FOLDERS = ("content", "guides", "templates", "styles", "brands", "examples", "schemas")
"""Project folders the build reads: the output may be neither one of them, nor inside one."""


def output_folder(given: Path | None, project: Project) -> Path:
    """The output folder: ``--out`` or PROJECT/out; never a folder the build reads from."""
    out_dir = given if given is not None else project.root / "out"
    resolved = out_dir.resolve()
    inputs = [project.root / name for name in INPUT_FOLDERS] + list(project.brands)
    for folder in inputs:
        if resolved.is_relative_to(folder.resolve()):
            raise UsageError(f"--out {out_dir} is inside {folder}, which the build reads; choose a folder of its own, "
                             "like out/")
    if project.root.resolve().is_relative_to(resolved):
        raise UsageError(f"--out {out_dir} holds the whole project; choose a folder of its own, like out/")
    return out_dir


if __name__ == "__main__":
    sys.exit(main())

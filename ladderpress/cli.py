"""The command line: parses arguments into a request, runs it, and reports its events.

``ladderpress build|check|preflight|list|watch|init|new-brand|schema|upgrade|export|import``; ``ladderpress`` alone
(and ``python build.py``) builds everything, and the forms before subcommands existed
(``ladderpress one-pagers``, ``ladderpress --project X check``) still work. The build
itself is :mod:`ladderpress.pipeline`; this module only parses and reports.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import signal
import sys
import threading
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.markup import escape as escape_markup
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from ladderpress import __version__, pipeline
from ladderpress.errors import (
    EXIT_INPUT,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_TERMINATED,
    EXIT_USAGE,
    InputErrors,
    Problem,
    UsageError,
    shown_path,
)
from ladderpress.events import (
    BuildError,
    BuildResult,
    Checked,
    Event,
    Failed,
    Finished,
    Listed,
    ManifestWritten,
    Planned,
    Refused,
    Started,
    Waiting,
    Warned,
    Written,
)
from ladderpress.export import FORMATS, export
from ladderpress.importer import ImportErrors, failed_report, import_report, import_workbook, write_project
from ladderpress.request import MAX_BLEED_MM, MAX_WORKERS, PAPERS, PDF_VARIANTS, BuildRequest, default_workers
from ladderpress.scaffold import init_project, new_brand
from ladderpress.schema import write_schemas
from ladderpress.upgrade import upgrade_project
from ladderpress.write import WriteRefused

HIDDEN_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""Characters that change how a terminal shows the text after them rather than print: C0 and C1 controls (an
escape sequence) and the bidi controls (U+202E turns the rest of a line round, U+2066-U+2069 isolate a run)."""


def escape(text: str) -> str:
    """``text`` safe to print in rich markup, with every :data:`HIDDEN_CONTROLS` character written as ``<U+202E>``.

    Errors and warnings quote roster values, names and file names from untrusted input: a level written
    ``p<U+202E>m`` would otherwise reorder the rest of its error line (its fix, the file) on the terminal,
    and ``--person`` would list names whose overrides spoof what the list says.
    """
    return escape_markup(HIDDEN_CONTROLS.sub(lambda match: f"<U+{ord(match.group()):04X}>", str(text)))


EXIT_CODES = """exit codes:
  0    everything asked for was built (or checked) without problems
  1    the input has problems (content, recipes, templates), or a document failed to build
  2    the command line is wrong (unknown option, recipe, level or person)
  130  interrupted (Ctrl+C): PDFs already written are complete, the rest untouched
  143  stopped by SIGTERM, as with Ctrl+C
"""

COMMANDS: dict[str, tuple[str, str]] = {
    # name: (one line for the list of commands, examples for its own --help)
    "build": (
        "build PDFs (the default: `ladderpress` alone builds every recipe)",
        """examples:
  ladderpress build                             every recipe in guides/ into out/
  ladderpress build one-pagers ic-track         two recipes
  ladderpress build one-pagers --level pm       just one level's one-pager
  ladderpress build onboarding --person "Léa Dubois"   just one person's packet
  ladderpress build --brand brands/acme         everything in the Acme brand
  ladderpress build --paper Letter --duplex     US paper, printed on both sides
""",
    ),
    "check": (
        "validate content, recipes, templates and rosters; print no PDF",
        """examples:
  ladderpress check                             everything; says "ok" or lists every problem
  ladderpress check --brand brands/acme         with a brand's templates and styles
""",
    ),
    "preflight": (
        "build, then list what a print designer would change, page by page",
        """Sparse pages, headings and table rows stranded at a page's top or bottom, hyphenated headings and
labels, text that runs out of its box or is cut off, characters no font has, images under 150 dpi,
text under 4.5:1 contrast, a company name that is not the document's own. Documents left as they
were report what was found when they were written.

examples:
  ladderpress preflight                         every recipe: one line per finding, with its page and a fix
  ladderpress preflight handbook --strict       exit 1 if anything is found (for CI)
  ladderpress preflight --project our-ladder --brand brands/acme
""",
    ),
    "list": (
        "list recipes and the files each would write",
        """examples:
  ladderpress list
  ladderpress list onboarding --roster examples/new-hires.csv
""",
    ),
    "watch": (
        "build, then rebuild what each save affects, until Ctrl+C",
        """examples:
  ladderpress watch                             everything; the one-pager of a level you edit comes first
  ladderpress watch one-pagers --level pm       just one document, rebuilt on every save
""",
    ),
    "init": (
        "create a project of your own in DIR that builds at once",
        """examples:
  ladderpress init our-ladder && cd our-ladder && ladderpress
""",
    ),
    "new-brand": (
        "create brands/NAME: a commented brand.yaml, a placeholder logo, one override",
        """examples:
  ladderpress new-brand acme && ladderpress build --brand brands/acme
""",
    ),
    "schema": (
        "write JSON Schemas for editors into schemas/, listing the project's ids",
        """examples:
  ladderpress schema                            schemas/*.schema.json for content, levels, recipes, brands, rosters
  ladderpress schema --project our-ladder       with that project's level, track and band ids, for completion
""",
    ),
    "upgrade": (
        "rewrite a first-edition project's content and recipes in the second edition, comments kept",
        """examples:
  ladderpress upgrade                           says what it changed, or that there is nothing to change
  ladderpress upgrade --project our-ladder      another project folder
""",
    ),
    "export": (
        "write the ladder as a workbook (xlsx), CSV files or JSON, for managers and HR systems",
        """examples:
  ladderpress export                            out/<title>.xlsx: levels, the competency matrix, moves, …
  ladderpress export --format csv               out/<title>/, one CSV file per sheet
  ladderpress export --format json --out ladder.json   the model as JSON, and ladder.schema.json beside it
""",
    ),
    "import": (
        "make a project from a spreadsheet (.xlsx, .ods or .csv): its competency matrix, levels and moves",
        """The mapping read (which sheet, header row and column means what) is printed as YAML, one line per
decision: save it as mapping.yaml, correct it, and give it back with --mapping. Without --into nothing
is written. Every cell that cannot be placed is named (Matrix!D7), and then nothing is written at all.

examples:
  ladderpress import ladder.xlsx                          the mapping, and what would be made
  ladderpress import ladder.xlsx --into our-ladder        a project that builds at once (as `init` makes one)
  ladderpress import ladder.xlsx --mapping mapping.yaml --into our-ladder
""",
    ),
}
COMMAND_WORDS = set(COMMANDS)


def parser() -> argparse.ArgumentParser:
    """The whole command line: one subparser per command, each with its own --help."""
    return parsers()[0]


def parsers() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The top-level parser, and each command's own (which reports a stray argument with its usage)."""
    top = argparse.ArgumentParser(
        prog="ladderpress",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Build career-ladder PDFs from the YAML and Markdown in content/ and the recipes in guides/.",
        epilog="Run `ladderpress COMMAND --help` for a command's options and examples.\n\n" + EXIT_CODES,
    )
    top.add_argument("--version", action="version", version=f"ladderpress {__version__}")
    commands = top.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    subs = {}
    for name, (summary, examples) in COMMANDS.items():
        sub = commands.add_parser(
            name,
            help=summary,
            description=summary[0].upper() + summary[1:] + ".",
            epilog=examples + "\n" + EXIT_CODES,
            parents=_parents(name),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        _ARGUMENTS[name](sub)
        subs[name] = sub
    return top, subs


def _parents(command: str) -> list[argparse.ArgumentParser]:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--version", action="version", version=f"ladderpress {__version__}")
    talk = common.add_mutually_exclusive_group()
    talk.add_argument("-q", "--quiet", action="store_true", help="print only problems (and nothing when all is well)")
    talk.add_argument(
        "-v", "--verbose", action="store_true", help="also print documents left as they were, and what each step did"
    )
    if command not in ("init", "import"):
        common.add_argument(
            "--project",
            type=Path,
            default=Path("."),
            metavar="DIR",
            help="project folder holding content/ and guides/ (default: the current folder)",
        )
    return [common]


def _selection(p: argparse.ArgumentParser, *, out: bool = True) -> None:
    p.add_argument(
        "recipes",
        nargs="*",
        metavar="RECIPE",
        help="recipes to use (file names in guides/ without .yaml); default: all of them",
    )
    p.add_argument(
        "--level",
        action="append",
        default=[],
        metavar="ID",
        dest="levels",
        help="only this level's documents (from recipes made per level or per person); repeatable",
    )
    p.add_argument(
        "--person",
        action="append",
        default=[],
        metavar="NAME",
        dest="people",
        help="only this person's packet (the name as in the roster); repeatable",
    )
    p.add_argument(
        "--brand",
        type=Path,
        metavar="DIR",
        help="a brand folder (brand.yaml, logo, fonts, overrides) applied to every document",
    )
    p.add_argument(
        "--roster",
        type=Path,
        metavar="FILE",
        help="CSV, Excel (.xlsx) or YAML roster for per-person recipes such as onboarding (default: the recipe's)",
    )
    if out:
        p.add_argument("--out", type=Path, metavar="DIR", help="output folder (default: PROJECT/out)")


def _printing(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "-j",
        "--jobs",
        type=_workers,
        default=default_workers(),
        metavar="N",
        help="documents printed at once, in N worker processes (default: the number of cores)",
    )
    p.add_argument(
        "--force", action="store_true", help="rebuild every document, even those whose inputs have not changed"
    )
    p.add_argument(
        "--no-wait",
        action="store_true",
        help="when another build is writing to the same output folder, fail at once instead of waiting",
    )
    printing = p.add_argument_group("printing")
    printing.add_argument(
        "--paper", choices=PAPERS, help="paper size (default: recipe, then brand, then ladder, then A4)"
    )
    printing.add_argument(
        "--duplex", action="store_true", help="print for both sides: binding margins, chapters on right-hand pages"
    )
    printing.add_argument(
        "--bleed",
        type=_millimetres,
        default=0.0,
        metavar="MM",
        help="bleed for a print shop, e.g. 3mm; backgrounds that reach the edge extend into it",
    )
    printing.add_argument("--crop-marks", action="store_true", help="draw crop marks in the bleed (needs --bleed)")
    printing.add_argument(
        "--pdf-variant",
        choices=PDF_VARIANTS,
        help="a PDF standard: pdf/ua-1 (accessible), pdf/a-3b or pdf/a-2b (archiving); default: a plain tagged PDF",
    )


def _build_arguments(p: argparse.ArgumentParser) -> None:
    _selection(p)
    _printing(p)
    p.add_argument(
        "--watch", action="store_true", help="after building, rebuild on every save (as `ladderpress watch`)"
    )
    p.add_argument("--list", action="store_true", help=argparse.SUPPRESS)  # before `ladderpress list` existed


def _watch_arguments(p: argparse.ArgumentParser) -> None:
    _selection(p)
    _printing(p)


def _preflight_arguments(p: argparse.ArgumentParser) -> None:
    _selection(p)
    _printing(p)
    p.add_argument("--strict", action="store_true", help="exit 1 when anything is found, not only on failures")


def _check_arguments(p: argparse.ArgumentParser) -> None:
    _selection(p)


def _list_arguments(p: argparse.ArgumentParser) -> None:
    _selection(p)


def _init_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("folder", type=Path, metavar="DIR", help="the folder to create (it must not exist, or be empty)")


def _new_brand_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", metavar="NAME", help="the brand's folder name under brands/, like acme")


def _schema_arguments(p: argparse.ArgumentParser) -> None:
    pass


def _upgrade_arguments(p: argparse.ArgumentParser) -> None:
    pass


def _export_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=FORMATS, default="xlsx", help="what to write (default: xlsx)")
    p.add_argument(
        "--out",
        type=Path,
        metavar="FILE",
        help="the file to write (a folder for csv); default: PROJECT/out/<the ladder's title>.xlsx",
    )


def _import_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "file",
        type=Path,
        metavar="FILE",
        help="the spreadsheet: an .xlsx, .ods or .csv file, or the folder export --format csv wrote",
    )
    p.add_argument(
        "--into",
        type=Path,
        metavar="DIR",
        help="make the project in this folder (it must not exist, or be empty); without it, write nothing",
    )
    p.add_argument(
        "--mapping", type=Path, metavar="FILE", help="a mapping file (YAML, as the import prints it) to read it by"
    )


_ARGUMENTS: dict[str, Callable[[argparse.ArgumentParser], None]] = {
    "build": _build_arguments,
    "check": _check_arguments,
    "preflight": _preflight_arguments,
    "list": _list_arguments,
    "watch": _watch_arguments,
    "init": _init_arguments,
    "new-brand": _new_brand_arguments,
    "schema": _schema_arguments,
    "upgrade": _upgrade_arguments,
    "export": _export_arguments,
    "import": _import_arguments,
}


def _workers(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= MAX_WORKERS:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of worker processes from 1 to {MAX_WORKERS}")
    return int(text)


def _millimetres(text: str) -> float:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(mm)?\s*", text)
    if not match or float(match[1]) > MAX_BLEED_MM:
        raise argparse.ArgumentTypeError(f"'{text}' is not a bleed such as 3mm (0 to {MAX_BLEED_MM:g} mm)")
    return float(match[1])


TAKES_VALUE = {
    "--out",
    "--project",
    "--brand",
    "--roster",
    "-j",
    "--jobs",
    "--paper",
    "--bleed",
    "--pdf-variant",
    "--format",
    "--into",
    "--mapping",
    "--level",
    "--person",
}
"""Options followed by a value: skipped when looking for the command word."""


def with_command(argv: Sequence[str]) -> list[str]:
    """The arguments with a command first: ``build`` unless one is named (anywhere before the first recipe).

    ``ladderpress``, ``ladderpress one-pagers`` and ``ladderpress --project X check`` mean
    ``ladderpress build``, ``ladderpress build one-pagers`` and ``ladderpress check --project X``.
    """
    args = list(argv)
    if args[:1] and args[0] in ("-h", "--help", "--version"):
        return args
    i = 0
    while i < len(args):
        word = args[i]
        if word == "--":
            break
        if word.startswith("-"):
            i += 2 if word in TAKES_VALUE else 1
            continue
        if word in COMMAND_WORDS:
            return [word, *args[:i], *args[i + 1 :]]
        break
    if "--list" in args:
        return ["list", *(a for a in args if a != "--list")]
    return ["build", *args]


def request_from(args: argparse.Namespace, environ: dict[str, str]) -> BuildRequest:
    """The one request a command runs, made once from the parsed arguments."""
    return BuildRequest(
        project=args.project,
        recipes=tuple(args.recipes),
        levels=tuple(args.levels),
        people=tuple(args.people),
        out=getattr(args, "out", None),
        brand=args.brand,
        roster=args.roster,
        paper=getattr(args, "paper", None),
        duplex=getattr(args, "duplex", False),
        bleed_mm=getattr(args, "bleed", 0.0),
        crop_marks=getattr(args, "crop_marks", False),
        pdf_variant=getattr(args, "pdf_variant", None),
        workers=getattr(args, "jobs", 1),
        force=getattr(args, "force", False),
        wait=not getattr(args, "no_wait", False),
        source_date_epoch=environ.get("SOURCE_DATE_EPOCH"),
    )


class RateColumn(ProgressColumn):
    """Documents per second."""

    def render(self, task: Task) -> Text:
        return Text(f"{task.speed:.1f} docs/s" if task.speed else "", style="dim")


class Reporter:
    """Turns a build's events into lines on the terminal (and a progress bar when it is one)."""

    def __init__(
        self, out: Console, err: Console, quiet: bool = False, verbose: bool = False, building: bool = True
    ) -> None:
        self.out = out
        self.err = err
        self.quiet = quiet
        self.verbose = verbose
        self.building = building
        """False for ``check``, which builds nothing anyway: its problems end without 'nothing was built'."""

    def error(self, text: str) -> None:
        self.err.print(f"[bold red]error[/]: {escape(text)}", soft_wrap=True, highlight=False)

    def usage(self, text: str) -> None:
        self.err.print(f"[bold red]usage error[/]: {escape(text)}", soft_wrap=True, highlight=False)

    def say(self, text: str) -> None:
        """A line of news (nothing with --quiet)."""
        if not self.quiet:
            self.out.print(text, highlight=False, soft_wrap=True)

    def problems(self, problems: Iterable[Problem], outcome: str | None = None) -> None:
        """Every problem, one line each, then how many; ``outcome`` says what was not done (default: the build)."""
        problems = list(problems)
        for problem in problems:
            self.error(str(problem))
        if outcome is None and self.building:
            outcome = "nothing was built"
        self.err.print(
            f"[red]{len(problems)} problem{'s' if len(problems) != 1 else ''} found"
            f"{'; ' + escape(outcome) if outcome else ''}.[/]",
            highlight=False,
        )

    def report(self, events: Iterator[Event], shown: str) -> BuildResult:
        """Show each event as it comes; return the build's result."""
        progress: Progress | None = None
        task: TaskID | None = None
        done = total = 0
        try:
            for event in events:
                if isinstance(event, Planned):
                    total = len(event.documents)
                    if self.verbose:
                        for document in event.up_to_date:
                            self.say(f"[dim]{escape(shown)}/{escape(str(document))} is up to date[/]")
                    if total and self.out.is_terminal and not self.quiet:
                        progress = _progress(self.out)
                        progress.start()
                        task = progress.add_task("building", total=total)
                elif isinstance(event, Written) or (isinstance(event, Failed) and event.output is not None):
                    done += 1
                    if progress is not None and task is not None:
                        progress.advance(task)
                    self._document(event, shown, done, total)
                elif isinstance(event, Finished):
                    if progress is not None:
                        progress.stop()
                        progress = None
                    return event.result
                else:
                    self._other(event)
        finally:
            if progress is not None:
                progress.stop()
        raise AssertionError("a build always ends with Finished")

    def _document(self, event: Written | Failed, shown: str, done: int, total: int) -> None:
        if isinstance(event, Failed):
            self.err.print(f"[bold red]failed[/] {escape(event.document)}: {escape(event.reason)}", soft_wrap=True)
            return
        target = f"{shown}/{event.document}"
        pages = event.pages
        self.say(
            f"{escape(target):<40} {pages:>3} page{'s' if pages != 1 else ' '} {_size(event.size):>9}  "
            f"[dim]{done}/{total}[/]"
        )

    def _other(self, event: Event) -> None:
        if isinstance(event, Refused):
            self.problems(event.problems)
        elif isinstance(event, Warned):
            self.err.print(f"[yellow]warning[/]: {escape(event.text)}", soft_wrap=True, highlight=False)
        elif isinstance(event, Failed):  # a roster row that cannot be built
            self.error(event.reason)
        elif isinstance(event, BuildError):
            self.error(event.text)
        elif isinstance(event, Waiting):
            self.err.print(
                f"waiting for another build (process {escape(event.pid)}) writing to "
                f"{escape(shown_path(event.folder))}/ …",
                highlight=False,
            )
        elif isinstance(event, Started) and self.verbose:
            self.say(f"[dim]printing {escape(', '.join(map(str, event.documents)))}[/]")
        elif isinstance(event, Listed):
            count = len(event.documents)
            self.out.print(
                f"[bold]{escape(event.recipe)}[/]  {escape(event.title)}  [dim]({escape(event.template)}, "
                f"{count} document{'s' if count != 1 else ''})[/]",
                highlight=False,
            )
            for document in event.documents:
                self.out.print(f"  {escape(str(document))}", highlight=False)
            if event.delivery is not None:
                self.out.print(f"  {escape(str(event.delivery))}  [dim](the delivery list)[/]", highlight=False)
        elif isinstance(event, Checked):
            self.say(
                f"[green]ok[/]: {_count(event.levels, 'level')}, {_count(event.recipes, 'recipe')}, "
                f"{_count(event.documents, 'document')}; no problems found"
            )

    def summary(self, result: BuildResult) -> None:
        built, failed = len(result.written), len(result.failed)
        total = built + failed
        seconds = result.seconds
        if result.problems:
            return  # said when refused
        if result.errors and not result.failed:
            self.err.print(
                f"[bold red]{built} document{'s' if built != 1 else ''} built in {seconds:.1f} s, "
                "with the error above[/]",
                highlight=False,
            )
        elif result.failed:
            self.err.print(
                f"[bold red]{failed} of {total} documents failed[/]; {built} built in {seconds:.1f} s. "
                "Earlier copies of the failed documents were left as they were.",
                highlight=False,
            )
            for failure in result.failed:
                line = (
                    failure.reason
                    if failure.reason.startswith(failure.document)
                    else f"{failure.document}: {failure.reason}"
                )
                self.err.print(f"  {escape(line)}", soft_wrap=True, highlight=False)
        elif built or not result.up_to_date:
            fresh = f"; {result.up_to_date} already up to date" if result.up_to_date else ""
            self.say(f"[green]built {total} document{'s' if total != 1 else ''}[/]{fresh} in {seconds:.1f} s")
        else:
            count = result.up_to_date
            self.say(f"nothing to do: {count} document{'s' if count != 1 else ''} up to date ({seconds:.1f} s)")
        for manifest in result.manifests:
            self.say(_manifest_line(manifest))
        if result.findings:
            found, documents = result.findings, len(result.reviewed)
            self.say(
                f"[yellow]preflight[/]: {found} thing{'s' if found != 1 else ''} to look at in {documents} "
                f"document{'s' if documents != 1 else ''}; `ladderpress preflight` lists them"
            )

    def findings(self, result: BuildResult, shown: str) -> None:
        """Every preflight finding, one line each (document and page first), then how many."""
        for review in sorted(result.reviewed, key=lambda review: review.document.as_posix()):
            for finding in review.findings:
                self.out.print(escape(finding.line(f"{shown}/{review.document}")), soft_wrap=True, highlight=False)
        documents = len(result.written) + result.up_to_date
        failed = f"; {len(result.failed)} failed, see above" if result.failed else ""
        if result.findings:
            self.say(
                f"[yellow]{result.findings} finding{'s' if result.findings != 1 else ''}[/] in "
                f"{len(result.reviewed)} of {documents} document{'s' if documents != 1 else ''}{failed}"
            )
        else:
            self.say(
                f"[green]preflight[/]: nothing found in {documents} document{'s' if documents != 1 else ''}{failed}"
            )


def _manifest_line(manifest: ManifestWritten) -> str:
    """One line for a delivery list: where it is, and whom it leaves out (never who: logs name no one)."""
    shown = escape(shown_path(manifest.path))
    if manifest.listed == manifest.people:
        return f"delivery list: {shown} ({_count(manifest.listed, 'packet')})"
    left = manifest.people - manifest.listed - manifest.pending
    why = [f"{left} failed"] if left else []
    if manifest.pending:
        why.append(f"{manifest.pending} not built yet or out of date: a build without --person or --level prints them")
    return f"[yellow]delivery list[/]: {shown} lists {manifest.listed} of {manifest.people} people ({'; '.join(why)})"


def _progress(console: Console) -> Progress:
    """Done, total, rate and time left, for a terminal."""
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' if n != 1 else ''}"


def _size(n: int) -> str:
    return f"{n / 1024:.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


def configure_logging() -> None:
    """Once per process, at the entry point: WeasyPrint's and fontTools' own output is the build's to report."""
    weasyprint = logging.getLogger("weasyprint")
    if not any(isinstance(handler, logging.NullHandler) for handler in weasyprint.handlers):
        weasyprint.addHandler(logging.NullHandler())
    logging.getLogger("fontTools").setLevel(logging.ERROR)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit code (see EXIT_CODES)."""
    top, subs = parsers()
    args, stray = top.parse_known_args(with_command(sys.argv[1:] if argv is None else argv))
    if stray:  # said with the command's own usage line, as argparse would for a parser of its own
        subs[args.command].error(f"unrecognized arguments: {' '.join(stray)}")
    # emoji off: a value such as ':warning:' in a user's content must print as written
    out = Console(highlight=False, soft_wrap=True, emoji=False)
    err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)
    reporter = Reporter(out, err, quiet=args.quiet, verbose=args.verbose, building=args.command != "check")
    configure_logging()
    try:
        with terminated_as_interrupt():
            return _run(args, reporter)
    except UsageError as exc:
        reporter.usage(str(exc))
        return EXIT_USAGE
    except Terminated:
        err.print("stopped (SIGTERM); PDFs already written are complete, the others were left as they were")
        return EXIT_TERMINATED
    except KeyboardInterrupt:
        err.print("interrupted; PDFs already written are complete, the others were left as they were")
        return EXIT_INTERRUPTED
    except OSError as exc:  # a file or folder the user's system refused: one line, never a traceback
        where = exc.filename if exc.filename else "a file"
        reporter.error(
            f"{where}: {exc.strerror or exc} (fix: check that it exists, that you may read and write it, "
            "and that the disk has room)"
        )
        return EXIT_INPUT


def _run(args: argparse.Namespace, reporter: Reporter) -> int:
    command = args.command
    if command == "init":
        folder = init_project(args.folder)
        reporter.say(
            f"[green]created[/] {escape(shown_path(folder))}/; build it with: cd "
            f"{escape(shown_path(folder))} && ladderpress"
        )
        return EXIT_OK
    if command == "import":
        return _import(args, reporter)
    if command in ("new-brand", "schema", "upgrade") and not (args.project / "content").is_dir():
        raise UsageError(
            f"{args.project} is not a ladderpress project (it has no content/ folder); run this in one, "
            "or pass --project DIR"
        )
    if command == "new-brand":
        folder = new_brand(args.project.resolve(), args.name)
        shown = shown_path(folder)
        reporter.say(
            f"[green]created[/] {escape(shown)}/ (brand.yaml, logo.svg, README.md, templates/blocks/colophon.html)"
        )
        reporter.say(f"next: edit {escape(shown)}/brand.yaml, then: ladderpress build --brand {escape(shown)}")
        return EXIT_OK
    if command == "schema":
        written, with_ids = write_schemas(args.project.resolve())
        for path in written:
            reporter.say(f"wrote {escape(shown_path(path))}")
        if not with_ids:
            reporter.err.print(
                "[yellow]warning[/]: the content has problems, so these schemas do not list the project's level, "
                "track and other ids (fix: run ladderpress check, fix what it says, then ladderpress schema again)",
                soft_wrap=True,
                highlight=False,
            )
        return EXIT_OK
    if command == "upgrade":
        return _upgrade(args.project, reporter)
    if command == "export":
        return _export(args, reporter)
    request = request_from(args, dict(os.environ))
    if command == "check":
        return _finish(reporter, reporter.report(pipeline.check(request), ""), summary=False)
    if command == "list":
        return _finish(reporter, reporter.report(pipeline.listing(request), ""), summary=False)
    if command == "build" and args.list:
        return _finish(reporter, reporter.report(pipeline.listing(request), ""), summary=False)
    if command == "preflight":
        return _preflight(request, reporter, args.strict)
    if command == "watch" or args.watch:
        return watch(request, reporter)
    return _build(request, reporter)


def _upgrade(project: Path, reporter: Reporter) -> int:
    """``ladderpress upgrade``: one line per change, or that there is none; problems leave every file as it was."""
    try:
        notes = upgrade_project(project.resolve())
    except InputErrors as exc:
        reporter.problems(exc.problems, outcome="nothing was changed")
        return EXIT_INPUT
    if not notes:
        reporter.say("already in the second edition; nothing to change")
    for note in notes:
        reporter.say(escape(note))
    return EXIT_OK


def _import(args: argparse.Namespace, reporter: Reporter) -> int:
    """``ladderpress import``: the mapping read (YAML), then what was made or would be; problems write nothing."""
    try:
        imported = import_workbook(args.file, args.mapping)
        for note in imported.notes:
            reporter.err.print(f"[yellow]warning[/]: {escape(note)}", soft_wrap=True, highlight=False)
        written = write_project(imported, args.into) if args.into is not None else None
    except InputErrors as exc:
        if isinstance(exc, ImportErrors):
            for line in failed_report(str(args.file), exc):
                reporter.say(escape(line))
        for note in getattr(exc, "notes", ()):
            reporter.err.print(f"[yellow]warning[/]: {escape(note)}", soft_wrap=True, highlight=False)
        reporter.problems(exc.problems, outcome="nothing was written")
        return EXIT_INPUT
    for line in import_report(imported, args.into, written):
        reporter.say(escape(line))
    return EXIT_OK


def _export(args: argparse.Namespace, reporter: Reporter) -> int:
    """``ladderpress export``: one line per file written (or already up to date); problems write nothing."""

    def waiting(holder: str) -> None:
        reporter.err.print(f"waiting for another build (process {escape(holder)}) writing there …", highlight=False)

    try:
        done = export(args.project, args.format, args.out, waiting)
    except InputErrors as exc:
        reporter.problems(exc.problems, outcome="nothing was exported")
        return EXIT_INPUT
    except WriteRefused as exc:
        reporter.error(f"not exported: {exc}")
        return EXIT_INPUT
    for warning in done.warnings:
        reporter.err.print(f"[yellow]warning[/]: {escape(warning)}", soft_wrap=True, highlight=False)
    if args.format == "csv":  # a folder of files: one line for it
        folder = escape(shown_path((done.written or done.unchanged)[0].parent))
        size = _size(sum(path.stat().st_size for path in done.written))
        fresh = f"{len(done.unchanged) if done.written else _count(len(done.unchanged), 'CSV file')} up to date"
        wrote = f"wrote {_count(len(done.written), 'CSV file')} ({size})" if done.written else ""
        reporter.say(f"{folder}/: {', '.join(part for part in (wrote, fresh if done.unchanged else '') if part)}")
    for path in done.written if args.format != "csv" else ():
        reporter.say(f"wrote {escape(shown_path(path))} ({_size(path.stat().st_size)})")
    for path in done.unchanged if args.format != "csv" else ():
        reporter.say(f"{escape(shown_path(path))} is up to date")
    for path in done.removed:
        reporter.say(f"removed {escape(shown_path(path))} (a sheet this ladder no longer has)")
    return EXIT_OK


def _build(request: BuildRequest, reporter: Reporter) -> int:
    return _finish(reporter, reporter.report(pipeline.run(request), shown_path(request.output_dir)))


def _preflight(request: BuildRequest, reporter: Reporter, strict: bool) -> int:
    """``ladderpress preflight``: build quietly, then list every finding; ``strict`` makes any finding exit 1."""
    shown = shown_path(request.output_dir)
    building = Reporter(reporter.out, reporter.err, quiet=True)  # failures and warnings still said, once
    result = building.report(pipeline.run(request), shown)
    if result.problems:
        return result.exit_code
    reporter.findings(result, shown)
    return EXIT_INPUT if strict and result.findings else result.exit_code


def _finish(reporter: Reporter, result: BuildResult, summary: bool = True) -> int:
    if summary:
        reporter.summary(result)
    return result.exit_code


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


WATCH_DEBOUNCE_MS = 300
"""Saves closer together than this are one change (editors often write a file in steps)."""
WATCH_RESCAN_MS = 1000
"""How often, when nothing changes, the watch looks for input folders that have appeared."""


def watch(request: BuildRequest, reporter: Reporter) -> int:
    """Build, then rebuild what a saved file affects, until interrupted; problems never end it.

    The folders watched are the project's input folders, the brand's and the roster's, never
    the output folder. They are looked for again every second: a folder created while watching
    (a first ``templates/``) is watched from then on, and what it holds is built at once.
    Ctrl+C while waiting ends the watch with exit 130 and no message (during a build, as a build).
    """
    from watchfiles import Change
    from watchfiles import watch as watch_files

    import ladderpress.produce  # noqa: F401 -- WeasyPrint loaded now, not in the half second after a save

    _build(request, reporter)
    following = watched(request)
    changes_seen: Generator[set[tuple[Change, str]], None, None] | None = None
    while True:
        try:  # everything but the builds: Ctrl+C (or SIGTERM) while waiting has nothing to tidy, and no news
            if changes_seen is None:
                folders, files = following
                shown = ", ".join(escape(shown_path(f)) for f in folders + files)
                reporter.say(f"[dim]watching {shown}; press Ctrl+C to stop[/]")
                changes_seen = watch_files(
                    *folders,
                    *files,
                    debounce=WATCH_DEBOUNCE_MS,
                    step=50,
                    raise_interrupt=True,
                    watch_filter=_watch_filter(request),
                    yield_on_timeout=True,
                    rust_timeout=WATCH_RESCAN_MS,
                )
            assert changes_seen is not None
            changes = next(changes_seen)
            now = watched(request)
        except KeyboardInterrupt as stop:
            return EXIT_TERMINATED if isinstance(stop, Terminated) else EXIT_INTERRUPTED
        appeared = [path for path in now[0] + now[1] if path not in following[0] + following[1]]
        if changes or appeared:
            _rebuild(request, reporter, sorted({Path(path) for _, path in changes} | set(appeared)))
        if now != following:  # a folder appeared or went: watch the new set
            changes_seen.close()
            changes_seen = None
            following = now


def _rebuild(request: BuildRequest, reporter: Reporter, changed: list[Path]) -> None:
    """One rebuild in a watch: what changed, then the build; a wrong name on the command line is said, not fatal."""
    reporter.say(f"[bold]changed[/] {escape(', '.join(shown_path(path) for path in changed))}")
    try:
        _build(request, reporter)
    except UsageError as exc:  # a recipe or level named on the command line is gone: say so, go on
        reporter.usage(str(exc))


def watched(request: BuildRequest) -> tuple[list[Path], list[Path]]:
    """The folders a watch follows (those that exist), and single files (a roster outside them)."""
    root = request.project.resolve()
    folders = [root / name for name in pipeline.INPUT_FOLDERS if name != "schemas"]
    if request.brand is not None:
        folders.append(request.brand.resolve())
    existing = [f for f in dict.fromkeys(folders) if f.is_dir()]
    files = []
    if request.roster is not None:
        roster = request.roster.resolve()
        if not any(roster.is_relative_to(f) for f in existing) and roster.parent.is_dir():
            files.append(roster)
    return existing, files


def _watch_filter(request: BuildRequest) -> Callable[[object, str], bool]:
    """Hidden files (editors' swap files, the build's records) and the output folder are never news."""
    out = request.output_dir.resolve()

    def keep(change: object, path: str) -> bool:
        where = Path(path)
        return not where.name.startswith(".") and not where.is_relative_to(out)

    return keep


if __name__ == "__main__":
    sys.exit(main())

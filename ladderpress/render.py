"""Render a job to HTML with Jinja.

Templates are untrusted (a brand agency's, or copied from the internet). They run in
Jinja's immutable sandbox and see only plain data made by :mod:`ladderpress.view` from the
validated models: no path, no model, no method. The only callables they get are the
filters and globals registered here. Every template file is read through
:mod:`ladderpress.files` (a regular file inside its own folder's root, symlinks resolved),
and each render runs under the recipe's time limit. Autoescape is on and undefined names
are errors. Markdown fields go through Python-Markdown with raw HTML escaped unless the
ladder sets ``allow_html``.
"""

from __future__ import annotations

import datetime
import functools
import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeGuard

import jinja2
import markdown
from jinja2.exceptions import SecurityError
from jinja2.loaders import split_template_path
from jinja2.sandbox import ImmutableSandboxedEnvironment, safe_range
from markupsafe import Markup

from ladderpress.diagram import TextWidths, ladder_svg
from ladderpress.errors import Problem, relative, suggestion
from ladderpress.files import FileRefused, confining_root, read_text
from ladderpress.limits import MEMORY_BUDGET, TimeLimitExceeded, bounded
from ladderpress.load import LoadedBrand, Project, files_in
from ladderpress.lookups import Lookups, UnknownId
from ladderpress.model import Track
from ladderpress.packaged import builtin_dir
from ladderpress.plan import DUPLEX_STYLESHEET, SHARED_START, Job, PacketJob
from ladderpress.theme import font_faces, palette
from ladderpress.view import View, Views, fields_of

MAX_TEMPLATE_BYTES = 1_000_000
"""A template larger than this is refused: no layout needs one."""
COMPILE_SECONDS = 60
"""Compiling one template may take this long (Jinja runs no template code then, but may fold constants)."""


class TemplateProblem(Exception):
    """A template failed to render; carries the located problem."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


class Renderer:
    """One Jinja environment for a project; renders every job of a build."""

    def __init__(
        self, project: Project, brand: LoadedBrand | None = None, edition: datetime.date | None = None
    ) -> None:
        self.project = project
        self.brand = brand
        self.edition = edition
        self.template_dirs = project.template_dirs(brand)
        # sandboxed and immutable: a template (a brand's, say) reads plain data, cannot change it and
        # cannot reach Python's internals
        self.env = TemplateEnvironment(
            # a brand's file overrides the built-in of the same name; "builtin/NAME" always reaches
            # the project's own, so a brand template can extend it and replace a single block
            loader=jinja2.ChoiceLoader(
                [
                    ConfinedLoader(
                        [
                            (d, confining_root(d, project.root, brand.folder if brand else None))
                            for d in self.template_dirs
                        ]
                    ),
                    jinja2.PrefixLoader({"builtin": ConfinedLoader([(builtin_dir("templates"),) * 2])}),
                ]
            ),
            autoescape=True,
            undefined=TemplateUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
        )
        self._markdown = markdown.Markdown(extensions=["sane_lists", "smarty"], output_format="html")
        if not project.ladder.allow_html:
            self._markdown.preprocessors.deregister("html_block")
            self._markdown.inlinePatterns.deregister("html")
        self._converted: dict[str, Markup] = {}
        self.views = Views(company=brand.brand.name if brand else project.ladder.organisation)
        self.lookups = Lookups(project.ladder, self.views)
        self.env.filters["md"] = self.markdown
        self.env.filters["md_inline"] = self.markdown_inline
        self.env.filters["unbroken"] = unbroken
        # the globals are exactly these: Jinja's own (lipsum, cycler, joiner, dict) are left out
        self.env.globals.clear()
        self.env.globals.update(
            {
                "range": safe_range,
                "namespace": jinja2.utils.Namespace,
                "diagram": self.diagram,
                **self.lookups.globals(),
            }
        )
        self.palette = palette(brand)
        self.widths = TextWidths(font_faces(brand, project.style_dirs(brand)))
        self._shared_sources: dict[tuple[object, ...], str] = {}

    def markdown(self, text: str | None) -> Markup:
        """Markdown to HTML, as safe markup (raw HTML was escaped unless allowed).

        Each text is converted once per build: packets repeat the same welcome letter for
        hundreds of people, and Python-Markdown is slow.
        """
        if not text:
            return Markup("")
        if text not in self._converted:
            self._markdown.reset()
            self._converted[text] = Markup(self._markdown.convert(text))
        return self._converted[text]

    def markdown_inline(self, text: str | None) -> Markup:
        """Markdown for a single line: the surrounding paragraph is dropped."""
        html = str(self.markdown(text))
        if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
            html = html[3:-4]
        return Markup(html)

    def diagram(
        self,
        levels: tuple[View, ...] | None = None,
        highlight: View | None = None,
        width: float = 170,
        row_height: float = 13,
        labels: str = "full",
        max_height: float | None = None,
    ) -> Markup:
        """The ladder drawing for templates: ``{{ diagram(levels, highlight=level, width=80) }}``."""
        ladder = self.project.ladder
        models = [self.lookups.level(view) for view in levels] if levels is not None else None
        focus = self.lookups.level(highlight) if highlight is not None else None
        return ladder_svg(
            ladder,
            models,
            focus,
            float(width),
            float(row_height),
            str(labels),
            self.palette,
            float(max_height) if max_height is not None else None,
            self.widths,
        )

    def render_person(self, job: PacketJob, fit: int = 0) -> str:
        """The personal pages of a packet alone (its welcome page), from this person's data only."""
        return self.render(job, fit, part="personal")

    def source(self, job: Job, fit: int = 0) -> str:
        """The HTML that decides a job's PDF, for incremental builds and ``check``.

        For a packet that is its own personal pages plus the pages it shares with everyone of
        its combination, rendered once per combination for a stand-in: a roster of hundreds
        costs one full render per level, not one per person. (A packet printed whole has the
        same inputs, since nothing after its personal pages may depend on the person.)
        """
        if not isinstance(job, PacketJob):
            return self.render(job, fit)
        return self.stand_in(job, fit) + self.render_person(job, fit)

    def stand_in(self, job: PacketJob, fit: int = 0) -> str:
        """The whole packet of a stand-in at ``job``'s combination, rendered once per combination."""
        key = (job.combination, fit)
        if key not in self._shared_sources:
            self._shared_sources[key] = self.render(job.stand_in(), fit)
        return self._shared_sources[key]

    def brand_context(self) -> dict[str, object]:
        """What templates know of the brand; without one, the ladder's own organisation and language."""
        ladder = self.project.ladder
        brand = self.brand.brand if self.brand else None
        return {
            "brand": self.views(brand),
            "company": brand.name if brand else ladder.organisation,
            "lang": (brand.language if brand and brand.language else ladder.language),
            "logo": self.brand.file(brand.logo).as_uri() if brand and brand.logo and self.brand else None,
            "footer_line": brand.footer if brand else None,
            "contact": brand.contact if brand else None,
        }

    def check_templates(self) -> list[Problem]:
        """Compile every template so that syntax errors are found before anything is printed."""
        problems = []
        for name in files_in(self.template_dirs, ".html"):
            try:
                with bounded(COMPILE_SECONDS, f"template {name}"):  # Jinja folds constants while compiling
                    self.env.get_template(name)
            except TimeLimitExceeded:
                problems.append(
                    Problem(
                        f"templates/{name}",
                        f"compiling it took longer than {COMPILE_SECONDS} s",
                        hint="simplify the template",
                    )
                )
            except MemoryError:
                problems.append(
                    Problem(
                        f"templates/{name}",
                        f"compiling it needed more than the {MEMORY_BUDGET // 1024**3} GB of memory a document may use",
                        hint="look for a filter or format that makes a huge text",
                    )
                )
            except RecursionError:
                problems.append(
                    Problem(
                        f"templates/{name}",
                        "nests its expressions too deeply to be read",
                        hint="split the expression into smaller ones with {% set %}",
                    )
                )
            except jinja2.TemplateSyntaxError as exc:
                problems.append(self._syntax_problem(exc))
            except TemplateRefused as exc:
                problems.append(exc.problem(self.project.root))
            except jinja2.TemplateError as exc:
                problems.append(
                    Problem(f"templates/{name}", f"cannot be read as a template ({exc})", hint="check the file")
                )
        return problems

    def render(self, job: Job, fit: int = 0, part: str = "full") -> str:
        """The job's HTML. Raises TemplateProblem naming the template file and line on failure.

        ``fit`` asks the template for a tighter layout (0 = normal); templates that do not
        use it ignore it. ``part`` serves onboarding packets, whose personal pages
        (``part="personal"``) are printed apart from the shared ones.
        """
        context = self.context(job, fit, part)
        name = job.recipe.template
        try:
            with bounded(job.recipe.time_limit, f"template {name}"):
                return self.env.get_template(name).render(context)
        except TimeLimitExceeded as exc:
            where, line = self._where(exc, name)
            raise TemplateProblem(
                Problem(
                    where,
                    f"rendering took longer than the {exc.seconds:g} s allowed; it was stopped",
                    line,
                    hint=f"look for a loop that never ends, or raise time_limit in guides/{job.recipe_name}.yaml",
                )
            ) from None
        except MemoryError as exc:
            where, line = self._where(exc, name)
            raise TemplateProblem(
                Problem(
                    where,
                    f"rendering needed more than the {MEMORY_BUDGET // 1024**3} GB of memory a document may use; "
                    "it was stopped",
                    line,
                    hint="look for a filter or format that makes a huge text",
                )
            ) from None
        except TemplateRefused as exc:
            raise TemplateProblem(exc.problem(self.project.root)) from None
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateProblem(self._syntax_problem(exc)) from None
        except jinja2.TemplateError as exc:
            raise TemplateProblem(self._runtime_problem(exc, name, context)) from None
        except Exception as exc:  # noqa: BLE001 -- any error a template's expression raises, located at its line
            raise TemplateProblem(self._runtime_problem(exc, name, context)) from None

    def context(self, job: Job, fit: int = 0, part: str = "full") -> dict[str, object]:
        """Everything a template sees: plain data only (see :mod:`ladderpress.view`)."""
        ladder = self.project.ladder
        views = self.views
        person = job.person.person if isinstance(job, PacketJob) else None
        context: dict[str, object] = {
            "ladder": views(ladder),
            "recipe": views(job.recipe),
            "job": views.record(
                title=job.title, subject=job.subject, recipe_name=job.recipe_name, output=job.output.as_posix()
            ),
            "levels": views(job.levels),
            "level": views(job.focus),
            "track": views(job.track),
            "tracks": views(document_tracks(job, ladder.tracks)),
            "family": views(next((f for f in ladder.families if f.id == job.recipe.select.family), None)),
            "fit": fit,
            "edition": self.edition,
            "person": views(person),
            "part": part,
            "shared_start": SHARED_START,
            "duplex": DUPLEX_STYLESHEET in job.stylesheets,
            **self.brand_context(),
        }
        if person is not None and person.language:
            context["lang"] = person.language
        return context

    # -- locating template errors ------------------------------------------------

    def _syntax_problem(self, exc: jinja2.TemplateSyntaxError) -> Problem:
        path = Path(exc.filename) if exc.filename else Path(exc.name or "templates")
        return Problem(
            relative(path, self.project.root),
            f"template syntax error: {exc.message}",
            exc.lineno,
            hint="check the {% %} and {{ }} tags on this line",
        )

    def _where(self, exc: BaseException, template_name: str) -> tuple[str, int | None]:
        """The innermost template file and line in the traceback: that is the place to show."""
        file, line = None, None
        tb = exc.__traceback__
        while tb is not None:
            template = tb.tb_frame.f_globals.get("__jinja_template__")  # Jinja's compiled templates carry it
            filename = tb.tb_frame.f_code.co_filename
            if filename.endswith(".html") and Path(filename).exists():
                file = filename
                # a rewritten traceback (Jinja's own errors) holds template lines; a raw one, Python's
                line = template.get_corresponding_lineno(tb.tb_lineno) if template is not None else tb.tb_lineno
            tb = tb.tb_next
        return (relative(Path(file), self.project.root) if file else f"templates/{template_name}"), line

    def _runtime_problem(
        self, exc: Exception, template_name: str, context: Mapping[str, object] | None = None
    ) -> Problem:
        where, line = self._where(exc, template_name)
        if isinstance(exc, jinja2.TemplateNotFound):
            return Problem(
                where,
                f"template error: no template named '{exc.name}'",
                line,
                hint="name a template in the brand's, the project's or the built-in templates/ folder, "
                "like 'blocks/footer.html'",
            )
        if isinstance(exc, Missing):
            message, hint = self._missing(exc, context or {})
        elif isinstance(exc, jinja2.UndefinedError):
            message = str(exc.message or exc)
            hint = "check the spelling of the name, or the field in content that it reads"
        elif isinstance(exc, UnknownId):
            message, hint = str(exc), exc.hint
        elif isinstance(exc, ZeroDivisionError):
            message = "division by zero"
            hint = "make sure the number this line divides by is never 0, or test it first with {% if %}"
        elif isinstance(exc, SecurityError) and str(exc).endswith("is unsafe."):
            message = str(exc)
            hint = "templates may read the content's fields and call the globals listed in README, 'Safe by default'"
        elif isinstance(exc, jinja2.TemplateError):
            message, hint = str(exc), "check the expression on this line"
        else:
            message, hint = f"{type(exc).__name__}: {exc}", "check the expression on this line"
        return Problem(where, f"template error: {message}", line, hint=hint)

    def _missing(self, exc: Missing, context: Mapping[str, object]) -> tuple[str, str]:
        """(message, fix) for a name, or a field of a record, that a template used and that does not exist."""
        name = str(exc.name)
        if exc.owner is jinja2.utils.missing:  # a name of its own, like {{ levle }} or {{ cycler }}
            names = [*context, *self.env.globals]
            return f"'{name}' is not defined", suggestion(name, names) or (
                "check the spelling: besides the content (ladder, level, levels, …) templates have only "
                "the look-ups listed in README, 'Safe by default'"
            )
        if isinstance(exc.owner, View):
            fields = list(fields_of(exc.owner))
            # named by its kind ('a level'): the same view may be in the template as level, lv, …
            model = self.views.model_of(exc.owner)
            holder = next((key for key, value in context.items() if value is exc.owner), None)
            what = _a(model) if model is not None else f"'{holder}'" if holder else "this record"
            return f"{what} has no field '{name}'", suggestion(name, fields) or (
                "check the spelling against the field names in the YAML files"
            )
        return str(exc.message or exc), "check the spelling of the name, or the field in content that it reads"


def _a(model: object) -> str:
    """'a level', 'an onboarding', 'a faq entry': a model named by its kind."""
    kind = re.sub(r"(?<!^)(?=[A-Z])", " ", type(model).__name__).lower()
    return f"{'an' if kind[0] in 'aeiou' else 'a'} {kind}"


class Missing(jinja2.UndefinedError):
    """A name, or a field of a record, that a template used and that does not exist: says which, and on what."""

    def __init__(self, message: str | None = None, *, name: str | None = None, owner: object = None) -> None:
        super().__init__(message)
        self.name = name
        self.owner = owner


class TemplateUndefined(jinja2.StrictUndefined):
    """Jinja's StrictUndefined (using it is an error), failing with a :class:`Missing` that knows the name.

    Undefined values the sandbox makes for unsafe attributes keep their own error (a SecurityError).
    """

    __slots__ = ()

    def __init__(
        self,
        hint: str | None = None,
        obj: Any = jinja2.utils.missing,
        name: str | None = None,
        exc: type[jinja2.exceptions.TemplateRuntimeError] = jinja2.UndefinedError,
    ) -> None:
        super().__init__(hint, obj, name, exc)
        if exc is jinja2.UndefinedError and hint is None:
            self._undefined_exception = functools.partial(Missing, name=name, owner=obj)  # type: ignore[assignment]


MAX_RESULT_LENGTH = 5_000_000
"""Longest text or list a template may make by multiplying (``'x' * 10**9`` is a memory bomb)."""
MAX_RESULT_BITS = 100_000
"""Largest whole number a template may make by ``*`` or ``**`` (``9 ** 9 ** 9`` never ends)."""


class TemplateEnvironment(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, with ``*`` and ``**`` bounded.

    Intercepting the two operators also stops Jinja from computing constant expressions
    such as ``9 ** (9 ** 9)`` while it compiles a template, where no time limit applies.
    """

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: object, right: object) -> object:
        if (
            operator == "**"
            and _whole(left)
            and _whole(right)
            and right > 0
            and abs(left).bit_length() * right > MAX_RESULT_BITS
        ):
            raise SecurityError(f"{_short(left)} ** {_short(right)} is too large a number for a template")
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and _whole(times) and len(seq) * times > MAX_RESULT_LENGTH:
                    raise SecurityError(
                        f"repeating a text or list {_short(times)} times makes it too long "
                        f"(more than {MAX_RESULT_LENGTH:,})"
                    )
            if _whole(left) and _whole(right) and abs(left).bit_length() + abs(right).bit_length() > MAX_RESULT_BITS:
                raise SecurityError("too large a number for a template")
        return super().call_binop(context, operator, left, right)

    def unsafe_undefined(self, obj: Any, attribute: str) -> jinja2.Undefined:
        """``cycler.__init__`` where ``cycler`` is not defined fails as ``cycler`` itself: it is not defined."""
        if isinstance(obj, jinja2.Undefined):
            obj._fail_with_undefined_error()
        return super().unsafe_undefined(obj, attribute)


def _whole(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _short(value: object) -> str:
    text = str(value) if not _whole(value) or abs(value).bit_length() < 200 else "a huge number"
    return text if len(text) <= 40 else text[:39] + "…"


class TemplateRefused(jinja2.TemplateError):
    """A template file that may not be read (a link outside its folder, a FIFO, …).

    Not a ``TemplateNotFound``: Jinja's ChoiceLoader would take that as "try the next folder"
    and quietly fall back to the built-in template.
    """

    def __init__(self, name: str, refused: FileRefused) -> None:
        super().__init__(f"{refused.path}: {refused.what}")
        self.name = name
        self.refused = refused

    def problem(self, root: Path) -> Problem:
        return Problem(relative(self.refused.path, root), self.refused.what, hint=self.refused.hint)


class ConfinedLoader(jinja2.BaseLoader):
    """Jinja's file loader, except that every template is read through :func:`ladderpress.files.read_text`.

    Each folder comes with the root its files must resolve into (the brand's folder, the
    project's, or the built-in templates), so a symlinked ``header.html`` that points at
    ``/etc/passwd`` is refused with one line instead of being printed.
    """

    def __init__(self, folders: list[tuple[Path, Path]]) -> None:
        self.folders = folders

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        parts = split_template_path(template)  # refuses '..' and absolute names
        for folder, root in self.folders:
            path = folder.joinpath(*parts)
            if not os.path.lexists(path):
                continue
            try:
                source = read_text(path, (root,), MAX_TEMPLATE_BYTES)
            except FileRefused as exc:
                raise TemplateRefused(template, exc) from None
            mtime = path.stat().st_mtime
            return source, str(path), lambda path=path, mtime=mtime: path.exists() and path.stat().st_mtime == mtime
        raise jinja2.TemplateNotFound(template)


NO_BREAK = "\u00a0"
PARENTHESES = re.compile(r"\([^()]*\)")
NUMBER_AND_WORD = re.compile(r"(\d)\s+(?=\w)")


def unbroken(text: object) -> str:
    """Text whose units never break across lines: a qualifier in parentheses ("(People Manager)")
    and a number with the word after it ("2–3 years") are joined with no-break spaces."""
    if text is None:
        return ""
    joined = PARENTHESES.sub(lambda match: match.group().replace(" ", NO_BREAK), str(text))
    return NUMBER_AND_WORD.sub(rf"\1{NO_BREAK}", joined)


def document_tracks(job: Job, tracks: list[Track]) -> list[Track]:
    """The tracks a document is about: those with levels of their own in it.

    A track book of the IC track holds the trunk levels the manager track shares, but is not about
    two tracks; a document of trunk levels only is about every track they belong to.
    """
    having = [t for t in tracks if any(t.id in level.tracks for level in job.levels)]
    own = [t for t in having if any(level.tracks == [t.id] for level in job.levels)]
    return own or having


class Renderers:
    """One renderer per brand in use: each brand has its own templates and palette."""

    def __init__(self, project: Project, edition: datetime.date | None = None) -> None:
        self.project = project
        self._by_brand: dict[Path | None, Renderer] = {}
        brands: list[LoadedBrand | None] = [project.forced_brand] if project.forced_brand else [None]
        if project.forced_brand is None:
            brands += list(project.brands.values())
        for brand in brands:
            self._by_brand[brand.folder if brand else None] = Renderer(project, brand, edition)

    def for_job(self, job: Job) -> Renderer:
        return self._by_brand[job.brand.folder if job.brand else None]

    def check_templates(self) -> list[Problem]:
        problems: dict[str, Problem] = {}
        for renderer in self._by_brand.values():
            for problem in renderer.check_templates():
                problems.setdefault(str(problem), problem)
        return list(problems.values())

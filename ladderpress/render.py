"""Render a job to HTML with Jinja.

Templates see only validated models (the ladder, the job's levels and recipe), never
raw dicts. Autoescape is on and undefined names are errors. Markdown fields go
through Python-Markdown with raw HTML escaped unless the ladder sets ``allow_html``.
"""

from __future__ import annotations

import datetime
import traceback
from pathlib import Path

import jinja2
import markdown
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from ladderpress.diagram import TextWidths, ladder_svg
from ladderpress.errors import Problem, relative
from ladderpress.load import LoadedBrand, Project, files_in
from ladderpress.model import Level, Person
from ladderpress.packaged import builtin_dir
from ladderpress.plan import Job, combination, stand_in
from ladderpress.theme import font_faces, palette


class TemplateProblem(Exception):
    """A template failed to render; carries the located problem."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


class Renderer:
    """One Jinja environment for a project; renders every job of a build."""

    def __init__(self, project: Project, brand: LoadedBrand | None = None,
                 edition: datetime.date | None = None) -> None:
        self.project = project
        self.brand = brand
        self.edition = edition
        self.template_dirs = project.template_dirs(brand)
        # sandboxed: a template (a brand's, say) reads the models but cannot reach Python's internals
        self.env = SandboxedEnvironment(
            # a brand's file overrides the built-in of the same name; "builtin/NAME" always reaches
            # the project's own, so a brand template can extend it and replace a single block
            loader=jinja2.ChoiceLoader([
                jinja2.FileSystemLoader([str(d) for d in self.template_dirs]),
                jinja2.PrefixLoader({"builtin": jinja2.FileSystemLoader(str(builtin_dir("templates")))}),
            ]),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
        )
        self._markdown = markdown.Markdown(extensions=["sane_lists", "smarty"], output_format="html")
        if not project.ladder.allow_html:
            self._markdown.preprocessors.deregister("html_block")
            self._markdown.inlinePatterns.deregister("html")
        self._converted: dict[str, Markup] = {}
        self.env.filters["md"] = self.markdown
        self.env.filters["md_inline"] = self.markdown_inline
        self.env.globals["diagram"] = self.diagram
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

    def diagram(self, levels: list[Level] | None = None, highlight: Level | None = None, width: float = 170,
                row_height: float = 13, labels: str = "full", max_height: float | None = None) -> Markup:
        """The ladder drawing for templates: ``{{ diagram(levels, highlight=level, width=80) }}``."""
        return ladder_svg(self.project.ladder, levels, highlight, width, row_height, labels, self.palette,
                          max_height, self.widths)

    def render_people(self, jobs: list[Job]) -> str:
        """The personal pages of several packets of one combination, in one document."""
        people = [job.person.person for job in jobs if job.person is not None]
        return self.render(jobs[0], part="personal", people=people)

    def source(self, job: Job) -> str:
        """The HTML that decides a job's PDF, for incremental builds and ``check``.

        For a packet that is its own personal pages plus the pages it shares with everyone of
        its combination, rendered once per combination for a stand-in: a roster of hundreds
        costs one full render per level, not one per person. (A packet printed whole has the
        same inputs, since nothing after its personal pages may depend on the person.)
        """
        if job.person is None:
            return self.render(job)
        return self.stand_in(job) + self.render_people([job])

    def stand_in(self, job: Job) -> str:
        """The whole packet of a stand-in at ``job``'s combination, rendered once per combination."""
        key = combination(job)
        if key not in self._shared_sources:
            self._shared_sources[key] = self.render(stand_in(job))
        return self._shared_sources[key]

    def brand_context(self) -> dict[str, object]:
        """What templates know of the brand; without one, the ladder's own organisation and language."""
        ladder = self.project.ladder
        brand = self.brand.brand if self.brand else None
        return {
            "brand": brand,
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
                self.env.get_template(name)
            except jinja2.TemplateSyntaxError as exc:
                problems.append(self._syntax_problem(exc))
            except (UnicodeDecodeError, OSError, jinja2.TemplateError) as exc:
                problems.append(Problem(f"templates/{name}", f"cannot be read as a template ({exc})",
                                        hint="save it as UTF-8 text"))
        return problems

    def render(self, job: Job, fit: int = 0, part: str = "full", people: list[Person] | None = None) -> str:
        """The job's HTML. Raises TemplateProblem naming the template file and line on failure.

        ``fit`` asks the template for a tighter layout (0 = normal); templates that do not
        use it ignore it. ``part`` and ``people`` serve onboarding packets, whose personal
        pages (``part="personal"``, for each of ``people``) are printed apart from the shared ones.
        """
        ladder = self.project.ladder
        context = {
            "ladder": ladder,
            "recipe": job.recipe,
            "job": job,
            "levels": list(job.levels),
            "level": job.focus,
            "track": job.track,
            "tracks": [ladder.track(t.id) for t in ladder.tracks if _track_has(job, t.id)],
            "fit": fit,
            "edition": self.edition,
            "person": job.person.person if job.person else None,
            "part": part,
            "people": people,
            **self.brand_context(),
        }
        if job.person is not None and job.person.person.language:
            context["lang"] = job.person.person.language
        try:
            template = self.env.get_template(job.recipe.template)
            return template.render(context)
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateProblem(self._syntax_problem(exc)) from None
        except (jinja2.TemplateError, UnicodeDecodeError) as exc:
            raise TemplateProblem(self._runtime_problem(exc, job.recipe.template)) from None
        except Exception as exc:  # any error a template's expression raises, located at its line
            raise TemplateProblem(self._runtime_problem(exc, job.recipe.template)) from None

    # -- locating template errors ------------------------------------------------

    def _syntax_problem(self, exc: jinja2.TemplateSyntaxError) -> Problem:
        path = Path(exc.filename) if exc.filename else Path(exc.name or "templates")
        return Problem(relative(path, self.project.root), f"template syntax error: {exc.message}", exc.lineno,
                       hint="check the {% %} and {{ }} tags on this line")

    def _runtime_problem(self, exc: Exception, template_name: str) -> Problem:
        """Find the innermost template frame in the traceback: that is the line to show."""
        file, line = None, None
        for frame in traceback.extract_tb(exc.__traceback__):
            if frame.filename.endswith(".html") and Path(frame.filename).exists():
                file, line = frame.filename, frame.lineno
        where = relative(Path(file), self.project.root) if file else f"templates/{template_name}"
        message = str(exc.message or exc) if isinstance(exc, jinja2.UndefinedError) else str(exc)
        if not isinstance(exc, jinja2.TemplateError):
            message = f"{type(exc).__name__}: {message}"
        hint = None
        if isinstance(exc, jinja2.UndefinedError):
            hint = "check the spelling of the name, or the field in content that it reads"
        return Problem(where, f"template error: {message}", line, hint=hint)


def _track_has(job: Job, track_id: str) -> bool:
    return any(track_id in level.tracks for level in job.levels)


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

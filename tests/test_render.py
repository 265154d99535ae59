"""Unit tests of ladderpress/render.py and view.py: the sandbox, plain data, strict and escaped
templates, the registered globals, the confined loader, and template problems that name file and line.

Templates are small files written into a small project's ``templates/``; no PDF is laid out.
Jobs are stand-ins with the attributes the renderer reads (plan.py is being reshaped, and a
renderer test should not depend on how jobs are planned).
"""

from __future__ import annotations

import dataclasses
import datetime
import os
from pathlib import Path, PurePosixPath
from types import MappingProxyType, SimpleNamespace
from typing import Any

import pytest
from jinja2.exceptions import SecurityError
from markupsafe import Markup

from ladderpress.load import Project, load_brand, load_project
from ladderpress.model import Person, Recipe
from ladderpress.packaged import builtin_dir
from ladderpress.render import Renderer, TemplateProblem, TemplateRefused
from ladderpress.view import SCALARS, View, Views, fields_of, walk
from tests.conftest import TEMPLATE_GLOBALS

LADDER = """\
title: Ladder
field: Product
organisation: Northwind <Labs>
introduction: Hello.
tracks:
  - id: ic
    name: Individual contributor
    short_name: IC
    summary: Grows by depth.
faq:
  - question: Why?
    answer: Because.
    levels: [pm]
"""
RECIPE = "title: Handbook\ntemplate: handbook.html\noutput: handbook.pdf\n"


def level_text(level_id: str, rank: int, leads_to: str = "", title: str = "") -> str:
    return (
        f"id: {level_id}\ncode: L{rank}\ntitle: {title or 'Title ' + level_id}\nshort_title: T{rank}\nrank: {rank}\n"
        "tracks: [ic]\nscope: Scope.\ndescription: Description.\nduties: [Plans]\nexperience: Some\n"
        f"time_at_level: 2 years\nreports_to: A lead\nleads_to: [{leads_to}]\n"
    )


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    files = {
        "content/ladder.yaml": LADDER,
        "content/levels/apm.yaml": level_text("apm", 1, "pm", title="'<script>alert(1)</script> & co'"),
        "content/levels/pm.yaml": level_text("pm", 2),
        "guides/handbook.yaml": RECIPE,
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    (root / "templates").mkdir()
    return root


@pytest.fixture
def project(root: Path) -> Project:
    return load_project(root)


def template(root: Path, name: str, text: str) -> None:
    path = root / "templates" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def job(project: Project, template_name: str = "t.html", focus: str | None = "apm", time_limit: int = 120) -> Any:
    """A document job: the attributes the renderer reads, and nothing else."""
    recipe = Recipe(title="Doc", template=template_name, output="doc.pdf", time_limit=time_limit)
    level = project.ladder.level(focus) if focus else None
    return SimpleNamespace(
        recipe_name="doc",
        recipe=recipe,
        output=PurePosixPath("doc.pdf"),
        levels=tuple(project.ladder.ranked_levels()),
        track=None,
        focus=level,
        stylesheets=("base.css",),
        brand=None,
        title=f"{level.title} — Doc" if level else "Doc",
        subject="",
    )


def render(project: Project, text: str, **kwargs: Any) -> str:
    template(project.root, "t.html", text)
    return Renderer(project).render(job(project, **kwargs))


def problem(project: Project, text: str, **kwargs: Any) -> str:
    with pytest.raises(TemplateProblem) as exc:
        render(project, text, **kwargs)
    assert str(exc.value) == str(exc.value.problem)
    return str(exc.value.problem)


# --------------------------------------------------------------------------- what templates see


def test_the_context_is_plain_data_only(project: Project) -> None:
    context = Renderer(project).context(job(project))
    allowed = (*SCALARS, View, tuple, MappingProxyType, Markup)
    for name, value in context.items():
        for where, item in walk(value, name):
            assert isinstance(item, allowed), where
            assert not callable(item), where
    assert {"ladder", "recipe", "job", "levels", "level", "track", "tracks", "person", "company", "lang"} <= set(
        context
    )
    assert context["level"].id == "apm" and context["person"] is None and context["company"] == "Northwind <Labs>"
    assert [lv.id for lv in context["levels"]] == ["apm", "pm"]
    assert context["job"].title.endswith("— Doc") and context["job"].output == "doc.pdf"


def test_views_are_read_only_and_hold_fields_not_methods(project: Project) -> None:
    views = Views()
    ladder = views(project.ladder)
    assert isinstance(ladder, View)
    with pytest.raises(AttributeError, match="read-only"):
        ladder.title = "changed"
    with pytest.raises(AttributeError, match="read-only"):
        del ladder.title
    with pytest.raises(AttributeError):
        _ = ladder.level  # a method of the model, not a field
    assert "ranked_levels" not in fields_of(ladder)
    assert ladder.title == ladder["title"] == "Ladder"
    assert views(project.ladder) is ladder  # one view per model
    assert views(project.ladder.levels[0]) is ladder.levels[0]


def test_views_carry_computed_properties() -> None:
    person = Person(
        name="Léa Dubois", level="pm", team="T", manager="M", buddy="B", start_date=datetime.date(2027, 1, 1)
    )
    view = Views()(person)
    assert view.greeting_name == "Léa Dubois" and view.start_date == datetime.date(2027, 1, 1)


@pytest.mark.parametrize("value", [Path("/etc/passwd"), print, object(), {1.5: "x"}, {"k": Path(".")}, {1, 2}])
def test_anything_else_is_refused_when_the_context_is_made(value: object) -> None:
    with pytest.raises(TypeError, match="cannot be given to a template"):
        Views()(value)


def test_lists_and_mappings_become_tuples_and_read_only_mappings() -> None:
    made = Views()({"a": [1, "x", None], 2: (True,)})
    assert made == MappingProxyType({"a": (1, "x", None), 2: (True,)})
    assert isinstance(made, MappingProxyType)
    with pytest.raises(TypeError):
        made["b"] = 1  # type: ignore[index]


# --------------------------------------------------------------------------- the environment


def test_the_globals_are_exactly_those_registered(project: Project) -> None:
    env = Renderer(project).env
    assert set(env.globals) == TEMPLATE_GLOBALS
    assert {"md", "md_inline"} <= set(env.filters)


@pytest.mark.parametrize("name", ["lipsum", "cycler", "joiner", "dict"])
def test_jinjas_other_globals_are_not_there(project: Project, name: str) -> None:
    message = problem(project, f"{{{{ {name}() }}}}")
    assert message.startswith("templates/t.html:1: template error:")


def test_the_look_ups(project: Project) -> None:
    html = render(
        project,
        "{{ next_levels(level_by_id('apm'))|map(attribute='id')|join(',') }}|"
        "{{ previous_levels(level_by_id('pm'))|map(attribute='id')|join(',') }}|"
        "{{ track_by_id('ic').name }}|{{ shared_levels()|length }}|"
        "{{ faq_for(level_by_id('pm'))|map(attribute='question')|join }}|{{ faq_for(level)|length }}",
    )
    assert html == "pm|apm|Individual contributor|2|Why?|0"


def test_an_unknown_id_in_a_look_up_is_a_located_problem(project: Project) -> None:
    assert (
        problem(project, "\n{{ level_by_id('cpo').title }}")
        == "templates/t.html:2: template error: level_by_id was given 'cpo', which is not the id of a level "
        "(fix: choose one of: 'apm', 'pm')"
    )
    assert problem(project, "{{ track_by_id('icc') }}") == (
        "templates/t.html:1: template error: track_by_id was given 'icc', which is not the id of a track "
        "(fix: did you mean 'ic'?)"
    )


def test_the_diagram_is_markup_for_the_levels_given(project: Project) -> None:
    html = render(project, "{{ diagram(levels, highlight=level, width=80) }}")
    assert html.startswith('<svg xmlns="http://www.w3.org/2000/svg"') and "You are here: T1 (L1)." in html


def test_autoescape_is_on(project: Project) -> None:
    html = render(project, "<h1>{{ level.title }}</h1>{{ company }}")
    assert html == "<h1>&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</h1>Northwind &lt;Labs&gt;"


def test_undefined_names_are_errors_not_blanks(project: Project) -> None:
    assert problem(project, "a\nb {{ levle.title }}") == (
        "templates/t.html:2: template error: 'levle' is not defined (fix: did you mean 'level'?)"
    )
    assert problem(project, "{{ level.scoop }}") == (
        "templates/t.html:1: template error: a level has no field 'scoop' (fix: did you mean 'scope'?)"
    )
    # named by what it is, whatever the template calls it; a record that is no model, by its name
    assert problem(project, "{% for lv in levels %}{{ lv.scoop }}{% endfor %}") == (
        "templates/t.html:1: template error: a level has no field 'scoop' (fix: did you mean 'scope'?)"
    )
    assert problem(project, "{{ job.titel }}") == (
        "templates/t.html:1: template error: 'job' has no field 'titel' (fix: did you mean 'title'?)"
    )
    # a name Jinja has and templates do not: not defined, and what there is instead
    assert problem(project, "{{ cycler.__init__.__globals__ }}") == (
        "templates/t.html:1: template error: 'cycler' is not defined (fix: check the spelling: besides the "
        "content (ladder, level, levels, …) templates have only the look-ups listed in README, 'Safe by default')"
    )
    assert render(project, "{{ level.scoop is defined }}|{{ levle is defined }}|{{ level.scoop|default('-') }}") == (
        "False|False|-"
    )


def test_markdown_escapes_raw_html_unless_the_ladder_allows_it(project: Project) -> None:
    text = "{{ '*hi* <b>there</b>'|md }}|{{ '*hi*'|md_inline }}|{{ none|md }}"
    assert render(project, text) == "<p><em>hi</em> &lt;b&gt;there&lt;/b&gt;</p>|<em>hi</em>|"
    allowed = dataclasses.replace(project, ladder=project.ladder.model_copy(update={"allow_html": True}))
    assert render(allowed, text) == "<p><em>hi</em> <b>there</b></p>|<em>hi</em>|"


# --------------------------------------------------------------------------- the sandbox


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("{{ ''.__class__.__mro__ }}", "unsafe"),
        ("{{ level.__class__ }}", "unsafe"),
        ("{{ range.__globals__ }}", "unsafe"),
        ("{% set x = [1] %}{{ x.append(2) }}", "unsafe"),  # immutable: no changing a list
        ("{{ 'x' * 10000000 }}", "repeating a text or list 10000000 times makes it too long"),
        ("{{ 9 ** 999999 }}", "9 ** 999999 is too large a number for a template"),
        ("{{ range(10000000)|length }}", "Range too big"),
    ],
)
def test_the_sandbox_refuses(project: Project, text: str, says: str) -> None:
    message = problem(project, text)
    assert message.startswith("templates/t.html:1: template error:") and says in message


def test_the_sandbox_refuses_before_rendering_too(project: Project) -> None:
    env = Renderer(project).env
    with pytest.raises(SecurityError):
        env.from_string("{{ ''.__class__.__subclasses__() }}").render()


def test_a_runaway_template_is_stopped_at_its_time_limit(project: Project) -> None:
    loop = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    assert problem(project, "\n" + loop, time_limit=1) == (
        "templates/t.html:2: rendering took longer than the 1 s allowed; it was stopped "
        "(fix: look for a loop that never ends, or raise time_limit in guides/doc.yaml)"
    )


# --------------------------------------------------------------------------- problems name file and line


def test_a_problem_in_an_included_template_names_that_template(project: Project) -> None:
    template(project.root, "blocks/inner.html", "fine\n{{ 1 / 0 }}\n")
    assert problem(project, "one\ntwo\n{% include 'blocks/inner.html' %}") == (
        "templates/blocks/inner.html:2: template error: division by zero "
        "(fix: make sure the number this line divides by is never 0, or test it first with {% if %})"
    )


def test_a_syntax_error_names_file_and_line(project: Project) -> None:
    assert problem(project, "ok\n{% for x in levels %}\n{% endfo %}").startswith(
        "templates/t.html:3: template syntax error: Encountered unknown tag 'endfo'."
    )


def test_check_templates_compiles_every_template_and_reports_each_bad_one(project: Project) -> None:
    template(project.root, "bad.html", "\n\n{{ oops(")
    template(project.root, "blocks/bad.html", "{% if %}")
    template(project.root, "good.html", "{{ level.title }}")
    found = [str(p) for p in Renderer(project).check_templates()]
    assert [line.split(": template syntax error")[0] for line in found] == [
        "templates/bad.html:3",
        "templates/blocks/bad.html:1",
    ]


def test_a_missing_include_says_where_to_put_it(project: Project) -> None:
    assert problem(project, "{% include 'blocks/nothing.html' %}") == (
        "templates/t.html:1: template error: no template named 'blocks/nothing.html' (fix: name a template in the "
        "brand's, the project's or the built-in templates/ folder, like 'blocks/footer.html')"
    )


# --------------------------------------------------------------------------- the loader


def test_a_project_template_overrides_the_built_in_one_which_stays_reachable(project: Project) -> None:
    template(project.root, "blocks/footer.html", "mine")
    loader = Renderer(project).env.loader
    assert loader is not None
    source, filename, _ = loader.get_source(Renderer(project).env, "blocks/footer.html")
    assert source == "mine" and filename == str(project.root / "templates/blocks/footer.html")
    builtin, filename, _ = loader.get_source(Renderer(project).env, "builtin/blocks/footer.html")
    assert builtin == (builtin_dir("templates") / "blocks/footer.html").read_text(encoding="utf-8")
    assert render(project, "{% include 'blocks/footer.html' %}") == "mine"


def test_the_loader_sees_a_template_change(project: Project) -> None:
    template(project.root, "t.html", "one")
    renderer = Renderer(project)
    assert renderer.render(job(project)) == "one"
    path = project.root / "templates/t.html"
    path.write_text("two, longer")
    stat = path.stat()
    os.utime(path, (stat.st_atime, stat.st_mtime + 5))
    assert renderer.render(job(project)) == "two, longer"


def test_a_template_linked_out_of_the_project_is_refused(project: Project, tmp_path: Path) -> None:
    secret = tmp_path / "secret.html"
    secret.write_text("SECRET")
    (project.root / "templates/blocks").mkdir()
    (project.root / "templates/blocks/header.html").symlink_to(secret)
    message = problem(project, "{% include 'blocks/header.html' %}")
    assert message == (
        f"templates/blocks/header.html: is a link to a file outside the allowed folders ({secret}) "
        "(fix: copy the file itself into the project or brand folder)"
    )
    # refused, not "not found": the built-in header is not quietly used instead
    renderer = Renderer(project)
    with pytest.raises(TemplateRefused):
        renderer.env.get_template("blocks/header.html")
    assert any("blocks/header.html" in str(p) for p in renderer.check_templates())


@pytest.mark.parametrize("name", ["../secret.html", "/etc/passwd", "blocks/../../secret.html"])
def test_names_leading_out_of_the_folders_are_not_found(project: Project, tmp_path: Path, name: str) -> None:
    (tmp_path / "secret.html").write_text("SECRET")
    message = problem(project, f"{{% include '{name}' %}}")
    assert "no template named" in message and "SECRET" not in message


def test_a_fifo_template_is_refused_without_hanging(project: Project) -> None:
    os.mkfifo(project.root / "templates/pipe.html")
    assert problem(project, "{% include 'pipe.html' %}") == (
        "templates/pipe.html: is not a regular file (it is a named pipe) (fix: replace it with an ordinary file)"
    )


def test_a_brand_template_cannot_reach_into_the_project(project: Project) -> None:
    folder = project.root / "brands/acme"
    (folder / "templates").mkdir(parents=True)
    (folder / "brand.yaml").write_text('name: Acme\ncolours:\n  primary: "#14532d"\n  accent: "#b45309"\n')
    (folder / "templates/t.html").symlink_to(project.root / "content/ladder.yaml")
    brand, problems = load_brand(folder, project.root)
    assert problems == [] and brand is not None
    branded = dataclasses.replace(project, brands={brand.folder: brand}, forced_brand=brand)
    with pytest.raises(TemplateProblem) as exc:
        Renderer(branded, brand).render(job(branded))
    assert str(exc.value).startswith("brands/acme/templates/t.html: is a link to a file outside the allowed folders")


def test_the_brand_context(project: Project) -> None:
    folder = project.root / "brands/acme"
    folder.mkdir(parents=True)
    (folder / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (folder / "brand.yaml").write_text(
        "name: Acme\nlogo: logo.svg\nfooter: Internal\ncontact: hr@acme.example\nlanguage: de\n"
        'colours:\n  primary: "#14532d"\n  accent: "#b45309"\n'
    )
    brand, _ = load_brand(folder, project.root)
    assert brand is not None
    context = Renderer(project, brand).brand_context()
    assert context["company"] == "Acme" and context["lang"] == "de"
    assert context["logo"] == (folder / "logo.svg").resolve().as_uri()
    assert (context["footer_line"], context["contact"]) == ("Internal", "hr@acme.example")
    assert isinstance(context["brand"], View) and context["brand"].name == "Acme"
    plain = Renderer(project).brand_context()
    assert (plain["company"], plain["lang"], plain["logo"], plain["brand"]) == ("Northwind <Labs>", "en", None, None)

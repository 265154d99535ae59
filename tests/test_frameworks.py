"""Three published frameworks encoded as projects (tests/fixtures/ft, snowflake, monzo).

Each is read back to check that the model carries the framework's own concepts (named scales,
bands shared across tracks and families, moves of every kind, cumulative expectations, level
sections, specialisations) and that facts the framework does not give stay absent. Every recipe
of each is then built once, and the PDFs are read back. Last, the handbook's competency matrix,
on these and on a generated ladder too wide for one table: it comes in parts, its headings keep
their words whole, and none of its pages holds a lone row.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

import ladderpress
from ladderpress.cli import main
from ladderpress.load import load_project
from ladderpress.model import Ladder
from ladderpress.plan import plan
from ladderpress.render import Renderer
from ladderpress.request import BuildRequest
from tests.conftest import FIXTURES, outline, page_texts, shared_build

FRAMEWORKS = ("ft", "snowflake", "monzo")


def ladder_of(name: str) -> Ladder:
    return load_project(FIXTURES / name).ladder


@pytest.fixture(scope="module")
def ft() -> Ladder:
    return ladder_of("ft")


@pytest.fixture(scope="module")
def snowflake() -> Ladder:
    return ladder_of("snowflake")


@pytest.fixture(scope="module")
def monzo() -> Ladder:
    return ladder_of("monzo")


def steps_at(ladder: Ladder, competency_id: str) -> dict[str, str | None]:
    comp = next(c for c in ladder.all_competencies() if c.id == competency_id)
    return {level: comp.expectation(level).step for level in comp.expectations}


# --------------------------------------------------------------------------- the model


@pytest.mark.parametrize("name", FRAMEWORKS)
def test_absent_facts_stay_absent(name: str) -> None:
    for level in ladder_of(name).levels:
        assert (level.experience, level.years, level.time_at_level, level.reports_to) == (None, None, None, None)


@pytest.mark.parametrize("name", FRAMEWORKS)
def test_every_level_names_a_band(name: str) -> None:
    ladder = ladder_of(name)
    assert ladder.bands
    assert all(ladder.band(level) is not None for level in ladder.levels)


def test_ft_named_scale_with_a_step_per_cell(ft: Ladder) -> None:
    (scale,) = ft.scales
    assert [s.name for s in scale.steps] == ["Awareness", "Foundational", "Working knowledge", "Practitioner", "Expert"]
    assert all(s.description for s in scale.steps)
    # the step does not follow the level: at Engineer, Communication stays at Awareness
    assert steps_at(ft, "communication")["engineer"] == "awareness"
    assert steps_at(ft, "planning-organising")["engineer"] == "foundational"
    assert steps_at(ft, "technical")["junior"] == "foundational"
    # the IC and PM versions of Principal rate Technical differently
    assert steps_at(ft, "technical")["principal-ic"] == "expert"
    assert steps_at(ft, "technical")["principal-pm"] == "practitioner"
    assert set(steps_at(ft, "leadership").values()) == {s.id for s in scale.steps}


def test_ft_trunk_pairs_and_bands(ft: Ladder) -> None:
    for trunk in ("junior", "engineer", "senior-1"):
        assert ft.level(trunk).tracks == ["ic", "manager"]
    assert ft.level("tech-director").tracks == ["manager"]
    for ic, pm, band in (("senior-2-ic", "senior-2-pm", "senior-2"), ("principal-ic", "principal-pm", "principal")):
        assert ft.level(ic).band == ft.level(pm).band == band
        assert ft.level(ic).rank == ft.level(pm).rank
        assert ft.level(pm) in ft.equivalents(ft.level(ic))


def test_ft_moves_promotion_and_transfer(ft: Ladder) -> None:
    kinds = {(m.to, m.kind) for m in ft.moves_from(ft.level("senior-2-ic"))}
    assert kinds == {("principal-ic", "promotion"), ("senior-2-pm", "transfer")}
    pairs = (("senior-2-ic", "senior-2-pm"), ("senior-2-pm", "senior-2-ic"), ("principal-pm", "principal-ic"))
    for level, other in pairs:
        (move,) = [m for m in ft.moves_from(ft.level(level)) if m.kind == "transfer"]
        assert move.to == other and move.criteria and move.business_need
    (to_director,) = ft.moves_from(ft.level("principal-pm"))[:1]
    assert to_director.to == "tech-director" and to_director.kind == "promotion" and to_director.business_need
    assert [m.kind for m in ft.moves_from(ft.level("junior"))] == ["promotion"]
    assert not any(m.kind == "out" for lv in ft.levels for m in ft.moves_from(lv))


def test_ft_families_and_legacy_evidence(ft: Ladder) -> None:
    assert [f.id for f in ft.families] == ["engineering", "engineering-legacy"]
    assert [lv.id for lv in ft.levels_of_family("engineering-legacy")] == ["legacy-engineer", "legacy-senior-2"]
    legacy = ft.groups_for(["legacy"])
    assert [g.id for g in legacy] == ["legacy"]
    for comp in legacy[0].competencies:
        for level in comp.expectations:
            found = comp.expectation(level)
            assert found.step == "working-knowledge" and found.examples
    assert "technical" not in {c.id for g in legacy for c in g.competencies}
    assert all(not lv.sections and not lv.sublevels for lv in ft.levels)
    assert all(lv.code is None for lv in ft.levels)  # FT's levels have no codes: none is made up


def test_snowflake_groups_milestones_and_sublevels(snowflake: Ladder) -> None:
    assert [g.name for g in snowflake.competencies] == ["Building", "Executing", "Supporting", "Strengthening"]
    assert not snowflake.families
    (scale,) = snowflake.scales
    assert [s.name for s in scale.steps] == [f"Milestone {n}" for n in range(1, 6)]
    assert all(s.description for s in scale.steps)
    for comp in snowflake.all_competencies():
        assert comp.scale == "milestones"
        for level in comp.expectations:
            found = comp.expectation(level)
            assert found.step and found.text and found.behaviours and found.examples
    senior = snowflake.level("senior-engineer")
    assert [s.code for s in senior.sublevels] == ["3.1", "3.2", "3.3"]
    assert all(s.title is None and s.summary for s in senior.sublevels)  # point ranges, not titles
    assert all(not lv.duties for lv in snowflake.levels)  # Snowflake gives its levels no duties
    assert sum(len(lv.sublevels) for lv in snowflake.levels_in("ic")) == 15


def test_snowflake_bands_shared_by_titles_and_no_manager_only_group(snowflake: Ladder) -> None:
    for ic, manager in (
        ("senior-engineer", "group-lead"),
        ("staff-engineer", "senior-group-lead"),
        ("principal-engineer", "director-of-engineering"),
    ):
        assert snowflake.equivalents(snowflake.level(ic)) == [snowflake.level(manager)]
    assert not snowflake.equivalents(snowflake.level("engineer-2"))
    assert len(snowflake.groups_for(["ic"])) == len(snowflake.groups_for(["manager"])) == 4
    assert all(not g.tracks for g in snowflake.competencies)
    moves = [m for lv in snowflake.levels for m in snowflake.moves_from(lv)]
    assert moves and {m.kind for m in moves} == {"promotion"}
    assert not snowflake.specialisations and not snowflake.faq


def test_monzo_families_share_bands(monzo: Ladder) -> None:
    assert [f.id for f in monzo.families] == ["engineering", "generic"]
    assert len(monzo.levels_of_family("engineering")) == 6
    row = next(r for r in monzo.bands_compared() if r.band and r.band.id == "level-3")
    assert [[lv.id for lv in cell] for cell in row.cells] == [["eng-3"], ["gen-3"]]
    assert monzo.level("eng-3").code == monzo.level("gen-3").code == "3"
    assert [s.code for s in monzo.level("eng-4").sublevels] == ["4A", "4B", "4C", "4D", "4E"]


def test_monzo_cumulative_expectations(monzo: Ladder) -> None:
    mastery = next(c for c in monzo.all_competencies() if c.id == "mastery")
    assert mastery.expectation("eng-1").builds_on is None
    for n in range(2, 7):
        found = mastery.expectation(f"eng-{n}")
        assert found.builds_on == f"eng-{n - 1}" and found.behaviours and found.step is None
    leadership = next(c for c in monzo.all_competencies() if c.id == "leadership")
    assert sorted(leadership.expectations) == ["eng-3", "eng-4", "eng-5", "eng-6"]
    kinds = {c.competency.id: c.kind for c in monzo.changes(monzo.level("eng-2"), monzo.level("eng-3"))}
    assert kinds["leadership"] == "new" and kinds["mastery"] == "more"
    assert not monzo.scales


def test_monzo_sections_and_specialisations(monzo: Ladder) -> None:
    for level in monzo.levels_of_family("engineering"):
        (section,) = level.sections
        assert (section.id, section.title) == ("impact", "Impact") and section.items
    assert not monzo.level("gen-4").sections
    science, analytics = monzo.specialisations
    assert science.levels[0] == "eng-2" and analytics.levels[0] == "eng-3"
    for item in (science, analytics):
        assert item.tracks == ["engineering"] and item.requirements and item.responsibilities
    assert {m.kind for lv in monzo.levels for m in monzo.moves_from(lv)} == {"promotion"}


# --------------------------------------------------------------------------- the PDFs


def build_fixture(name: str, out: Path) -> None:
    build_fixture_at(FIXTURES / name, out)


def build_fixture_at(project: Path, out: Path) -> None:
    events = list(ladderpress.build(project, out=out, workers=2))
    finished = events[-1]
    assert isinstance(finished, ladderpress.Finished) and finished.result.ok, events
    assert not [e for e in events if isinstance(e, (ladderpress.Warned, ladderpress.Failed, ladderpress.Refused))]


@pytest.fixture(scope="module", params=FRAMEWORKS)
def built_framework(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    name = request.param
    return name, shared_build(tmp_path_factory, f"framework-{name}", lambda out: build_fixture(name, out))


@pytest.mark.slow
def test_every_recipe_builds(built_framework: tuple[str, Path]) -> None:
    name, out = built_framework
    project = load_project(FIXTURES / name)
    pdfs = {p.relative_to(out).as_posix() for p in out.rglob("*.pdf")}
    for recipe_name, recipe in project.recipes.items():
        if recipe.per == "level":
            folder = recipe.output.rpartition("/")[0]
            assert len([p for p in pdfs if p.startswith(folder + "/")]) == len(project.ladder.levels), recipe_name
        else:
            assert recipe.output in pdfs, recipe_name


@pytest.mark.slow
def test_preflight_strict_passes(built_framework: tuple[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    """Every document of every fixture framework passes ``preflight --strict`` (read from the build's records)."""
    name, out = built_framework
    assert main(["preflight", "--strict", "--project", str(FIXTURES / name), "--out", str(out), "-j", "2"]) == 0
    printed = capsys.readouterr().out
    assert "preflight: nothing found in" in printed, printed


@pytest.mark.slow
def test_titles_and_bands_printed(built_framework: tuple[str, Path]) -> None:
    name, out = built_framework
    ladder = ladder_of(name)
    handbook = " ".join(" ".join(page_texts(out / "handbook.pdf")).split())
    for level in ladder.levels:
        assert level.title in handbook, level.id
    for band in ladder.bands:
        assert band.name in handbook, band.id
    for scale in ladder.scales:
        assert all(step.name in handbook for step in scale.steps)


@pytest.mark.slow
def test_no_page_says_none(built_framework: tuple[str, Path]) -> None:
    _, out = built_framework
    for pdf in sorted(out.rglob("*.pdf")):
        for number, page in enumerate(page_texts(pdf), 1):
            assert "None" not in page, f"{pdf.name} p. {number}"
            assert "Not stated" not in page, f"{pdf.name} p. {number}"


# --------------------------------------------------------------------------- the competency matrix

MATRIX_COLUMNS = 5
"""The most levels side by side in one table of the handbook's matrix, on an upright page (handbook.html)."""

WIDE_TITLES = (
    "Associate Engineer", "Engineer", "Senior Engineer", "Staff Engineer", "Senior Staff Engineer",
    "Principal Engineer", "Senior Principal Engineer", "Distinguished Engineer", "Fellow",
    "Internationalisation Architect", "Chief Architect", "Technical Fellow Emeritus",
)  # fmt: skip


def wide_ladder(root: Path, ic: int = 12, manager: int = 7) -> Path:
    """A project whose IC track has ``ic`` levels and whose manager track has ``manager``, every
    one with a stepped expectation in each competency: a theme of one and a theme of five."""
    files = {
        "guides/handbook.yaml": "title: Wide Handbook\ntemplate: handbook.html\noutput: handbook.pdf\n",
        "content/ladder.yaml": (
            "format: 2\ntitle: Wide\nfield: Engineering\norganisation: Wide Co\nintroduction: A wide ladder.\n"
            "tracks:\n  - {id: ic, name: Individual contributor, short_name: IC, summary: Depth.}\n"
            "  - {id: manager, name: Management, short_name: Mgr, summary: People.}\n"
            "scales:\n  - id: prof\n    name: Proficiency\n    steps:\n"
            "      - {id: a, name: Awareness}\n      - {id: b, name: Working knowledge}\n"
            "      - {id: c, name: Recognised authority}\n"
        ),
    }
    levels = [(f"ic-{k}", f"IC{k}", WIDE_TITLES[k - 1], "ic", k) for k in range(1, ic + 1)]
    levels += [(f"m-{k}", f"M{k}", f"Manager Grade {k}", "manager", k) for k in range(1, manager + 1)]
    for lid, code, title, track, rank in levels:
        following = [other[0] for other in levels if other[3] == track and other[4] == rank + 1]
        files[f"content/levels/{lid}.yaml"] = (
            f"id: {lid}\ncode: {code}\ntitle: {title}\nshort_title: {title}\nrank: {rank}\ntracks: [{track}]\n"
            f"scope: Scope.\ndescription: Description.\nduties: [Work]\nleads_to: [{', '.join(following)}]\n"
        )
    themes = {"Delivery": ["Planning"], "Craft": ["Design", "Code quality", "Testing", "Operations", "Security"]}
    lines = ["competencies:"]
    for theme, names in themes.items():
        lines += [f"  - name: {theme}", "    competencies:"]
        for name in names:
            lines += [f"      - id: {name.lower().replace(' ', '-')}", f"        name: {name}", "        scale: prof"]
            lines += [f"        summary: {name}, from the first level to the last.", "        expectations:"]
            for lid, _, _, _, rank in levels:
                step = "abc"[min(2, (rank - 1) // 4)]
                lines += [f"          {lid}: {{step: {step}, text: Does what level {rank} asks of {name.lower()}}}"]
    files["content/competencies.yaml"] = "\n".join(lines) + "\n"
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def matrix_tables(html: str) -> list[list[str]]:
    """The column headings of every competency matrix table in ``html``, tags taken out."""
    tables = re.findall(r'<table class="matrix\b.*?</table>', html, re.S)
    heads = [re.findall(r'<th scope="col"[^>]*>(.*?)</th>', table, re.S) for table in tables]
    return [[" ".join(re.sub(r"<[^>]+>", " ", th).split()) for th in head] for head in heads]


def test_a_wide_matrix_comes_in_parts_each_repeating_the_competency_column(tmp_path: Path) -> None:
    project = load_project(wide_ladder(tmp_path))
    (job,) = plan(project, BuildRequest(recipes=("handbook",))).jobs
    tables = matrix_tables(Renderer(project).render(job))
    # at most MATRIX_COLUMNS levels a part: the IC track's twelve in three parts of four, the manager's seven in 4 + 3
    assert [len(head) - 1 for head in tables] == [4, 4, 4, 4, 3]
    assert max(len(head) - 1 for head in tables) <= MATRIX_COLUMNS
    assert all(head[0] == "Competency" for head in tables)
    ic = [heading for head in tables[:3] for heading in head[1:]]
    assert ic == [f"IC{k} {title}" for k, title in enumerate(WIDE_TITLES, 1)]


def matrix_pages(pdf: Path) -> list[str]:
    """The text of each page of the handbook's competencies chapter, its whitespace made single."""
    chapters = [(title, page) for title, page, depth in outline(PdfReader(pdf)) if depth == 0]
    start = next(page for title, page in chapters if title == "Competencies")
    end = min((page for _, page in chapters if page > start), default=len(page_texts(pdf)) + 1)
    return [" ".join(text.split()) for text in page_texts(pdf)[start - 1 : end - 1]]


def assert_no_lone_rows(pages: list[str], competencies: list[str]) -> None:
    """Every page of the matrix holds at least two competency rows (the row headings)."""
    for number, page in enumerate(pages, 1):
        rows = sum(page.count(name) for name in competencies)
        assert rows >= 2, f"matrix page {number} holds {rows} row(s): {page[:200]}"


@pytest.mark.slow
def test_a_wide_matrix_prints_whole_header_words_and_no_lone_rows(tmp_path: Path) -> None:
    root = wide_ladder(tmp_path / "wide")
    build_fixture_at(root, tmp_path / "out")
    pages = matrix_pages(tmp_path / "out" / "handbook.pdf")
    text = " ".join(pages)
    for title in WIDE_TITLES:  # a heading wraps between words, never inside one
        assert title in text, title
    assert "part 1 of 3" in text and "part 3 of 3" in text and "part 2 of 2" in text and "part 4" not in text
    competencies = [c.name for c in load_project(root).ladder.all_competencies()]
    assert_no_lone_rows(pages, competencies)


@pytest.mark.slow
def test_no_matrix_page_holds_a_lone_row(built_framework: tuple[str, Path]) -> None:
    name, out = built_framework
    competencies = [c.name for c in ladder_of(name).all_competencies()]
    assert_no_lone_rows(matrix_pages(out / "handbook.pdf"), competencies)

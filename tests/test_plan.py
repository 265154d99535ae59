"""The plan: one job per PDF, narrowed by --level and --person, with safe output paths and every
problem that stops a build found before anything is laid out. No PDF is printed here."""

from __future__ import annotations

import csv
import dataclasses
import datetime
import os
from pathlib import Path, PurePosixPath

import pytest

from ladderpress.errors import UsageError
from ladderpress.load import Project, load_project
from ladderpress.model import Recipe
from ladderpress.plan import (
    DUPLEX_STYLESHEET,
    DocumentJob,
    Job,
    Layout,
    PacketJob,
    Plan,
    _clashes,
    even_parts,
    layout_for,
    output_path,
    plan,
    stylesheets_for,
)
from ladderpress.request import BuildRequest
from ladderpress.roster import Entry, person_key
from tests.conftest import ROOT, copy_project

ROSTER_HEADER = "name,level,team,manager,buddy,start_date,track\n"


@pytest.fixture(scope="module")
def project() -> Project:
    return load_project(ROOT)


@pytest.fixture(scope="module")
def whole(project: Project) -> Plan:
    return plan(project, BuildRequest())


def jobs_of(result: Plan, recipe: str) -> list[Job]:
    return [job for job in result.jobs if job.recipe_name == recipe]


def packets(result: Plan) -> list[PacketJob]:
    return [job for job in result.jobs if isinstance(job, PacketJob)]


def packet_for(result: Plan, name: str) -> PacketJob:
    return next(job for job in packets(result) if job.person.person.name == name)


def outputs(result: Plan) -> list[str]:
    return [str(job.output) for job in result.jobs]


def with_recipes(project: Project, **recipes: Recipe) -> Project:
    """The project with only these recipes (keyword names use '_' for '-')."""
    return dataclasses.replace(project, recipes={name.replace("_", "-"): r for name, r in recipes.items()})


def usage_error(project: Project, request: BuildRequest) -> str:
    with pytest.raises(UsageError) as caught:
        plan(project, request)
    return str(caught.value)


def write_roster(path: Path, rows: list[str]) -> Path:
    path.write_text(ROSTER_HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- the default project


def test_the_default_project_plans_without_problems(whole: Plan) -> None:
    assert whole.problems == [] and whole.rejected == [] and whole.warnings == []
    names = [job.recipe_name for job in whole.jobs]
    assert names == sorted(names)  # recipe-name order
    assert list(dict.fromkeys(names)) == [
        "handbook",
        "ic-track",
        "level-guides",
        "manager-track",
        "onboarding",
        "one-pagers",
    ]
    assert len(set(outputs(whole))) == len(whole.jobs) == 31


def test_a_document_recipe_is_one_document_job(project: Project, whole: Plan) -> None:
    (handbook,) = jobs_of(whole, "handbook")
    assert type(handbook) is DocumentJob
    assert handbook.output == PurePosixPath("handbook.pdf")
    assert handbook.focus is None and handbook.track is None
    assert [level.id for level in handbook.levels] == [level.id for level in project.ladder.ranked_levels()]
    assert handbook.title == "Product Management Career Handbook"
    assert handbook.subject == "The complete ladder, both tracks, and how to grow along them."
    assert handbook.stylesheets == ("base.css", "handbook.css")
    assert handbook.layout == Layout("A4") and handbook.brand is None


def test_a_track_recipe_selects_the_tracks_levels(whole: Plan) -> None:
    (ic,) = jobs_of(whole, "ic-track")
    (manager,) = jobs_of(whole, "manager-track")
    assert ic.track is not None and ic.track.id == "ic"
    assert [level.id for level in ic.levels] == ["apm", "pm", "senior-pm", "principal-pm"]
    assert manager.track is not None and manager.track.id == "manager"
    assert [level.id for level in manager.levels] == ["apm", "pm", "senior-pm", "group-pm", "director", "vp", "cpo"]


@pytest.mark.parametrize(("recipe", "folder"), [("level-guides", "levels"), ("one-pagers", "one-pagers")])
def test_a_per_level_recipe_is_one_job_per_level_junior_first(
    project: Project, whole: Plan, recipe: str, folder: str
) -> None:
    jobs = jobs_of(whole, recipe)
    ids = [level.id for level in project.ladder.ranked_levels()]
    assert all(type(job) is DocumentJob for job in jobs)
    assert [job.focus.id for job in jobs if job.focus] == ids
    assert [str(job.output) for job in jobs] == [f"{folder}/{level}.pdf" for level in ids]
    ranks = [job.focus.rank for job in jobs if job.focus]
    assert ranks == sorted(ranks) and ranks[0] == 1  # junior first
    assert all(job.levels == jobs[0].levels and len(job.levels) == 8 for job in jobs)


def test_a_per_level_title_names_the_level(whole: Plan) -> None:
    guide = next(job for job in jobs_of(whole, "level-guides") if job.focus and job.focus.id == "pm")
    assert guide.title == "Product Manager — Level Guide"
    pager = next(job for job in jobs_of(whole, "one-pagers") if job.focus and job.focus.id == "pm")
    assert pager.subject == ""  # the recipe has no description


def test_one_packet_per_roster_row_with_the_persons_level_and_track(project: Project, whole: Plan) -> None:
    with (ROOT / "examples" / "new-hires.csv").open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    jobs = packets(whole)
    assert len(jobs) == len(rows) == 12
    assert jobs == jobs_of(whole, "onboarding")
    for job, row in zip(jobs, rows, strict=True):
        assert job.person.person.name == row["name"]
        assert job.level.id == row["level"] == (job.focus.id if job.focus else None)
        assert (job.track.id if job.track else "") == row["track"]
        wanted = project.ladder.levels_in(row["track"]) if row["track"] else project.ladder.ranked_levels()
        assert list(job.levels) == wanted
        assert job.stylesheets == ("base.css", "handbook.css", "onboarding.css")
    assert [job.person.row for job in jobs] == list(range(2, 14))  # the header is line 1
    assert packet_for(whole, "Léa Dubois").output == PurePosixPath("onboarding/lea-dubois.pdf")
    assert packet_for(whole, "Chloé Martin").output == PurePosixPath("onboarding/chloe-martin.pdf")


def test_recipe_names_narrow_the_plan_and_repeats_count_once(project: Project) -> None:
    result = plan(project, BuildRequest(recipes=("one-pagers", "handbook", "one-pagers")))
    assert outputs(result)[0] == "one-pagers/apm.pdf"  # in the order named
    assert outputs(result)[-1] == "handbook.pdf"
    assert {job.recipe_name for job in result.jobs} == {"one-pagers", "handbook"}
    assert len(result.jobs) == 9


def test_an_unknown_recipe_is_a_usage_error_with_the_closest_name(project: Project) -> None:
    assert usage_error(project, BuildRequest(recipes=("handbok",))) == (
        "unknown recipe 'handbok'; did you mean 'handbook'?"
    )
    message = usage_error(project, BuildRequest(recipes=("handbook", "zzz")))
    assert message.startswith("unknown recipe 'zzz'; choose one of: 'handbook', 'ic-track'")


# --------------------------------------------------------------------------- --level and --person


def test_a_level_keeps_that_levels_documents_and_packets(project: Project) -> None:
    result = plan(project, BuildRequest(levels=("pm",)))
    assert outputs(result) == [
        "levels/pm.pdf",
        "onboarding/benedikt-hoffmann.pdf",
        "onboarding/dev-patel.pdf",
        "onboarding/kofi-mensah.pdf",
        "one-pagers/pm.pdf",
    ]
    assert all(job.focus is not None and job.focus.id == "pm" for job in result.jobs)


def test_two_levels_keep_both(project: Project) -> None:
    result = plan(project, BuildRequest(recipes=("level-guides",), levels=("vp", "pm")))
    assert outputs(result) == ["levels/pm.pdf", "levels/vp.pdf"]


@pytest.mark.parametrize("name", ["Léa Dubois", "  léa   DUBOIS ", "LÉA DUBOIS"])
def test_a_person_keeps_their_packet_alone(project: Project, name: str) -> None:
    result = plan(project, BuildRequest(people=(name,)))
    assert outputs(result) == ["onboarding/lea-dubois.pdf"]
    (job,) = packets(result)
    assert job.person.person.name == "Léa Dubois"


def test_a_level_and_a_person_of_that_level(project: Project) -> None:
    result = plan(project, BuildRequest(levels=("pm",), people=("Dev Patel",)))
    assert outputs(result) == ["onboarding/dev-patel.pdf"]


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (BuildRequest(levels=("pmm",)), "--level 'pmm' is not a level of this ladder; did you mean 'pm'?"),
        (
            BuildRequest(levels=("zz",)),
            "--level 'zz' is not a level of this ladder; choose one of: "
            "'apm', 'cpo', 'director', 'group-pm', 'pm', 'principal-pm', 'senior-pm', 'vp'",
        ),
        (
            BuildRequest(people=("Lea Dubois",)),
            "--person 'Lea Dubois' is not in the roster; did you mean 'Léa Dubois'? "
            "(names are matched ignoring case and spacing)",
        ),
        (  # nothing close: no list of the roster's names (logs name no one)
            BuildRequest(people=("Zzyzx Q",)),
            "--person 'Zzyzx Q' is not in the roster (names are matched ignoring case and spacing)",
        ),
        (
            BuildRequest(recipes=("handbook",), levels=("pm",)),
            "recipe 'handbook' makes one document, so --level does not apply to it",
        ),
        (
            BuildRequest(recipes=("ic-track",), levels=("pm",)),
            "recipe 'ic-track' makes one document, so --level does not apply to it",
        ),
        (
            BuildRequest(recipes=("level-guides", "onboarding"), people=("Léa Dubois",)),
            "recipe 'level-guides' makes one document per level, so --person does not apply to it",
        ),
        (
            BuildRequest(recipes=("onboarding",), levels=("cpo",)),
            "recipe 'onboarding' has no document for level cpo",
        ),
    ],
    ids=[
        "level-typo",
        "level-unknown",
        "person-without-accent",
        "person-nothing-close",
        "level-on-document",
        "level-on-track-book",
        "person-on-one-of-two",
        "level-nobody-has",
    ],
)
def test_narrowing_to_what_does_not_exist_is_a_usage_error(
    project: Project, request_: BuildRequest, message: str
) -> None:
    assert usage_error(project, request_) == message


def test_a_person_when_no_recipe_makes_packets_is_a_usage_error(project: Project) -> None:
    per_level = with_recipes(project, level_guides=project.recipes["level-guides"])
    assert usage_error(per_level, BuildRequest(people=("Léa Dubois",))) == (
        "--person 'Léa Dubois': no recipe built here makes one packet per person"
    )
    message = usage_error(project, BuildRequest(recipes=("level-guides",), people=("Léa Dubois",)))
    assert message.startswith("--person 'Léa Dubois': no recipe") or message == (
        "recipe 'level-guides' makes one document per level, so --person does not apply to it"
    )


def test_a_per_level_recipe_without_that_level_cannot_be_narrowed_to_it(project: Project) -> None:
    junior = Recipe.model_validate(
        {
            "title": "Juniors",
            "template": "level-guide.html",
            "per": "level",
            "output": "juniors/{level}.pdf",
            "select": {"levels": ["apm", "pm"]},
        }
    )
    narrowed_project = with_recipes(project, level_guides=project.recipes["level-guides"], junior=junior)
    assert usage_error(narrowed_project, BuildRequest(recipes=("junior",), levels=("vp",))) == (
        "recipe 'junior' has no document for level vp"
    )
    assert outputs(plan(narrowed_project, BuildRequest(levels=("vp",)))) == ["levels/vp.pdf"]


def test_a_level_no_recipe_makes_a_document_for_is_a_usage_error(project: Project) -> None:
    only_books = with_recipes(project, handbook=project.recipes["handbook"])
    assert usage_error(only_books, BuildRequest(levels=("pm",))) == (
        "--level matches no document of the recipes built here"
    )


def test_a_person_at_another_level_is_not_called_missing_from_the_roster(project: Project) -> None:
    message = usage_error(project, BuildRequest(levels=("pm",), people=("Léa Dubois",)))
    assert "not in the roster" not in message
    assert "pm" in message and "Léa Dubois" in message


# --------------------------------------------------------------------------- output paths


def test_output_patterns_are_filled(project: Project) -> None:
    pm = project.ladder.level("pm")
    guides = project.recipes["level-guides"]
    assert output_path("level-guides", guides, pm) == PurePosixPath("levels/pm.pdf")
    named = Recipe(title="T", template="handbook.html", output="{recipe}-{track}.pdf")
    assert output_path("books", named, None) == PurePosixPath("books-all.pdf")
    ic = named.model_copy(update={"select": project.recipes["ic-track"].select})
    assert output_path("books", ic, None) == PurePosixPath("books-ic.pdf")
    onboarding = project.recipes["onboarding"]
    assert output_path("onboarding", onboarding, pm, "ann-lee") == PurePosixPath("onboarding/ann-lee.pdf")


@pytest.mark.parametrize(
    ("pattern", "person"),
    [
        ("onboarding/{person}.pdf", "../../etc/passwd"),
        ("onboarding/{person}.pdf", ".."),
        ("{person}.pdf", "/etc/passwd"),
        ("{person}.pdf", ".hidden"),
        ("/abs/{person}.pdf", "ann"),
        ("../{person}.pdf", "ann"),
        ("a/{person} b.pdf", "ann"),
    ],
)
def test_output_paths_that_are_absolute_or_leave_the_folder_are_refused(
    project: Project, pattern: str, person: str
) -> None:
    # model_copy skips the recipe's own check of its pattern: this is the last line of defence
    recipe = project.recipes["onboarding"].model_copy(update={"output": pattern})
    with pytest.raises(ValueError, match="is not a safe relative path"):
        output_path("onboarding", recipe, project.ladder.level("pm"), person)


def test_a_recipe_whose_pattern_escapes_is_a_problem_not_a_job(project: Project) -> None:
    escaping = project.recipes["one-pagers"].model_copy(update={"output": "../{level}.pdf"})
    result = plan(with_recipes(project, one_pagers=escaping, handbook=project.recipes["handbook"]))
    assert outputs(result) == ["handbook.pdf"]
    assert len(result.problems) == 8  # one per level
    assert str(result.problems[0]) == (
        "guides/one-pagers.yaml: output: '../apm.pdf' is not a safe relative path "
        "(fix: use a relative pattern such as 'levels/{level}.pdf')"
    )


# --------------------------------------------------------------------------- clashes


def test_two_recipes_writing_one_file_is_a_problem(project: Project) -> None:
    handbook = project.recipes["handbook"]
    result = plan(with_recipes(project, handbook=handbook, handbook_copy=handbook))
    assert outputs(result) == ["handbook.pdf", "handbook.pdf"]
    assert [str(problem) for problem in result.problems] == [
        "guides/handbook-copy.yaml: output: writes handbook.pdf, which recipe 'handbook' also writes "
        "(fix: give each document its own output name)"
    ]


def test_one_recipe_writing_one_file_twice_is_a_problem(whole: Plan) -> None:
    first = jobs_of(whole, "level-guides")[0]
    twice = dataclasses.replace(jobs_of(whole, "level-guides")[1], output=first.output)
    other = dataclasses.replace(jobs_of(whole, "handbook")[0], output=first.output)
    problems = _clashes([first, twice, other])
    assert [problem.file for problem in problems] == ["guides/level-guides.yaml", "guides/handbook.yaml"]
    assert problems[0].message == "writes levels/apm.pdf more than once: its pattern does not tell the documents apart"
    assert problems[1].message == "writes levels/apm.pdf, which recipe 'level-guides' also writes"
    assert all(problem.field == "output" for problem in problems)
    assert _clashes(whole.jobs) == []


# --------------------------------------------------------------------------- layout and stylesheets


def test_paper_comes_from_the_request_then_the_recipe_then_the_brand_then_the_ladder(project: Project) -> None:
    harbor = load_project(ROOT, ROOT / "brands" / "harbor").forced_brand
    assert harbor is not None and harbor.brand.paper == "Letter"
    ladder = project.ladder
    assert ladder.paper == "A4"
    plain = project.recipes["handbook"]
    a4 = plain.model_copy(update={"paper": "A4"})
    letter_ladder = ladder.model_copy(update={"paper": "Letter"})
    assert layout_for(plain, ladder, None, BuildRequest()).paper == "A4"
    assert layout_for(plain, letter_ladder, None, BuildRequest()).paper == "Letter"  # the ladder
    assert layout_for(plain, ladder, harbor, BuildRequest()).paper == "Letter"  # brand over ladder
    assert layout_for(a4, ladder, harbor, BuildRequest()).paper == "A4"  # recipe over brand
    assert layout_for(a4, ladder, harbor, BuildRequest(paper="Letter")).paper == "Letter"  # request over all
    a4_request = BuildRequest(paper="A4")
    assert layout_for(plain.model_copy(update={"paper": "Letter"}), letter_ladder, harbor, a4_request).paper == "A4"


def test_bleed_and_crop_marks_come_from_the_request(project: Project) -> None:
    request = BuildRequest(paper="Letter", bleed_mm=3, crop_marks=True)
    layout = layout_for(project.recipes["handbook"], project.ladder, None, request)
    assert layout == Layout("Letter", 3.0, True)
    assert layout.css().splitlines() == [
        "@page { size: letter; bleed: 3mm; marks: crop; }",
        "@page landscape { size: letter landscape; }",
    ]
    assert Layout().css().splitlines()[0] == "@page { size: A4; }"


def test_a_brand_given_for_the_build_sets_every_documents_brand_and_paper() -> None:
    branded = load_project(ROOT, ROOT / "brands" / "harbor")
    result = plan(branded, BuildRequest(recipes=("handbook", "onboarding")))
    assert result.problems == [] and len(result.jobs) == 13
    assert {job.layout for job in result.jobs} == {Layout("Letter")}
    assert {job.brand.folder if job.brand else None for job in result.jobs} == {ROOT / "brands" / "harbor"}
    on_a4 = plan(branded, BuildRequest(recipes=("handbook",), paper="A4"))
    assert on_a4.jobs[0].layout == Layout("A4")


def test_duplex_adds_its_stylesheet_once(project: Project) -> None:
    handbook = project.recipes["handbook"]
    assert stylesheets_for(handbook, BuildRequest()) == ("base.css", "handbook.css")
    assert stylesheets_for(handbook, BuildRequest(duplex=True)) == ("base.css", "handbook.css", DUPLEX_STYLESHEET)
    duplex = handbook.model_copy(update={"duplex": True})
    assert stylesheets_for(duplex, BuildRequest()) == ("base.css", "handbook.css", "duplex.css")
    listed = duplex.model_copy(update={"styles": ["duplex.css", "base.css"]})
    assert stylesheets_for(listed, BuildRequest(duplex=True)) == ("duplex.css", "base.css")
    onboarding = project.recipes["onboarding"]
    assert stylesheets_for(onboarding, BuildRequest(duplex=True)) == (
        "base.css",
        "handbook.css",
        "onboarding.css",
        "duplex.css",
    )
    planned = plan(project, BuildRequest(recipes=("one-pagers",), duplex=True))
    assert {job.stylesheets for job in planned.jobs} == {("base.css", "one-pager.css", "duplex.css")}


# --------------------------------------------------------------------------- packet jobs


def test_a_packets_title_and_subject_name_its_person(whole: Plan) -> None:
    lea = packet_for(whole, "Léa Dubois")
    assert lea.title == "Léa Dubois — Welcome to Northwind Labs"
    assert lea.subject == "Onboarding packet for Léa Dubois, Senior Product Manager"
    assert lea.level.id == "senior-pm"


def test_people_of_one_level_track_and_language_share_a_combination(whole: Plan) -> None:
    pm = [packet_for(whole, name) for name in ("Benedikt Hoffmann", "Dev Patel", "Kofi Mensah")]
    assert len({job.combination for job in pm}) == 1
    assert pm[0].combination == ("onboarding", "pm", None, None, Layout("A4"), None)
    seniors = [packet_for(whole, name) for name in ("Chloé Martin", "Ibrahim Yusuf", "Léa Dubois")]
    assert [job.combination[2] for job in seniors] == ["ic", "manager", None]
    assert len({job.combination for job in seniors}) == 3  # same level, three tracks
    french = dataclasses.replace(pm[0], person=Entry(pm[0].person.person.model_copy(update={"language": "fr"}), 2, "x"))
    assert french.combination != pm[0].combination and french.combination[-1] == "fr"
    assert len({job.combination for job in packets(whole)}) == 9


@pytest.mark.parametrize("name", ["Léa Dubois", "Chloé Martin", "Benedikt Hoffmann"])
def test_a_stand_in_has_none_of_the_persons_details_and_the_same_combination(whole: Plan, name: str) -> None:
    job = packet_for(whole, name)
    job = dataclasses.replace(
        job, person=dataclasses.replace(job.person, person=job.person.person.model_copy(update={"language": "de"}))
    )
    stand_in = job.stand_in()
    assert isinstance(stand_in, PacketJob)
    assert stand_in.combination == job.combination
    assert (stand_in.output, stand_in.levels, stand_in.track, stand_in.layout) == (
        job.output,
        job.levels,
        job.track,
        job.layout,
    )
    own, neutral = job.person.person, stand_in.person.person
    assert (neutral.level, neutral.track, neutral.language) == (own.level, own.track, "de")
    shown = " ".join(str(value) for value in neutral.model_dump().values() if value)
    for field in ("name", "team", "manager", "buddy", "start_date", "preferred_name"):
        value = getattr(own, field)
        if value is not None:
            assert str(value) not in shown, field
    assert own.name.split()[0] not in shown and own.greeting_name not in shown
    assert name not in stand_in.title and name not in stand_in.subject
    assert stand_in.title == "New Colleague — Welcome to Northwind Labs"
    assert (stand_in.person.row, stand_in.person.slug) == (0, "stand-in")
    assert stand_in.person.key != job.person.key
    assert job.person.person.name == name  # the job itself is unchanged


def test_a_stand_in_is_the_same_for_everyone_of_a_combination(whole: Plan) -> None:
    benedikt, dev = packet_for(whole, "Benedikt Hoffmann"), packet_for(whole, "Dev Patel")
    assert benedikt.stand_in().person.person == dev.stand_in().person.person
    assert benedikt.stand_in().person.person.start_date == datetime.date(2000, 1, 3)


def test_even_parts() -> None:
    assert even_parts(list(range(9)), 3) == [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    assert even_parts([], 3) == []
    assert [len(part) for part in even_parts(list(range(201)), 100)] == [67, 67, 67]
    assert [len(part) for part in even_parts(list(range(100)), 100)] == [100]
    assert [len(part) for part in even_parts(list(range(101)), 100)] == [51, 50]
    for n in range(1, 60):
        for most in (1, 2, 7, 20):
            parts = even_parts(list(range(n)), most)
            assert [i for part in parts for i in part] == list(range(n))
            assert len(parts) == -(-n // most)  # as few as can be
            assert max(map(len, parts)) <= most


@pytest.mark.parametrize(("n", "most"), [(10, 3), (7, 3), (13, 4), (250, 100), (163, 80)])
def test_even_parts_differ_in_size_by_at_most_one(n: int, most: int) -> None:
    sizes = [len(part) for part in even_parts(list(range(n)), most)]
    assert len(sizes) == -(-n // most)
    assert max(sizes) - min(sizes) <= 1, sizes


# --------------------------------------------------------------------------- attachments and rosters


def test_attachments_must_be_regular_files_inside_the_project(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    (tmp_path / "secret.txt").write_text("not yours")
    (root / "examples" / "policy.txt").write_text("ours")
    os.symlink(tmp_path / "secret.txt", root / "examples" / "link.txt")
    guide = (ROOT / "guides" / "handbook.yaml").read_text(encoding="utf-8")
    attached = "attachments: [examples/policy.txt, ../secret.txt, examples/link.txt, examples, nowhere.txt]\n"
    (root / "guides" / "handbook.yaml").write_text(guide + attached, encoding="utf-8")
    result = plan(load_project(root), BuildRequest(recipes=("handbook", "level-guides")))
    assert len(result.jobs) == 9  # planned still; the build stops on the problems
    problems = [(problem.file, problem.field, problem.message.split(" (")[0]) for problem in result.problems]
    assert problems == [
        ("guides/handbook.yaml", "attachments[1]", "attachment '../secret.txt' is outside the allowed folders"),
        (
            "guides/handbook.yaml",
            "attachments[2]",
            "attachment 'examples/link.txt' is a link to a file outside the allowed folders",
        ),
        ("guides/handbook.yaml", "attachments[3]", "attachment 'examples' is not a regular file"),
        ("guides/handbook.yaml", "attachments[4]", "attachment 'nowhere.txt' not found"),
    ]
    assert all(problem.hint for problem in result.problems)


def test_rejected_rows_are_set_aside_and_the_good_rows_planned(project: Project, tmp_path: Path) -> None:
    roster = write_roster(
        tmp_path / "hires.csv",
        [
            "Ann Lee,pm,Search,Priya Raman,Ines Duarte,2027-01-11,",
            "Bo Ek,nope,Search,Priya Raman,Ines Duarte,2027-01-11,",
            "Cy Do,apm,Search,Priya Raman,Ines Duarte,not-a-date,",
            "Di Fu,senior-pm,Search,Priya Raman,Ines Duarte,2027-01-12,ic",
        ],
    )
    result = plan(project, BuildRequest(recipes=("onboarding",), roster=roster))
    assert result.problems == []
    assert [(job.person.person.name, job.person.row, str(job.output)) for job in packets(result)] == [
        ("Ann Lee", 2, "onboarding/ann-lee.pdf"),
        ("Di Fu", 5, "onboarding/di-fu.pdf"),
    ]
    assert packet_for(result, "Di Fu").track is not None
    assert [(problem.line, problem.field) for problem in result.rejected] == [(3, "level"), (4, "start_date")]
    assert "unknown level 'nope'" in str(result.rejected[0])


def test_a_roster_that_cannot_be_read_stops_the_build(project: Project, tmp_path: Path) -> None:
    result = plan(project, BuildRequest(recipes=("onboarding",), roster=tmp_path / "missing.csv"))
    assert result.jobs == [] and result.rejected == []
    assert len(result.problems) == 1 and "missing.csv" in str(result.problems[0])


def test_a_per_person_recipe_needs_a_roster_inside_the_project(project: Project) -> None:
    onboarding = project.recipes["onboarding"]
    nameless = with_recipes(project, onboarding=onboarding.model_copy(update={"roster": None}))
    result = plan(nameless)
    assert result.jobs == []
    assert [str(problem) for problem in result.problems] == [
        "guides/onboarding.yaml: roster: builds one packet per person but names no roster "
        "(fix: add roster: examples/new-hires.csv, or use --roster FILE)"
    ]
    outside = with_recipes(project, onboarding=onboarding.model_copy(update={"roster": "../hires.csv"}))
    result = plan(outside)
    assert result.jobs == []
    assert [problem.message for problem in result.problems] == ["roster '../hires.csv' is outside the project"]


def test_owners_keep_a_packet_file_with_its_person(project: Project) -> None:
    request = BuildRequest(recipes=("onboarding",))
    # Léa's packet was written under another name: she keeps it; nobody else is given hers
    kept = plan(project, request, owners={"onboarding/dubois.pdf": person_key("léa  dubois")})
    assert str(packet_for(kept, "Léa Dubois").output) == "onboarding/dubois.pdf"
    assert "onboarding/lea-dubois.pdf" not in outputs(kept)
    # a file written for someone else is never handed to Léa
    taken = plan(project, request, owners={"onboarding/lea-dubois.pdf": person_key("Lea Dubois")})
    assert str(packet_for(taken, "Léa Dubois").output) == "onboarding/lea-dubois-2.pdf"
    assert len(set(outputs(taken))) == 12
    # with no owners each person has their own slug
    assert str(packet_for(plan(project, request), "Léa Dubois").output) == "onboarding/lea-dubois.pdf"


def test_two_people_of_one_name_get_two_files(project: Project, tmp_path: Path) -> None:
    roster = write_roster(
        tmp_path / "hires.csv",
        ["Ann Lee,pm,Search,P,I,2027-01-11,", "Ann Leé,apm,Growth,P,I,2027-01-11,"],
    )
    result = plan(project, BuildRequest(recipes=("onboarding",), roster=roster))
    assert outputs(result) == ["onboarding/ann-lee.pdf", "onboarding/ann-lee-2.pdf"]
    assert result.problems == []

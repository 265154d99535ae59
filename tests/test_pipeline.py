"""The build layer: ladderpress.pipeline's events, the request's checks, --level and --person, and
the two defects of issue 12 (packets over max_pages, a record of files read that depended on build order)."""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath

import pytest
from pypdf import PdfReader

from ladderpress import pipeline
from ladderpress.cache import CACHE_FILE
from ladderpress.cli import main
from ladderpress.errors import UsageError
from ladderpress.events import (
    Checked,
    Event,
    Failed,
    Finished,
    Listed,
    Planned,
    Refused,
    Started,
    Warned,
    Written,
)
from ladderpress.plan import DocumentJob, plan
from ladderpress.request import BuildRequest
from tests.conftest import ROOT, copy_project

ONE_PAGER_PM = PurePosixPath("one-pagers/pm.pdf")
LIMIT_MESSAGE = (
    "a packet for level '{level}' needs {pages} pages even in the tightest layout, but recipe 'onboarding' "
    "allows 1; raise max_pages, or name fewer sections, in guides/onboarding.yaml"
)


def pdfs(folder: Path) -> list[str]:
    """Every PDF under ``folder``, as sorted posix paths relative to it."""
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*.pdf"))


def finished(events: list[Event]) -> Finished:
    assert events and isinstance(events[-1], Finished), events
    assert sum(isinstance(event, Finished) for event in events) == 1
    return events[-1]


def recorded_files(out: Path, document: str) -> set[str]:
    """The files the build record says ``document`` read."""
    record = json.loads((out / CACHE_FILE).read_text(encoding="utf-8"))
    return set(record["documents"][document]["files"])


# --- the library API ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def api_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Event], list[Event]]:
    """One-pagers for pm built through the library, then built again with nothing changed."""
    out = tmp_path_factory.mktemp("api") / "out"
    first = list(pipeline.build(ROOT, recipes=["one-pagers"], levels=["pm"], out=out, workers=1))
    again = list(pipeline.build(ROOT, recipes=["one-pagers"], levels=["pm"], out=out, workers=1))
    return out, first, again


def test_build_yields_planned_started_written_finished(api_builds: tuple[Path, list[Event], list[Event]]) -> None:
    out, events, _ = api_builds
    kinds = [type(event) for event in events if not isinstance(event, Warned)]
    assert kinds == [Planned, Started, Written, Finished]
    planned, started, written, end = (event for event in events if not isinstance(event, Warned))
    assert isinstance(planned, Planned) and planned.documents == (ONE_PAGER_PM,) and planned.up_to_date == ()
    assert isinstance(started, Started) and started.documents == (ONE_PAGER_PM,)
    assert isinstance(written, Written) and written.document == ONE_PAGER_PM
    assert written.path == out / "one-pagers" / "pm.pdf" and written.path.is_file()
    assert written.pages == 1 and len(PdfReader(written.path).pages) == 1
    assert written.size == written.path.stat().st_size
    assert isinstance(end, Finished)
    assert end.result.ok and end.result.exit_code == 0
    assert end.result.written == (written,) and end.result.failed == () and end.result.up_to_date == 0
    assert end.result.output == out
    assert pdfs(out) == ["one-pagers/pm.pdf"]


def test_a_second_build_finds_the_document_up_to_date(api_builds: tuple[Path, list[Event], list[Event]]) -> None:
    _, _, events = api_builds
    planned = [event for event in events if isinstance(event, Planned)]
    assert len(planned) == 1
    assert planned[0].documents == () and planned[0].up_to_date == (ONE_PAGER_PM,)
    assert not any(isinstance(event, Started | Written | Failed) for event in events)
    result = finished(events).result
    assert result.up_to_date == 1 and result.written == () and result.ok and result.exit_code == 0


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"paper": "A5"}, "paper 'A5' is not one of A4, Letter"),
        ({"workers": 0}, "0 is not a number of worker processes from 1 to 64"),
        ({"crop_marks": True}, "--crop-marks needs a bleed to draw them in; add --bleed 3mm"),
        ({"bleed_mm": 25.0}, "a bleed of 25 mm is not between 0 and 20 mm"),
        ({"pdf_variant": "pdf/x-4"}, "PDF variant 'pdf/x-4' is not one of pdf/ua-1, pdf/a-2b, pdf/a-3b"),
    ],
    ids=["paper", "workers", "crop-marks-without-bleed", "bleed", "variant"],
)
def test_a_wrong_option_is_refused_when_the_request_is_made(
    tmp_path: Path, options: dict[str, object], message: str
) -> None:
    with pytest.raises(UsageError) as refused:
        pipeline.build(ROOT, recipes=["one-pagers"], out=tmp_path / "out", **options)
    assert str(refused.value) == message
    with pytest.raises(UsageError):
        BuildRequest(project=ROOT, **options)  # type: ignore[arg-type]
    assert not (tmp_path / "out").exists()


def test_every_wrong_option_is_named_at_once() -> None:
    with pytest.raises(UsageError) as refused:
        BuildRequest(project=ROOT, paper="A5", workers=0)
    assert str(refused.value) == (
        "paper 'A5' is not one of A4, Letter; 0 is not a number of worker processes from 1 to 64"
    )


def test_an_unknown_recipe_is_refused_on_first_iteration(tmp_path: Path) -> None:
    events = pipeline.build(ROOT, recipes=["one-pager"], out=tmp_path / "out")  # making the generator is fine
    with pytest.raises(UsageError) as refused:
        next(events)
    assert str(refused.value) == "unknown recipe 'one-pager'; did you mean 'one-pagers'?"
    assert not (tmp_path / "out").exists()


def test_broken_content_is_refused_with_located_problems(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    level = project / "content" / "levels" / "pm.yaml"
    lines = level.read_text(encoding="utf-8").splitlines(keepends=True)
    line = next(i for i, text in enumerate(lines, 1) if text.startswith("leads_to: [senior-pm]"))
    level.write_text("".join(lines).replace("leads_to: [senior-pm]", "leads_to: [senoir-pm]"), encoding="utf-8")
    events = list(pipeline.build(project, out=tmp_path / "out", workers=1))
    assert [type(event) for event in events] == [Refused, Finished]
    refused = events[0]
    assert isinstance(refused, Refused)
    assert [str(problem) for problem in refused.problems] == [
        f"content/levels/pm.yaml:{line}:12: leads_to[0]: unknown level 'senoir-pm' (fix: did you mean 'senior-pm'?)"
    ]
    (problem,) = refused.problems
    assert (problem.file, problem.line, problem.column, problem.field) == (
        "content/levels/pm.yaml",
        line,
        12,
        "leads_to[0]",
    )
    result = finished(events).result
    assert result.problems == refused.problems and not result.ok and result.exit_code == 1
    assert result.written == ()
    assert not (tmp_path / "out").exists()


def test_a_single_name_given_as_a_string_is_one_name() -> None:
    try:
        request = BuildRequest(project=ROOT, recipes="one-pagers", levels="pm")  # type: ignore[arg-type]
    except UsageError:
        return  # refused when made: also fine
    assert request.recipes == ("one-pagers",) and request.levels == ("pm",)


def test_an_output_folder_given_as_a_string_is_taken(tmp_path: Path) -> None:
    out = tmp_path / "out"
    events = list(pipeline.build(str(ROOT), recipes=["one-pagers"], levels=["pm"], out=str(out), workers=1))
    assert finished(events).result.ok
    assert pdfs(out) == ["one-pagers/pm.pdf"]


# --- defect 1: packets are held to max_pages ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def one_page_onboarding(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project whose onboarding recipe allows one page."""
    project = copy_project(tmp_path_factory.mktemp("limit") / "project")
    recipe = project / "guides" / "onboarding.yaml"
    recipe.write_text(recipe.read_text(encoding="utf-8") + "max_pages: 1\n", encoding="utf-8")
    return project


def test_packets_over_max_pages_fail_through_the_api(one_page_onboarding: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    events = list(pipeline.build(one_page_onboarding, recipes=["onboarding"], levels=["apm"], out=out, workers=1))
    failed = [event for event in events if isinstance(event, Failed)]
    assert sorted(str(event.output) for event in failed) == [
        "onboarding/amara-okafor.pdf",
        "onboarding/gabriel-costa.pdf",
    ]
    for event in failed:
        assert event.reason.startswith("a packet for level 'apm' needs ")
        pages = int(event.reason.split(" needs ")[1].split()[0])
        assert pages > 1
        assert event.reason == LIMIT_MESSAGE.format(level="apm", pages=pages)
    assert not any(isinstance(event, Written) for event in events)
    result = finished(events).result
    assert not result.ok and result.exit_code == 1 and len(result.failed) == 2
    assert not out.exists() or pdfs(out) == []


def test_packets_over_max_pages_fail_on_the_command_line(
    one_page_onboarding: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    code = main(
        ["build", "onboarding", "--level", "pm", "--project", str(one_page_onboarding), "--out", str(out), "-j", "1"]
    )
    captured = capsys.readouterr()
    assert code == 1
    people = ["benedikt-hoffmann", "dev-patel", "kofi-mensah"]
    failures = sorted(line for line in captured.err.splitlines() if line.startswith("failed "))
    assert len(failures) == 3
    for person, line in zip(people, failures, strict=True):
        head = f"failed {out}/onboarding/{person}.pdf: "
        assert line.startswith(head)
        pages = int(line.split(" needs ")[1].split()[0])
        assert pages > 1
        assert line == head + LIMIT_MESSAGE.format(level="pm", pages=pages)
    assert "3 of 3 documents failed; 0 built in " in captured.err
    assert ".pdf" not in captured.out
    assert not out.exists() or pdfs(out) == []


# --- defect 2: a document's record of files read does not depend on build order --------------------------------------


def test_the_record_of_files_read_does_not_depend_on_what_was_built_before(tmp_path: Path) -> None:
    together, alone = tmp_path / "together", tmp_path / "alone"
    assert (
        main(
            [
                "build",
                "level-guides",
                "one-pagers",
                "--level",
                "apm",
                "--project",
                str(ROOT),
                "--out",
                str(together),
                "-j",
                "1",
                "-q",
            ]
        )
        == 0
    )
    assert (
        main(["build", "one-pagers", "--level", "apm", "--project", str(ROOT), "--out", str(alone), "-j", "1", "-q"])
        == 0
    )
    assert pdfs(together) == ["levels/apm.pdf", "one-pagers/apm.pdf"]
    assert pdfs(alone) == ["one-pagers/apm.pdf"]
    files = recorded_files(together, "one-pagers/apm.pdf")
    assert files == recorded_files(alone, "one-pagers/apm.pdf")
    names = {Path(path).name for path in files}
    assert "one-pager.css" in names
    assert "handbook.css" not in names and "level-guide.css" not in names
    assert "level-guide.css" in {Path(path).name for path in recorded_files(together, "levels/apm.pdf")}


def test_one_worker_printing_a_level_guide_first_records_only_the_one_pagers_files() -> None:
    """The build prints cheapest first (the one-pager before the level guide), so the command line
    cannot force the order of the issue; one engine, used as a worker uses it, can."""
    from ladderpress.produce import Producer

    request = BuildRequest(project=ROOT, recipes=("level-guides", "one-pagers"), levels=("apm",), workers=1)
    opened = pipeline.open_project(request)
    jobs = {str(job.output): job for job in plan(opened.project, request).jobs}
    assert sorted(jobs) == ["levels/apm.pdf", "one-pagers/apm.pdf"]
    assert all(isinstance(job, DocumentJob) for job in jobs.values())

    def printed_files(producer: Producer, name: str) -> dict[str, str | None]:
        job = jobs[name]
        (outcome,) = producer.produce([(0, job, opened.renderers.for_job(job).source(job))])
        assert outcome.printed is not None, outcome.error
        return dict(outcome.printed.files)

    engine = pipeline.engine_for(opened, request)
    after_guide = Producer(opened.project, opened.renderers, engine)
    guide = printed_files(after_guide, "levels/apm.pdf")
    one_pager_after_guide = printed_files(after_guide, "one-pagers/apm.pdf")
    one_pager_alone = printed_files(Producer(opened.project, opened.renderers, engine), "one-pagers/apm.pdf")
    assert one_pager_after_guide == one_pager_alone
    assert {Path(path).name for path in guide} >= {"handbook.css", "level-guide.css"}
    assert not {Path(path).name for path in one_pager_after_guide} & {"handbook.css", "level-guide.css"}


# --- --level and --person ---------------------------------------------------------------------------------------------


def test_level_builds_only_that_levels_document(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert (
        main(["build", "one-pagers", "--level", "pm", "--project", str(ROOT), "--out", str(out), "-j", "1", "-q"]) == 0
    )
    assert pdfs(out) == ["one-pagers/pm.pdf"]
    reader = PdfReader(out / "one-pagers" / "pm.pdf")
    assert len(reader.pages) == 1
    assert "Product Manager" in reader.pages[0].extract_text()


def test_person_builds_only_that_persons_packet(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert (
        main(
            [
                "build",
                "onboarding",
                "--person",
                "léa  dubois",
                "--project",
                str(ROOT),
                "--out",
                str(out),
                "-j",
                "1",
                "-q",
            ]
        )
        == 0
    )
    assert pdfs(out) == ["onboarding/lea-dubois.pdf"]
    reader = PdfReader(out / "onboarding" / "lea-dubois.pdf")
    assert len(reader.pages) > 1
    assert "Léa Dubois" in reader.pages[0].extract_text()
    assert reader.metadata is not None
    assert reader.metadata.title == "Léa Dubois — Welcome to Northwind Labs"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["one-pagers", "--level", "pmm"], "--level 'pmm' is not a level of this ladder; did you mean 'pm'?"),
        (
            ["onboarding", "--person", "Lea Dubois"],
            "--person 'Lea Dubois' is not in the roster; did you mean 'Léa Dubois'? "
            "(names are matched ignoring case and spacing)",
        ),
        (["handbook", "--level", "pm"], "recipe 'handbook' makes one document, so --level does not apply to it"),
        (
            ["one-pagers", "--person", "Léa Dubois"],
            "recipe 'one-pagers' makes one document per level, so --person does not apply to it",
        ),
    ],
    ids=["unknown-level", "person-without-accent", "level-on-one-document", "person-on-per-level"],
)
def test_narrowing_to_what_does_not_exist_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    out = tmp_path / "out"
    assert main(["build", *argv, "--project", str(ROOT), "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [f"usage error: {message}"]
    assert captured.out == ""
    assert not out.exists()


def test_narrowing_raises_usage_error_through_the_api(tmp_path: Path) -> None:
    events = pipeline.build(ROOT, recipes=["one-pagers"], levels=["pmm"], out=tmp_path / "out")
    with pytest.raises(UsageError, match=r"^--level 'pmm' is not a level of this ladder; did you mean 'pm'\?$"):
        next(events)


# --- check and list through the API ----------------------------------------------------------------------------------


def test_check_yields_what_it_looked_at(tmp_path: Path) -> None:
    events = list(pipeline.check(BuildRequest(project=ROOT, out=tmp_path / "out")))
    assert [type(event) for event in events] == [Checked, Finished]
    assert events[0] == Checked(levels=8, recipes=6, documents=31)
    result = finished(events).result
    assert result.ok and result.exit_code == 0 and result.written == ()
    assert not (tmp_path / "out").exists()


def test_listing_yields_each_recipe_and_its_documents() -> None:
    events = list(pipeline.listing(BuildRequest(project=ROOT)))
    listed = [event for event in events if isinstance(event, Listed)]
    assert [event.recipe for event in listed] == [
        "handbook",
        "ic-track",
        "level-guides",
        "manager-track",
        "onboarding",
        "one-pagers",
    ]
    by_name = {event.recipe: event for event in listed}
    one_pagers = by_name["one-pagers"]
    assert (one_pagers.title, one_pagers.template) == ("Level One-Pager", "one-pager.html")
    assert sorted(str(document) for document in one_pagers.documents) == [
        f"one-pagers/{level}.pdf"
        for level in sorted(path.stem for path in (ROOT / "content" / "levels").glob("*.yaml"))
    ]
    assert by_name["handbook"].documents == (PurePosixPath("handbook.pdf"),)
    assert len(by_name["onboarding"].documents) == 12
    assert PurePosixPath("onboarding/lea-dubois.pdf") in by_name["onboarding"].documents
    assert sum(len(event.documents) for event in listed) == 31
    assert finished(events).result.ok


def test_listing_follows_level_and_person() -> None:
    events = list(pipeline.listing(BuildRequest(project=ROOT, levels=("pm",))))
    listed = {event.recipe: [str(d) for d in event.documents] for event in events if isinstance(event, Listed)}
    assert listed == {
        "level-guides": ["levels/pm.pdf"],
        "onboarding": ["onboarding/benedikt-hoffmann.pdf", "onboarding/dev-patel.pdf", "onboarding/kofi-mensah.pdf"],
        "one-pagers": ["one-pagers/pm.pdf"],
    }
    events = list(pipeline.listing(BuildRequest(project=ROOT, people=("LÉA DUBOIS",))))
    listed = {event.recipe: [str(d) for d in event.documents] for event in events if isinstance(event, Listed)}
    assert listed == {"onboarding": ["onboarding/lea-dubois.pdf"]}

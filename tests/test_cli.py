"""The command line: choosing recipes, listing, checking, exit codes, and new recipes."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from ladderpress.cli import main
from tests.conftest import FIXTURES, ROOT, copy_project, outline, text


def test_list_shows_recipes_and_their_documents(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--project", str(ROOT), "--list"]) == 0
    out = capsys.readouterr().out
    for name in ("handbook", "ic-track", "manager-track", "level-guides", "one-pagers"):
        assert name in out
    assert "one-pagers/senior-pm.pdf" in out and "levels/cpo.pdf" in out
    assert "  onboarding/manifest.csv  (the delivery list)" in out.splitlines()
    assert "onboarding  Welcome to Northwind Labs  (onboarding.html, 12 documents)" in out.splitlines()


def test_check_validates_without_printing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--project", str(ROOT), "--out", str(tmp_path), "check"]) == 0
    assert "no problems found" in capsys.readouterr().out
    assert not list(tmp_path.iterdir())


def test_unknown_recipe_is_a_usage_error_with_a_suggestion(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--project", str(ROOT), "one-pager"]) == 2
    err = capsys.readouterr().err
    assert "unknown recipe 'one-pager'" in err and "did you mean 'one-pagers'" in err
    assert "Traceback" not in err


def test_building_some_recipes_prints_one_line_per_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--project", str(ROOT), "--out", str(tmp_path), "one-pagers"]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if ".pdf" in line]
    assert len(lines) == 8
    assert all("1 page" in line and "KB" in line for line in lines)
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == ["one-pagers"]


def test_a_new_recipe_file_is_a_new_document(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    (project / "guides" / "leadership.yaml").write_text(
        "title: Leadership Levels\n"
        "template: handbook.html\n"
        "select:\n  levels: [director, vp, cpo]\n"
        "output: leadership/handbook.pdf\n",
        encoding="utf-8",
    )
    assert main(["--project", str(project), "leadership"]) == 0
    reader = PdfReader(project / "out" / "leadership" / "handbook.pdf")
    titles = [title for title, _, _ in outline(reader)]
    assert {"Director of Product", "VP of Product", "Chief Product Officer"} <= set(titles)
    assert "Product Manager" not in titles
    assert reader.metadata.title == "Leadership Levels"


def test_unknown_cross_reference_is_refused_with_location(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = copy_project(tmp_path / "project")
    level = project / "content" / "levels" / "pm.yaml"
    level.write_text(
        level.read_text(encoding="utf-8").replace("leads_to: [senior-pm]", "leads_to: [senoir-pm]"), encoding="utf-8"
    )
    assert main(["--project", str(project)]) == 1
    err = capsys.readouterr().err
    assert "content/levels/pm.yaml:" in err
    assert "unknown level 'senoir-pm'" in err and "did you mean 'senior-pm'" in err
    assert "Traceback" not in err
    assert not (project / "out").exists()


def test_a_second_ladder_builds_with_the_same_recipes(tmp_path: Path) -> None:
    """An engineering ladder with three tracks and sub-levels: the model is not PM-specific."""
    project = copy_project(tmp_path / "project", content=FIXTURES / "engineering" / "content")
    assert main(["--project", str(project), "handbook", "one-pagers", "ic-track"]) == 0
    out = project / "out"
    handbook = text(out / "handbook.pdf")
    for title in ("Software Architect", "Engineering Manager", "IC3a"):
        assert title in handbook
    one_pagers = sorted(p.stem for p in (out / "one-pagers").glob("*.pdf"))
    assert one_pagers == ["architect", "director", "e1", "e2", "e3", "em", "staff"]
    assert all(len(PdfReader(p).pages) == 1 for p in (out / "one-pagers").glob("*.pdf"))
    ic = [title for title, _, _ in outline(PdfReader(out / "ic-track.pdf"))]
    assert "Software Architect" not in ic and "Engineering Manager" not in ic


def test_every_command_word_is_reserved_from_recipe_names() -> None:
    from ladderpress.cli import COMMAND_WORDS
    from ladderpress.load import RESERVED_RECIPE_NAMES

    assert COMMAND_WORDS == RESERVED_RECIPE_NAMES


def test_a_roster_no_recipe_uses_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--project", str(ROOT), "--roster", str(ROOT / "examples/new-hires.csv"), "--list", "one-pagers"]) == 0
    assert "is not used: no recipe built here makes one document per person" in capsys.readouterr().err


# --- subcommands (issue 12): --version, each command's --help, stray arguments, the old forms, -q and -v, init ---

COMMAND_NAMES = (
    "build",
    "check",
    "preflight",
    "list",
    "watch",
    "init",
    "new-brand",
    "schema",
    "upgrade",
    "export",
    "import",
)


def test_version_names_the_program_and_its_version(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version

    with pytest.raises(SystemExit) as stopped:
        main(["--version"])
    assert stopped.value.code == 0
    captured = capsys.readouterr()
    assert captured.out == f"ladderpress {version('ladderpress')}\n"
    assert captured.err == ""


@pytest.mark.parametrize("command", COMMAND_NAMES)
def test_every_command_has_its_own_help_with_examples(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main([command, "--help"])
    assert stopped.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: ladderpress {command} ")
    assert "\nexamples:\n" in out
    examples = out.split("\nexamples:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert examples and all(line.strip().startswith("ladderpress ") for line in examples)
    assert "-q, --quiet" in out and "-v, --verbose" in out
    assert "python build.py" not in out and "build.py" not in out


def test_the_top_level_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--help"])
    assert stopped.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: ladderpress ")
    listed = {
        line.split()[0]
        for line in out.split("\ncommands:\n", 1)[1].split("\n\n")[0].splitlines()[1:]
        if line.startswith("    ") and not line.startswith("      ")
    }
    assert listed == set(COMMAND_NAMES)
    assert "build.py" not in out


@pytest.mark.parametrize(
    ("argv", "stray"),
    [(["check", "--bogus"], "--bogus"), (["init", "a", "b"], "b"), (["schema", "extra"], "extra")],
    ids=["check-option", "init-second-folder", "schema-word"],
)
def test_stray_arguments_are_rejected(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], argv: list[str], stray: str
) -> None:
    monkeypatch.chdir(tmp_path)  # an `init a` that got through would create ./a here
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.splitlines()[-1] == f"ladderpress {argv[0]}: error: unrecognized arguments: {stray}"
    assert err.startswith(f"usage: ladderpress {argv[0]} ")  # the command's own usage, not the top level's
    assert list(tmp_path.iterdir()) == []


def test_old_form_project_then_check(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--project", str(ROOT), "check"]) == 0
    assert capsys.readouterr().out == "ok: 8 levels, 6 recipes, 31 documents; no problems found\n"


def test_old_form_list_flag_lists_one_recipe(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--project", str(ROOT), "--list", "one-pagers"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "one-pagers  Level One-Pager  (one-pager.html, 8 documents)"
    levels = sorted(path.stem for path in (ROOT / "content" / "levels").glob("*.yaml"))
    assert sorted(lines[1:]) == [f"  one-pagers/{level}.pdf" for level in levels]


def test_old_form_recipe_without_command_builds_one_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    out = tmp_path / "out"
    assert main(["one-pagers", "--level", "pm", "--out", str(out), "-j", "1"]) == 0
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.pdf")) == ["one-pagers/pm.pdf"]
    assert len(PdfReader(out / "one-pagers" / "pm.pdf").pages) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"{out}/one-pagers/pm.pdf ") and lines[0].endswith("1/1")
    assert lines[1].startswith("built 1 document in ")


@pytest.fixture(scope="module")
def quiet_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, str, str]:
    """`build one-pagers --level pm -q` into a fresh folder: (folder, exit code, stdout, stderr)."""
    import contextlib
    import io

    out = tmp_path_factory.mktemp("quiet") / "out"
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(
            ["build", "one-pagers", "--level", "pm", "--project", str(ROOT), "--out", str(out), "-j", "1", "-q"]
        )
    return out, code, stdout.getvalue(), stderr.getvalue()


def test_quiet_build_prints_nothing(quiet_build: tuple[Path, int, str, str]) -> None:
    out, code, stdout, stderr = quiet_build
    assert code == 0
    assert stdout == "" and stderr == ""
    assert len(PdfReader(out / "one-pagers" / "pm.pdf").pages) == 1


def test_verbose_names_what_is_up_to_date(
    quiet_build: tuple[Path, int, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    out = quiet_build[0]
    assert main(["build", "one-pagers", "--level", "pm", "--project", str(ROOT), "--out", str(out), "-v"]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0] == f"{out}/one-pagers/pm.pdf is up to date"
    assert lines[1].startswith("nothing to do: 1 ")
    assert captured.err == ""


def test_quiet_up_to_date_build_prints_nothing(
    quiet_build: tuple[Path, int, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    out = quiet_build[0]
    assert main(["build", "one-pagers", "--level", "pm", "--project", str(ROOT), "--out", str(out), "-q"]) == 0
    assert capsys.readouterr() == ("", "")


def test_quiet_and_verbose_together_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["check", "-q", "-v", "--project", str(ROOT)])
    assert stopped.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


@pytest.fixture(scope="module")
def init_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("init") / "x"
    assert main(["init", str(folder), "-q"]) == 0
    return folder


def test_init_says_what_to_do_next(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "ours"
    assert main(["init", str(folder)]) == 0
    assert capsys.readouterr().out == f"created {folder}/; build it with: cd {folder} && ladderpress\n"
    assert (folder / "content").is_dir() and (folder / "guides").is_dir()


def test_an_init_project_builds_one_document(init_project: Path) -> None:
    level = sorted(path.stem for path in (init_project / "content" / "levels").glob("*.yaml"))[0]
    assert main(["--project", str(init_project), "one-pagers", "--level", level, "-j", "1", "-q"]) == 0
    out = init_project / "out"
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.pdf")) == [f"one-pagers/{level}.pdf"]
    assert len(PdfReader(out / "one-pagers" / f"{level}.pdf").pages) == 1


def saying_python_build_py(folder: Path) -> list[str]:
    """Files under ``folder`` (the build output aside) that tell the reader to run `python build.py`."""
    return sorted(
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*")
        if path.is_file()
        and "out" not in path.relative_to(folder).parts[:1]
        and "python build.py" in path.read_text(encoding="utf-8", errors="replace")
    )


def test_the_init_readme_says_ladderpress(init_project: Path) -> None:
    readme = (init_project / "README.md").read_text(encoding="utf-8")
    assert "ladderpress new-brand NAME" in readme and "\nladderpress " in readme
    assert "python build.py" not in readme


def test_no_file_init_writes_says_python_build_py(init_project: Path) -> None:
    assert saying_python_build_py(init_project) == []


def test_no_file_new_brand_writes_says_python_build_py(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    assert main(["new-brand", "mine", "--project", str(tmp_path), "-q"]) == 0
    assert (tmp_path / "brands" / "mine" / "brand.yaml").is_file()
    assert saying_python_build_py(tmp_path) == []


def test_bidi_and_control_characters_from_a_roster_are_shown_not_obeyed_on_the_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A roster value quoted in an error cannot turn the rest of the line round (U+202E) or send escapes."""
    roster = tmp_path / "r.csv"
    roster.write_text(
        "name,level,team,manager,buddy,start_date\n"
        "Ann Lee,p\u202em,Search,Priya,Ines,2027-01-11\n"
        "Bo Ek,pm,Search,Priya,Ines,2027-01-11\u2066\x1b[2J\n",
        encoding="utf-8",
    )
    code = main(["--project", str(ROOT), "check", "--roster", str(roster)])
    err = capsys.readouterr().err
    assert code == 1
    assert f"error: {roster}:2: level: 'p<U+202E>m' is not a valid value here" in err
    assert not any(ch in err for ch in "\u202e\u2066\x1b")
    assert "<U+2066>" in err

"""Unit tests of ladderpress/load.py: load_project on small projects written into tmp_path.

Each project holds two levels, one track and one recipe (templates and styles are the
built-in ones); a test changes a file or two and looks at the Problems: file, line,
column, field and fix, every one of them rather than the first.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from ladderpress.errors import InputErrors, Problem
from ladderpress.load import LoadedBrand, Project, load_brand, load_project, read_yaml
from ladderpress.packaged import builtin_dir

LADDER = "title: Ladder\nfield: Product\norganisation: Northwind\nintroduction: Hello.\n"
TRACKS = """\
tracks:
  - id: ic
    name: Individual contributor
    short_name: IC
    summary: Grows by depth.
"""
RECIPE = "title: Handbook\ntemplate: handbook.html\noutput: handbook.pdf\n"
BRAND = """\
name: Acme
logo: logo.svg
colours:
  primary: "#14532d"
  accent: "#b45309"
"""


def level_text(level_id: str, rank: int, leads_to: str = "") -> str:
    """A level file; ``leads_to`` is on line 14, its first id at column 12."""
    return f"""\
id: {level_id}
code: L{rank}
title: Title {rank}
short_title: T{rank}
rank: {rank}
tracks: [ic]
scope: Owns a thing.
description: Does things.
duties:
  - Plans
experience: Some
time_at_level: 2 years
reports_to: A lead
leads_to: [{leads_to}]
"""


def make(root: Path, files: dict[str, str | bytes | None] | None = None) -> Path:
    """A small valid project at ``root``; ``files`` (path → text) replace its files, or leave them out (None)."""
    base: dict[str, str | bytes | None] = {
        "content/ladder.yaml": LADDER,
        "content/tracks.yaml": TRACKS,
        "content/levels/apm.yaml": level_text("apm", 1, "pm"),
        "content/levels/pm.yaml": level_text("pm", 2),
        "guides/handbook.yaml": RECIPE,
    }
    base.update(files or {})
    for name, text in base.items():
        if text is None:
            continue
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    return root


def problems(root: Path, brand: Path | None = None) -> list[Problem]:
    with pytest.raises(InputErrors) as exc:
        load_project(root, brand)
    return exc.value.problems


def lines(root: Path, brand: Path | None = None) -> list[str]:
    return [str(problem) for problem in problems(root, brand)]


# --------------------------------------------------------------------------- a good project


def test_a_small_project_loads(tmp_path: Path) -> None:
    project = load_project(make(tmp_path / "p"))
    assert isinstance(project, Project)
    assert project.root == (tmp_path / "p").resolve()
    assert [lv.id for lv in project.ladder.levels] == ["apm", "pm"]
    assert project.ladder.title == "Ladder" and [t.id for t in project.ladder.tracks] == ["ic"]
    assert list(project.recipes) == ["handbook"]
    assert project.recipes["handbook"].output == "handbook.pdf"
    assert project.brands == {} and project.forced_brand is None
    assert project.brand_for(project.recipes["handbook"]) is None


def test_templates_are_looked_for_in_the_project_then_the_built_in_folder(tmp_path: Path) -> None:
    project = load_project(make(tmp_path / "p"))
    assert project.template_dirs(None) == (project.root / "templates", builtin_dir("templates").resolve())
    assert project.style_dirs(None) == (project.root / "styles", builtin_dir("styles").resolve())
    assert project.root in project.allowed_roots


def test_levels_are_read_in_file_name_order_and_sections_from_any_file(tmp_path: Path) -> None:
    faq = "faq:\n  - question: Why?\n    answer: Because.\n    levels: [pm]\n"
    project = load_project(
        make(
            tmp_path / "p",
            {
                "content/faq.yaml": faq,
                "content/levels/zed.yaml": level_text("zed", 3),
                "content/levels/pm.yaml": level_text("pm", 2, "zed"),
            },
        )
    )
    assert [lv.id for lv in project.ladder.levels] == ["apm", "pm", "zed"]
    assert [entry.question for entry in project.ladder.faq] == ["Why?"]


# --------------------------------------------------------------------------- every problem, located


def test_every_problem_in_every_file_is_reported_at_its_line_and_column(tmp_path: Path) -> None:
    pm = level_text("pm", 2).replace("rank: 2", "rank: two").replace("duties:", "dutes:")
    root = make(
        tmp_path / "p",
        {
            "content/levels/pm.yaml": pm,
            "guides/handbook.yaml": RECIPE.replace("handbook.html", "hanbook.html"),
            "guides/extra.yml": "title: x\n",
        },
    )
    assert [(p.file, p.line, p.column, p.field, p.message, p.hint) for p in problems(root)] == [
        ("content/levels/pm.yaml", 5, 7, "rank", "expected a whole number, got text 'two'", "write a number such as 3"),
        ("content/levels/pm.yaml", 9, 1, "dutes", "unknown field 'dutes'", "remove it (did you mean 'duties'?)"),
        (
            "guides/extra.yml",
            None,
            None,
            None,
            "is not read: content and recipe files end in .yaml",
            "rename it to extra.yaml",
        ),
        ("guides/handbook.yaml", 2, 11, "template", "unknown template 'hanbook.html'", "did you mean 'handbook.html'?"),
    ]


def test_a_field_error_does_not_hide_the_broken_references_elsewhere(tmp_path: Path) -> None:
    """pm has a field error, so pydantic never gets to the references; they are checked on the rest, and
    apm's pointer to pm (a level that exists, with a mistake of its own) is not called unknown."""
    root = make(
        tmp_path / "p",
        {
            "content/levels/apm.yaml": level_text("apm", 1, "pm, senoir-pm"),
            "content/levels/pm.yaml": level_text("pm", 2).replace("duties:", "dutes:"),
        },
    )
    assert lines(root) == [
        "content/levels/pm.yaml:9:1: dutes: unknown field 'dutes' (fix: remove it (did you mean 'duties'?))",
        "content/levels/apm.yaml:14:16: leads_to[1]: unknown level 'senoir-pm' (fix: choose one of: 'apm', 'pm')",
    ]


def test_a_broken_reference_points_at_the_list_item(tmp_path: Path) -> None:
    root = make(tmp_path / "p", {"content/levels/apm.yaml": level_text("apm", 1, "pm, senoir-pm")})
    assert lines(root) == [
        "content/levels/apm.yaml:14:16: leads_to[1]: unknown level 'senoir-pm' (fix: choose one of: 'apm', 'pm')"
    ]


def test_a_block_list_item_is_located_at_its_value(tmp_path: Path) -> None:
    pm = level_text("pm", 2).replace("  - Plans", "  - Plans\n  - ''")
    assert lines(make(tmp_path / "p", {"content/levels/pm.yaml": pm})) == [
        "content/levels/pm.yaml:11:5: duties[1]: must not be empty (fix: write some text)"
    ]


def test_problems_in_sections_name_their_own_file(tmp_path: Path) -> None:
    faq = "faq:\n  - question: Why?\n    answer: Because.\n    levels: [pm, cpo]\n"
    assert lines(make(tmp_path / "p", {"content/faq.yaml": faq})) == [
        "content/faq.yaml:4:18: faq[0].levels[1]: unknown level 'cpo' (fix: choose one of: 'apm', 'pm')"
    ]


def test_an_id_that_is_not_the_file_name(tmp_path: Path) -> None:
    # said once: apm's leads_to: [pm] is not also an unknown level
    root = make(tmp_path / "p", {"content/levels/pm.yaml": level_text("product", 2)})
    assert lines(root) == [
        "content/levels/pm.yaml:1:5: id: id 'product' does not match the file name "
        "(fix: set id: pm, as the reference to 'pm' expects, "
        "or rename the file to product.yaml and change it)"
    ]
    root = make(tmp_path / "q", {"content/levels/apm.yaml": level_text("junior", 1, "pm")})
    assert lines(root) == [
        "content/levels/apm.yaml:1:5: id: id 'junior' does not match the file name "
        "(fix: rename the file to junior.yaml or set id: apm)"
    ]


def test_a_section_given_in_two_files(tmp_path: Path) -> None:
    root = make(tmp_path / "p", {"content/faq.yaml": "faq: []\n", "content/more.yaml": "\nfaq: []\n"})
    assert lines(root) == [
        "content/more.yaml:2:1: faq: 'faq' is already given in content/faq.yaml line 1 (fix: keep it in one file only)"
    ]


def test_levels_belong_in_their_own_folder(tmp_path: Path) -> None:
    root = make(tmp_path / "p", {"content/ladder.yaml": LADDER + "levels: []\n"})
    assert lines(root) == [
        "content/ladder.yaml:5:1: levels: levels live in content/levels/, one file per level "
        "(fix: move each level to content/levels/<id>.yaml)"
    ]


def test_a_section_file_that_is_not_a_mapping(tmp_path: Path) -> None:
    root = make(tmp_path / "p", {"content/faq.yaml": "- a\n- b\n"})
    assert lines(root) == [
        "content/faq.yaml:1:1: must be a mapping of 'field: value' lines "
        "(fix: start each top-level entry with its field name, like 'faq:')"
    ]


def test_a_file_that_holds_no_mapping_says_how_it_starts(tmp_path: Path) -> None:
    root = make(tmp_path / "p", {"content/levels/pm.yaml": "", "guides/handbook.yaml": "- a\n"})
    assert lines(root) == [
        "content/levels/pm.yaml:1:1: expected a mapping of 'key: value' lines, got nothing (empty) "
        "(fix: start the file with 'id: …' and the other fields of a level)",
        "guides/handbook.yaml:1:1: expected a mapping of 'key: value' lines, got a list "
        "(fix: start the file with 'title: …' and the other fields of a recipe)",
    ]


def test_missing_folders_and_files(tmp_path: Path) -> None:
    # one line each: the ladder's fields are not also reported missing, nor its levels empty
    assert lines(make(tmp_path / "a", {"content/ladder.yaml": None})) == [
        "content/ladder.yaml: file not found (fix: every ladder needs content/ladder.yaml)"
    ]
    assert lines(make(tmp_path / "b", {"content/levels/apm.yaml": None, "content/levels/pm.yaml": None})) == [
        "content/levels: no level files found (fix: add one file per level, like content/levels/pm.yaml)"
    ]
    assert lines(make(tmp_path / "c", {"guides/handbook.yaml": None})) == [
        "guides: no recipes found (fix: add a recipe such as guides/handbook.yaml)"
    ]
    (tmp_path / "d").mkdir()
    assert lines(tmp_path / "d")[0] == (
        "content: content folder not found (fix: run the command from the project folder, or pass --project)"
    )


def test_an_unreadable_ladder_file_is_not_also_a_list_of_missing_fields(tmp_path: Path) -> None:
    found = lines(make(tmp_path / "p", {"content/ladder.yaml": b"title: \xff\n"}))
    assert found == ["content/ladder.yaml:1:8: is not UTF-8 text (fix: save the file as UTF-8)"]


def test_an_unreadable_level_is_not_also_an_unknown_one(tmp_path: Path) -> None:
    found = lines(make(tmp_path / "p", {"content/levels/pm.yaml": "id: pm\n\tcode: L2\n"}))
    assert found == [
        "content/levels/pm.yaml:2:1: YAML syntax error: a tab character is used for indentation "
        "(fix: indent with spaces, not tabs)"
    ]


def test_too_many_level_files_are_refused_before_reading(tmp_path: Path) -> None:
    root = make(tmp_path / "p")
    for i in range(500):
        (root / f"content/levels/x{i}.yaml").write_text("not: read\n")
    assert lines(root) == [
        "content/levels: holds 502 level files, more than the 500 a ladder may have "
        "(fix: remove the files that are not levels)"
    ]


# --------------------------------------------------------------------------- recipes


def test_reserved_recipe_names(tmp_path: Path) -> None:
    root = make(tmp_path / "p", {"guides/check.yaml": RECIPE})
    assert lines(root) == [
        "guides/check.yaml: 'check' is a command word and cannot name a recipe (fix: rename the file)"
    ]


def test_what_recipes_name_is_checked(tmp_path: Path) -> None:
    root = make(
        tmp_path / "p",
        {
            "guides/a.yaml": RECIPE + "styles: [base.css, hanbook.css]\n",
            "guides/b.yaml": RECIPE + "select:\n  levels: [pm, vp]\n",
            "guides/c.yaml": RECIPE + "select:\n  track: icc\n",
            "guides/d.yaml": RECIPE + "select:\n  levels: []\n",
        },
    )
    assert lines(root) == [
        "guides/a.yaml:4:20: styles[1]: stylesheet 'hanbook.css' not found in styles/ "
        "(fix: did you mean 'handbook.css'?)",
        "guides/b.yaml:5:16: select.levels[1]: unknown level 'vp' (fix: choose one of: 'apm', 'pm')",
        "guides/c.yaml:5:10: select.track: unknown track 'icc' (fix: did you mean 'ic'?)",
        "guides/d.yaml:5:3: select.levels: selects no levels (fix: list at least one level id)",
    ]


def test_a_default_stylesheet_is_not_reported_beside_an_unknown_template(tmp_path: Path) -> None:
    root = make(tmp_path / "p", {"guides/handbook.yaml": RECIPE.replace("handbook.html", "nothing.html")})
    assert len(problems(root)) == 1


def test_recipe_ids_are_not_checked_against_a_broken_ladder(tmp_path: Path) -> None:
    root = make(
        tmp_path / "p",
        {
            "content/ladder.yaml": LADDER.replace("title:", "titel:"),
            "guides/b.yaml": RECIPE + "select:\n  levels: [nobody]\n",
        },
    )
    assert [p.field for p in problems(root)] == ["title", "titel"]


def test_a_project_template_overrides_the_built_in_one_and_counts_as_known(tmp_path: Path) -> None:
    root = make(tmp_path / "p", {"guides/handbook.yaml": RECIPE.replace("handbook.html", "mine.html")})
    (root / "templates").mkdir()
    (root / "templates/mine.html").write_text("<p>mine</p>")
    (root / "styles").mkdir()
    (root / "styles/mine.css").write_text("p {}")
    assert load_project(root).recipes["handbook"].template == "mine.html"


# --------------------------------------------------------------------------- YAML


def test_merge_keys_and_anchors_build_plain_values(tmp_path: Path) -> None:
    tracks = TRACKS.replace("  - id: ic", "  - &ic\n    id: ic") + (
        "  - <<: *ic\n    id: manager\n    name: People manager\n"
    )
    pm = level_text("pm", 2).replace("tracks: [ic]", "tracks: [ic, manager]")
    root = make(tmp_path / "p", {"content/tracks.yaml": tracks, "content/levels/pm.yaml": pm})
    ic, manager = load_project(root).ladder.tracks
    assert (manager.id, manager.name, manager.short_name, manager.summary) == (
        "manager",
        "People manager",
        "IC",
        "Grows by depth.",
    )
    assert (ic.id, ic.name) == ("ic", "Individual contributor")


def test_read_yaml_keeps_the_position_of_every_value(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("a: 1\nb:\n  - x\n  - {c: d}\n<<: {e: 5}\n")
    value, marks = read_yaml(path, tmp_path)
    assert value == {"a": 1, "b": ["x", {"c": "d"}], "e": 5}
    assert marks[("a",)] == (path, 1, 4)
    assert marks[("b",)] == (path, 2, 1)
    assert marks[("b", 0)] == (path, 3, 5)
    assert marks[("b", 1, "c")] == (path, 4, 9)


def test_an_empty_file_is_none_at_line_one(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("# nothing\n")
    assert read_yaml(path, tmp_path) == (None, {(): (path, 1, 1)})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "id: pm\nid: pm\n",
            "content/levels/pm.yaml:2:1: key 'id' appears twice (first on line 1) (fix: keep one of them)",
        ),
        (
            "id: !!python/object/apply:os.system [ls]\n",
            "content/levels/pm.yaml:1:5: id: the tag !!python/object/apply:os.system is not allowed on a list "
            "(fix: remove the tag: ladder files hold plain text, numbers, dates, lists and mappings)",
        ),
        (
            "rank: !!int two\n",
            "content/levels/pm.yaml:1:7: rank: 'two' is not a whole number, as its tag !!int says "
            "(fix: correct the value, or remove the tag)",
        ),
        (
            "id: p\x00m\n",
            "content/levels/pm.yaml:1:6: contains a NUL character, which YAML does not allow "
            "(fix: delete it; save the file as plain UTF-8 text)",
        ),
        (
            "a: &x [*x]\n",
            "content/levels/pm.yaml:1:8: an alias refers to the value that contains it (fix: remove the alias (*name))",
        ),
        (
            "a: *nothing\n",
            "content/levels/pm.yaml:1:4: YAML syntax error: found undefined alias 'nothing' "
            "(fix: mark the value with '&name' before using '*name', or remove the alias)",
        ),
        (
            "<<: [1, 2]\n",
            "content/levels/pm.yaml:1:6: '<<' merges take a mapping or a list of mappings, not the value '1' "
            "(fix: write '<<: *name' where '&name' marks a mapping, or remove the '<<' line)",
        ),
    ],
)
def test_yaml_problems_are_located(tmp_path: Path, text: str, expected: str) -> None:
    found = lines(make(tmp_path / "p", {"content/levels/pm.yaml": text}))
    assert found == [expected]


# --------------------------------------------------------------------------- files that are not files


def test_a_link_out_of_the_project_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "secret.yaml"
    outside.write_text(level_text("pm", 2))
    root = make(tmp_path / "p", {"content/levels/pm.yaml": None})
    (root / "content/levels/pm.yaml").symlink_to(outside)
    found = lines(root)
    assert found[0] == (
        f"content/levels/pm.yaml: is a link to a file outside the allowed folders ({outside}) "
        "(fix: copy the file itself into the project or brand folder)"
    )


def test_a_link_inside_the_project_is_followed(tmp_path: Path) -> None:
    root = make(tmp_path / "p", {"content/levels/pm.yaml": None})
    (root / "spare.yaml").write_text(level_text("pm", 2))
    (root / "content/levels/pm.yaml").symlink_to(root / "spare.yaml")
    assert [lv.id for lv in load_project(root).ladder.levels] == ["apm", "pm"]


def test_a_fifo_and_a_folder_are_refused_without_reading(tmp_path: Path) -> None:
    root = make(tmp_path / "p")
    os.mkfifo(root / "content/levels/fifo.yaml")
    (root / "content/levels/folder.yaml").mkdir()
    assert lines(root) == [
        "content/levels/fifo.yaml: is not a regular file (it is a named pipe) (fix: replace it with an ordinary file)",
        "content/levels/folder.yaml: is a folder, not a file (fix: remove the folder or give the file another name)",
    ]


def test_a_file_too_large_is_refused(tmp_path: Path) -> None:
    root = make(tmp_path / "p", {"content/faq.yaml": "faq: []\n" + "#" * 2_000_001 + "\n"})
    assert lines(root) == ["content/faq.yaml: is larger than the 2 MB allowed (fix: split it or shorten it)"]


# --------------------------------------------------------------------------- brands


def brand(folder: Path, text: str = BRAND, logo: bool = True) -> Path:
    folder.mkdir(parents=True)
    (folder / "brand.yaml").write_text(text)
    if logo:
        (folder / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    return folder


def test_a_brand_from_the_command_line_applies_to_every_recipe(tmp_path: Path) -> None:
    root = make(tmp_path / "p", {"guides/other.yaml": RECIPE.replace("handbook.pdf", "other.pdf")})
    folder = brand(tmp_path / "acme")
    project = load_project(root, folder)
    loaded = project.forced_brand
    assert isinstance(loaded, LoadedBrand)
    assert loaded.folder == folder.resolve() and loaded.brand.name == "Acme"
    assert loaded.digest == hashlib.sha256((folder / "brand.yaml").read_bytes()).hexdigest()
    assert loaded.file("logo.svg") == (folder / "logo.svg").resolve()
    assert all(project.brand_for(recipe) is loaded for recipe in project.recipes.values())
    assert project.template_dirs(loaded)[0] == folder.resolve() / "templates"
    assert folder.resolve() in project.allowed_roots


def test_a_recipe_names_its_brand(tmp_path: Path) -> None:
    root = make(
        tmp_path / "p", {"guides/branded.yaml": RECIPE.replace("handbook.pdf", "b.pdf") + "brand: brands/acme\n"}
    )
    brand(root / "brands/acme")
    project = load_project(root)
    assert list(project.brands) == [(root / "brands/acme").resolve()]
    assert project.brand_for(project.recipes["branded"]).brand.name == "Acme"  # type: ignore[union-attr]
    assert project.brand_for(project.recipes["handbook"]) is None


def test_brand_problems_are_located_in_brand_yaml(tmp_path: Path) -> None:
    folder = brand(tmp_path / "acme", BRAND.replace('"#14532d"', '"#ffff00"').replace("logo.svg", "logo.svgg"))
    loaded, found = load_brand(folder, tmp_path)
    assert loaded is None
    assert [str(p) for p in found] == [
        "acme/brand.yaml:4:12: colours.primary: #ffff00 gives white text on it a contrast of 1.1:1, below 4.5:1 "
        "(fix: choose a darker shade so the text stays readable)"
    ]
    loaded, found = load_brand(brand(tmp_path / "b", BRAND.replace("logo.svg", "logo.svgg")), tmp_path)
    assert [str(p) for p in found] == [
        "b/brand.yaml:2:7: logo: file 'logo.svgg' not found in b (fix: did you mean 'logo.svg'?)"
    ]


@pytest.mark.parametrize(
    ("logo", "message"),
    [
        ("../logo.svg", "'../logo.svg' is outside the brand folder"),
        ("link.svg", "'link.svg' is a link to a file outside the brand folder"),
        ("logo.txt", "'logo.txt' is not a .svg or .png or .jpg or .jpeg file"),
        ("folder.svg", "'folder.svg' is a folder, not a file"),
    ],
)
def test_brand_files_must_be_files_of_the_brand(tmp_path: Path, logo: str, message: str) -> None:
    folder = brand(tmp_path / "brands/acme", BRAND.replace("logo.svg", logo))
    (tmp_path / "brands/logo.svg").write_text("<svg/>")
    (folder / "link.svg").symlink_to(tmp_path / "brands/logo.svg")
    (folder / "logo.txt").write_text("text")
    (folder / "folder.svg").mkdir()
    loaded, found = load_brand(folder, tmp_path)
    assert loaded is None
    assert [p.message for p in found] == [message]
    assert (found[0].file, found[0].line, found[0].field) == ("brands/acme/brand.yaml", 2, "logo")


def test_a_missing_brand_folder_or_file(tmp_path: Path) -> None:
    root = make(tmp_path / "p")
    brand(root / "brands/acme")
    assert lines(root, root / "brands/acme2") == ["brands/acme2: brand folder not found (fix: did you mean 'acme'?)"]
    (root / "brands/empty").mkdir()
    assert lines(root, root / "brands/empty") == [
        "brands/empty/brand.yaml: file not found "
        "(fix: every brand folder needs a brand.yaml; ladderpress new-brand NAME makes one)"
    ]


def test_a_recipes_brand_problem_names_the_recipe(tmp_path: Path) -> None:
    root = make(tmp_path / "p", {"guides/handbook.yaml": RECIPE + "brand: brands/acmee\n"})
    brand(root / "brands/acme")
    assert lines(root) == ["guides/handbook.yaml: brand: brand 'brands/acmee' not found (fix: did you mean 'acme'?)"]


def test_a_recipes_brand_must_be_inside_the_project(tmp_path: Path) -> None:
    brand(tmp_path / "acme")
    root = make(tmp_path / "p", {"guides/handbook.yaml": RECIPE + "brand: ../acme\n"})
    assert lines(root) == [
        "guides/handbook.yaml: brand: brand '../acme' is outside the project "
        "(fix: keep brands in the project, or pass --brand DIR)"
    ]


def test_a_template_folder_linked_out_of_the_project_is_reported_and_not_searched(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    root = make(tmp_path / "p")
    (root / "templates").symlink_to(tmp_path / "elsewhere")
    assert lines(root) == [
        "templates: is a link to a folder outside the project "
        "(fix: replace the link with a folder holding the templates themselves)"
    ]

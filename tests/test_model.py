"""Unit tests of ladderpress/model.py: field validators, defaults and the ladder's cross-field checks.

Models are validated from small inline dicts; nothing is read from disk.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from pydantic import ValidationError

from ladderpress.errors import Refusal
from ladderpress.model import (
    Brand,
    FontFiles,
    Ladder,
    Level,
    Located,
    LocatedProblems,
    Person,
    Recipe,
    Selection,
    check_output_pattern,
    contrast,
)

# --------------------------------------------------------------------------- small inline content

OPTIONAL_FACTS = ("experience", "time_at_level", "reports_to")


def level(level_id: str, rank: int, tracks: tuple[str, ...] = ("ic",), **fields: Any) -> dict[str, Any]:
    return {
        "id": level_id,
        "code": f"L{rank}",
        "title": level_id.title(),
        "short_title": level_id.upper(),
        "rank": rank,
        "tracks": list(tracks),
        "scope": "Owns a thing.",
        "description": "Does *things*.",
        "duties": ["Plans"],
        "experience": "Some",
        "time_at_level": "2 years",
        "reports_to": "A lead",
        **fields,
    }


def track(track_id: str) -> dict[str, Any]:
    return {"id": track_id, "name": f"{track_id} track", "short_name": track_id.upper(), "summary": "A track."}


def ladder(levels: list[dict[str, Any]], tracks: tuple[str, ...] = ("ic",), **fields: Any) -> dict[str, Any]:
    return {
        "title": "Ladder",
        "field": "Product",
        "organisation": "Northwind",
        "introduction": "Hello.",
        "tracks": [track(t) for t in tracks],
        "levels": levels,
        **fields,
    }


def three() -> list[dict[str, Any]]:
    """A shared trunk (a, b) that forks into c (ic) and d (manager)."""
    return [
        level("a", 1, ("ic", "manager"), leads_to=["b"]),
        level("b", 2, ("ic", "manager"), leads_to=["c", "d"]),
        level("c", 3, ("ic",)),
        level("d", 3, ("manager",)),
    ]


def errors(exc: pytest.ExceptionInfo[ValidationError]) -> list[tuple[tuple[Any, ...], str]]:
    """(location, message) of each problem, with whole-model problems unpacked as the loader does."""
    found = []
    for error in exc.value.errors():
        inner = (error.get("ctx") or {}).get("error")
        if isinstance(inner, LocatedProblems):
            found += [(p.loc, p.message + (f"; {p.hint}" if p.hint else "")) for p in inner.problems]
        else:
            found.append(
                (
                    tuple(error["loc"]),
                    error["msg"] if error["type"] != "value_error" else str((error.get("ctx") or {}).get("error")),
                )
            )
    return found


def error_types(exc: pytest.ExceptionInfo[ValidationError]) -> list[tuple[tuple[Any, ...], str]]:
    return [(tuple(e["loc"]), e["type"]) for e in exc.value.errors()]


# --------------------------------------------------------------------------- strictness and field types


def test_a_valid_level_gets_its_defaults() -> None:
    lv = Level.model_validate(level("pm", 2))
    defaults = (lv.leads_to, lv.moves, lv.promotion_signals, lv.sublevels, lv.sections, lv.years)
    assert defaults == ([], [], [], [], [], None)
    bare = Level.model_validate({k: v for k, v in level("pm", 2).items() if k not in OPTIONAL_FACTS})
    assert (bare.experience, bare.time_at_level, bare.reports_to, bare.band) == (None, None, None, None)
    assert lv.years_label() is None


def test_unknown_keys_are_refused_everywhere() -> None:
    with pytest.raises(ValidationError) as exc:
        Level.model_validate(level("pm", 2, dutes=["x"]))
    assert error_types(exc) == [(("dutes",), "extra_forbidden")]
    with pytest.raises(ValidationError) as exc:
        Ladder.model_validate(ladder([level("pm", 2)], distinctions=[{"role": "x", "difference": "y", "z": 1}]))
    assert error_types(exc) == [(("distinctions", 0, "z"), "extra_forbidden")]


def test_models_are_frozen() -> None:
    lv = Level.model_validate(level("pm", 2))
    with pytest.raises(ValidationError):
        lv.rank = 3  # type: ignore[misc]
    assert lv.rank == 2


@pytest.mark.parametrize("bad", ["Senior PM", "-pm", "pm_2", "PM", "", "x" * 65])
def test_ids_are_lower_case_slugs(bad: str) -> None:
    with pytest.raises(ValidationError) as exc:
        Level.model_validate(level("pm", 2) | {"id": bad})
    assert [loc for loc, _ in error_types(exc)] == [("id",)]


@pytest.mark.parametrize("good", ["pm", "senior-pm", "l3", "3", "x" * 64])
def test_good_ids_pass(good: str) -> None:
    assert Level.model_validate(level("pm", 2) | {"id": good}).id == good


def test_text_is_stripped_and_must_not_be_blank() -> None:
    assert Level.model_validate(level("pm", 2, title="  Product Manager \n")).title == "Product Manager"
    with pytest.raises(ValidationError) as exc:
        Level.model_validate(level("pm", 2, title="   "))
    assert error_types(exc) == [(("title",), "string_too_short")]


def test_text_and_markdown_have_length_limits() -> None:
    with pytest.raises(ValidationError) as exc:
        Level.model_validate(level("pm", 2, scope="x" * 20_001, description="y" * 50_001))
    assert sorted(error_types(exc)) == [(("description",), "string_too_long"), (("scope",), "string_too_long")]
    assert len(Level.model_validate(level("pm", 2, description="y" * 50_000)).description) == 50_000


@pytest.mark.parametrize(("rank", "ok"), [(-1, False), (0, True), (1000, True), (1001, False)])
def test_rank_bounds(rank: int, ok: bool) -> None:
    if ok:
        assert Level.model_validate(level("pm", rank)).rank == rank
    else:
        with pytest.raises(ValidationError) as exc:
            Level.model_validate(level("pm", rank))
        assert [loc for loc, _ in error_types(exc)] == [("rank",)]


def test_tracks_need_an_item_and_duties_and_a_sublevels_title_may_be_left_out() -> None:
    with pytest.raises(ValidationError) as exc:
        Level.model_validate(level("pm", 2, duties=[], tracks=[]))
    assert sorted(error_types(exc)) == [(("tracks",), "too_short")]
    bare = Level.model_validate(level("pm", 2, duties=[], sublevels=[{"code": "3.2"}]))
    assert bare.duties == [] and bare.sublevels[0].title is None


def test_a_number_is_not_text() -> None:
    with pytest.raises(ValidationError) as exc:
        Level.model_validate(level("pm", 2, code=3))
    assert error_types(exc) == [(("code",), "string_type")]


# --------------------------------------------------------------------------- years


@pytest.mark.parametrize(("years", "label"), [([4, 6], "4–6 yrs"), ([15, None], "15+ yrs"), ([0, 0], "0–0 yrs")])
def test_years_label(years: list[int | None], label: str) -> None:
    assert Level.model_validate(level("pm", 2, years=years)).years_label() == label


def test_years_need_a_start() -> None:
    with pytest.raises(ValidationError) as exc:
        Level.model_validate(level("pm", 2, years=[None, 4]))
    assert errors(exc) == [(("years",), "years needs a starting number, like [4, 6] or [15, null]")]


def test_years_must_not_end_before_they_start() -> None:
    with pytest.raises(ValidationError) as exc:
        Level.model_validate(level("pm", 2, years=[6, 4]))
    assert errors(exc) == [(("years",), "years [6, 4] end before they start; write [from, to]")]


@pytest.mark.parametrize("years", [[4], [1, 2, 3], [-1, 2], [1, 61]])
def test_years_shape_and_bounds(years: list[int]) -> None:
    with pytest.raises(ValidationError) as exc:
        Level.model_validate(level("pm", 2, years=years))
    assert all(loc[0] == "years" for loc, _ in error_types(exc))


# --------------------------------------------------------------------------- the ladder


def test_ladder_defaults() -> None:
    lad = Ladder.model_validate(ladder([level("pm", 2)]))
    assert (lad.language, lad.paper, lad.allow_html, lad.date, lad.onboarding) == ("en", "A4", False, None, None)
    assert lad.faq == [] and lad.competencies == []


def test_ladder_date_and_language() -> None:
    lad = Ladder.model_validate(ladder([level("pm", 2)], date="2026-01-01", language="en-GB"))
    assert lad.date == datetime.date(2026, 1, 1) and lad.language == "en-GB"
    with pytest.raises(ValidationError) as exc:
        Ladder.model_validate(ladder([level("pm", 2)], language="british english", paper="A3"))
    assert sorted(loc for loc, _ in error_types(exc)) == [("language",), ("paper",)]


def test_a_ladder_needs_tracks_and_levels() -> None:
    with pytest.raises(ValidationError) as exc:
        Ladder.model_validate(ladder([], tracks=()))
    assert sorted(error_types(exc)) == [(("levels",), "too_short"), (("tracks",), "too_short")]


def test_a_ladder_holds_at_most_500_levels() -> None:
    many = [level(f"l{i}", i) for i in range(501)]
    with pytest.raises(ValidationError) as exc:
        Ladder.model_validate(ladder(many))
    assert error_types(exc) == [(("levels",), "too_long")]


def test_every_broken_reference_is_reported_at_its_own_place() -> None:
    levels = [
        level("apm", 1, ("ic", "mgr"), leads_to=["pm", "senoir-pm"], moves=[{"to": "apm"}]),
        level("pm", 2, ("ic", "managr"), leads_to=["apm"]),
    ]
    data = ladder(
        levels,
        tracks=("ic", "mgr"),
        competencies=[
            {
                "name": "T",
                "competencies": [{"id": "c", "name": "C", "summary": "S", "expectations": {"apm": "x", "pmm": "y"}}],
            }
        ],
        faq=[{"question": "Q?", "answer": "A.", "levels": ["pm", "cpo"]}],
    )
    with pytest.raises(ValidationError) as exc:
        Ladder.model_validate(data)
    located = next(
        e["ctx"]["error"] for e in exc.value.errors() if isinstance((e.get("ctx") or {}).get("error"), LocatedProblems)
    )
    assert [(p.code, p.subject) for p in located.problems][:3] == [
        ("unknown-level", "senoir-pm"),
        ("self-reference", "apm"),
        ("unknown-track", "managr"),
    ]
    assert errors(exc) == [
        (("levels", 0, "leads_to", 1), "unknown level 'senoir-pm'; choose one of: 'apm', 'pm'"),
        (
            ("levels", 0, "moves", 0, "to"),
            "level 'apm' cannot move to itself; name the level the move goes to, or use role: for a move out of "
            "the ladder",
        ),
        (("levels", 1, "tracks", 1), "unknown track 'managr'; did you mean 'mgr'?"),
        (
            ("levels", 1, "leads_to", 0),
            "'apm' has rank 1, not above this level's rank 2; leads_to names promotions, which go up; a move "
            "within a band goes under moves: with kind: transfer",
        ),
        (("competencies", 0, "competencies", 0, "expectations", "pmm"), "unknown level 'pmm'; did you mean 'pm'?"),
        (("faq", 0, "levels", 1), "unknown level 'cpo'; choose one of: 'apm', 'pm'"),
    ]


def test_did_you_mean_picks_the_closest_id() -> None:
    levels = [level(f"level-{i}", i) for i in range(20)] + [level("senior-pm", 30, leads_to=["senior-pn"])]
    with pytest.raises(ValidationError) as exc:
        Ladder.model_validate(ladder(levels))
    assert errors(exc) == [(("levels", 20, "leads_to", 0), "unknown level 'senior-pn'; did you mean 'senior-pm'?")]


def test_duplicate_ids_are_reported_at_the_second() -> None:
    data = ladder(
        [level("pm", 1), level("pm", 2)],
        tracks=("ic", "ic"),
        ways_in=[{"id": "w", "title": "W", "body": "B"}] * 2,
        specialisations=[{"id": "s", "name": "S", "summary": "S"}] * 2,
    )
    with pytest.raises(ValidationError) as exc:
        Ladder.model_validate(data)
    found = errors(exc)
    assert (("tracks", 1, "id"), "id 'ic' is used twice in tracks; ids must be unique") in found
    assert (("levels", 1, "id"), "id 'pm' is used twice in levels; ids must be unique") in found
    assert (("ways_in", 1, "id"), "id 'w' is used twice in ways_in; ids must be unique") in found
    assert (("specialisations", 1, "id"), "id 's' is used twice in specialisations; ids must be unique") in found


def test_two_levels_of_one_track_cannot_share_a_rank() -> None:
    with pytest.raises(ValidationError) as exc:
        Ladder.model_validate(ladder([level("a", 1, ("ic", "m")), level("b", 1, ("ic", "m"))], tracks=("ic", "m")))
    assert errors(exc) == [
        (
            ("levels", 1, "rank"),
            "rank 1 is already used by 'a' in track 'ic', 'm'; give each level of a track its own rank",
        )
    ]


def test_levels_of_different_tracks_may_share_a_rank() -> None:
    lad = Ladder.model_validate(ladder(three(), tracks=("ic", "manager")))
    assert [lv.id for lv in lad.ranked_levels()] == ["a", "b", "c", "d"]


def test_ranked_levels_follow_rank_then_track_order() -> None:
    levels = [level("m3", 3, ("manager",)), level("i3", 3, ("ic",)), level("base", 1, ("ic", "manager"))]
    lad = Ladder.model_validate(ladder(levels, tracks=("ic", "manager")))
    assert [lv.id for lv in lad.ranked_levels()] == ["base", "i3", "m3"]
    lad = Ladder.model_validate(ladder(levels, tracks=("manager", "ic")))
    assert [lv.id for lv in lad.ranked_levels()] == ["base", "m3", "i3"]


def test_lookups() -> None:
    lad = Ladder.model_validate(
        ladder(
            three(),
            tracks=("ic", "manager"),
            faq=[{"question": "All?", "answer": "Yes."}, {"question": "C?", "answer": "C.", "levels": ["c"]}],
        )
    )
    b = lad.level("b")
    assert b.id == "b" and lad.track("manager").id == "manager"
    assert [lv.id for lv in lad.next_levels(b)] == ["c", "d"]
    assert [lv.id for lv in lad.previous_levels(lad.level("c"))] == ["b"]
    assert lad.previous_levels(lad.level("a")) == []
    assert [lv.id for lv in lad.levels_in("manager")] == ["a", "b", "d"]
    assert lad.levels_in("nobody") == []
    assert [lv.id for lv in lad.shared_levels()] == ["a", "b"]
    assert [e.question for e in lad.faq_for(lad.level("c"))] == ["All?", "C?"]
    assert [e.question for e in lad.faq_for(lad.level("d"))] == ["All?"]


def test_unknown_ids_raise_key_errors_naming_them() -> None:
    lad = Ladder.model_validate(ladder(three(), tracks=("ic", "manager")))
    with pytest.raises(KeyError, match="no level 'zz'"):
        lad.level("zz")
    with pytest.raises(KeyError, match="no track 'zz'"):
        lad.track("zz")


def test_lookup_results_are_fresh_lists() -> None:
    lad = Ladder.model_validate(ladder(three(), tracks=("ic", "manager")))
    lad.ranked_levels().clear()
    lad.shared_levels().clear()
    assert len(lad.ranked_levels()) == 4 and len(lad.shared_levels()) == 2


def test_a_copy_with_other_levels_looks_up_its_own() -> None:
    lad = Ladder.model_validate(ladder(three(), tracks=("ic", "manager")))
    assert lad.level("c").title == "C"
    other = lad.model_copy(update={"levels": [lv.model_copy(update={"title": "Other"}) for lv in lad.levels]})
    assert other.level("c").title == "Other"
    assert lad.level("c").title == "C"


def test_all_competencies_flattens_themes() -> None:
    comp = {"name": "C", "summary": "S", "expectations": {"a": "x"}}
    lad = Ladder.model_validate(
        ladder(
            three(),
            tracks=("ic", "manager"),
            competencies=[
                {"name": "T1", "competencies": [comp | {"id": "c1"}, comp | {"id": "c2"}]},
                {"name": "T2", "competencies": [comp | {"id": "c3"}]},
            ],
        )
    )
    assert [c.id for c in lad.all_competencies()] == ["c1", "c2", "c3"]


def test_located_problems_message_joins_them() -> None:
    problem = LocatedProblems([Located(("a",), "first", None, "x"), Located(("b", 1), "second", "fix it", "y")])
    assert str(problem) == "first; second"
    assert isinstance(problem, ValueError)


# --------------------------------------------------------------------------- recipes


def recipe(**fields: Any) -> dict[str, Any]:
    return {"title": "Handbook", "template": "handbook.html", "output": "handbook.pdf", **fields}


def test_recipe_defaults() -> None:
    r = Recipe.model_validate(recipe())
    assert (r.per, r.max_pages, r.time_limit, r.attachments, r.duplex, r.brand, r.sections) == (
        "document",
        None,
        120,
        [],
        False,
        None,
        None,
    )
    assert r.select == Selection() and r.select.track is None and r.select.levels is None
    assert r.stylesheets() == ["base.css", "handbook.css"]
    assert Recipe.model_validate(recipe(styles=["x.css"])).stylesheets() == ["x.css"]
    assert Recipe.model_validate(recipe(template="blocks/one.html")).stylesheets() == ["base.css", "blocks/one.css"]


def test_selection_is_a_track_or_levels_not_both() -> None:
    assert Selection(track="ic").track == "ic"
    assert Selection(levels=["pm"]).levels == ["pm"]
    with pytest.raises(ValidationError) as exc:
        Selection(track="ic", levels=["pm"])
    assert errors(exc) == [((), "has both 'track' and 'levels'")]


@pytest.mark.parametrize(
    ("fields", "loc"),
    [
        ({"template": "handbook.htm"}, "template"),
        ({"template": "hand book.html"}, "template"),
        ({"styles": ["base.scss"]}, "styles"),
        ({"per": "chapter"}, "per"),
        ({"max_pages": 0}, "max_pages"),
        ({"time_limit": 0}, "time_limit"),
        ({"time_limit": 3601}, "time_limit"),
        ({"attachments": ["/etc/passwd"]}, "attachments"),
        ({"attachments": ["c:x.pdf"]}, "attachments"),
        ({"attachments": ["a.pdf"] * 21}, "attachments"),
        ({"sections": ["welcome", "cover"]}, "sections"),
        ({"paper": "A3"}, "paper"),
    ],
)
def test_recipe_field_checks(fields: dict[str, Any], loc: str) -> None:
    with pytest.raises(ValidationError) as exc:
        Recipe.model_validate(recipe(**fields))
    assert {e[0][0] for e in error_types(exc)} == {loc}


def test_recipe_sections_keep_their_order() -> None:
    assert Recipe.model_validate(recipe(sections=["faq", "welcome"])).sections == ["faq", "welcome"]


@pytest.mark.parametrize(
    ("pattern", "per", "message"),
    [
        ("handbook.html", "document", "'handbook.html' must end in .pdf"),
        ("/tmp/x.pdf", "document", "must be a path relative to the output folder, not absolute"),
        ("\\x.pdf", "document", "not absolute"),
        ("c:x.pdf", "document", "not absolute"),
        ("../x.pdf", "document", "must not contain '.' or '..' parts"),
        ("a/./x.pdf", "document", "must not contain '.' or '..' parts"),
        ("a\\..\\x.pdf", "document", "must not contain '.' or '..' parts"),
        ("{level.pdf", "level", "is not a valid pattern"),
        ("{level!r}.pdf", "level", "formats a placeholder"),
        ("{level:>9}.pdf", "level", "formats a placeholder"),
        ("one pagers/{level}.pdf", "level", "may hold only letters, digits"),
        ("{levle}.pdf", "level", "uses unknown placeholder {levle}"),
        ("all.pdf", "level", "needs {level} when the recipe builds one document per level"),
        ("all.pdf", "person", "needs {person} when the recipe builds one document per person"),
        ("{level}.pdf", "document", "uses {level} but the recipe builds one document (per: document)"),
        ("{level}/{person}.pdf", "level", "uses {person} but the recipe does not build one document per person"),
    ],
)
def test_output_patterns_are_refused_with_a_reason(pattern: str, per: str, message: str) -> None:
    with pytest.raises(Refusal, match=re.escape(message)) as exc:
        check_output_pattern(pattern, per)
    assert exc.value.hint  # and a fix


@pytest.mark.parametrize(
    ("pattern", "per", "hint"),
    [
        ("handbook.html", "document", "end it in .pdf, like 'handbook.pdf'"),
        ("/tmp/x.pdf", "document", "write a path inside the output folder, like 'x.pdf', and choose that folder"),
        ("a/../x.pdf", "document", "remove them, like 'a/x.pdf'"),
        ("{level!r}.pdf", "level", "like '{level}.pdf'"),
        ("one pagers/{level}.pdf", "level", "replace them with '-', like 'one-pagers/{level}.pdf'"),
        ("{levle}.pdf", "level", "did you mean {level}?"),
        ("{zz}.pdf", "level", "use {level}, {track}, {recipe} or {person}"),
        ("one-pagers/all.pdf", "level", "put {level} in the file name, like 'one-pagers/{level}.pdf'"),
    ],
)
def test_a_refused_output_pattern_comes_with_a_fix(pattern: str, per: str, hint: str) -> None:
    with pytest.raises(Refusal) as exc:
        check_output_pattern(pattern, per)
    assert hint in exc.value.hint


@pytest.mark.parametrize(
    ("pattern", "per"),
    [
        ("handbook.pdf", "document"),
        ("docs/{recipe}.pdf", "document"),
        ("levels/{level}-{track}.pdf", "level"),
        ("onboarding/{person}.pdf", "person"),
        ("{level}/{person}.pdf", "person"),
    ],
)
def test_good_output_patterns_pass(pattern: str, per: str) -> None:
    assert check_output_pattern(pattern, per) is None
    assert Recipe.model_validate(recipe(output=pattern, per=per)).output == pattern


def test_the_output_check_sees_per_from_the_recipe() -> None:
    with pytest.raises(ValidationError) as exc:
        Recipe.model_validate(recipe(per="level", output="all.pdf"))
    assert errors(exc) == [(("output",), "'all.pdf' needs {level} when the recipe builds one document per level")]


# --------------------------------------------------------------------------- brands


def brand(**colours: str) -> dict[str, Any]:
    return {"name": "Acme", "colours": {"primary": "#14532d", "accent": "#b45309", **colours}}


def test_contrast() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#ffffff", "#000000") == pytest.approx(21.0)
    assert contrast("#777777", "#777777") == pytest.approx(1.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the classic AA grey


def test_a_readable_brand_passes_with_defaults() -> None:
    b = Brand.model_validate(brand())
    assert b.colours.text == "#1d232b"
    assert (b.logo, b.fonts, b.paper, b.footer, b.contact, b.language) == (None, None, None, None, None, None)


def test_every_unreadable_colour_is_reported_with_its_ratio() -> None:
    with pytest.raises(ValidationError) as exc:
        Brand.model_validate(brand(primary="#ffff00", accent="#dddddd"))
    found = errors(exc)
    assert [loc for loc, _ in found] == [("colours", "primary"), ("colours", "accent")]
    assert found[0][1].startswith("#ffff00 gives white text on it a contrast of 1.1:1, below 4.5:1")
    assert found[1][1].startswith("#dddddd gives it as text on the pale panels a contrast of 1.2:1")
    assert all(message.endswith("choose a darker shade so the text stays readable") for _, message in found)


def test_a_colour_readable_on_white_but_not_on_the_pale_panels_is_refused() -> None:
    with pytest.raises(ValidationError) as exc:
        Brand.model_validate(brand(primary="#757575"))  # 4.6:1 on white, 4.2:1 on #f3f5f8
    ((loc, message),) = errors(exc)
    assert loc == ("colours", "primary")
    assert message.startswith("#757575 gives it as headings on the pale panels a contrast of 4.2:1")


@pytest.mark.parametrize("colour", ["red", "#fff", "#12345g", "1c2f4a"])
def test_colours_are_six_hex_digits(colour: str) -> None:
    with pytest.raises(ValidationError) as exc:
        Brand.model_validate(brand(primary=colour))
    assert error_types(exc) == [(("colours", "primary"), "string_pattern_mismatch")]


@pytest.mark.parametrize("path", ["/etc/logo.svg", "\\logo.svg", "c:logo.svg"])
def test_brand_paths_are_relative(path: str) -> None:
    with pytest.raises(ValidationError) as exc:
        Brand.model_validate(brand() | {"logo": path})
    assert error_types(exc) == [(("logo",), "string_pattern_mismatch")]


def test_font_faces_list_the_files_given() -> None:
    fonts = FontFiles(family="Lato", regular="r.ttf", bold="b.ttf")
    assert fonts.faces() == [("r.ttf", 400, "normal"), ("b.ttf", 700, "normal")]
    full = FontFiles(family="X", regular="r", italic="i", semibold="s", bold="b")
    assert [f[1:] for f in full.faces()] == [(400, "normal"), (400, "italic"), (600, "normal"), (700, "normal")]


# --------------------------------------------------------------------------- people


def person(**fields: Any) -> dict[str, Any]:
    return {
        "name": "Léa Dubois",
        "level": "pm",
        "team": "Search",
        "manager": "Priya",
        "buddy": "Ines",
        "start_date": "2027-01-11",
        **fields,
    }


def test_person_greeting_name_is_the_preferred_name_else_the_name_as_written() -> None:
    assert Person.model_validate(person(preferred_name="Lee")).greeting_name == "Lee"
    # no first name is guessed: many names put the family name first
    assert Person.model_validate(person()).greeting_name == "Léa Dubois"
    assert Person.model_validate(person(name="Nguyễn Văn An")).greeting_name == "Nguyễn Văn An"
    assert Person.model_validate(person(name="Park Eun-ji", preferred_name="Eun-ji")).greeting_name == "Eun-ji"


def test_person_fields_are_checked() -> None:
    with pytest.raises(ValidationError) as exc:
        Person.model_validate(person(level="Senior PM", start_date="2027-02-30", language="french", name=""))
    assert sorted(loc[0] for loc, _ in error_types(exc)) == ["language", "level", "name", "start_date"]


# --------------------------------------------------------------------------- onboarding variants, FAQ audiences


def banded() -> dict[str, Any]:
    """Four levels in three bands, with an onboarding default and variants for a band and for a level."""
    bands = [{"id": f"band-{i}", "name": f"Band {i}", "rank": i} for i in (1, 2, 3)]
    levels = [level("a", 1, band="band-1"), level("b", 2, band="band-2"), level("c", 3, band="band-3")]
    levels.append(level("d", 3, ("manager",), band="band-3"))
    for lv in levels:
        del lv["rank"]
    onboarding = {
        "welcome": "Hello.",
        "introduction": "About this packet.",
        "checklist": [{"by_day": 30, "title": "General", "items": ["Look around"]}],
        "growth": ["Grow"],
        "variants": [
            {
                "bands": ["band-3"],
                "welcome": "Hello, leader.",
                "checklist": [{"by_day": 45, "title": "Lead", "items": ["Meet the teams"]}],
            },
            {"levels": ["d"], "checklist": [{"by_day": 30, "title": "Manage", "items": ["One-to-ones"]}]},
            {"levels": ["b"], "growth": []},
        ],
    }
    return ladder(levels, tracks=("ic", "manager"), bands=bands, onboarding=onboarding)


def test_onboarding_takes_each_piece_from_the_level_then_the_band_then_the_default() -> None:
    lad = Ladder.model_validate(banded())
    assert lad.onboarding is not None

    def said(level_id: str) -> tuple[str, str | None, list[str], list[str]]:
        found = lad.onboarding.for_level(level_id, lad.level(level_id).band)  # type: ignore[union-attr]
        assert found.variants == []
        return found.welcome, found.introduction, [m.title for m in found.checklist], found.growth

    assert said("a") == ("Hello.", "About this packet.", ["General"], ["Grow"])
    assert said("b") == ("Hello.", "About this packet.", ["General"], [])  # an empty list replaces too
    assert said("c") == ("Hello, leader.", "About this packet.", ["Lead"], ["Grow"])
    assert said("d") == ("Hello, leader.", "About this packet.", ["Manage"], ["Grow"])  # its own checklist wins


@pytest.mark.parametrize(
    ("variant", "message"),
    [
        ({"checklist": [{"by_day": 30, "title": "T", "items": ["I"]}]}, "names no band or level"),
        ({"levels": ["a"]}, "gives nothing in place of the general onboarding"),
    ],
)
def test_an_onboarding_variant_names_levels_and_gives_something(variant: dict[str, Any], message: str) -> None:
    data = banded()
    data["onboarding"]["variants"] = [variant]
    with pytest.raises(ValidationError) as exc:
        Ladder.model_validate(data)
    assert [(loc[:3], text.startswith(message)) for loc, text in errors(exc)] == [(("onboarding", "variants", 0), True)]


def test_onboarding_variants_name_known_bands_and_levels_once() -> None:
    data = banded()
    data["onboarding"]["variants"] += [
        {"bands": ["band-33", "band-3"], "levels": ["dd", "b"], "welcome": "Again."},
    ]
    with pytest.raises(ValidationError) as exc:
        Ladder.model_validate(data)
    assert errors(exc) == [
        (("onboarding", "variants", 3, "bands", 0), "unknown band 'band-33'; did you mean 'band-3'?"),
        (
            ("onboarding", "variants", 3, "bands", 1),
            "band 'band-3' is already named by onboarding variant 1; name each band in one variant only, and "
            "give that variant everything the band needs",
        ),
        (("onboarding", "variants", 3, "levels", 0), "unknown level 'dd'; did you mean 'd'?"),
        (
            ("onboarding", "variants", 3, "levels", 1),
            "level 'b' is already named by onboarding variant 3; name each level in one variant only, and "
            "give that variant everything the level needs",
        ),
    ]


def test_a_variant_naming_a_band_needs_the_ladder_to_have_bands() -> None:
    data = ladder(
        three(),
        tracks=("ic", "manager"),
        onboarding={
            "welcome": "Hi.",
            "checklist": [{"by_day": 30, "title": "T", "items": ["I"]}],
            "variants": [{"bands": ["senior"], "welcome": "Hi there."}],
        },
    )
    with pytest.raises(ValidationError) as exc:
        Ladder.model_validate(data)
    assert errors(exc) == [
        (
            ("onboarding", "variants", 0, "bands", 0),
            "unknown band 'senior'; list the bands under bands: in content/ladder.yaml",
        )
    ]


def test_faq_for_picks_by_level_and_audience() -> None:
    faq = [
        {"question": "Everyone?", "answer": "Yes."},
        {"question": "Degree?", "answer": "No.", "audience": ["candidates"]},
        {"question": "First weeks?", "answer": "Fine.", "audience": ["new-hires", "employees"]},
        {"question": "Reports?", "answer": "Help.", "audience": ["managers"], "levels": ["d"]},
    ]
    lad = Ladder.model_validate(ladder(three(), tracks=("ic", "manager"), faq=faq))

    def asked(level_id: str, audiences: tuple[str, ...] | None) -> list[str]:
        return [e.question for e in lad.faq_for(lad.level(level_id), audiences)]

    assert asked("c", None) == ["Everyone?", "Degree?", "First weeks?"]  # no audience asked: all of the level's
    assert asked("c", ("new-hires",)) == ["Everyone?", "First weeks?"]
    assert asked("c", ("candidates",)) == ["Everyone?", "Degree?"]
    assert asked("c", ("new-hires", "managers")) == ["Everyone?", "First weeks?"]
    assert asked("d", ("new-hires", "managers")) == ["Everyone?", "First weeks?", "Reports?"]


def test_a_faq_audience_is_one_of_a_few() -> None:
    faq = [{"question": "Q?", "answer": "A.", "audience": ["new-hire"]}]
    with pytest.raises(ValidationError) as exc:
        Ladder.model_validate(ladder(three(), tracks=("ic", "manager"), faq=faq))
    assert error_types(exc) == [(("faq", 0, "audience", 0), "literal_error")]

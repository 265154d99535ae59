"""Unit tests of the content model's second edition: bands, scales, moves, families, sections.

The whole-ladder checks live in ladderpress/references.py and the derived views (equivalents,
moves by kind, what changes at the next level, levels compared by band) in the Ladder model.
Ladders are made from small inline dicts; nothing is read from disk.
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from ladderpress.model import Ladder, Level
from ladderpress.view import Views
from tests.test_model import errors, ladder, level

BANDS = [{"id": "b1", "name": "Band 1", "rank": 1}, {"id": "b2", "name": "Band 2", "rank": 2}]


def banded(**fields: Any) -> dict[str, Any]:
    """b1: a (ic, manager); b2: c (ic) and d (manager), equivalent."""
    levels = [
        {**level("a", 1, ("ic", "manager"), leads_to=["c", "d"]), "band": "b1"},
        {**level("c", 2, ("ic",)), "band": "b2"},
        {**level("d", 2, ("manager",)), "band": "b2"},
    ]
    for lv in levels:
        del lv["rank"]  # taken from the band
    return ladder(levels, tracks=("ic", "manager"), bands=BANDS, **fields)


def refused(data: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    with pytest.raises(ValidationError) as exc:
        Ladder.model_validate(data)
    return errors(exc)


# --------------------------------------------------------------------------- bands


def test_a_level_in_a_band_takes_its_rank_and_equivalents_are_derived_both_ways() -> None:
    model = Ladder.model_validate(banded())
    assert [(lv.id, lv.rank) for lv in model.levels] == [("a", 1), ("c", 2), ("d", 2)]
    assert [lv.id for lv in model.equivalents(model.level("c"))] == ["d"]
    assert [lv.id for lv in model.equivalents(model.level("d"))] == ["c"]
    assert model.equivalents(model.level("a")) == []
    rows = model.bands_compared()
    assert [(row.band.id if row.band else None, [[lv.id for lv in cell] for cell in row.cells]) for row in rows] == [
        ("b1", [["a"], ["a"]]),
        ("b2", [["c"], ["d"]]),
    ]


def test_an_unknown_or_missing_band_is_located_with_the_bands_there_are() -> None:
    data = banded()
    data["levels"][1]["band"] = "b3"
    data["levels"][1]["rank"] = 2
    data["levels"][2].pop("band")
    data["levels"][2]["rank"] = 2
    assert refused(data) == [
        (("levels", 1, "band"), "unknown band 'b3'; choose one of: 'b1', 'b2'"),
        (("levels", 2), "level 'd' names no band, and the ladder has bands; add band: with one of 'b1', 'b2'"),
    ]


def test_equivalents_of_the_first_edition_are_refused_with_what_replaces_them() -> None:
    data = banded()
    data["levels"][1]["equivalents"] = ["d"]
    with pytest.raises(ValidationError) as exc:
        Ladder.model_validate(data)
    assert [(e["loc"], e["type"]) for e in exc.value.errors()] == [(("levels", 1, "equivalents"), "extra_forbidden")]


# --------------------------------------------------------------------------- moves


def test_moves_get_their_kind_from_the_levels_and_leads_to_is_promotion_shorthand() -> None:
    data = banded()
    data["levels"][1]["moves"] = [
        {"to": "d", "criteria": ["Wants to manage"], "business_need": "A team without a lead"},
        {"role": "Product marketing"},
    ]
    model = Ladder.model_validate(data)
    moves = model.moves_from(model.level("c"))
    assert [(m.to, m.role, m.kind) for m in moves] == [("d", None, "transfer"), (None, "Product marketing", "out")]
    assert moves[0].criteria == ["Wants to manage"] and moves[0].business_need == "A team without a lead"
    assert [(m.to, m.kind) for m in model.moves_from(model.level("a"))] == [("c", "promotion"), ("d", "promotion")]
    assert [lv.id for lv in model.next_levels(model.level("c"))] == []  # a transfer is not a promotion
    assert [lv.id for lv in model.previous_levels(model.level("d"))] == ["a"]


def test_a_move_whose_kind_does_not_fit_its_levels_is_refused() -> None:
    data = banded()
    data["levels"][0]["moves"] = [{"to": "c", "kind": "transfer"}]
    data["levels"][0]["leads_to"] = ["d"]
    data["levels"][1]["moves"] = [{"to": "a", "kind": "promotion"}, {"to": "a"}]
    assert refused(data) == [
        (
            ("levels", 0, "moves", 0, "kind"),
            "a transfer to 'c' changes band 'b1' to band 'b2'; a transfer stays in its band: use kind: promotion "
            "for a move up, or point to a level of the same band",
        ),
        (
            ("levels", 1, "moves", 0, "kind"),
            "a promotion to 'a' does not go up (rank 1, this level 2); point to a higher level, or set kind: "
            "transfer for a move within the band",
        ),
        (
            ("levels", 1, "moves", 1, "to"),
            "'a' ranks below this level (1 < 2); say what the move is with kind: transfer or kind: out",
        ),
    ]


@pytest.mark.parametrize(
    ("move", "message"),
    [
        ({}, "a move needs either 'to' (a level id) or 'role' (a role outside the ladder)"),
        ({"to": "c", "role": "Sales"}, "a move needs either 'to' (a level id) or 'role' (a role outside the ladder)"),
        ({"role": "Sales", "kind": "transfer"}, "a move to a role outside the ladder is a move out, not a transfer"),
    ],
)
def test_a_move_names_a_level_or_a_role(move: dict[str, Any], message: str) -> None:
    data = banded()
    data["levels"][1]["moves"] = [move]
    with pytest.raises(ValidationError) as exc:
        Ladder.model_validate(data)
    assert [str(e["ctx"]["error"]) for e in exc.value.errors()] == [message]


# --------------------------------------------------------------------------- optional facts and sections


def test_reports_to_is_text_or_level_ids_and_the_ids_are_checked() -> None:
    data = banded()
    data["levels"][0]["reports_to"] = ["c", "dd"]
    assert refused(data) == [(("levels", 0, "reports_to", 1), "unknown level 'dd'; did you mean 'd'?")]
    data["levels"][0]["reports_to"] = ["c", "d"]
    model = Ladder.model_validate(data)
    assert model.level("a").reports_to == ["c", "d"]
    data["levels"][0]["reports_to"] = "Whoever leads the team"
    assert Ladder.model_validate(data).level("a").reports_to == "Whoever leads the team"


def test_level_sections_keep_their_order_need_content_and_unique_ids() -> None:
    sections = [
        {"id": "scope", "title": "Scope", "body": "A team."},
        {"id": "reach", "title": "Collaborative reach", "items": ["Team", "Peers"]},
    ]
    lv = Level.model_validate({**level("a", 1), "sections": sections})
    assert [(s.id, s.title) for s in lv.sections] == [("scope", "Scope"), ("reach", "Collaborative reach")]
    with pytest.raises(ValidationError) as exc:
        Level.model_validate({**level("a", 1), "sections": [{"id": "scope", "title": "Scope"}]})
    assert "section has neither body nor items" in str(exc.value)
    data = ladder([{**level("a", 1), "sections": [sections[0], sections[0]]}])
    assert refused(data) == [
        (("levels", 0, "sections", 1, "id"), "id 'scope' is used twice in sections; ids must be unique")
    ]


# --------------------------------------------------------------------------- scales and expectations

SCALE = {
    "id": "proficiency",
    "name": "Proficiency",
    "steps": [
        {"id": "awareness", "name": "Awareness"},
        {"id": "working", "name": "Working"},
        {"id": "expert", "name": "Expert"},
    ],
}


def with_competency(expectations: dict[str, Any], **fields: Any) -> dict[str, Any]:
    comp = {"id": "craft", "name": "Craft", "summary": "Doing it well.", "scale": "proficiency", **fields}
    return banded(
        scales=[SCALE], competencies=[{"name": "Core", "competencies": [{**comp, "expectations": expectations}]}]
    )


def test_what_changes_is_computed_per_competency_and_a_step_down_is_never_new() -> None:
    data = with_competency({"a": {"step": "working"}, "c": {"step": "expert"}, "d": {"step": "awareness"}})
    data["competencies"][0]["competencies"].append(
        {"id": "people", "name": "People", "summary": "Leading.", "expectations": {"d": "Leads a team"}}
    )
    model = Ladder.model_validate(data)
    a, c, d = (model.level(i) for i in "acd")
    assert [(ch.competency.id, ch.kind) for ch in model.changes(a, c)] == [("craft", "step-up")]
    assert [(ch.competency.id, ch.kind) for ch in model.changes(a, d)] == [("craft", "step-down"), ("people", "new")]


def test_an_expectation_may_build_on_a_junior_levels_with_behaviours_and_examples() -> None:
    data = with_competency(
        {
            "a": {"step": "working", "text": "Ships small features."},
            "c": {"step": "working", "builds_on": "a", "behaviours": ["Reviews others' designs"], "examples": ["X"]},
        }
    )
    model = Ladder.model_validate(data)
    comp = model.all_competencies()[0]
    found = comp.expectation("c")
    assert found is not None and found.builds_on == "a" and found.text is None
    assert found.behaviours == ["Reviews others' designs"] and found.examples == ["X"]
    a, c = model.level("a"), model.level("c")
    assert [ch.kind for ch in model.changes(a, c)] == ["same-step"]


def test_steps_scales_and_cumulative_expectations_are_checked_with_did_you_mean() -> None:
    data = with_competency(
        {"a": {"step": "workng"}, "c": {"builds_on": "d", "text": "More."}, "d": {"builds_on": "c", "text": "More."}}
    )
    assert refused(data) == [
        (
            ("competencies", 0, "competencies", 0, "expectations", "a", "step"),
            "unknown step 'workng'; did you mean 'working'?",
        ),
        (
            ("competencies", 0, "competencies", 0, "expectations", "c", "builds_on"),
            "'d' is not below 'c'; an expectation builds on a more junior level's",
        ),
        (
            ("competencies", 0, "competencies", 0, "expectations", "d", "builds_on"),
            "'c' is not below 'd'; an expectation builds on a more junior level's",
        ),
    ]
    data = with_competency({"a": {"step": "working"}}, scale="profciency")
    assert refused(data) == [
        (("competencies", 0, "competencies", 0, "scale"), "unknown scale 'profciency'; did you mean 'proficiency'?")
    ]


def test_an_empty_expectation_is_refused() -> None:
    with pytest.raises(ValidationError) as exc:
        Ladder.model_validate(with_competency({"a": {"behaviours": []}}))
    assert "expectation says nothing" in str(exc.value)


# --------------------------------------------------------------------------- per-track competencies and families


def test_groups_and_competencies_apply_to_their_own_tracks_only() -> None:
    data = banded(
        competencies=[
            {"name": "Craft", "competencies": [{"id": "x", "name": "X", "summary": "S", "expectations": {"c": "x"}}]},
            {
                "name": "Leadership",
                "tracks": ["manager"],
                "competencies": [{"id": "y", "name": "Y", "summary": "S", "expectations": {"d": "y"}}],
            },
            {
                "name": "Mixed",
                "competencies": [
                    {"id": "z", "name": "Z", "summary": "S", "tracks": ["ic"], "expectations": {"c": "z"}},
                    {"id": "w", "name": "W", "summary": "S", "expectations": {"a": "w"}},
                ],
            },
        ]
    )
    model = Ladder.model_validate(data)
    shown = {t: [(g.name, [c.id for c in g.competencies]) for g in model.groups_for([t])] for t in ("ic", "manager")}
    assert shown == {
        "ic": [("Craft", ["x"]), ("Mixed", ["z", "w"])],
        "manager": [("Craft", ["x"]), ("Leadership", ["y"]), ("Mixed", ["w"])],
    }


def families_data() -> dict[str, Any]:
    data = banded(families=[{"id": "eng", "name": "Engineering"}, {"id": "product", "name": "Product"}])
    data["tracks"][0]["family"] = "eng"
    data["tracks"][1]["family"] = "product"
    data["levels"][0]["tracks"] = ["ic"]
    data["levels"][0]["leads_to"] = ["c"]
    data["levels"][2]["leads_to"] = []
    return data


def test_families_share_bands_and_a_move_between_them_is_a_move_out() -> None:
    data = families_data()
    data["levels"][1]["moves"] = [{"to": "d"}]
    model = Ladder.model_validate(data)
    assert [lv.id for lv in model.levels_of_family("eng")] == ["a", "c"]
    assert [lv.id for lv in model.levels_of_family("product")] == ["d"]
    assert [m.kind for m in model.moves_from(model.level("c"))] == ["out"]
    assert model.family_of(model.level("d")) is not None and model.family_of(model.level("d")).name == "Product"
    assert [[lv.id for lv in cell] for cell in model.bands_compared()[1].cells] == [["c"], ["d"]]


def test_a_track_without_a_family_or_a_level_across_families_is_refused() -> None:
    data = families_data()
    data["tracks"][1].pop("family")
    data["levels"][0]["tracks"] = ["ic", "manager"]
    data["tracks"][0]["family"] = "engg"
    assert refused(data) == [
        (("tracks", 0, "family"), "unknown family 'engg'; did you mean 'eng'?"),
        (
            ("tracks", 1),
            "track 'manager' names no family, and the ladder has several; add family: with one of 'eng', 'product'",
        ),
    ]
    data["tracks"][0]["family"] = "eng"
    data["tracks"][1]["family"] = "product"
    assert refused(data) == [
        (
            ("levels", 0, "tracks"),
            "tracks 'ic', 'manager' belong to different families; a level belongs to one family: make one level "
            "per family, in the same band",
        ),
    ]


def test_specialisations_name_known_tracks_and_levels() -> None:
    spec = {"id": "data", "name": "Data", "summary": "S", "tracks": ["icc"], "levels": ["c"], "requirements": ["SQL"]}
    assert refused(banded(specialisations=[spec])) == [
        (("specialisations", 0, "tracks", 0), "unknown track 'icc'; did you mean 'ic'?")
    ]


# --------------------------------------------------------------------------- one company name


def test_templates_see_the_company_wherever_text_says_organisation() -> None:
    model = Ladder.model_validate(banded(introduction="At {organisation}, we grow."))
    assert Views(company="Acme")(model).introduction == "At Acme, we grow."
    assert Views(company=model.organisation)(model).introduction == "At Northwind, we grow."


def test_a_rank_given_beside_a_band_stays_inside_it() -> None:
    data = banded()
    data["levels"][2]["rank"] = 5  # d: band b2 starts at 2 and is the top band: fine
    assert Ladder.model_validate(data).level("d").rank == 5
    data["levels"][0]["rank"] = 0  # a: band b1 holds rank 1 only
    assert refused(data) == [
        (
            ("levels", 0, "rank"),
            "rank 0 is outside band 'b1', whose levels rank 1 to 1; leave out rank: to take the band's, "
            "or name the band this rank belongs to",
        )
    ]


def test_a_misspelt_family_is_said_once_not_as_every_level_and_move_it_touches() -> None:
    data = families_data()
    data["tracks"][1]["family"] = "prodct"
    data["levels"][0]["tracks"] = ["ic", "manager"]
    data["levels"][1]["moves"] = [{"to": "d", "kind": "transfer"}]
    assert refused(data) == [(("tracks", 1, "family"), "unknown family 'prodct'; did you mean 'product'?")]


def test_reports_to_of_another_kind_is_one_message() -> None:
    data = banded()
    data["levels"][0]["reports_to"] = {"manager": "d"}
    with pytest.raises(ValidationError) as exc:
        Ladder.model_validate(data)
    assert [str(e["ctx"]["error"]) for e in exc.value.errors()] == [
        "expected text or a list of level ids, got a mapping"
    ]


def test_the_first_of_two_bands_with_one_id_gives_the_rank() -> None:
    data = banded()
    data["bands"] = [*BANDS, {"id": "b2", "name": "Again", "rank": 9}]
    assert refused(data) == [(("bands", 2, "id"), "id 'b2' is used twice in bands; ids must be unique")]

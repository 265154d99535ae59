"""A ladder of the most levels allowed (``MAX_LEVELS``): it checks, and its diagram draws.

Speed is measured by ``bench/levels.py``, never asserted here. What these tests hold
instead is the cause of the slowness they guard against: levels found by comparing
models (pydantic compares every field) rather than by id. So no model is compared while a
diagram is drawn or the ladder is looked up, and the lookups agree with plain searches.
"""

from __future__ import annotations

import importlib.util
import pickle
from pathlib import Path

import pytest
from pydantic import BaseModel

from ladderpress.cli import main
from ladderpress.diagram import ladder_svg
from ladderpress.load import MAX_LEVELS, load_project
from ladderpress.model import Ladder
from tests.conftest import ROOT, copy_project

_spec = importlib.util.spec_from_file_location("bench_levels", ROOT / "bench" / "levels.py")
bench_levels = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_levels)


@pytest.fixture(scope="module")
def big_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default project with generated levels added up to ``MAX_LEVELS``."""
    project = copy_project(tmp_path_factory.mktemp("scale") / "project")
    bench_levels.add_levels(project, MAX_LEVELS)
    return project


@pytest.fixture(scope="module")
def big_ladder(big_project: Path) -> Ladder:
    ladder = load_project(big_project).ladder
    assert len(ladder.levels) == MAX_LEVELS
    return ladder


@pytest.fixture
def no_model_comparisons(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every comparison of two models (a level, a track, …) made while the test runs, by class name."""
    compared: list[str] = []
    original = BaseModel.__eq__

    def counting(self: BaseModel, other: object) -> bool:
        compared.append(type(self).__name__)
        return original(self, other)

    monkeypatch.setattr(BaseModel, "__eq__", counting)
    return compared


@pytest.mark.slow
def test_check_passes_with_the_most_levels_allowed(big_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The whole check of a ladder of MAX_LEVELS levels (4 s); the tests below load it and draw it."""
    assert main(["--project", str(big_project), "check"]) == 0
    assert f"ok: {MAX_LEVELS} levels" in capsys.readouterr().out


def test_the_diagram_of_the_most_levels_draws_every_level(big_ladder: Ladder, no_model_comparisons: list[str]) -> None:
    ladder = big_ladder
    svg = str(ladder_svg(ladder, width=174, row_height=18, max_height=200))
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert f"Career ladder of {MAX_LEVELS} levels in 2 tracks." in svg
    assert svg.count("<rect") == MAX_LEVELS
    for level in ladder.levels:
        assert f">{level.code}</text>" in svg

    # marked as a one-pager marks it: the level filled, its next step outlined, the legend under all
    level = ladder.level("gen-100")
    marked = str(ladder_svg(ladder, highlight=level, width=72, row_height=11.5, max_height=120))
    assert marked.count('fill="#1c2f4a" stroke="#1c2f4a"') == 1  # the one filled box
    assert marked.count('stroke="#2b6cb0" stroke-width="0.6"') == 2  # its next step, and the legend's
    assert marked.count("<rect") == MAX_LEVELS + 2  # and the legend's two swatches
    assert "You are here: Gen 100 (G100)." in marked

    # one track's levels, as a track handbook draws them
    ic = ladder.levels_in("ic")
    drawn = str(ladder_svg(ladder, ic, highlight=ic[-1], width=56, row_height=8, labels="code", max_height=110))
    assert drawn.count("<rect") == len(ic) + 1  # the top level leads nowhere: no "next step" swatch
    assert no_model_comparisons == []


def test_a_drawing_marks_its_level_whatever_was_drawn_before(big_ladder: Ladder) -> None:
    """Drawings share their layout; each still marks only its own level, on its own ladder."""
    default = load_project(ROOT).ladder
    first, second = big_ladder.level("gen-010"), big_ladder.level("gen-012")
    one = str(ladder_svg(big_ladder, highlight=first))
    two = str(ladder_svg(big_ladder, highlight=second))
    again = str(ladder_svg(big_ladder, highlight=first))
    small = str(ladder_svg(default, highlight=default.level("pm")))
    assert one == again != two
    assert "You are here: Gen 10 (G10)." in one and "You are here: Gen 12 (G12)." in two
    assert "Career ladder of 8 levels" in small and small.count("<rect") == 8 + 2
    assert str(ladder_svg(big_ladder, highlight=first)) == one


def test_lookups_compare_no_models_and_agree_with_plain_searches(
    big_ladder: Ladder, no_model_comparisons: list[str]
) -> None:
    ladder = big_ladder
    order = {t.id: i for i, t in enumerate(ladder.tracks)}
    ranked = sorted(ladder.levels, key=lambda lv: (lv.rank, min(order[t] for t in lv.tracks)))

    def ids(levels: list) -> list[str]:
        return [lv.id for lv in levels]

    assert ids(ladder.ranked_levels()) == ids(ranked)
    assert ids(ladder.shared_levels()) == ["apm", "pm", "senior-pm"]
    for track in ladder.tracks:
        assert ladder.track(track.id) is track
        expected = sorted((lv for lv in ladder.levels if track.id in lv.tracks), key=lambda lv: lv.rank)
        assert ids(ladder.levels_in(track.id)) == ids(expected)
    for level in ladder.levels:
        assert ladder.level(level.id) is level
        assert ids(ladder.next_levels(level)) == level.leads_to
        assert ids(ladder.previous_levels(level)) == [lv.id for lv in ranked if level.id in lv.leads_to]
    assert ladder.levels_in("nowhere") == []
    with pytest.raises(KeyError, match="no level 'nowhere'"):
        ladder.level("nowhere")
    with pytest.raises(KeyError, match="no track 'nowhere'"):
        ladder.track("nowhere")
    # each call gives a list of its own
    ladder.ranked_levels().clear()
    assert len(ladder.ranked_levels()) == MAX_LEVELS
    assert no_model_comparisons == []


class CountingList(list):
    """A list that counts how often it is gone through from the start."""

    def __init__(self, items: list) -> None:
        super().__init__(items)
        self.passes = 0

    def __iter__(self):
        self.passes += 1
        return super().__iter__()


def test_lookups_do_not_search_the_levels_each_time(big_ladder: Ladder) -> None:
    """Looking every level up goes through the ladder's levels a few times in all, not once per lookup."""
    levels = CountingList(big_ladder.levels)
    ladder = big_ladder.model_copy(update={"levels": levels})
    for level in big_ladder.levels:
        ladder.level(level.id)
        ladder.next_levels(level)
        ladder.previous_levels(level)
        for track_id in level.tracks:
            ladder.levels_in(track_id)
        ladder.ranked_levels()
        ladder.shared_levels()
    assert levels.passes <= 5


def test_a_looked_up_ladder_stays_frozen_equal_and_picklable(big_ladder: Ladder) -> None:
    """The lookups are kept beside the fields: workers still receive the ladder whole."""
    ladder = big_ladder
    ladder.level("gen-000")  # the lookups are made
    with pytest.raises(ValueError, match="frozen"):
        ladder.title = "Another"  # type: ignore[misc]
    restored = pickle.loads(pickle.dumps(ladder))
    assert restored == ladder
    assert restored.model_dump() == ladder.model_dump()
    assert restored.level("gen-003") is restored.levels[[lv.id for lv in ladder.levels].index("gen-003")]
    assert [lv.id for lv in restored.previous_levels(restored.level("gen-003"))] == ["gen-001"]
    # a copy with other levels looks up its own
    fewer = ladder.model_copy(update={"levels": ladder.levels[:8]})
    assert len(fewer.ranked_levels()) == 8
    assert fewer.level(ladder.levels[7].id) is ladder.levels[7]
    with pytest.raises(KeyError):
        fewer.level(ladder.levels[8].id)

"""How work is shared out between worker processes."""

from __future__ import annotations

from ladderpress.plan import even_parts
from ladderpress.produce import plan_lanes


def test_runs_are_shared_out_so_that_workers_finish_together() -> None:
    costs = [81, 48, 40, 37, 30, 30, 28, 26]  # eight levels of a 200-person roster
    lanes = plan_lanes(costs, 2)
    loads = sorted(sum(costs[i] for i in lane) for lane in lanes)
    assert loads == [159, 161]  # handed out costliest first, they would end at 148 and 172
    assert sorted(i for lane in lanes for i in lane) == list(range(len(costs)))
    assert all(lane == sorted(lane, key=lambda i: -costs[i]) for lane in lanes)


def test_planning_ends_with_equal_costs_and_more_lanes_than_runs() -> None:
    assert sorted(map(len, plan_lanes([15.0] * 9, 3))) == [3, 3, 3]
    assert sorted(map(len, plan_lanes([5.0, 4.0], 4))) == [0, 0, 1, 1]


def test_even_parts_hold_at_most_the_limit_and_differ_by_at_most_one() -> None:
    assert [len(part) for part in even_parts(list(range(130)), 100)] == [65, 65]
    assert [len(part) for part in even_parts(list(range(81)), 80)] == [41, 40]
    assert even_parts([], 80) == [] and even_parts([1], 80) == [[1]]

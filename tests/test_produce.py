"""How work is shared out between worker processes."""

from __future__ import annotations

import dataclasses
import itertools
import random
from collections import deque

import pytest

from ladderpress.load import load_project
from ladderpress.plan import Job, PacketJob, even_parts, plan
from ladderpress.produce import MAX_TASK, WHOLE_WEIGHT, Lanes, Task, _cost, _tasks, plan_lanes
from ladderpress.request import BuildRequest
from ladderpress.roster import Entry
from tests.conftest import ROOT


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


# --------------------------------------------------------------------------- tasks and lanes

ROSTER_SIZE = 12


@pytest.fixture(scope="module")
def planned() -> list[Job]:
    return plan(load_project(ROOT), BuildRequest()).jobs


def packet(template: PacketJob, name: str, recipe: str | None = None) -> PacketJob:
    """A packet like ``template``'s for another person (and, given ``recipe``, of another combination)."""
    person = template.person.person.model_copy(update={"name": name})
    job = dataclasses.replace(template, person=Entry(person, 2, name.lower().replace(" ", "-")))
    return dataclasses.replace(job, recipe_name=recipe) if recipe else job


def runs_of(template: PacketJob, sizes: list[int]) -> list[Job]:
    """Packets in runs of these sizes, run k of recipe 'r<k>' (a combination of its own)."""
    return [packet(template, f"P{k} {i}", f"r{k}") for k, size in enumerate(sizes) for i in range(size)]


def tags(task: Task) -> set[str]:
    return {job.recipe_name for _, job, _ in task}


def test_tasks_put_documents_first_shortest_html_first_then_runs_costliest_first(planned: list[Job]) -> None:
    sources = [None if isinstance(job, PacketJob) else "x" * ((i * 37) % 101) for i, job in enumerate(planned)]
    sources[0] = None  # a document whose HTML was not rendered counts as the shortest
    tasks = _tasks(planned, sources)
    documents = [task for task in tasks if not isinstance(task[0][1], PacketJob)]
    assert tasks[: len(documents)] == documents  # every document before any run
    assert all(len(task) == 1 for task in documents) and len(documents) == len(planned) - ROSTER_SIZE
    assert documents[0][0][0] == 0
    lengths = [len(task[0][2] or "") for task in documents]
    assert lengths == sorted(lengths)
    assert all(task[0][1] is planned[task[0][0]] and task[0][2] == sources[task[0][0]] for task in documents)
    runs = tasks[len(documents) :]
    names = [[job.person.person.name for _, job, _ in run if isinstance(job, PacketJob)] for run in runs]
    assert names[:2] == [["Benedikt Hoffmann", "Dev Patel", "Kofi Mensah"], ["Amara Okafor", "Gabriel Costa"]]
    assert all(len(run) == 1 for run in names[2:]) and len(runs) == 9
    costs = [_cost(run) for run in runs]
    assert costs == sorted(costs, reverse=True) and costs[0] == WHOLE_WEIGHT + 3
    for run in runs:  # one combination each, in plan order, with no HTML sent along
        assert len({job.combination for _, job, _ in run if isinstance(job, PacketJob)}) == 1
        assert [index for index, _, _ in run] == sorted(index for index, _, _ in run)
        assert all(source is None for _, _, source in run)
    assert sorted(index for task in tasks for index, _, _ in task) == list(range(len(planned)))


def test_a_run_longer_than_a_task_is_split_in_even_parts(planned: list[Job]) -> None:
    template = next(job for job in planned if isinstance(job, PacketJob))
    jobs = [planned[0], *runs_of(template, [2 * MAX_TASK + 1, 30, MAX_TASK, MAX_TASK + 1])]
    tasks = _tasks(jobs, ["<html>", *[None] * (len(jobs) - 1)])
    assert tasks[0] == [(0, planned[0], "<html>")]
    runs = tasks[1:]
    assert [(len(run), tags(run)) for run in runs] == [
        (MAX_TASK, {"r2"}),  # exactly MAX_TASK stays whole
        (67, {"r0"}),
        (67, {"r0"}),
        (67, {"r0"}),
        (51, {"r3"}),
        (50, {"r3"}),
        (30, {"r1"}),
    ]
    # the parts of one run are consecutive stretches of it, in order
    r0 = [index for run in runs if tags(run) == {"r0"} for index, _, _ in run]
    assert r0 == list(range(1, 2 * MAX_TASK + 2))


def test_a_long_run_is_split_in_parts_that_differ_by_at_most_one(planned: list[Job]) -> None:
    template = next(job for job in planned if isinstance(job, PacketJob))
    tasks = _tasks(runs_of(template, [2 * MAX_TASK + 50]), [None] * (2 * MAX_TASK + 50))
    assert [len(task) for task in tasks] == [84, 83, 83]


def test_lanes_hand_out_documents_before_runs_to_any_lane(planned: list[Job]) -> None:
    template = next(job for job in planned if isinstance(job, PacketJob))
    documents = [job for job in planned if not isinstance(job, PacketJob)][:3]
    jobs = [*documents, *runs_of(template, [5, 5])]
    lanes = Lanes(_tasks(jobs, ["ccc", "a", "bb", *[None] * 10]), 2)
    firsts = [lanes.next(lane) for lane in (1, 1, 0)]
    assert [task[0][0] if task else None for task in firsts] == [1, 2, 0]  # cheapest first, whatever the lane
    assert all(task is not None and len(task) == 1 for task in firsts)
    runs = [lanes.next(0), lanes.next(1)]
    assert all(task is not None and len(task) == 5 for task in runs)
    assert [lanes.next(0), lanes.next(1)] == [None, None]


def test_an_idle_lane_takes_the_last_run_of_the_fullest(planned: list[Job]) -> None:
    template = next(job for job in planned if isinstance(job, PacketJob))
    lanes = Lanes(_tasks(runs_of(template, [50, 10, 10, 10]), [None] * 80), 2)
    assert [[tags(task) for task in lane] for lane in lanes.lanes] == [[{"r0"}], [{"r1"}, {"r2"}, {"r3"}]]
    taken = [lanes.next(0), lanes.next(1), lanes.next(0), lanes.next(1), lanes.next(0), lanes.next(1)]
    assert [tags(task) if task else None for task in taken] == [{"r0"}, {"r1"}, {"r3"}, {"r2"}, None, None]


def test_the_fullest_lane_is_the_costliest_not_the_longest(planned: list[Job]) -> None:
    template = next(job for job in planned if isinstance(job, PacketJob))
    lanes = Lanes(_tasks(runs_of(template, [60, 10, 10, 1]), [None] * 81), 3)
    by_tag = {next(iter(tags(task))): task for lane in lanes.lanes for task in lane}
    big, ten, other_ten, one = by_tag["r0"], by_tag["r1"], by_tag["r2"], by_tag["r3"]
    lanes.lanes = [deque(), deque([ten, other_ten, one]), deque([big])]
    assert _cost(big) > _cost(ten) + _cost(other_ten) + _cost(one)
    assert lanes.next(0) is big  # one run, but the costliest lane
    assert lanes.next(2) is one  # lane 2 is empty now: the last run of lane 1
    assert lanes.next(1) is ten and lanes.next(0) is other_ten
    assert lanes.next(0) is lanes.next(1) is lanes.next(2) is None


def optimum(costs: list[float], lanes: int) -> float:
    """The least possible longest lane, by trying every assignment (small lists only)."""
    best = float("inf")
    for assignment in itertools.product(range(lanes), repeat=len(costs)):
        loads = [0.0] * lanes
        for cost, lane in zip(costs, assignment, strict=True):
            loads[lane] += cost
        best = min(best, max(loads))
    return best


def cost_lists() -> list[tuple[list[float], int]]:
    rng = random.Random(12)
    fixed: list[tuple[list[float], int]] = [
        ([115, 60, 60, 60, 30, 20, 16], 2),
        ([40, 25, 20, 40, 18, 18, 16, 16], 3),
        ([16] * 7, 3),
        ([99, 16, 16], 2),
        ([45, 73, 43, 49, 110, 60], 3),
        ([17.5, 16.0, 115.0, 40.25], 2),
    ]
    drawn = [([float(rng.randint(16, 115)) for _ in range(rng.randint(1, 7))], rng.choice((2, 3))) for _ in range(80)]
    return fixed + drawn


def test_lanes_are_planned_within_one_runs_cost_of_the_best() -> None:
    for costs, lanes in cost_lists():
        plan_ = plan_lanes(costs, lanes)
        assert len(plan_) == lanes
        assert sorted(i for lane in plan_ for i in lane) == list(range(len(costs)))
        assert all(lane == sorted(lane, key=lambda i: -costs[i]) for lane in plan_)
        longest = max(sum(costs[i] for i in lane) for lane in plan_)
        assert longest <= optimum(costs, lanes) + min(costs), (costs, lanes, plan_)


def test_lanes_reach_the_best_on_easy_lists() -> None:
    for costs, lanes, best in [
        ([30, 30, 20, 20, 10, 10], 2, 60),
        ([55, 45, 35, 25, 20], 2, 90),
        ([18] * 6, 3, 36),
        ([100, 1, 1, 1], 2, 100),
    ]:
        loads = sorted(sum(costs[i] for i in lane) for lane in plan_lanes([float(c) for c in costs], lanes))
        assert loads[-1] == best, (costs, loads)

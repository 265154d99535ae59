"""Turn planned jobs into PDF bytes, in this process or in worker processes.

Workers rebuild the engine from the project on disk (one FontConfiguration each) and
send back finished PDFs; only the parent writes files, so the output folder and its
manifest have one writer. The parent has already rendered each ordinary document's HTML
(for its cache key) and sends it along. Packets are handed out in runs of the same level,
so that a level's shared pages are laid out once, not once per worker.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import shutil
import signal
import tempfile
from collections import deque
from collections.abc import Generator, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory

from ladderpress.limits import MEMORY_BUDGET, TimeLimitExceeded, bounded
from ladderpress.load import Project, load_project
from ladderpress.packets import MAX_BATCH, PacketPrinter
from ladderpress.pdf import DocumentFailed, Printed, Printer, PrintFailed, print_to_fit
from ladderpress.plan import Engine, Job, PacketJob, even_parts
from ladderpress.render import Renderers, TemplateProblem

MAX_TASK = 100
"""Most packets in one task: a task's PDFs travel back to the parent together. A larger run of
one combination is split, and each worker that takes a part lays out its shared pages once."""
WHOLE_WEIGHT = 15
"""Laying out a whole document, or a combination's shared pages, costs about as much as this
many packets' personal pages (for ordering tasks, costliest first)."""

Task = list[tuple[int, Job, str | None]]
"""(index in the plan, job, its HTML when the parent rendered it already)."""


@dataclass(frozen=True)
class Outcome:
    """A job printed (or failed), by its index in the list given to :func:`produce`."""

    index: int
    printed: Printed | None = None
    error: str | None = None


@dataclass(frozen=True)
class Began:
    """A worker took these jobs (by index): a document, or a run of packets printed together."""

    indices: tuple[int, ...]


class Producer:
    """Prints any job in this process, keeping fonts, stylesheets and shared packet pages."""

    def __init__(self, project: Project, renderers: Renderers, engine: Engine) -> None:
        self.project = project
        self.renderers = renderers
        self.engine = engine
        base = next(folder for folder in project.template_dirs(None) if folder.is_dir())  # relative URLs resolve here
        self.printer = Printer(base, project.allowed_roots, project.root, engine.variant, engine.private)
        self.packets = PacketPrinter(self.printer, project)

    def produce(self, task: Task) -> list[Outcome]:
        """Outcomes of a task: one ordinary document, or a run of packets of one combination.

        A failure fails the documents of the task not yet printed, never those already done
        (nor the whole build).
        """
        index, job, html = task[0]
        renderer = self.renderers.for_job(job)
        positions = {id(j): i for i, j, _ in task}
        outcomes: list[Outcome] = []
        # a document's limit; a run of packets may take it once for its shared pages and once per batch
        packets = [j for _, j, _ in task if isinstance(j, PacketJob)]
        seconds = job.recipe.time_limit * (1 + (-(-len(packets) // MAX_BATCH)))
        try:
            with bounded(seconds, f"template {job.recipe.template}"):
                if not packets:
                    outcomes.append(Outcome(index, print_to_fit(renderer, self.printer, self.project, job, html)))
                else:
                    for j, packet in self.packets.print_run(renderer, packets):
                        outcomes.append(Outcome(positions[id(j)], packet))
            return outcomes
        except TimeLimitExceeded as exc:
            why = (
                f"templates/{job.recipe.template}: laying it out took longer than the {exc.seconds:g} s allowed; "
                f"it was stopped (fix: look for a loop or a style that never ends, or raise time_limit in "
                f"guides/{job.recipe_name}.yaml)"
            )
        except MemoryError:
            why = (
                f"templates/{job.recipe.template}: laying it out needed more than the "
                f"{MEMORY_BUDGET // 1024**3} GB of memory a document may use; it was stopped (fix: look for a "
                "template or style that makes a huge document)"
            )
        except TemplateProblem as exc:
            why = str(exc.problem)
        except (DocumentFailed, PrintFailed) as exc:
            why = str(exc)
        except Exception as exc:  # noqa: BLE001 -- an unexpected failure fails these documents, never the build
            why = f"unexpected {type(exc).__name__}: {exc}"
        done = {outcome.index for outcome in outcomes}
        return outcomes + [Outcome(i, error=why) for i, _, _ in task if i not in done]


def produce(
    project: Project, renderers: Renderers, engine: Engine, jobs: list[Job], sources: list[str | None], workers: int
) -> Iterator[Began | Outcome]:
    """Outcomes for every job, as they finish, printed in ``workers`` worker processes.

    Before each task's outcomes, a :class:`Began` says when a worker took it.

    ``sources`` holds each ordinary document's HTML (see :meth:`Renderer.source`), which it is
    printed from rather than rendered again; packets, printed from their parts, have None.
    Printing never happens in this process, even with one worker: a document that crashes the
    engine (a layout that exhausts memory makes GLib abort the process) fails alone, and the
    build goes on in a new worker to report it and print the rest.
    """
    tasks = _tasks(jobs, sources)
    workers = max(1, min(workers, len(tasks)))
    remove_stale_scratch()
    # fork starts a worker in milliseconds with everything already imported; the parent has laid
    # nothing out and runs no threads, so no Pango or fontconfig state is shared mid-use
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    # forked workers inherit the project as read now, so a file saved mid-build cannot break them;
    # spawned ones (where fork does not exist) read it again. WeasyPrint copies the fonts it loads
    # into a temporary folder that a worker, ending without Python's clean-up, would leave behind:
    # the workers' temporary files go into a folder of the build's own, removed with it
    with TemporaryDirectory(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-") as scratch:
        forked = method == "fork"
        initargs: WorkerArgs = (
            engine,
            project if forked else None,
            renderers if forked else None,
            scratch,
            os.getpid(),
        )
        lanes = Lanes(tasks, workers)
        while (yield from _run_pool(context, initargs, lanes, workers)):
            pass  # a worker died: its tasks failed, and a new pool takes the rest


WorkerArgs = tuple[Engine, Project | None, Renderers | None, str, int]
"""What :func:`_start_worker` is given: the engine, the project and renderers when forked, scratch, parent pid."""


def _run_pool(
    context: multiprocessing.context.BaseContext, initargs: WorkerArgs, lanes: Lanes, workers: int
) -> Generator[Began | Outcome, None, bool]:
    """Print what ``lanes`` hold in a pool of ``workers``; True if a worker died before all was done."""
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker, initargs=initargs)
    try:
        # one task per worker at a time, so that each next task goes to the worker just freed
        running: dict[Future[list[Outcome]], tuple[int, Task]] = {}

        def submit(lane: int) -> Iterator[Began]:
            if (task := lanes.next(lane)) is not None:
                running[pool.submit(_work, task)] = (lane, task)
                yield Began(tuple(index for index, _, _ in task))

        for lane in range(workers):
            yield from submit(lane)
        broken = False
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            finished = [(future, *running.pop(future)) for future in done]
            broken = broken or any(isinstance(future.exception(), BrokenProcessPool) for future in done)
            if not broken:  # every worker just freed gets its next task before results are handed on
                for _, lane, _ in finished:
                    yield from submit(lane)
            for future, _, task in finished:
                yield from _results(future, task)
        return broken
    except BaseException:
        # interrupted (Ctrl+C, SIGTERM) or failed: stop the workers now rather than wait for their tasks
        stop_workers(pool)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


WORKER_DIED = (
    "the worker process printing it ended abruptly (out of memory, or an engine crash), so it was not "
    "built; the others were (fix: look for a template or style that makes a huge document)"
)


def _results(future: Future[list[Outcome]], task: Task) -> list[Outcome]:
    """A task's outcomes; if its worker died (killed for its memory, say), each of its documents fails."""
    try:
        return future.result()
    except BrokenProcessPool:
        return [Outcome(index, error=WORKER_DIED) for index, _, _ in task]


SCRATCH_PREFIX = "ladderpress-"
"""Scratch folders are named ladderpress-<pid of the build>-…, so a later build can tell whose they are."""


def stop_workers(pool: ProcessPoolExecutor) -> None:
    """End a pool's worker processes at once (the executor has no public way before Python 3.14)."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        if process.is_alive():
            process.terminate()


def remove_stale_scratch() -> None:
    """Remove scratch folders of builds that no longer run (killed with ``kill -9``, say)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{SCRATCH_PREFIX}*-*"):
        pid = folder.name.removeprefix(SCRATCH_PREFIX).split("-", 1)[0]
        try:
            ours = folder.lstat().st_uid == os.getuid() and folder.is_dir() and not folder.is_symlink()
        except OSError:
            continue
        if pid.isdigit() and ours and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Lanes:
    """What each worker prints next, so that all of them finish together.

    Ordinary documents come first, cheapest first (see :func:`_tasks`): after a save, the
    one-pager of the level just edited is rewritten within about a second, before the
    handbook and the packets. Packet runs are planned up front: a run costs about
    WHOLE_WEIGHT (its shared pages) plus one per packet, and the runs are shared out
    costliest first, then moved or swapped between the fullest and the emptiest lane while
    that shortens the longest. (Handed out costliest first as workers free up, a few runs of
    a few seconds each could leave one worker idle for several.) A worker whose lane is
    empty takes the last run of the fullest lane.
    """

    def __init__(self, tasks: list[Task], lanes: int) -> None:
        runs = [task for task in tasks if _is_run(task)]
        self.documents = deque(task for task in tasks if not _is_run(task))
        self.lanes = [deque(runs[i] for i in lane) for lane in plan_lanes([_cost(run) for run in runs], lanes)]

    def next(self, lane: int) -> Task | None:
        if self.documents:
            return self.documents.popleft()
        if self.lanes[lane]:
            return self.lanes[lane].popleft()
        fullest = max(self.lanes, key=lambda queue: sum(_cost(task) for task in queue))
        return fullest.pop() if fullest else None


def _cost(task: Task) -> float:
    return WHOLE_WEIGHT + (len(task) if _is_run(task) else 0)


def _is_run(task: Task) -> bool:
    return isinstance(task[0][1], PacketJob)


def plan_lanes(costs: list[float], lanes: int) -> list[list[int]]:
    """Indices of ``costs`` for each lane, each costliest first, with loads as even as it finds."""
    plan: list[list[int]] = [[] for _ in range(lanes)]
    loads = [0.0] * lanes
    for i in sorted(range(len(costs)), key=lambda i: -costs[i]):
        lane = loads.index(min(loads))
        plan[lane].append(i)
        loads[lane] += costs[i]
    while True:
        high, low = loads.index(max(loads)), loads.index(min(loads))
        gap = loads[high] - loads[low]
        # move one task from the fullest lane to the emptiest, or swap two: whatever brings their
        # loads closest together (a shift of d leaves them gap - 2d apart)
        moves: list[tuple[int, int | None, float]] = [(a, None, costs[a]) for a in plan[high]]
        moves += [(a, b, costs[a] - costs[b]) for a in plan[high] for b in plan[low]]
        useful = [(abs(gap - 2 * shift), a, b, shift) for a, b, shift in moves if 0 < shift < gap]
        if not useful:
            break
        _, a, b, shift = min(useful, key=lambda move: move[0])
        plan[high].remove(a)
        plan[low].append(a)
        if b is not None:
            plan[low].remove(b)
            plan[high].append(b)
        loads[high] -= shift
        loads[low] += shift
    return [sorted(lane, key=lambda i: -costs[i]) for lane in plan]


def _tasks(jobs: list[Job], sources: list[str | None]) -> list[Task]:
    """Jobs in tasks: packets in runs that share their pages, everything else one by one.

    A run stays whole, so that its shared pages are laid out once, unless it is longer than
    MAX_TASK packets. Documents come first, the shortest HTML first (the cheapest to print),
    then the runs, costliest first.
    """
    runs: dict[object, Task] = {}
    documents: list[Task] = []
    for index, (job, source) in enumerate(zip(jobs, sources, strict=True)):
        if isinstance(job, PacketJob):
            runs.setdefault(job.combination, []).append((index, job, None))
        else:
            documents.append([(index, job, source)])
    parts = [part for run in runs.values() for part in even_parts(run, MAX_TASK)]
    return sorted(documents, key=lambda task: len(task[0][2] or "")) + sorted(parts, key=lambda task: -_cost(task))


_producer: Producer | None = None
"""The engine of a worker process, made once by the pool's initializer (per process, never shared)."""


def _start_worker(
    engine: Engine, project: Project | None, renderers: Renderers | None, scratch: str, parent: int
) -> None:
    global _producer
    import logging

    # a forked worker inherits the parent's SIGTERM handler, which raises Terminated: an idle worker
    # would print a traceback when the parent stops it, and a busy one would go on to its next task.
    # SIGTERM ends a worker at once; the parent removes the scratch folder and handles the interruption
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    tempfile.tempdir = scratch  # see produce(): this process's temporary files go there
    # Ctrl+C reaches every process of the terminal: the parent handles it and stops the workers
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _end_with_parent(parent, scratch)
    logging.getLogger("weasyprint").addHandler(logging.NullHandler())
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    project = project or load_project(engine.root, engine.brand)
    # forked, the parent's renderers come along with what they rendered already (each stand-in's pages)
    _producer = Producer(project, renderers or Renderers(project, engine.edition), engine)


def _end_with_parent(parent: int, scratch: str) -> None:
    """Make this worker end (removing the scratch folder) when its parent dies, even by ``kill -9``.

    Linux sends the signal chosen with ``prctl(PR_SET_PDEATHSIG)`` when the parent ends;
    elsewhere the worker notices at its next task at the latest (the pool breaks).
    """

    def leave(signum: int, frame: object) -> None:
        shutil.rmtree(scratch, ignore_errors=True)
        os._exit(1)

    signal.signal(signal.SIGUSR1, leave)
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGUSR1)
    except (OSError, AttributeError):
        pass  # not Linux: no such call
    if os.getppid() != parent:  # the parent died before the call above
        leave(signal.SIGUSR1, None)


PR_SET_PDEATHSIG = 1


def _work(task: Task) -> list[Outcome]:
    assert _producer is not None
    return _producer.produce(task)

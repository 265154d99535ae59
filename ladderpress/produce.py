"""Turn planned jobs into PDF bytes, in this process or in worker processes.

Workers rebuild the engine from the project on disk (one FontConfiguration each) and
send back finished PDFs; only the parent writes files, so the output folder and its
manifest have one writer. Packets are handed out in runs of the same level so each
worker lays out a level's shared pages once.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass

from ladderpress.assemble import PacketPrinter, combination
from ladderpress.load import Project, load_project
from ladderpress.pdf import Printed, PrintFailed, Printer
from ladderpress.plan import Engine, Job
from ladderpress.render import Renderer, Renderers, TemplateProblem

FIT_STEPS = 3
"""Layouts a template may offer (fit 0, 1, 2) before a too-long document is refused."""
MAX_RUN = 40
"""Most packets in one task: a batch's pages are held in memory until it is cut into packets."""


class DocumentFailed(Exception):
    """One document could not be built; the others go on."""


@dataclass(frozen=True)
class Outcome:
    index: int
    printed: Printed | None = None
    error: str | None = None


class Producer:
    """Prints any job in this process, keeping fonts, stylesheets and shared packet pages."""

    def __init__(self, project: Project, renderers: Renderers, engine: Engine) -> None:
        self.project = project
        self.renderers = renderers
        self.engine = engine
        base = next(folder for folder in project.template_dirs(None) if folder.is_dir())  # relative URLs resolve here
        self.printer = Printer(base, project.allowed_roots, engine.variant)
        self.packets = PacketPrinter(self.printer, project)

    def produce(self, task: list[tuple[int, Job]]) -> list[Outcome]:
        """Outcomes of a task: one ordinary document, or a run of packets of one combination."""
        index, job = task[0]
        renderer = self.renderers.for_job(job)
        try:
            if job.person is None:
                return [Outcome(index, print_to_fit(renderer, self.printer, self.project, job))]
            if self.engine.render_in_full:
                return [Outcome(i, self.packets.print_whole(renderer, j)) for i, j in task]
            positions = {id(j): i for i, j in task}
            return [Outcome(positions[id(j)], printed)
                    for j, printed in self.packets.print_batch(renderer, [j for _, j in task])]
        except TemplateProblem as exc:
            return [Outcome(i, error=str(exc.problem)) for i, _ in task]
        except (DocumentFailed, PrintFailed) as exc:
            return [Outcome(i, error=str(exc)) for i, _ in task]
        except Exception as exc:  # an unexpected failure fails these documents, never the whole build
            return [Outcome(i, error=f"unexpected {type(exc).__name__}: {exc}") for i, _ in task]


def print_to_fit(renderer: Renderer, printer: Printer, project: Project, job: Job) -> Printed:
    """Print the job; when it exceeds ``max_pages``, retry with tighter layouts, then fail."""
    limit = job.recipe.max_pages
    for fit in range(FIT_STEPS if limit is not None else 1):
        printed = printer.print(renderer.render(job, fit), list(job.stylesheets), project.style_dirs(job.brand),
                                job.layout, job.brand)
        if limit is None or printed.pages <= limit:
            return printed
    subject = f"level '{job.focus.id}'" if job.focus else f"recipe '{job.recipe_name}'"
    raise DocumentFailed(f"{subject} needs {printed.pages} pages even in the tightest layout, but recipe "
                         f"'{job.recipe_name}' allows {job.recipe.max_pages}; shorten its duties, scope or "
                         "promotion signals")


def produce(project: Project, renderers: Renderers, engine: Engine, jobs: list[Job],
            workers: int) -> Iterator[Outcome]:
    """Outcomes for every job, as they finish. ``workers`` > 1 uses that many processes."""
    tasks = _tasks(jobs)
    workers = min(workers, len(tasks))
    if workers <= 1:
        producer = Producer(project, renderers, engine)
        for task in tasks:
            yield from producer.produce(task)
        return
    # fork starts a worker in milliseconds with everything already imported; the parent has laid
    # nothing out and runs no threads, so no Pango or fontconfig state is shared mid-use
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    # forked workers inherit the project as read now, so a file saved mid-build cannot break them;
    # spawned ones (where fork does not exist) read it again
    initargs = (engine, project if method == "fork" else None)
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker, initargs=initargs) as pool:
        pending: set[Future[list[Outcome]]] = {pool.submit(_work, task) for task in tasks}
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield from future.result()


def _tasks(jobs: list[Job]) -> list[list[tuple[int, Job]]]:
    """Jobs in tasks: packets in runs that share their pages, everything else one by one.

    A run stays whole, so that its shared pages are laid out once, unless it is longer than
    MAX_RUN packets (which bounds a batch's memory); workers take the largest tasks first.
    """
    runs: dict[object, list[tuple[int, Job]]] = {}
    tasks = []
    for index, job in enumerate(jobs):
        if job.person is None:
            tasks.append([(index, job)])
        else:
            runs.setdefault(combination(job), []).append((index, job))
    for run in runs.values():
        parts = -(-len(run) // MAX_RUN)
        size = -(-len(run) // parts)
        tasks += [run[i:i + size] for i in range(0, len(run), size)]
    # the largest tasks first, so that no worker is left with a long one at the end
    return sorted(tasks, key=lambda task: -(len(task) + (5 if task[0][1].person is None else 10)))


_producer: Producer | None = None
"""The engine of a worker process, made once by the pool's initializer (per process, never shared)."""


def _start_worker(engine: Engine, project: Project | None) -> None:
    global _producer
    import logging

    logging.getLogger("weasyprint").addHandler(logging.NullHandler())
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    project = project or load_project(engine.root, engine.brand)
    _producer = Producer(project, Renderers(project, engine.edition), engine)


def _work(task: list[tuple[int, Job]]) -> list[Outcome]:
    assert _producer is not None
    return _producer.produce(task)

"""Turn planned jobs into PDF bytes, in this process or in worker processes.

Workers rebuild the engine from the project on disk (one FontConfiguration each) and
send back finished PDFs; only the parent writes files, so the output folder and its
manifest have one writer. The parent has already rendered each ordinary document's HTML
(for its cache key) and sends it along. Packets are handed out in runs of the same level,
so that a level's shared pages are laid out once, not once per worker.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from tempfile import TemporaryDirectory

from ladderpress.assemble import PacketPrinter
from ladderpress.load import Project, load_project
from ladderpress.pdf import Printed, PrintFailed, Printer
from ladderpress.plan import Engine, Job, combination
from ladderpress.render import Renderer, Renderers, TemplateProblem

FIT_STEPS = 3
"""Layouts a template may offer (fit 0, 1, 2) before a too-long document is refused."""
MAX_TASK = 100
"""Most packets in one task: a task's PDFs travel back to the parent together. A larger run of
one combination is split, and each worker that takes a part lays out its shared pages once."""
WHOLE_WEIGHT = 15
"""Laying out a whole document, or a combination's shared pages, costs about as much as this
many packets' personal pages (for ordering tasks, costliest first)."""

Task = list[tuple[int, Job, str | None]]
"""(index in the plan, job, its HTML when the parent rendered it already)."""


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

    def produce(self, task: Task) -> list[Outcome]:
        """Outcomes of a task: one ordinary document, or a run of packets of one combination."""
        index, job, html = task[0]
        renderer = self.renderers.for_job(job)
        try:
            if job.person is None:
                return [Outcome(index, print_to_fit(renderer, self.printer, self.project, job, html))]
            if self.engine.render_in_full:
                return [Outcome(i, self.packets.print_whole(renderer, j)) for i, j, _ in task]
            positions = {id(j): i for i, j, _ in task}
            return [Outcome(positions[id(j)], printed)
                    for j, printed in self.packets.print_run(renderer, [j for _, j, _ in task])]
        except TemplateProblem as exc:
            return [Outcome(i, error=str(exc.problem)) for i, _, _ in task]
        except (DocumentFailed, PrintFailed) as exc:
            return [Outcome(i, error=str(exc)) for i, _, _ in task]
        except Exception as exc:  # an unexpected failure fails these documents, never the whole build
            return [Outcome(i, error=f"unexpected {type(exc).__name__}: {exc}") for i, _, _ in task]


def print_to_fit(renderer: Renderer, printer: Printer, project: Project, job: Job, html: str | None = None) -> Printed:
    """Print the job; when it exceeds ``max_pages``, retry with tighter layouts, then fail.

    ``html`` is the job's HTML in the normal layout, when the caller has rendered it already.
    """
    limit = job.recipe.max_pages
    for fit in range(FIT_STEPS if limit is not None else 1):
        source = html if fit == 0 and html is not None else renderer.render(job, fit)
        printed = printer.print(source, list(job.stylesheets), project.style_dirs(job.brand), job.layout, job.brand)
        if limit is None or printed.pages <= limit:
            return printed
    subject = f"level '{job.focus.id}'" if job.focus else f"recipe '{job.recipe_name}'"
    raise DocumentFailed(f"{subject} needs {printed.pages} pages even in the tightest layout, but recipe "
                         f"'{job.recipe_name}' allows {job.recipe.max_pages}; shorten its duties, scope or "
                         "promotion signals")


def produce(project: Project, renderers: Renderers, engine: Engine, jobs: list[Job], sources: list[str],
            workers: int) -> Iterator[Outcome]:
    """Outcomes for every job, as they finish. ``workers`` > 1 uses that many processes.

    ``sources`` holds each job's HTML (see :meth:`Renderer.source`); ordinary documents are
    printed from it rather than rendered again.
    """
    tasks = _tasks(jobs, sources)
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
    # spawned ones (where fork does not exist) read it again. WeasyPrint copies the fonts it loads
    # into a temporary folder that a worker, ending without Python's clean-up, would leave behind:
    # the workers' temporary files go into a folder of the build's own, removed with it
    with TemporaryDirectory(prefix="ladderpress-") as scratch:
        initargs = (engine, project if method == "fork" else None, scratch)
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker, initargs=initargs) as pool:
            pending: set[Future[list[Outcome]]] = {pool.submit(_work, task) for task in tasks}
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield from future.result()


def _tasks(jobs: list[Job], sources: list[str]) -> list[Task]:
    """Jobs in tasks: packets in runs that share their pages, everything else one by one.

    A run stays whole, so that its shared pages are laid out once, unless it is longer than
    MAX_TASK packets; workers take the costliest tasks first, so that none is left with a
    long one at the end.
    """
    runs: dict[object, Task] = {}
    tasks = []
    for index, (job, source) in enumerate(zip(jobs, sources, strict=True)):
        if job.person is None:
            tasks.append([(index, job, source)])
        else:  # a packet's source is not what it is printed from: workers render its parts
            runs.setdefault(combination(job), []).append((index, job, None))
    for run in runs.values():
        parts = -(-len(run) // MAX_TASK)
        size = -(-len(run) // parts)
        tasks += [run[i:i + size] for i in range(0, len(run), size)]
    return sorted(tasks, key=lambda task: -(WHOLE_WEIGHT + (len(task) if task[0][1].person else 0)))


_producer: Producer | None = None
"""The engine of a worker process, made once by the pool's initializer (per process, never shared)."""


def _start_worker(engine: Engine, project: Project | None, scratch: str) -> None:
    global _producer
    import logging
    import tempfile

    tempfile.tempdir = scratch  # see produce(): this process's temporary files go there

    logging.getLogger("weasyprint").addHandler(logging.NullHandler())
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    project = project or load_project(engine.root, engine.brand)
    _producer = Producer(project, Renderers(project, engine.edition), engine)


def _work(task: Task) -> list[Outcome]:
    assert _producer is not None
    return _producer.produce(task)

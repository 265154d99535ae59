"""Time limits for work that a template or stylesheet can make endless.

A template with nested ``range`` loops, or a stylesheet that makes layout explode, must
fail its own document with a message naming it, not hang the build. Jinja and WeasyPrint
run Python code, so a ``SIGALRM`` timer interrupts them between bytecodes; the exception
it raises derives from ``BaseException`` so that no library's ``except Exception`` swallows
it on its way out. WeasyPrint catches even ``BaseException`` around drawing an SVG image, so
the timer goes on firing every second once the limit is past, until the block is left.
Signals reach only the main thread: elsewhere (a program calling ladderpress from a thread)
no timer is set, and the limit does not apply.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class TimeLimitExceeded(BaseException):
    """``what`` ran longer than ``seconds``."""

    def __init__(self, what: str, seconds: float) -> None:
        super().__init__(f"{what} took longer than {seconds:g} s")
        self.what = what
        self.seconds = seconds


@contextmanager
def time_limit(seconds: float | None, what: str) -> Iterator[None]:
    """Raise :class:`TimeLimitExceeded` in the block once it has run ``seconds``.

    Inside another limit, the outer one governs (its timer is left as it is).
    """
    if (
        not seconds
        or threading.current_thread() is not threading.main_thread()
        or signal.getitimer(signal.ITIMER_REAL)[0] > 0
    ):
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise TimeLimitExceeded(what, seconds)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds, REPEAT_SECONDS)
    try:
        yield
    finally:
        while True:  # a last firing while the timer is being stopped is one too many: stop it again
            try:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
                break
            except TimeLimitExceeded:
                continue


REPEAT_SECONDS = 1.0
"""Once the limit is past, how often the timer fires again (in case a library swallowed it)."""


MEMORY_BUDGET = 2 * 1024**3
"""Bytes of address space a document may add to the process while it is rendered and laid out."""


@contextmanager
def memory_limit(budget: int = MEMORY_BUDGET) -> Iterator[None]:
    """Make an allocation past ``budget`` more than the process holds now raise ``MemoryError``.

    A template's ``"x"|center(10**10)`` or ``"{:>9999999999}".format(1)`` is one allocation
    in C that no timer can interrupt; with the limit it fails its document instead of taking
    the machine's memory. Linux only (the address space is read from ``/proc``); inside
    another limit, the outer one governs.
    """
    try:
        import resource

        with open("/proc/self/statm", encoding="ascii") as statm:
            in_use = int(statm.read().split()[0]) * resource.getpagesize()
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    except (ImportError, OSError, ValueError):
        yield
        return
    if soft != resource.RLIM_INFINITY:
        yield
        return
    wanted = in_use + budget if hard == resource.RLIM_INFINITY else min(in_use + budget, hard)
    resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@contextmanager
def bounded(seconds: float | None, what: str) -> Iterator[None]:
    """Both limits: ``seconds`` of time and :data:`MEMORY_BUDGET` of memory for ``what``."""
    with time_limit(seconds, what), memory_limit():
        yield

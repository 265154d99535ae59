"""Time limits for work that a template or stylesheet can make endless.

A template with nested ``range`` loops, or a stylesheet that makes layout explode, must
fail its own document with a message naming it, not hang the build. Jinja and WeasyPrint
run Python code, so a ``SIGALRM`` timer interrupts them between bytecodes; the exception
it raises derives from ``BaseException`` so that no library's ``except Exception`` swallows
it on its way out. WeasyPrint catches even ``BaseException`` around drawing an SVG image, so
the timer goes on firing every second once the limit is past, until the block is left. Signals reach only the main thread: elsewhere (a program calling
ladderpress from a thread) no timer is set, and the limit does not apply.
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
    if not seconds or threading.current_thread() is not threading.main_thread() \
            or signal.getitimer(signal.ITIMER_REAL)[0] > 0:
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

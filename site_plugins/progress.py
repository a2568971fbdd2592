"""The progress of a build, logged at INFO: each phase of the plugin with its count and
time, then MkDocs' two passes over the pages (Markdown, then the theme) with a line at
every quarter, so that a build of several minutes is not silent."""

from __future__ import annotations

import time
from collections.abc import Callable

from checks.i18n import _

QUARTERS = 4
QUIET_BELOW = 200  # pages: a smaller build takes seconds, one line per pass is enough


class Progress:
    def __init__(self, info: Callable[[str], None], clock: Callable[[], float] = time.perf_counter) -> None:
        self.info, self.clock = info, clock
        self.started = self.clock()  # of the build
        self.mark = self.started  # of the current phase
        self.message = ""  # of the current pass over the pages, with {done} {total} {seconds}
        self.total = self.done = 0

    def start_build(self) -> None:
        self.started = self.mark = self.clock()

    def phase(self, message: str, **values: object) -> None:
        """Log the phase that just ended (`message` has a {seconds} placeholder)."""
        now = self.clock()
        self.info(message.format(seconds=now - self.mark, **values))
        self.mark = now

    def start_pages(self, message: str, total: int) -> None:
        """A pass over `total` pages begins; `page()` counts them."""
        self.message, self.total, self.done, self.mark = message, total, 0, self.clock()

    def page(self) -> None:
        self.done += 1
        done, total = self.done, self.total
        quarter = total // QUARTERS
        if done == total or (total >= QUIET_BELOW and quarter and done % quarter == 0 and done < total):
            self.info(self.message.format(done=done, total=total, seconds=self.clock() - self.mark))

    def finish(self, pages: int) -> None:
        seconds = self.clock() - self.started
        self.info(_("built the site: {pages} pages ({seconds:.1f} s)").format(pages=pages, seconds=seconds))

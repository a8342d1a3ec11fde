"""Background jobs that no web request waits for: chain imports, then reports.

The worker's tick runs them (`supplychain worker`). With JOBS_IN_APP on, an app process also
runs them in one thread of its own, woken whenever a job is queued or a page finds one waiting,
so that a single app server with no worker still delivers them; both claim rows the same safe
way, so they can run side by side.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from flask import Flask


def run_waiting(app: Flask, stop_event: threading.Event | None = None) -> dict[str, int]:
    """Carry out every waiting import, then every waiting report; return how many of each.

    :param stop_event: when set, stop after the job in hand.
    """
    from .chain.import_jobs import run_waiting as run_imports
    from .reports.services import make_waiting

    imports = run_imports(app, stop_event=stop_event)
    return {"imports": imports, "reports": make_waiting(app, stop_event=stop_event)}


@dataclass
class _InApp:
    """This process's job thread: at most one, and told to look again if woken while busy."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    wanted: bool = False
    thread: threading.Thread | None = None


def wake(app: Flask) -> threading.Thread | None:
    """Have this process run the waiting jobs in its job thread, if JOBS_IN_APP is on; return
    that thread (None when jobs are left to the worker)."""
    if not app.config["JOBS_IN_APP"]:
        return None
    state: _InApp = app.extensions.setdefault("jobs_in_app", _InApp())
    with state.lock:
        state.wanted = True
        # After a fork the parent's thread object is copied but is not alive here.
        if state.thread is None or not state.thread.is_alive():
            state.thread = threading.Thread(
                target=_run, args=(app, state), name="jobs", daemon=True
            )
            state.thread.start()
        return state.thread


def _run(app: Flask, state: _InApp) -> None:
    while True:
        with state.lock:
            if not state.wanted:
                state.thread = None
                return
            state.wanted = False
        try:
            run_waiting(app)
        except Exception:  # each job records its own failure; this is the claiming itself
            app.logger.exception("background jobs failed")

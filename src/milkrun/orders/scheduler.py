"""The embedded scheduler: the running server materializes each delivery date at its cut-off.

For the embedded default (one process, SQLite) a background thread started with the app does
the nightly job: at the cut-off of date D (22:00 on D−1 by default) it materializes D. At start,
and on every wake-up, it catches up: any date whose cut-off has passed (today, and tomorrow
after tonight's cut-off) without a recorded materialization run is materialized now, so a server
that was down at the cut-off makes up for it when it comes back. Earlier dates are history and
are left alone.

Other nightly jobs ride on the same thread (``jobs``, given by the app: the day close, which
lives above orders): each runs after the materialization on every wake-up, on its own, so that
one failing does not stop the others.

Several processes (``milkrun serve --workers N``) may each run it: the check for a run and the
run itself happen in one writing transaction, serialized per date (``BEGIN IMMEDIATE`` on
SQLite, an advisory lock on PostgreSQL), so a date is materialized once.

With PostgreSQL in production, switch it off (``MILKRUN_SCHEDULER=false``) and let cron or a
job scheduler run ``milkrun orders generate --date tomorrow`` at the cut-off instead
(docs/operations.md).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from sqlalchemy.orm import Session

from milkrun import clock, cutoff
from milkrun.audit.service import Actor
from milkrun.config import Settings
from milkrun.db.session import Database
from milkrun.orders import generate

log = logging.getLogger("milkrun.scheduler")
POLL_SECONDS = 60.0
# A job of the scheduler: (database, settings, trigger) -> anything; idempotent, catching up.
Job = Callable[[Database, Settings, str], object]
# Materializing one date unless it has a run: (session, date, actor, trigger). The app gives
# the wallets' step (holds first, ``milkrun.wallets.generation``), which lives above orders.
Materialize = Callable[[Session, dt.date, Actor, str], "generate.Report | None"]


def _materialize_if_missing(
    session: Session, day: dt.date, actor: Actor, trigger: str
) -> generate.Report | None:
    return generate.materialize_if_missing(session, day, actor, trigger=trigger)


def dates_due(settings: Settings, now: dt.datetime | None = None) -> list[dt.date]:
    """The delivery dates whose cut-off has passed and that should be materialized by now:
    today, and tomorrow once tonight's cut-off has passed."""
    now = now or clock.now()
    today = now.astimezone(settings.zone).date()
    return [
        today,
        *[d for d in [today + dt.timedelta(days=1)] if cutoff.cutoff_at(d, settings) <= now],
    ]


def catch_up(
    database: Database,
    settings: Settings,
    *,
    trigger: str,
    materialize: Materialize = _materialize_if_missing,
) -> list[generate.Report]:
    """Materialize every date of ``dates_due`` that has no run yet; one transaction per date."""
    reports = []
    actor = Actor.system(f"scheduler ({trigger})", channel="scheduler")
    for day in dates_due(settings):
        with database.session_scope(write=True) as session:
            report = materialize(session, day, actor, trigger)
        if report is not None:
            log.info("materialized %s (%s): %s", day, trigger, report.counts)
            reports.append(report)
    return reports


class MaterializationScheduler:
    """A daemon thread: catch up at start, then wake at each cut-off (and at least every
    ``poll_seconds``, so a changed clock or a suspended machine is noticed) and catch up."""

    def __init__(
        self,
        database: Database,
        settings: Settings,
        *,
        poll_seconds: float = POLL_SECONDS,
        jobs: Sequence[Job] = (),
        materialize: Materialize = _materialize_if_missing,
    ) -> None:
        self.database = database
        self.materialize = materialize
        self.settings = settings
        self.jobs = tuple(jobs)
        self.poll_seconds = poll_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="milkrun-scheduler", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        trigger = "catch_up"
        while not self._stop.is_set():
            try:
                catch_up(
                    self.database, self.settings, trigger=trigger, materialize=self.materialize
                )
            except Exception:  # a failed night must not kill the thread; retried on next wake
                log.exception("materialization failed; retrying in %s s", self.poll_seconds)
            for job in self.jobs:
                try:
                    job(self.database, self.settings, trigger)
                except Exception:  # the same: retried on the next wake-up
                    log.exception("%s failed; retrying in %s s", job, self.poll_seconds)
            trigger = "scheduler"
            next_cutoff = cutoff.cutoff_at(cutoff.first_open_date(self.settings), self.settings)
            wait = (next_cutoff - clock.now()).total_seconds()
            self._stop.wait(max(0.0, min(wait, self.poll_seconds)))


def lifespan(
    settings: Settings,
    database: Database,
    jobs: Sequence[Job] = (),
    materialize: Materialize = _materialize_if_missing,
) -> Callable[[Any], AbstractAsyncContextManager[None]]:
    """The app's lifespan: run the scheduler while the app runs, when settings ask for it."""

    @asynccontextmanager
    async def run(_app: Any) -> AsyncIterator[None]:
        scheduler = None
        if settings.runs_scheduler:
            scheduler = MaterializationScheduler(
                database, settings, jobs=jobs, materialize=materialize
            )
            scheduler.start()
        try:
            yield
        finally:
            if scheduler is not None:
                scheduler.stop()

    return run

"""Generating a date with the wallets in mind: the low-balance holds of the date are decided
first (``holds.decide``), then the date is materialized (``orders.generate``), in the same
transaction, so a low wallet's day is never generated. Every entry point that generates a date
(the API, the pages, the CLI, the scheduler, the demo) goes through here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy.orm import Session

from milkrun.audit import service as audit
from milkrun.config import Settings
from milkrun.money import to_paise
from milkrun.orders import generate as orders_generate
from milkrun.orders.sync import lock_day
from milkrun.wallets import holds


def threshold_of(settings: Settings) -> int:
    """The dairy's threshold in paise (MILKRUN_WALLET_THRESHOLD)."""
    return to_paise(settings.wallet_threshold)


def generate(
    session: Session,
    day: dt.date,
    actor: audit.Actor,
    settings: Settings,
    *,
    today: dt.date,
    dry_run: bool = False,
    past: bool = False,
    reason: str | None = None,
    trigger: str = "api",
) -> orders_generate.Report:
    """``orders.generate.generate`` (its refusals stand) after deciding the date's holds. A dry
    run decides nothing: it counts with the holds already decided."""
    if not dry_run:
        holds.decide(session, day, threshold_of(settings), actor)
    return orders_generate.generate(
        session,
        day,
        actor,
        today=today,
        dry_run=dry_run,
        past=past,
        reason=reason,
        trigger=trigger,
    )


def materialize(
    session: Session, day: dt.date, actor: audit.Actor, settings: Settings, *, trigger: str
) -> orders_generate.Report:
    """``orders.generate.materialize`` after deciding the date's holds."""
    holds.decide(session, day, threshold_of(settings), actor)
    return orders_generate.materialize(session, day, actor, trigger=trigger)


def materializer(
    settings: Settings,
) -> Callable[[Session, dt.date, audit.Actor, str], orders_generate.Report | None]:
    """The scheduler's catch-up step: materialize a date unless it has a run, holds first."""

    def materialize_if_missing(
        session: Session, day: dt.date, actor: audit.Actor, trigger: str
    ) -> orders_generate.Report | None:
        lock_day(session, day)
        if orders_generate.is_generated(session, day):
            return None
        return materialize(session, day, actor, settings, trigger=trigger)

    return materialize_if_missing

"""The owner's end-of-day count of the cash with each delivery boy (the handover).

Cash taken at the door (``payments.collections``) is with the delivery boy until the owner
confirms what he handed over. Confirming his day takes every collection of his not yet handed
over, up to that day: it records the handover (what the collections add up to, what he handed
over, the difference), turns each collection into a cash payment received when it was taken
(reference ``door:<collection id>``, set-based), settles the customers' bills with them and
writes one audit event. A shortfall is the delivery boy's, recorded on the handover: the
customers paid all of it. One handover per delivery boy and day.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String, cast, func, insert, literal, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from milkrun import clock
from milkrun.audit import service as audit
from milkrun.auth.models import Role, User
from milkrun.billing.settlement import settle
from milkrun.errors import Conflict
from milkrun.money import format_inr, to_paise, to_rupees
from milkrun.payments.errors import AlreadyHandedOver, NothingToHandOver
from milkrun.payments.models import CashCollection, CashHandover, Payment, PaymentMethod
from milkrun.payments.schemas import HandoverConfirm, HandoverLine
from milkrun.routing.errors import NotADeliveryBoy

REFERENCE_PREFIX = "door:"


def day_sheet(session: Session, day: dt.date) -> list[HandoverLine]:
    """Each delivery boy's cash for ``day``: his confirmed handover of the day, or what he holds
    (collections not yet handed over, up to that day) waiting for the owner's count."""
    confirmer = aliased(User)
    lines: list[HandoverLine] = []
    confirmed = session.execute(
        select(CashHandover, User.name, confirmer.name, func.count(CashCollection.id))
        .join(User, User.id == CashHandover.delivery_boy_id)
        .join(confirmer, confirmer.id == CashHandover.confirmed_by_user_id)
        .outerjoin(CashCollection, CashCollection.handover_id == CashHandover.id)
        .where(CashHandover.handover_date == day)
        .group_by(CashHandover.id, User.name, confirmer.name)
    ).all()
    done = set()
    for handover, boy, by, count in confirmed:
        done.add(handover.delivery_boy_id)
        lines.append(
            HandoverLine(
                delivery_boy_id=handover.delivery_boy_id,
                delivery_boy=boy,
                date=day,
                collections=int(count or 0),
                collected_paise=handover.collected_paise,
                handed_over_paise=handover.handed_over_paise,
                difference_paise=handover.difference_paise,
                handover_id=handover.id,
                confirmed_by=by,
                confirmed_at=handover.confirmed_at,
                note=handover.note,
            )
        )
    waiting = session.execute(
        select(
            User.id, User.name, func.count(CashCollection.id), func.sum(CashCollection.amount_paise)
        )
        .join(User, User.id == CashCollection.collected_by_user_id)
        .where(CashCollection.handover_id.is_(None), CashCollection.collection_date <= day)
        .group_by(User.id, User.name)
    ).all()
    for boy_id, boy, count, total in waiting:
        if boy_id in done:
            continue
        lines.append(
            HandoverLine(
                delivery_boy_id=boy_id,
                delivery_boy=boy,
                date=day,
                collections=int(count or 0),
                collected_paise=int(total or 0),
                handed_over_paise=None,
                difference_paise=None,
                handover_id=None,
                confirmed_by=None,
                confirmed_at=None,
                note=None,
            )
        )
    return sorted(lines, key=lambda line: (line.delivery_boy.lower(), line.delivery_boy_id))


def confirm(
    session: Session,
    actor: audit.Actor,
    request: HandoverConfirm,
    *,
    now: dt.datetime | None = None,
) -> HandoverLine:
    """Confirm a delivery boy's handover of ``request.date`` (see the module docstring).

    Refused: a user who is not a delivery boy (400); a day already confirmed (409); nothing
    waiting to hand over (400). A collection taken while this runs is left for the next day."""
    now = now or clock.now()
    boy = session.get(User, request.delivery_boy_id)
    if boy is None or boy.role != Role.delivery_boy:
        raise NotADeliveryBoy(f"User {request.delivery_boy_id} is not a delivery boy")
    handed_over = to_paise(request.handed_over)
    day = request.date
    if session.scalar(
        select(CashHandover.id).where(
            CashHandover.delivery_boy_id == boy.id, CashHandover.handover_date == day
        )
    ):
        raise AlreadyHandedOver(f"{boy.name}'s cash of {day.isoformat()} is already counted")
    rows = session.execute(
        select(CashCollection.id, CashCollection.customer_id, CashCollection.amount_paise)
        .where(
            CashCollection.collected_by_user_id == boy.id,
            CashCollection.handover_id.is_(None),
            CashCollection.collection_date <= day,
        )
        .order_by(CashCollection.id)
        .with_for_update()
    ).all()
    if not rows:
        raise NothingToHandOver(f"{boy.name} has no cash waiting to be handed over")
    ids = [row[0] for row in rows]
    collected = sum(row[2] for row in rows)
    handover = CashHandover(
        delivery_boy_id=boy.id,
        handover_date=day,
        collected_paise=collected,
        handed_over_paise=handed_over,
        note=request.note or None,
        confirmed_by_user_id=actor.user_id,
        confirmed_at=now,
    )
    try:
        with session.begin_nested():
            session.add(handover)
            session.flush()
    except IntegrityError as exc:  # the same day confirmed a moment ago by someone else
        raise AlreadyHandedOver(
            f"{boy.name}'s cash of {day.isoformat()} is already counted"
        ) from exc
    reference = literal(REFERENCE_PREFIX) + cast(CashCollection.id, String)
    session.execute(
        insert(Payment).from_select(
            [
                "customer_id",
                "amount_paise",
                "method",
                "reference",
                "received_at",
                "created_at",
                "created_by_user_id",
            ],
            select(
                CashCollection.customer_id,
                CashCollection.amount_paise,
                literal(PaymentMethod.cash.value),
                reference,
                CashCollection.collected_at,
                literal(now, Payment.created_at.type),
                literal(actor.user_id, Payment.created_by_user_id.type),
            ).where(CashCollection.id.in_(ids)),
        )
    )
    paid_by = (
        select(Payment.id)
        .where(Payment.method == PaymentMethod.cash.value, Payment.reference == reference)
        .scalar_subquery()
    )
    moved = session.execute(
        update(CashCollection)
        .where(CashCollection.id.in_(ids), CashCollection.handover_id.is_(None))
        .values(handover_id=handover.id, payment_id=paid_by),
        execution_options={"synchronize_session": False},
    )
    if int(getattr(moved, "rowcount", 0) or 0) != len(ids):
        raise Conflict("The cash changed while it was counted; count it again")
    settle(session, sorted({row[1] for row in rows}))
    audit.record(
        session,
        actor,
        "cash.handover",
        "cash_handover",
        handover.id,
        after={
            "delivery_boy_id": boy.id,
            "date": day.isoformat(),
            "collections": len(ids),
            "collected": to_rupees(collected),
            "handed_over": to_rupees(handed_over),
            "difference": to_rupees(handover.difference_paise),
            "note": handover.note,
        },
    )
    return HandoverLine(
        delivery_boy_id=boy.id,
        delivery_boy=boy.name,
        date=day,
        collections=len(ids),
        collected_paise=collected,
        handed_over_paise=handed_over,
        difference_paise=handover.difference_paise,
        handover_id=handover.id,
        confirmed_by=actor.label,
        confirmed_at=now,
        note=handover.note,
    )


def describe(line: HandoverLine) -> str:
    """One sentence for the owner: '₹1,250.00 collected, ₹1,200.00 handed over, ₹50.00 short'."""
    text = f"{format_inr(line.collected_paise)} collected"
    if line.handed_over_paise is None or line.difference_paise is None:
        return text + ", not handed over yet"
    text += f", {format_inr(line.handed_over_paise)} handed over"
    if line.difference_paise < 0:
        return text + f", {format_inr(-line.difference_paise)} short"
    if line.difference_paise > 0:
        return text + f", {format_inr(line.difference_paise)} over"
    return text + ", exact"

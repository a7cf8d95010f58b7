"""The language a person reads milkrun in: pages, the bill's PDF and messages.

One home per person: a customer's language is ``customers.language`` (the messages are written in
it too, ``notify.consent``), so a customer's login reads and writes it there; a delivery boy's
(or an admin's) is ``users.language``. The owner's console is English whatever is chosen.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from milkrun import languages
from milkrun.audit import service as audit
from milkrun.auth.models import User
from milkrun.customers import queries
from milkrun.customers.errors import UnknownLanguage


def language_of(session: Session, user: User) -> str:
    if user.customer_id is not None:
        return queries.get_customer(session, user.customer_id).language
    return user.language


def set_language(session: Session, user: User, language: str, actor: audit.Actor) -> str:
    """Save the language ``user`` chose (a customer's on the customer, where the messages read
    it); audited when it changes."""
    chosen = languages.supported(language)
    if chosen is None:
        raise UnknownLanguage(f"milkrun does not speak {language!r}: choose en, hi or kn")
    if user.customer_id is not None:
        customer = queries.get_customer(session, user.customer_id)
        before = customer.language
        customer.language = chosen
        entity_type, entity_id, customer_id = "customer", customer.id, customer.id
    else:
        before = user.language
        user.language = chosen
        entity_type, entity_id, customer_id = "user", user.id, None
    session.flush()
    if before != chosen:
        audit.record(
            session,
            actor,
            f"{entity_type}.language",
            entity_type,
            entity_id,
            before={"language": before},
            after={"language": chosen},
            customer_id=customer_id,
        )
    return chosen


def at_login(session: Session, user: User, chosen: str, actor: audit.Actor) -> str:
    """The language a login reads in from now on: its own; or, while its own is still the
    default, the one chosen on the login page (``chosen``), saved. The console is English."""
    if user.role == "admin":
        return languages.DEFAULT
    own = language_of(session, user)
    if own == languages.DEFAULT and chosen != own:
        return set_language(session, user, chosen, actor)
    return own

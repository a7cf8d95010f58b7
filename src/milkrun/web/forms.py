"""Reading forms: text fields, a date, a record's id, and a request schema built from a form, with
what it refuses said in words for the person at the form."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, TypeVar

from fastapi import Form
from pydantic import BaseModel, ValidationError

from milkrun.customers.errors import CustomerNotFound
from milkrun.errors import NotFound
from milkrun.inputs.fields import MAX_ID
from milkrun.languages import N_, _
from milkrun.orders.errors import OrderNotFound
from milkrun.subscriptions.errors import PauseNotFound, SubscriptionNotFound
from milkrun.web.errors import InvalidDate, InvalidForm

Model = TypeVar("Model", bound=BaseModel)
FormText = Annotated[str, Form()]


def form_date(text: str, message: str = N_("Choose a date")) -> dt.date:
    """A date from a form; ``message`` (translated here) says what to choose when it is none."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError as exc:
        raise InvalidDate(_(message)) from exc


_NOT_FOUND: dict[str, type[NotFound]] = {
    "subscription": SubscriptionNotFound,
    "pause": PauseNotFound,
    "order": OrderNotFound,
    "customer": CustomerNotFound,
}


def record_id(text: str, what: Literal["subscription", "pause", "order", "customer"]) -> int:
    """An id from a form; one that is no id is a record that does not exist."""
    text = text.strip()
    if not text.isdigit() or not 1 <= int(text) <= MAX_ID:
        raise _NOT_FOUND[what](f"There is no {what} {text!r}")
    return int(text)


def valid_form(schema: type[Model], data: dict[str, Any], words: dict[str, str]) -> Model:
    """The request schema the API reads, built from the form; what it refuses, in words."""
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        names = [str(e["loc"][0]) for e in exc.errors() if e["loc"]]
        message = next((words[n] for n in names if n in words), N_("Check what you typed"))
        raise InvalidForm(_(message)) from exc

"""The languages milkrun speaks to customers and delivery boys: English, Hindi and Kannada.

Texts are English in the code, marked ``_("...")`` (Python) or ``{{ _("...") }}`` (templates);
Babel's catalogues in ``milkrun/locale/<language>/LC_MESSAGES/milkrun.po`` hold their Hindi and
Kannada, compiled to the ``.mo`` files shipped beside them (``make messages`` extracts and
updates, ``make compile-messages`` compiles; see docs/languages.md).

The language of the moment is a context variable: a page sets it for its request
(``web.pages``), the bill's PDF for its customer (``speaking``). ``_`` reads it when it is
called, so a text kept at module level is marked with ``N_`` and translated where it is used.
The owner's console stays English.
"""

from __future__ import annotations

import datetime as dt
import gettext as _gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from babel.dates import format_date, get_day_names
from babel.support import Translations

LANGUAGES = ("en", "hi", "kn")
DEFAULT = "en"
# Each language in its own script, as the switch offers it.
NAMES = {"en": "English", "hi": "हिन्दी", "kn": "ಕನ್ನಡ"}
# Babel's locale of each language, in India: ₹, its dates and month names.
LOCALES = {"en": "en_IN", "hi": "hi_IN", "kn": "kn_IN"}
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LOCALE_DIR = Path(__file__).parent.parent / "locale"
DOMAIN = "milkrun"

_current: ContextVar[str] = ContextVar("milkrun_language", default=DEFAULT)


def supported(language: str | None) -> str | None:
    """``language`` when milkrun speaks it ("hi", "hi-IN", "HI_in" are Hindi), else None."""
    if not language:
        return None
    code = language.strip().replace("_", "-").split("-", 1)[0].lower()
    return code if code in LANGUAGES else None


def from_accept_language(header: str | None) -> str | None:
    """The first language of an Accept-Language header that milkrun speaks, by its q-value
    ("kn-IN,kn;q=0.9,en;q=0.8" is Kannada); None when it names none of them."""
    choices: list[tuple[float, int, str]] = []
    for position, part in enumerate((header or "").split(",")):
        name, _sep, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _eq, value = param.strip().partition("=")
            if key == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        language = supported(name)
        if language and quality > 0:
            choices.append((-quality, position, language))
    return min(choices)[2] if choices else None


@cache
def translations(language: str) -> _gettext.NullTranslations:
    """The compiled catalogue of ``language`` (English is the code's own words)."""
    if language == DEFAULT or language not in LANGUAGES:
        return _gettext.NullTranslations()
    return Translations.load(str(LOCALE_DIR), [language], DOMAIN)


def current() -> str:
    return _current.get()


def locale() -> str:
    """Babel's locale of the language of the moment."""
    return LOCALES[_current.get()]


def day_text(day: dt.date, pattern: str = "d MMM y") -> str:
    """A date in the words of the language of the moment (Babel's CLDR pattern): "7 दिस॰ 2026"."""
    language = _current.get()
    # English dates as the code always wrote them ("Sep", where en_IN says "Sept").
    return str(format_date(day, pattern, locale="en" if language == DEFAULT else locale()))


def weekday_names() -> dict[str, str]:
    """Monday to Sunday by their codes (``mon``...), abbreviated in the language of the moment."""
    names = get_day_names("abbreviated", locale=locale())
    return {code: str(names[i]) for i, code in enumerate(WEEKDAYS)}


def use(language: str) -> None:
    """Speak ``language`` for the rest of this request (its context)."""
    _current.set(supported(language) or DEFAULT)


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Speak ``language`` inside the block, then as before."""
    token = _current.set(supported(language) or DEFAULT)
    try:
        yield
    finally:
        _current.reset(token)


def gettext(message: str) -> str:
    return translations(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(_current.get()).ngettext(singular, plural, n)


_ = gettext


def N_(message: str) -> str:
    """Marks a text for the catalogues where it cannot be translated yet (module level): it is
    translated with ``_`` where it is used."""
    return message

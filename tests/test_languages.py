"""The catalogues: every text marked in the code and the page templates has its Hindi and its
Kannada, the shipped .mo files are the .po files compiled, and a translation keeps the
placeholders of its English. Then the pieces a page builds on: the language a browser asks for,
amounts and dates in each language."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from milkrun import languages
from milkrun.money import format_inr

ROOT = Path(__file__).resolve().parents[1]
TRANSLATED = [lang for lang in languages.LANGUAGES if lang != languages.DEFAULT]
PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\w+\}")


def _extracted() -> set[str]:
    """What `make messages` extracts (babel.cfg), read here the same way."""
    method_map = [
        ("milkrun/**.py", "python"),
        ("milkrun/web/templates/**.html", "jinja2"),
    ]
    options = {"milkrun/web/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT / "src"), method_map, options_map=options
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def _po(language: str) -> Catalog:
    path = languages.LOCALE_DIR / language / "LC_MESSAGES" / f"{languages.DOMAIN}.po"
    with path.open("rb") as file:
        return read_po(file, locale=language)


def test_babel_cfg_extracts_what_this_test_reads() -> None:
    config = (ROOT / "babel.cfg").read_text()
    assert "[python: milkrun/**.py]" in config
    assert "[jinja2: milkrun/web/templates/**.html]" in config
    # Texts of the pages, of the code behind them and of the bill's PDF are all found.
    assert {"Hello, %(name)s", "Choose a date", "Milk card — %(month)s"} <= _extracted()


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_text_in_the_code_has_a_translation(language: str) -> None:
    catalog = _po(language)
    missing = sorted(
        text
        for text in _extracted()
        if text not in catalog or not catalog[text].string or catalog[text].fuzzy
    )
    assert not missing, (
        f"{len(missing)} texts have no {language} translation: run `make messages`, translate "
        f"them in src/milkrun/locale/{language}/LC_MESSAGES/milkrun.po, then "
        f"`make compile-messages` (docs/languages.md). First: {missing[:5]}"
    )


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_shipped_mo_is_the_po_compiled(language: str) -> None:
    path = languages.LOCALE_DIR / language / "LC_MESSAGES" / f"{languages.DOMAIN}.mo"
    with path.open("rb") as file:
        compiled = {m.id: m.string for m in read_mo(file) if m.id}
    written = {m.id: m.string for m in _po(language) if m.id and not m.fuzzy}
    assert compiled == written, "the .mo is stale: run `make compile-messages`"


@pytest.mark.parametrize("language", TRANSLATED)
def test_a_translation_keeps_the_placeholders(language: str) -> None:
    for message in _po(language):
        if message.id and message.string:
            assert sorted(PLACEHOLDER.findall(str(message.string))) == sorted(
                PLACEHOLDER.findall(str(message.id))
            ), message.id


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("kn-IN,kn;q=0.9,en;q=0.8", "kn"),
        ("en-GB,en;q=0.9,hi;q=0.8", "en"),
        ("ta-IN, hi;q=0.5", "hi"),
        ("hi;q=0.2, kn;q=0.7", "kn"),
        ("ta, fr", None),
        ("", None),
        ("hi;q=0", None),
    ],
)
def test_the_first_language_a_browser_asks_for_that_milkrun_speaks(
    header: str, language: str | None
) -> None:
    assert languages.from_accept_language(header) == language


def test_amounts_keep_indian_grouping_in_every_language() -> None:
    for locale in languages.LOCALES.values():
        assert format_inr(1234567890, locale) == "₹1,23,45,678.90"
    assert format_inr(-5600, "kn_IN") == "-₹56.00"


def test_texts_and_dates_follow_the_language_of_the_moment() -> None:
    day = dt.date(2026, 12, 7)
    with languages.speaking("hi"):
        assert languages.gettext("My bills") == "मेरे बिल"
        assert languages.day_text(day, "d MMMM y") == "7 दिसंबर 2026"
    with languages.speaking("kn"):
        assert languages.gettext("My bills") == "ನನ್ನ ಬಿಲ್‌ಗಳು"
        assert languages.day_text(day, "d MMMM y") == "7 ಡಿಸೆಂಬರ್ 2026"
    assert languages.gettext("My bills") == "My bills"
    assert languages.day_text(day, "d MMMM y") == "7 December 2026"

"""The page a bill is printed on: A4, DejaVu Sans (it has the rupee sign), grey rules, and
the date and percent formats of the bill. Drawing helpers only; what a bill says is in ``pdf``.

Devanagari and Kannada come from Noto Sans Devanagari and Noto Sans Kannada, Debian's
``fonts-noto-core`` (``/usr/share/fonts/truetype/noto``, or ``MILKRUN_NOTO_FONT_DIR``), as
fallbacks of DejaVu for the letters it lacks (a Hindi name on an English bill too), shaped by
HarfBuzz (fpdf2's text shaping, ``uharfbuzz``) so that conjuncts and vowel signs join as they
should. Dates are in the language the bill is rendered in (``milkrun.languages``).
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from babel.dates import get_day_names
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from milkrun import languages
from milkrun.money import format_inr

DEFAULT_FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
FONT = "DejaVu"
DEFAULT_NOTO_DIR = Path("/usr/share/fonts/truetype/noto")
# The scripts DejaVu lacks: family -> style -> file (Debian's fonts-noto-core).
SCRIPT_FONTS = {
    "NotoDevanagari": {
        "": "NotoSansDevanagari-Regular.ttf",
        "B": "NotoSansDevanagari-Bold.ttf",
    },
    "NotoKannada": {"": "NotoSansKannada-Regular.ttf", "B": "NotoSansKannada-Bold.ttf"},
}
# Each script font's letters (Unicode blocks): a bill registers a script's font only when one
# of its texts has such a letter. Registering a font parses it and the PDF embeds a subset of
# it, which was two thirds of a bill's time when every bill carried all four Noto files.
SCRIPT_BLOCKS = {
    "NotoDevanagari": ((0x0900, 0x097F), (0xA8E0, 0xA8FF)),
    "NotoKannada": ((0x0C80, 0x0CFF),),
}
GREY = (110, 110, 110)
RULE = (190, 190, 190)
SHADE = (242, 242, 242)


class MissingFont(RuntimeError):
    """The bill's font is not installed; the message says how to install it."""


def font_dir() -> Path:
    return Path(os.environ.get("MILKRUN_FONT_DIR", str(DEFAULT_FONT_DIR)))


def noto_dir() -> Path:
    return Path(os.environ.get("MILKRUN_NOTO_FONT_DIR", str(DEFAULT_NOTO_DIR)))


def check_fonts(directory: Path) -> dict[str, Path]:
    files = {style: directory / name for style, name in FONT_FILES.items()}
    missing = [str(path) for path in files.values() if not path.is_file()]
    if missing:
        raise MissingFont(
            f"the bill's font is missing ({', '.join(missing)}): install Debian's "
            "fonts-dejavu-core (apt-get install fonts-dejavu-core) or point MILKRUN_FONT_DIR "
            "at a directory with DejaVuSans.ttf and DejaVuSans-Bold.ttf"
        )
    return files


def check_script_fonts(directory: Path) -> dict[str, dict[str, Path]]:
    files = {
        family: {style: directory / name for style, name in styles.items()}
        for family, styles in SCRIPT_FONTS.items()
    }
    missing = [str(p) for styles in files.values() for p in styles.values() if not p.is_file()]
    if missing:
        raise MissingFont(
            f"the bill's Hindi and Kannada fonts are missing ({', '.join(missing)}): install "
            "Debian's fonts-noto-core (scripts/ensure-fonts) or point MILKRUN_NOTO_FONT_DIR at "
            "a directory with the Noto Sans Devanagari and Noto Sans Kannada files"
        )
    return files


def scripts_in(texts: Iterable[str]) -> set[str]:
    """The script fonts (``SCRIPT_FONTS`` families) these texts need."""
    needed: set[str] = set()
    for text in texts:
        if text.isascii():
            continue
        for family, blocks in SCRIPT_BLOCKS.items():
            if family not in needed and any(
                low <= ord(letter) <= high for letter in text for low, high in blocks
            ):
                needed.add(family)
    return needed


def long_date(day: dt.date) -> str:
    return languages.day_text(day, "d MMM y")


def month_name(month: dt.date) -> str:
    return languages.day_text(month, "MMMM y")


def period(month: dt.date) -> str:
    last = calendar.monthrange(month.year, month.month)[1]
    return f"1–{last} {month_name(month)}"


def weekday_initials() -> list[str]:
    """Monday to Sunday in two or three letters of the bill's language ("Mo", "सो")."""
    names = get_day_names("short", locale=languages.locale())
    return [str(names[i]) for i in range(7)]


def inr(paise: int) -> str:
    """An amount as the bill's language writes it (Indian grouping in each)."""
    return format_inr(paise, languages.locale())


def percent(bps: int) -> str:
    whole, rest = divmod(bps, 100)
    return f"{whole}%" if rest == 0 else f"{whole}.{rest:02d}".rstrip("0") + "%"


class Page(FPDF):
    def __init__(self, fonts: dict[str, Path], scripts: dict[str, dict[str, Path]]) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        for style, path in fonts.items():
            self.add_font(FONT, style, str(path))
        for family, styles in scripts.items():
            for style, path in styles.items():
                self.add_font(family, style, str(path))
        if scripts:
            # HarfBuzz joins the conjuncts and vowel signs of Devanagari and Kannada.
            self.set_fallback_fonts(list(scripts), exact_match=False)
            self.set_text_shaping(True)
        self.set_margins(12, 12, 12)
        self.set_auto_page_break(auto=True, margin=14)
        self.set_draw_color(*RULE)
        self.set_line_width(0.2)

    def use_font(self, style: str, size: float) -> None:
        """DejaVu in ``style``, set anew: after a text in a fallback font (Hindi, Kannada)
        fpdf2 still believes DejaVu is set and would write the next text with the wrong
        glyphs, so its memory of the font is cleared first."""
        self.font_family = ""
        self.set_font(FONT, style, size)

    @property
    def width(self) -> float:
        return float(self.w - self.l_margin - self.r_margin)

    def text_cell(
        self,
        w: float,
        h: float,
        text: str,
        *,
        size: float = 9,
        bold: bool = False,
        align: str = "L",
        border: Literal[0, 1] | str = 0,
        fill: bool = False,
        grey: bool = False,
        last: bool = False,
    ) -> None:
        self.use_font("B" if bold else "", size)
        self.set_text_color(*(GREY if grey else (0, 0, 0)))
        while text and self.get_string_width(text) > w - 1.2 and len(text) > 1:
            text = text[:-2] + "…"
        self.cell(
            w,
            h,
            text,
            border=border,
            align=align,
            fill=fill,
            new_x=XPos.LMARGIN if last else XPos.RIGHT,
            new_y=YPos.NEXT if last else YPos.TOP,
        )

    def amount_rows(
        self, x: float, label_w: float, value_w: float, rows: list[tuple[str, int, bool]]
    ) -> None:
        """A column of labelled amounts at ``x`` (totals, the account): a strong row is bold,
        larger, with a rule above it."""
        for label, paise, strong in rows:
            self.set_x(x)
            border: Literal[0, 1] | str = "T" if strong else 0
            size = 10 if strong else 9
            self.text_cell(label_w, 6, label, size=size, bold=strong, border=border)
            self.text_cell(
                value_w, 6, inr(paise), size=size, bold=strong, align="R", border=border, last=True
            )

    def rule(self, gap: float = 2) -> None:
        self.ln(gap)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(gap)

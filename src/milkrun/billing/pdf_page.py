"""The page a bill is printed on: A4, DejaVu Sans (it has the rupee sign), grey rules, and
the date and percent formats of the bill. Drawing helpers only; what a bill says is in ``pdf``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
from pathlib import Path
from typing import Literal

from fpdf import FPDF
from fpdf.enums import XPos, YPos

DEFAULT_FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
FONT = "DejaVu"
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
WEEKDAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
GREY = (110, 110, 110)
RULE = (190, 190, 190)
SHADE = (242, 242, 242)


class MissingFont(RuntimeError):
    """The bill's font is not installed; the message says how to install it."""


def font_dir() -> Path:
    return Path(os.environ.get("MILKRUN_FONT_DIR", str(DEFAULT_FONT_DIR)))


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


def long_date(day: dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1][:3]} {day.year}"


def period(month: dt.date) -> str:
    last = calendar.monthrange(month.year, month.month)[1]
    return f"1–{last} {MONTHS[month.month - 1]} {month.year}"


def percent(bps: int) -> str:
    whole, rest = divmod(bps, 100)
    return f"{whole}%" if rest == 0 else f"{whole}.{rest:02d}".rstrip("0") + "%"


class Page(FPDF):
    def __init__(self, fonts: dict[str, Path]) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        for style, path in fonts.items():
            self.add_font(FONT, style, str(path))
        self.set_margins(12, 12, 12)
        self.set_auto_page_break(auto=True, margin=14)
        self.set_draw_color(*RULE)
        self.set_line_width(0.2)

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
        self.set_font(FONT, "B" if bold else "", size)
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

    def rule(self, gap: float = 2) -> None:
        self.ln(gap)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(gap)

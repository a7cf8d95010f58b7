"""Invoice numbers: the Indian financial year (April to March), the series, the format."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import literal, select
from sqlalchemy.orm import Session

from milkrun.billing import numbering


@pytest.mark.parametrize(
    ("day", "code"),
    [
        (dt.date(2026, 4, 1), "2627"),
        (dt.date(2026, 11, 30), "2627"),
        (dt.date(2027, 3, 31), "2627"),
        (dt.date(2027, 4, 1), "2728"),
        (dt.date(2026, 3, 31), "2526"),
        (dt.date(2099, 12, 1), "9900"),
        (dt.date(2000, 1, 1), "9900"),
    ],
)
def test_financial_year_runs_april_to_march(day: dt.date, code: str) -> None:
    assert numbering.financial_year_code(day) == code


def test_number_format() -> None:
    series = numbering.series_for("MR", dt.date(2026, 12, 1))
    assert series == "MR/2627"
    assert numbering.format_number(series, 123) == "MR/2627/000123"
    assert numbering.format_number(series, 1_234_567) == "MR/2627/1234567"


@given(
    day=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2199, 12, 31)),
    sequence=st.integers(min_value=1, max_value=9_999_999),
    prefix=st.text(alphabet="ABCXYZ019", min_size=1, max_size=3),
)
def test_numbers_fit_sixteen_characters_and_sort_within_a_series(
    day: dt.date, sequence: int, prefix: str
) -> None:
    series = numbering.series_for(prefix, day)
    number = numbering.format_number(series, sequence)
    assert len(number) <= 16
    assert number.startswith(series + "/")
    assert int(number.rsplit("/", 1)[1]) == sequence


def test_a_number_that_would_not_fit_is_refused() -> None:
    with pytest.raises(ValueError, match="longer than 16"):
        numbering.format_number("MRX/2627", 100_000_000)
    with pytest.raises(ValueError, match="start at 1"):
        numbering.format_number("MR/2627", 0)


@pytest.mark.parametrize("prefix", ["", "MILK", "M-R", "मि"])
def test_bad_prefixes_are_refused(prefix: str) -> None:
    with pytest.raises(ValueError, match="prefix"):
        numbering.series_for(prefix, dt.date(2026, 12, 1))


def test_counter_rows_hand_out_consecutive_numbers_per_series(session: Session) -> None:
    assert numbering.last_number(session, "MR/2627") == 0
    assert numbering.take_numbers(session, "MR/2627", 1) == 1
    assert numbering.take_numbers(session, "MR/2627", 3) == 2
    assert numbering.take_numbers(session, "MR/2728", 1) == 1
    assert numbering.take_numbers(session, "MR/2627", 1) == 5
    assert numbering.last_number(session, "MR/2627") == 5
    assert numbering.last_number(session, "MR/2728") == 1


@pytest.mark.parametrize("sequence", [1, 42, 999_999, 1_000_000, 9_999_999])
def test_the_sql_number_is_the_python_number(session: Session, sequence: int) -> None:
    """Issuing numbers many invoices in one UPDATE: its number in SQL reads as format_number."""
    in_sql = session.scalar(select(numbering.number_in_sql(session, "MR/2627", literal(sequence))))
    assert in_sql == numbering.format_number("MR/2627", sequence)

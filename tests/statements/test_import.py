"""Statement import: credits read with a mapping, matched with a reason, confirmed once into
payments that settle bills; re-imports record nothing twice; malformed files record nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun import clock, demo
from milkrun.audit.service import Actor
from milkrun.billing import dues
from milkrun.billing.models import Invoice
from milkrun.billing.upi import reference_of
from milkrun.payments.models import Payment
from milkrun.statements import service
from milkrun.statements.errors import (
    LineAlreadyDecided,
    MalformedStatement,
    NothingToConfirm,
    UnknownMapping,
)
from milkrun.statements.mappings import PRESETS
from milkrun.statements.models import StatementLine, UpiHandle
from milkrun.statements.reading import parse_amount, read_statement
from tests import factories
from tests.statements.factories import bill

ZONE = ZoneInfo("Asia/Kolkata")
ACTOR = Actor.system("test", channel="test")
NOW = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _monday() -> Iterator[None]:
    clock.freeze(NOW)
    yield
    clock.freeze(None)


def hdfc(*rows: str) -> bytes:
    head = (
        "HDFC BANK Ltd.,,,,,,\n"
        "Statement of account,,,,,,\n"
        "Date,Narration,Chq./Ref.No.,Value Dt,Withdrawal Amt.,Deposit Amt.,Closing Balance\n"
    )
    return (head + "".join(r + "\n" for r in rows)).encode()


def lines(session: Session) -> list[StatementLine]:
    session.expire_all()
    return list(session.scalars(select(StatementLine).order_by(StatementLine.id)))


def test_credits_are_matched_with_their_reason(session: Session) -> None:
    by_bill = factories.customer(session, name="Asha Iyer")
    by_phone = factories.customer(session, name="Ravi Rao", phone_number="+919845012345")
    by_amount = factories.customer(session, name="Meera Nair")
    invoice = bill(session, by_bill.id, 168000)
    bill(session, by_amount.id, 87550)
    content = hdfc(
        f"07/12/26,UPI-ASHA IYER-asha@okhdfc-{reference_of(str(invoice.number))},"
        '334512345678,07/12/26,,"1,680.00","10,680.00"',
        "07/12/26,IMPS-RAVI-9845012345-MILK,334512345679,07/12/26,,500.00,11180.00",
        "07/12/26,NEFT-HDFCN52026120700001-MEERA N,HDFCN52026120700001,07/12/26,,875.50,12055.50",
        "07/12/26,UPI-UNKNOWN-x@ybl-GIFT,334512345680,07/12/26,,250.00,12305.50",
        '07/12/26,ATM WDL,000,07/12/26,"2,000.00",,10305.50',
        "********,,,,,,",
    )
    result = service.import_statement(
        session, content, file_name="dec.csv", mapping_name="hdfc", actor=ACTOR
    )
    assert (result.rows_read, result.credits_new, result.debits_skipped) == (5, 4, 1)
    assert (result.proposed, result.unmatched) == (3, 1)
    got = [(ln.customer_id, ln.reason, ln.status, ln.amount_paise, ln.utr) for ln in lines(session)]
    assert got == [
        (by_bill.id, "bill_reference", "proposed", 168000, "334512345678"),
        (by_phone.id, "phone", "proposed", 50000, "334512345679"),
        (by_amount.id, "amount_due", "proposed", 87550, "HDFCN52026120700001"),
        (None, None, "unmatched", 25000, "334512345680"),
    ]
    assert lines(session)[0].invoice_id == invoice.id


def test_confirmed_credits_become_payments_once_and_pay_the_bill(session: Session) -> None:
    asha = factories.customer(session)
    invoice = bill(session, asha.id, 168000)
    content = hdfc(
        f"07/12/2026,UPI/334512345678/asha@okicici/{invoice.number},334512345678,07/12/2026,,"
        "1680.00,1680.00"
    )
    service.import_statement(session, content, file_name="a.csv", mapping_name="HDFC", actor=ACTOR)
    line = lines(session)[0]
    payments = service.confirm_lines(session, [line.id], ACTOR, zone=ZONE, threshold_paise=0)
    assert [(p.customer_id, p.amount_paise, p.method, p.reference) for p in payments] == [
        (asha.id, 168000, "upi", "334512345678")
    ]
    session.expire_all()
    assert session.get(Invoice, invoice.id).status == "paid"  # type: ignore[union-attr]
    assert dues.balances_of(session, [asha.id]) == {asha.id: 0}
    assert lines(session)[0].status == "confirmed"
    # the handle is learnt
    assert (
        session.scalar(select(UpiHandle.customer_id).where(UpiHandle.handle == "asha@okicici"))
        == asha.id
    )

    with pytest.raises(NothingToConfirm):
        service.confirm_lines(session, [line.id], ACTOR, zone=ZONE, threshold_paise=0)
    again = service.import_statement(
        session, content, file_name="a.csv", mapping_name="hdfc", actor=ACTOR
    )
    assert (again.credits_new, again.credits_seen_before) == (0, 1)
    assert session.scalar(select(func.count(Payment.id))) == 1
    assert session.scalar(select(func.count(StatementLine.id))) == 1


def test_a_learnt_handle_proposes_the_next_credit(session: Session) -> None:
    asha = factories.customer(session)
    session.add(UpiHandle(handle="asha@okicici", customer_id=asha.id, learnt_at=NOW))
    session.flush()
    service.import_statement(
        session,
        hdfc("06/12/2026,UPI/334500000001/ASHA@OKICICI/milk,,06/12/2026,,300.00,300.00"),
        file_name="b.csv",
        mapping_name="hdfc",
        actor=ACTOR,
    )
    line = lines(session)[0]
    assert (line.customer_id, line.reason, line.utr) == (asha.id, "upi_handle", "334500000001")


def test_a_credit_already_recorded_by_hand_is_not_recorded_again(session: Session) -> None:
    asha = factories.customer(session)
    session.add(
        Payment(
            customer_id=asha.id,
            amount_paise=50000,
            method="upi",
            reference="334512345678",
            received_at=NOW,
            created_at=NOW,
        )
    )
    session.flush()
    result = service.import_statement(
        session,
        hdfc("07/12/2026,UPI-x,334512345678,07/12/2026,,500.00,500.00"),
        file_name="c.csv",
        mapping_name="hdfc",
        actor=ACTOR,
    )
    assert result.already_recorded == 1
    assert (lines(session)[0].status, lines(session)[0].customer_id) == ("confirmed", asha.id)
    assert session.scalar(select(func.count(Payment.id))) == 1


def test_assign_confirm_and_ignore(session: Session) -> None:
    asha = factories.customer(session)
    service.import_statement(
        session,
        hdfc(
            "07/12/2026,CASH DEPOSIT,,07/12/2026,,400.00,400.00",
            "07/12/2026,CASH DEPOSIT,,07/12/2026,,400.00,800.00",
            "07/12/2026,INTEREST,,07/12/2026,,12.00,812.00",
        ),
        file_name="d.csv",
        mapping_name="hdfc",
        actor=ACTOR,
    )
    first, second, interest = lines(session)
    assert first.fingerprint != second.fingerprint  # two equal deposits are two credits
    service.assign_line(
        session, first.id, asha.id, ACTOR, confirm=True, zone=ZONE, threshold_paise=0
    )
    service.assign_line(
        session, second.id, asha.id, ACTOR, confirm=True, zone=ZONE, threshold_paise=0
    )
    service.ignore_line(session, interest.id, ACTOR)
    assert [ln.status for ln in lines(session)] == ["confirmed", "confirmed", "ignored"]
    assert session.scalar(select(func.sum(Payment.amount_paise))) == 80000
    with pytest.raises(LineAlreadyDecided):
        service.ignore_line(session, first.id, ACTOR)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "32/12/2026,UPI,,32/12/2026,,10.00,10.00",
            "Row 5, column 'Date': '32/12/2026' is not a date",
        ),
        (
            "07/12/2026,UPI,,07/12/2026,,10.0x,10.00",
            "Row 5, column 'Deposit Amt.': '10.0x' is not an amount",
        ),
        (
            "07/12/2026,UPI,,07/12/2026,abc,,10.00",
            "Row 5, column 'Withdrawal Amt.': 'abc' is not an amount",
        ),
    ],
)
def test_a_malformed_file_names_row_and_column_and_records_nothing(
    session: Session, row: str, message: str
) -> None:
    good = "07/12/2026,UPI,334512345678,07/12/2026,,10.00,10.00"
    with pytest.raises(MalformedStatement, match=message.replace("(", r"\(").replace(".", r"\.")):
        service.import_statement(
            session, hdfc(good, row), file_name="bad.csv", mapping_name="hdfc", actor=ACTOR
        )
    assert lines(session) == []


def test_a_file_of_another_layout_or_mapping(session: Session) -> None:
    with pytest.raises(MalformedStatement, match="No header row naming the columns 'Txn Date'"):
        service.import_statement(
            session, hdfc(), file_name="x.csv", mapping_name="sbi", actor=ACTOR
        )
    with pytest.raises(UnknownMapping, match="There is no mapping 'kotak'"):
        service.import_statement(
            session, hdfc(), file_name="x.csv", mapping_name="kotak", actor=ACTOR
        )
    with pytest.raises(MalformedStatement, match="spreadsheet"):
        service.import_statement(
            session, b"PK\x03\x04xx", file_name="x.xlsx", mapping_name="hdfc", actor=ACTOR
        )


def test_a_dry_run_records_nothing(session: Session) -> None:
    result = service.import_statement(
        session,
        hdfc("07/12/2026,UPI,334512345678,07/12/2026,,10.00,10.00"),
        file_name="x.csv",
        mapping_name="hdfc",
        actor=ACTOR,
        dry_run=True,
    )
    assert (result.id, result.credits_new, result.unmatched) == (None, 1, 1)
    assert lines(session) == []


def test_an_amount_with_type_column_upi_export(session: Session) -> None:
    content = (
        "Date,Amount,Type,UTR,Payer VPA,Remarks\n"
        '07-Dec-2026 07:15:02,"₹1,23,456.00",CREDIT,334511112222,big@oksbi,\n'
        "7 Dec 2026,50,DR,334511112223,,refund\n"
    ).encode()
    result = service.import_statement(
        session, content, file_name="u.csv", mapping_name="upi-merchant", actor=ACTOR
    )
    assert (result.credits_new, result.debits_skipped) == (1, 1)
    line = lines(session)[0]
    assert (line.amount_paise, line.upi_handle, line.value_date) == (
        12345600,
        "big@oksbi",
        dt.date(2026, 12, 7),
    )


def test_the_sample_statement_reads() -> None:
    """The demo's HDFC sample: preamble and opening balance skipped, the summary below the line
    of stars not read, zeros are no reference, a UPI ID ends at a hyphen."""
    content = (Path(demo.__file__).parent / "sample-statement-hdfc.csv").read_bytes()
    statement = read_statement(content, PRESETS["hdfc"])
    assert (len(statement.credits), statement.debits_skipped) == (7, 1)
    first, *_, interest = statement.credits
    assert (first.row_number, first.amount_paise, first.upi_handle) == (
        7,
        168000,
        "asha.iyer@okhdfcbank",
    )
    assert interest.utr is None


@pytest.mark.parametrize(
    ("text", "paise"),
    [
        ("1,23,456.00", (12345600, None)),
        ("₹ 1,680", (168000, None)),
        ("INR 50.5", (5050, None)),
        ("1,240.00 Cr", (124000, "CR")),
        ("(250.00)", (-25000, None)),
        ("-12.34", (-1234, None)),
        ("12.345", None),
        ("abc", None),
    ],
)
def test_amounts_as_indian_statements_write_them(text: str, paise: object) -> None:
    assert parse_amount(text) == paise

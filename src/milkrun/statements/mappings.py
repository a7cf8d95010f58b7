"""Column mappings: which column of a statement file holds the date, the amount, the narration
and the reference. Presets cover the common Indian layouts (the CSV each bank's net banking
exports, and a UPI merchant app's export); the owner saves another once and picks it by name.

Column names are compared without regard to case or repeated spaces, so "Txn Date" matches
"TXN  DATE"."""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Mapping:
    """Where a layout keeps each fact. The amount is either ``credit`` (and ``debit``) columns,
    or one ``amount`` column with an optional ``type`` column (Cr/Dr): without one, a negative
    amount is a debit. ``payer`` (a UPI export's payer VPA or name) is read as narration too."""

    name: str
    date: str
    narration: str
    reference: str | None = None
    credit: str | None = None
    debit: str | None = None
    amount: str | None = None
    type: str | None = None
    payer: str | None = None
    description: str = ""

    def columns(self) -> dict[str, str]:
        """The columns this mapping reads, by the fact they hold."""
        return {
            f.name: value
            for f in fields(self)
            if f.name not in ("name", "description")
            and isinstance(value := getattr(self, f.name), str)
        }


PRESETS: dict[str, Mapping] = {
    m.name: m
    for m in (
        Mapping(
            name="sbi",
            description="State Bank of India (YONO / OnlineSBI statement)",
            date="Txn Date",
            narration="Description",
            reference="Ref No./Cheque No.",
            debit="Debit",
            credit="Credit",
        ),
        Mapping(
            name="hdfc",
            description="HDFC Bank (NetBanking delimited statement)",
            date="Date",
            narration="Narration",
            reference="Chq./Ref.No.",
            debit="Withdrawal Amt.",
            credit="Deposit Amt.",
        ),
        Mapping(
            name="icici",
            description="ICICI Bank (detailed statement)",
            date="Transaction Date",
            narration="Transaction Remarks",
            reference="Cheque Number",
            debit="Withdrawal Amount (INR )",
            credit="Deposit Amount (INR )",
        ),
        Mapping(
            name="axis",
            description="Axis Bank (account statement)",
            date="Tran Date",
            narration="PARTICULARS",
            reference="CHQNO",
            debit="DR",
            credit="CR",
        ),
        Mapping(
            name="upi-merchant",
            description="UPI merchant app export (date, amount, type, UTR, payer VPA)",
            date="Date",
            narration="Remarks",
            reference="UTR",
            amount="Amount",
            type="Type",
            payer="Payer VPA",
        ),
        Mapping(
            name="generic",
            description="Any bank: Date, Narration, Reference, Amount and a Dr/Cr column",
            date="Date",
            narration="Narration",
            reference="Reference",
            amount="Amount",
            type="Dr/Cr",
        ),
    )
}

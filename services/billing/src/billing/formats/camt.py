"""F4, F7: the ISO 20022 bank-to-customer statement (CAMT.053), versions 001.02 to 001.13.

Booked entries (``Sts`` ``BOOK``) only: pending and information entries are not money on the
account yet. An entry that batches several transfers (``NtryDtls/TxDtls`` each with its own
amount) gives one line per transfer, each with its own remittance text (``RmtInf/Ustrd``, or
the creditor reference ``RmtInf/Strd/CdtrRefInf/Ref``) and payer; their amounts must add up to
the entry's. When the statement gives its opening and closing booked balances, the entries
must take one to the other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from lxml import etree  # type: ignore[import-untyped]

from billing.formats.statements import LineErrors, StatementLine, cents, with_fingerprints

NAMESPACE = re.compile(r"^urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.(\d{2})$")
BOOKED = "BOOK"
OPENING = ("OPBD", "PRCD")
CLOSING = "CLBD"

# Never fetch, never expand entities: a statement is data from outside.
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_pis=True
)


class CamtError(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class _Ns:
    uri: str

    def path(self, path: str) -> str:
        return "/".join(f"{{{self.uri}}}{part}" for part in path.split("/"))

    def find(self, element: Any, path: str) -> Any:
        return element.find(self.path(path))

    def findall(self, element: Any, path: str) -> list[Any]:
        return list(element.findall(self.path(path)))

    def text(self, element: Any, *paths: str) -> str:
        """The text of the first of ``paths`` that is there, stripped; "" if none is."""
        for path in paths:
            found = self.find(element, path)
            if found is not None and (found.text or "").strip():
                return " ".join(str(found.text).split())
        return ""


def _amount(ns: _Ns, element: Any, path: str) -> Decimal | None:
    found = ns.find(element, path)
    if found is None:
        return None
    try:
        value = Decimal((found.text or "").strip())
    except InvalidOperation:
        raise CamtError(found.sourceline, f"amount {found.text!r} is not a number") from None
    if not value.is_finite() or value < 0:
        raise CamtError(found.sourceline, f"amount {found.text!r} is not a positive number")
    return value


def _signed(amount: Decimal, indicator: str, line: int) -> Decimal:
    if indicator == "CRDT":
        return amount
    if indicator == "DBIT":
        return -amount
    raise CamtError(line, f"CdtDbtInd {indicator!r} is neither CRDT nor DBIT")


def _date(ns: _Ns, element: Any, path: str) -> date | None:
    text = ns.text(element, f"{path}/Dt", f"{path}/DtTm")
    if not text:
        return None
    try:
        # a date-time keeps the day the bank wrote, whatever its offset
        return date.fromisoformat(text[:10])
    except ValueError:
        raise CamtError(element.sourceline, f"{path} {text!r} is not a date") from None


def _remittance(ns: _Ns, tx: Any) -> str:
    parts = [" ".join(str(u.text).split()) for u in ns.findall(tx, "RmtInf/Ustrd") if u.text]
    parts += [
        " ".join(str(r.text).split())
        for r in ns.findall(tx, "RmtInf/Strd/CdtrRefInf/Ref")
        if r.text
    ]
    parts.append(ns.text(tx, "AddtlTxInf"))
    return " ".join(p for p in parts if p)


def _party(ns: _Ns, tx: Any, credit: bool) -> str | None:
    role = "Dbtr" if credit else "Cdtr"
    name = ns.text(tx, f"RltdPties/{role}/Pty/Nm", f"RltdPties/{role}/Nm")
    return name or None


def _entry_lines(ns: _Ns, entry: Any, account: str, currency: str) -> list[StatementLine]:
    line = int(entry.sourceline or 0)
    amount = _amount(ns, entry, "Amt")
    if amount is None:
        raise CamtError(line, "an entry without an amount")
    indicator = ns.text(entry, "CdtDbtInd")
    total = _signed(amount, indicator, line)
    booked_on = _date(ns, entry, "BookgDt")
    if booked_on is None:
        raise CamtError(line, "a booked entry without a booking date (BookgDt)")
    value_on = _date(ns, entry, "ValDt")
    entry_ref = ns.text(entry, "AcctSvcrRef")
    entry_info = ns.text(entry, "AddtlNtryInf")
    entry_currency = ns.find(entry, "Amt").get("Ccy") or currency
    txs = ns.findall(entry, "NtryDtls/TxDtls")
    tx_amounts = [_amount(ns, tx, "Amt") or _amount(ns, tx, "AmtDtls/TxAmt/Amt") for tx in txs]

    def make(
        text: str, amount: Decimal, reference: str, party: str | None, at: int
    ) -> StatementLine:
        return StatementLine(
            account=account,
            booked_on=booked_on,
            amount=cents(amount),
            label=" ".join(text.split()),
            bank_reference=reference,
            currency=entry_currency,
            value_on=value_on,
            counterparty=party,
            source_line=at,
        )

    if len(txs) > 1 and all(a is not None for a in tx_amounts):
        lines: list[StatementLine] = []
        for index, (tx, tx_amount) in enumerate(zip(txs, tx_amounts, strict=True), start=1):
            assert tx_amount is not None
            tx_indicator = ns.text(tx, "CdtDbtInd") or indicator
            signed = _signed(tx_amount, tx_indicator, int(tx.sourceline or line))
            reference = ns.text(tx, "Refs/AcctSvcrRef") or (
                f"{entry_ref}/{index}" if entry_ref else ""
            )
            text = " ".join(p for p in (_remittance(ns, tx), entry_info) if p)
            lines.append(
                make(
                    text, signed, reference, _party(ns, tx, signed > 0), int(tx.sourceline or line)
                )
            )
        batch = sum((ln.amount for ln in lines), Decimal(0))
        if batch != cents(total):
            raise CamtError(
                line, f"the transactions of this entry add up to {batch}, the entry says {total}"
            )
        return lines
    # one transfer, or a batch whose parts have no amount of their own: one line for the entry
    texts = [_remittance(ns, tx) for tx in txs]
    text = " ".join(p for p in (*texts, entry_info) if p)
    party = _party(ns, txs[0], total > 0) if len(txs) == 1 else None
    reference = entry_ref or (ns.text(txs[0], "Refs/AcctSvcrRef") if len(txs) == 1 else "")
    return [make(text, total, reference, party, line)]


def _balance(ns: _Ns, statement: Any, codes: tuple[str, ...]) -> Decimal | None:
    for balance in ns.findall(statement, "Bal"):
        if ns.text(balance, "Tp/CdOrPrtry/Cd") in codes:
            amount = _amount(ns, balance, "Amt")
            if amount is None:
                return None
            return _signed(amount, ns.text(balance, "CdtDbtInd"), int(balance.sourceline or 0))
    return None


def parse_camt053(data: bytes) -> list[StatementLine]:
    """Every booked movement of a CAMT.053 file, statement by statement, in file order."""
    errors = LineErrors("CAMT.053 statement")
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        errors.fail(exc.lineno or 0, f"not well-formed XML: {exc.msg}")
    uri = etree.QName(root).namespace or ""
    if etree.QName(root).localname != "Document" or not NAMESPACE.match(uri):
        errors.fail(
            int(root.sourceline or 1),
            f"not a CAMT.053 document (namespace {uri or 'none'!r}, "
            "expected urn:iso:std:iso:20022:tech:xsd:camt.053.001.NN)",
        )
    ns = _Ns(uri)
    lines: list[StatementLine] = []
    statements = ns.findall(root, "BkToCstmrStmt/Stmt")
    if not statements:
        errors.add(int(root.sourceline or 1), "no statement (BkToCstmrStmt/Stmt) in the file")
    for statement in statements:
        account = ns.text(statement, "Acct/Id/IBAN", "Acct/Id/Othr/Id").replace(" ", "")
        if not account:
            errors.add(int(statement.sourceline or 0), "a statement without its account (Acct/Id)")
            continue
        currency = ns.text(statement, "Acct/Ccy") or "EUR"
        booked: list[StatementLine] = []
        for entry in ns.findall(statement, "Ntry"):
            status = ns.text(entry, "Sts/Cd", "Sts")
            if status != BOOKED:
                continue
            try:
                booked += _entry_lines(ns, entry, account, currency)
            except CamtError as exc:
                errors.add(exc.line, str(exc))
        try:
            opening = _balance(ns, statement, OPENING)
            closing = _balance(ns, statement, (CLOSING,))
        except CamtError as exc:
            errors.add(exc.line, str(exc))
            opening = closing = None
        if opening is not None and closing is not None:
            moved = sum((ln.amount for ln in booked), Decimal(0))
            if cents(opening + moved) != cents(closing):
                errors.add(
                    int(statement.sourceline or 0),
                    f"the booked entries ({moved}) do not take the opening balance ({opening}) "
                    f"to the closing one ({closing}): the statement is incomplete",
                )
        lines += booked
    errors.raise_if_any()
    return with_fingerprints(lines)

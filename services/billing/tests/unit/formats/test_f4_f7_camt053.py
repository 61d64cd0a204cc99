"""F4, F7: bank statements imported from ISO 20022 CAMT.053 (001.02 and 001.08)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from billing.formats.camt import parse_camt053
from shared.errors import InvalidInput

V02 = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"


def document(entries: str, *, ns: str = V02, balances: str = "") -> bytes:
    return f"""<?xml version="1.0"?>
<Document xmlns="{ns}"><BkToCstmrStmt><GrpHdr><MsgId>1</MsgId></GrpHdr><Stmt>
<Acct><Id><IBAN>FR76 3000 4001 2300 0123 4567 843</IBAN></Id></Acct>{balances}{entries}
</Stmt></BkToCstmrStmt></Document>""".encode()


def entry(
    amount: str,
    indicator: str = "CRDT",
    details: str = "",
    ref: str = "R1",
    status: str = "<Sts>BOOK</Sts>",
) -> str:
    return (
        f'<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>{indicator}</CdtDbtInd>{status}'
        f"<BookgDt><Dt>2025-03-04</Dt></BookgDt><AcctSvcrRef>{ref}</AcctSvcrRef>"
        f"<NtryDtls>{details}</NtryDtls></Ntry>"
    )


def test_f7_camt053_v02_sample_with_a_batched_entry(sample: type) -> None:
    lines = parse_camt053(sample.read("releve-camt053-v02.xml"))
    assert [(ln.amount, ln.bank_reference) for ln in lines] == [
        (Decimal("100.00"), "25063000123456"),
        (Decimal("100.00"), "25063000123457-1"),
        (Decimal("150.00"), "25063000123457-2"),
        (Decimal("250.00"), "25063000123457-3"),
        (Decimal("-25.00"), "25063000123458"),
    ]
    assert {ln.account for ln in lines} == {"FR7630004001230001234567843"}
    assert {ln.booked_on for ln in lines} == {date(2025, 3, 4)}
    single, hotel, oree, cio, fees = lines
    assert single.label.startswith("Facture FA-2025-00021")
    assert single.counterparty == "COMMUNE DE MERIGNAC"
    assert "FA 2025 00022" in hotel.label
    assert oree.label.startswith("FA-2025-00023")  # Strd/CdtrRefInf/Ref
    assert cio.label.startswith("Location auditorium mars 2025")  # every Ustrd
    assert fees.counterparty is None


def test_f7_camt053_pending_entries_are_not_imported(sample: type) -> None:
    lines = parse_camt053(sample.read("releve-camt053-v02.xml"))
    assert all("EN COURS" not in ln.label for ln in lines)


def test_f7_camt053_v08_sample(sample: type) -> None:
    lines = parse_camt053(sample.read("releve-camt053-v08.xml"))
    assert [(ln.amount, ln.bank_reference) for ln in lines[:2]] == [
        (Decimal("200.00"), "8832001/1"),
        (Decimal("100.00"), "8832001/2"),
    ]
    assert lines[0].booked_on == date(2025, 3, 5)  # BookgDt/DtTm
    assert lines[0].counterparty == "MISSION LOCALE DU LIBOURNAIS"  # Dbtr/Pty/Nm
    assert lines[0].label == "fa-2025-00030"
    returned = lines[2]
    assert returned.amount == Decimal("-40.00")
    assert returned.reference_is_fingerprint  # no AcctSvcrRef at all


def test_f4_camt053_same_file_twice_same_references(sample: type) -> None:
    data = sample.read("releve-camt053-v08.xml")
    assert parse_camt053(data) == parse_camt053(data)


def test_f7_camt053_batch_parts_must_add_up_to_the_entry() -> None:
    parts = (
        "<TxDtls><AmtDtls><TxAmt><Amt Ccy='EUR'>10.00</Amt></TxAmt></AmtDtls></TxDtls>"
        "<TxDtls><AmtDtls><TxAmt><Amt Ccy='EUR'>20.00</Amt></TxAmt></AmtDtls></TxDtls>"
    )
    with pytest.raises(InvalidInput) as caught:
        parse_camt053(document(entry("40.00", details=parts)))
    assert "add up to 30.00" in caught.value.extra["errors"][0]["error"]


def test_f7_camt053_batch_without_part_amounts_is_one_line() -> None:
    parts = "<TxDtls><RmtInf><Ustrd>FA-2025-1</Ustrd></RmtInf></TxDtls>" * 2
    lines = parse_camt053(document(entry("40.00", details=parts)))
    assert len(lines) == 1
    assert lines[0].amount == Decimal("40.00")


def test_f7_camt053_balances_must_match_the_booked_entries() -> None:
    balances = (
        "<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy='EUR'>10.00</Amt>"
        "<CdtDbtInd>DBIT</CdtDbtInd></Bal>"
        "<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy='EUR'>30.00</Amt>"
        "<CdtDbtInd>CRDT</CdtDbtInd></Bal>"
    )
    ok = parse_camt053(document(entry("40.00"), balances=balances))
    assert ok[0].account == "FR7630004001230001234567843"
    with pytest.raises(InvalidInput):
        parse_camt053(document(entry("41.00"), balances=balances))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<Document", "not well-formed"),
        (b"<Document xmlns='urn:iso:std:iso:20022:tech:xsd:camt.054.001.02'/>", "not a CAMT.053"),
        (document(entry("abc")), "not a number"),
        (document(entry("10.00", indicator="XX")), "neither CRDT nor DBIT"),
        (
            document("<Ntry><Amt>1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts></Ntry>"),
            "booking date",
        ),
    ],
)
def test_f7_camt053_unreadable_files_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_camt053(data)
    assert message in caught.value.detail


def test_f7_camt053_entities_are_never_expanded() -> None:
    data = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        + document(
            entry("10.00", details="<TxDtls><RmtInf><Ustrd>&x;</Ustrd></RmtInf></TxDtls>")
        ).split(b"?>", 1)[1]
    )
    lines = parse_camt053(data)
    assert "root" not in lines[0].label

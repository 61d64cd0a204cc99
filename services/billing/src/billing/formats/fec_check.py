"""F7: checking a Fichier des Écritures Comptables (art. A47 A-1 of the LPF) before it leaves.

What is checked, in the administration's terms:

- the file name ``{SIREN}FEC{AAAAMMJJ}`` (the closing date of the fiscal year), ``.txt`` or not;
- the header: the 18 columns, in order, with their exact names; one separator, the pipe or
  the tab, used for nothing else; 18 cells on every line;
- the mandatory cells filled (journal, entry number and date, account, piece, label,
  validation date); dates ``AAAAMMJJ``; ``Debit`` and ``Credit`` with a comma decimal, one of
  them zero; an auxiliary account with its label; a currency amount with its currency;
- each entry (``EcritureNum``) on consecutive lines, in one journal on one date, balanced;
  entries in the order of their validation (``ValidDate``), numbered without gap in each
  numbering series (``VE000001``...); none dated after the closing date;
- lettering: ``EcritureLet`` and ``DateLet`` together, ``DateLet`` not before the entry, and
  the lines of one lettering code on one account balanced.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

from shared.errors import RuleViolated

COLUMNS: tuple[str, ...] = (
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "CompAuxNum",
    "CompAuxLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "EcritureLet",
    "DateLet",
    "ValidDate",
    "Montantdevise",
    "Idevise",
)
MANDATORY = (
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "ValidDate",
)
SEPARATORS = ("|", "\t")
FILE_NAME = re.compile(r"^(\d{9})FEC(\d{8})(\.txt)?$")
AMOUNT = re.compile(r"^-?\d+(,\d{1,2})?$")
MAX_REPORTED = 100


@dataclass(frozen=True)
class FecProblem:
    line: int
    problem: str


@lru_cache(maxsize=8192)
def _date(text: str) -> date | None:
    """``AAAAMMJJ`` as a date (a year's file holds a few hundred distinct ones: cached)."""
    if not (len(text) == 8 and text.isascii() and text.isdigit()):
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def _amount(text: str) -> Decimal | None:
    return Decimal(text.replace(",", ".")) if AMOUNT.match(text) else None


def closing_date_of(file_name: str) -> date | None:
    match = FILE_NAME.match(file_name)
    return _date(match.group(2)) if match else None


@dataclass
class _Entry:
    first_line: int
    last_line: int
    journal: str
    on: date | None
    debit: Decimal = Decimal(0)
    credit: Decimal = Decimal(0)
    validated: date | None = None


def fec_problems(text: str, file_name: str | None = None) -> list[FecProblem]:
    """Everything wrong with a FEC's text (and name, if given); empty when it is sound."""
    problems: list[FecProblem] = []

    def add(line: int, problem: str) -> None:
        problems.append(FecProblem(line, problem))

    closing: date | None = None
    if file_name is not None:
        closing = closing_date_of(file_name)
        if closing is None:
            add(0, f"the file name {file_name!r} is not {{SIREN}}FEC{{AAAAMMJJ}}")
    lines = text.lstrip("\ufeff").splitlines()
    if not lines:
        return [*problems, FecProblem(1, "the file is empty")]
    header = lines[0]
    separator = next((s for s in SEPARATORS if s in header), None)
    if separator is None or header.split(separator) != list(COLUMNS):
        add(
            1,
            "the header is not the 18 columns JournalCode ... Idevise, in order, "
            "separated by | or tab",
        )
        return problems
    other = next(s for s in SEPARATORS if s != separator)
    entries: dict[str, _Entry] = {}
    order: list[str] = []
    letters: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    letter_lines: dict[tuple[str, str, str], int] = {}
    last_key: str | None = None
    for number, raw in enumerate(lines[1:], start=2):
        if not raw.strip():
            continue
        cells = raw.split(separator)
        if len(cells) != len(COLUMNS):
            add(number, f"{len(cells)} cells, not 18 (a {separator!r} inside a cell?)")
            continue
        row = dict(zip(COLUMNS, cells, strict=True))
        if other in raw:  # the line is split on one separator: the other is in a cell
            add(number, "the other separator appears in a cell")
        for name in MANDATORY:
            if not row[name].strip():
                add(number, f"{name} is empty")
        dates = {}
        for name in ("EcritureDate", "PieceDate", "ValidDate", "DateLet"):
            if row[name] or name != "DateLet":
                dates[name] = _date(row[name])
                if dates[name] is None and row[name]:
                    add(number, f"{name} {row[name]!r} is not a date AAAAMMJJ")
        debit, credit = _amount(row["Debit"]), _amount(row["Credit"])
        if debit is None or credit is None:
            add(number, "Debit and Credit are amounts with a comma decimal (1234,56)")
            debit, credit = debit or Decimal(0), credit or Decimal(0)
        elif debit and credit:
            add(number, "a line is a debit or a credit, not both")
        if bool(row["CompAuxNum"]) != bool(row["CompAuxLib"]):
            add(number, "CompAuxNum and CompAuxLib go together")
        if bool(row["Montantdevise"]) != bool(row["Idevise"]):
            add(number, "Montantdevise and Idevise go together")
        on = dates.get("EcritureDate")
        if closing and on and on > closing:
            add(number, f"entry dated {on:%Y%m%d}, after the closing date {closing:%Y%m%d}")
        key = row["EcritureNum"]
        entry = entries.get(key)
        if entry is None:
            entry = entries[key] = _Entry(number, number, row["JournalCode"], on)
            order.append(key)
        else:
            if last_key != key:
                add(number, f"the lines of entry {key} are not consecutive")
            if (entry.journal, entry.on) != (row["JournalCode"], on):
                add(number, f"entry {key} spans several journals or dates")
            entry.last_line = number
        last_key = key
        entry.debit += debit
        entry.credit += credit
        validated = dates.get("ValidDate")
        if validated and (entry.validated is None or validated > entry.validated):
            entry.validated = validated
        if bool(row["EcritureLet"]) != bool(row["DateLet"]):
            add(number, "EcritureLet and DateLet go together")
        elif row["EcritureLet"]:
            lettered_on = dates.get("DateLet")
            if lettered_on and on and lettered_on < on:
                add(number, f"lettered on {row['DateLet']}, before the entry's date")
            account = (row["CompteNum"], row["CompAuxNum"], row["EcritureLet"])
            letters[account] += debit - credit
            letter_lines.setdefault(account, number)
    for key in order:
        entry = entries[key]
        if entry.debit != entry.credit:
            add(
                entry.first_line,
                f"entry {key} does not balance (debit {entry.debit}, credit {entry.credit})",
            )
    previous: date | None = None
    counters: dict[str, list[int]] = defaultdict(list)
    for key in order:
        entry = entries[key]
        if entry.validated and previous and entry.validated < previous:
            add(entry.first_line, f"entry {key} was validated before the entry above it")
        previous = entry.validated or previous
        digits = re.search(r"(\d+)$", key)
        if digits:
            counters[key[: digits.start()]].append(int(digits.group(1)))
    for prefix, numbers in sorted(counters.items()):
        if sorted(numbers) != list(range(min(numbers), min(numbers) + len(numbers))):
            add(0, f"the entries numbered {prefix or ''}... have gaps")
    for (compte, aux, letter), balance in sorted(letters.items()):
        if balance:
            add(
                letter_lines[(compte, aux, letter)],
                f"lettering {letter} on {compte} {aux} does not balance ({balance})",
            )
    return problems


def check_fec(text: str, file_name: str | None = None) -> None:
    """F7: refuse a FEC the administration would refuse, naming every problem."""
    problems = fec_problems(text, file_name)
    if problems:
        first = problems[0]
        where = f"line {first.line}: " if first.line else ""
        raise RuleViolated(
            "F7",
            f"The FEC is not valid: {where}{first.problem}"
            + (f" ({len(problems)} problems in all)." if len(problems) > 1 else "."),
            problems=[{"line": p.line, "problem": p.problem} for p in problems[:MAX_REPORTED]],
            problem_count=len(problems),
        )

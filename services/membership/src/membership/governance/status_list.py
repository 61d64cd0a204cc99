"""Revocation of the open badges (M11) through a W3C Bitstring Status List, written with the
standard library.

The list is a bitstring, one bit a badge (bit 0 is the most significant bit of the first byte),
a set bit meaning revoked. It is published GZIP-compressed and base64url-encoded without
padding, with the multibase prefix ``u`` (``encodedList``), inside a status list credential
that the issuer signs like its badges. Its size is at least 131,072 entries and each badge gets
a random free index, so that the list tells nothing of how many badges were awarded or in which
order (the specification's herd privacy). A revoked bit is never cleared: revocation is final,
and a badge awarded again is a new credential with a new index.
"""

from __future__ import annotations

import base64
import gzip
import random
import zlib
from collections.abc import Collection, Iterable
from datetime import UTC, datetime
from typing import Any

from shared.errors import Conflict

STATUS_PURPOSE = "revocation"
#: Refuse to inflate a list larger than this (16 MiB of bits): a published list is small.
MAX_DECODED_BYTES = 16 * 1024 * 1024
VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"


def utc_timestamp(moment: datetime) -> str:
    """An RFC 3339 UTC date-time to the second, as credentials carry them."""
    if moment.tzinfo is None:
        raise ValueError("a credential's dates are aware date-times")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_utc_timestamp(text: str) -> datetime:
    """The aware date-time of an RFC 3339 timestamp (``Z`` or an offset)."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no time zone")
    return moment


class StatusListError(ValueError):
    """An ``encodedList`` that is not a Bitstring Status List."""


def encode(revoked: Iterable[int], size: int) -> str:
    """The ``encodedList`` of a list of ``size`` entries where ``revoked`` are set."""
    if size <= 0 or size % 8:
        raise ValueError(f"a status list has a positive multiple of 8 entries, not {size}")
    bits = bytearray(size // 8)
    for index in revoked:
        if not 0 <= index < size:
            raise ValueError(f"status index {index} is outside a list of {size}")
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), compresslevel=9, mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def decode(encoded: str) -> bytes:
    """The bitstring of an ``encodedList``."""
    if not encoded.startswith("u"):
        raise StatusListError("an encodedList is multibase base64url: it starts with 'u'")
    text = encoded[1:]
    try:
        compressed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        bits = inflater.decompress(compressed, MAX_DECODED_BYTES)
    except (ValueError, zlib.error) as error:
        raise StatusListError(
            f"the encodedList is not a GZIP-compressed bitstring: {error}"
        ) from None
    if inflater.unconsumed_tail or not inflater.eof:
        raise StatusListError("the encodedList is truncated or larger than a status list may be")
    return bits


def is_set(bits: bytes, index: int) -> bool:
    if not 0 <= index < len(bits) * 8:
        raise StatusListError(f"status index {index} is outside a list of {len(bits) * 8}")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def allocate_index(taken: Collection[int], size: int, rng: random.Random) -> int:
    """A random free index of the list (the caller keeps indexes unique, e.g. a unique column)."""
    if len(taken) >= size:
        raise Conflict(f"The badge status list is full ({size} entries): enlarge it.")
    while True:
        index = rng.randrange(size)
        if index not in taken:
            return index


def status_entry(list_url: str, index: int) -> dict[str, Any]:
    """The ``credentialStatus`` of a badge: where its bit is."""
    return {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": STATUS_PURPOSE,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def status_list_credential(
    *, issuer_id: str, list_url: str, encoded_list: str, valid_from: datetime
) -> dict[str, Any]:
    """The (unsigned) status list credential published at ``list_url``."""
    return {
        "@context": [VC_CONTEXT],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id,
        "validFrom": utc_timestamp(valid_from),
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": STATUS_PURPOSE,
            "encodedList": encoded_list,
        },
    }

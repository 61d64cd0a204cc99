"""M11: revocation through a Bitstring Status List (GZIP, base64url, multibase ``u``)."""

from __future__ import annotations

import base64
import gzip
import random

import pytest
from pydantic import ValidationError

from membership.governance.settings import MIN_STATUS_LIST_SIZE, GovernanceSettings
from membership.governance.status_list import (
    StatusListError,
    allocate_index,
    decode,
    encode,
    is_set,
    status_entry,
)
from shared.errors import Conflict


def test_m11_the_list_round_trips_and_bit_zero_is_the_first_bytes_high_bit() -> None:
    encoded = encode({0, 9, 131071}, MIN_STATUS_LIST_SIZE)
    assert encoded.startswith("u")
    assert "=" not in encoded
    bits = decode(encoded)
    assert len(bits) == MIN_STATUS_LIST_SIZE // 8 == 16384
    assert bits[0] == 0x80
    assert bits[1] == 0x40
    assert bits[-1] == 0x01
    assert [i for i in (0, 1, 8, 9, 10, 131070, 131071) if is_set(bits, i)] == [0, 9, 131071]
    raw = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert raw == bits


def test_m11_the_same_revocations_give_the_same_list() -> None:
    assert encode([5, 3], 1024) == encode({3, 5}, 1024)
    assert encode([], 1024) != encode([3], 1024)


def test_m11_the_list_is_at_least_the_specifications_minimum() -> None:
    assert GovernanceSettings().badge_status_list_size == 131072
    with pytest.raises(ValidationError):
        GovernanceSettings(badge_status_list_size=1024)
    with pytest.raises(ValueError, match="multiple of 8"):
        encode([], 1001)
    with pytest.raises(ValueError, match="outside"):
        encode([1024], 1024)


def test_m11_a_malformed_list_is_refused() -> None:
    with pytest.raises(StatusListError):
        decode("H4sIAAAAAAAA")  # no multibase prefix
    with pytest.raises(StatusListError):
        decode("u!!!not-base64")
    with pytest.raises(StatusListError):
        decode("u" + base64.urlsafe_b64encode(b"not gzip").decode().rstrip("="))
    bomb = gzip.compress(bytes(17 * 1024 * 1024), mtime=0)
    with pytest.raises(StatusListError, match="larger"):
        decode("u" + base64.urlsafe_b64encode(bomb).decode().rstrip("="))
    with pytest.raises(StatusListError):
        is_set(bytes(2), 16)


def test_m11_each_badge_gets_a_random_free_index() -> None:
    rng = random.Random(20260612)
    taken: set[int] = set()
    for _ in range(200):
        index = allocate_index(taken, 256, rng)
        assert index not in taken
        taken.add(index)
    assert max(taken) > 200  # spread over the list, not in order of award
    with pytest.raises(Conflict):
        allocate_index(set(range(8)), 8, rng)


def test_m11_a_badge_points_at_its_bit() -> None:
    entry = status_entry("https://www.cap-metiers.pro/badges/status/revocation", 42)
    assert entry == {
        "id": "https://www.cap-metiers.pro/badges/status/revocation#42",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "42",
        "statusListCredential": "https://www.cap-metiers.pro/badges/status/revocation",
    }

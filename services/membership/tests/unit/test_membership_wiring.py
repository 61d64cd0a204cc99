"""The worker runs the lapse scheduler (M4) with the runtime's clock; the service starts with a
key to sign the open badges (M11), or refuses to in production."""

from __future__ import annotations

import argparse
import asyncio
import logging
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.rsa import generate_private_key
from pydantic import SecretStr

from membership.badge_keys import BADGE_KEY_COMMAND, MissingBadgeKey
from membership.governance.credentials import load_signing_key, signing_key_pem
from membership.governance.settings import GovernanceSettings
from membership.service import LAPSE_INTERVAL_S, build_runtime
from membership.settings import MembershipSettings
from shared.clock import FixedClock


def test_m4_worker_runs_the_lapse_scheduler_hourly_on_the_injected_clock() -> None:
    clock = FixedClock(datetime(2026, 2, 16, 0, 5, tzinfo=UTC))
    runtime = build_runtime(MembershipSettings(), clock)
    assert [job.__name__ for job in runtime.background_jobs] == [
        f"every_{LAPSE_INTERVAL_S}s_lapse_memberships"
    ]
    assert runtime.clock is clock
    assert runtime.uow().clock is clock
    assert {q.name.rsplit(".", 1)[-1] for q in runtime.topology.queues} == {
        "on_invoice_paid",
        "on_credit_note_issued",
        "on_attendance_recorded",
    }


def test_m11_the_badge_key_command_prints_a_new_ed25519_key(capsys) -> None:
    runtime = build_runtime(MembershipSettings())
    assert "badge-key" in {c.name for c in runtime.commands}
    assert asyncio.run(BADGE_KEY_COMMAND.run(runtime, argparse.Namespace())) == 0
    printed = capsys.readouterr().out
    key = serialization.load_pem_private_key(printed.encode(), password=None)
    assert isinstance(key, Ed25519PrivateKey)
    assert asyncio.run(BADGE_KEY_COMMAND.run(runtime, argparse.Namespace())) == 0
    assert capsys.readouterr().out != printed


def test_m11_production_refuses_to_start_without_a_badge_key() -> None:
    with pytest.raises(MissingBadgeKey, match="GOVERNANCE_BADGE_SIGNING_KEY"):
        build_runtime(MembershipSettings(platform_environment="production"))


def test_m11_development_signs_with_an_ephemeral_key_and_says_so(caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="membership.badge_keys"):
        first = build_runtime(MembershipSettings())
    assert "ephemeral" in caplog.text
    second = build_runtime(MembershipSettings())
    keys = [r.settings.governance.badge_signing_key for r in (first, second)]
    assert all(k is not None for k in keys)
    assert keys[0] != keys[1]
    assert isinstance(load_signing_key(first.settings.governance), Ed25519PrivateKey)


def test_m11_a_configured_badge_key_is_kept_and_checked_at_start() -> None:
    pem = signing_key_pem(Ed25519PrivateKey.generate())
    governance = GovernanceSettings(badge_signing_key=SecretStr(pem))
    settings = MembershipSettings(platform_environment="production", governance=governance)
    kept = build_runtime(settings).settings.governance.badge_signing_key
    assert kept is not None
    assert kept.get_secret_value() == pem
    rsa = generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    wrong = GovernanceSettings(badge_signing_key=SecretStr(rsa.decode()))
    with pytest.raises(ValueError, match="Ed25519"):
        build_runtime(MembershipSettings(governance=wrong))

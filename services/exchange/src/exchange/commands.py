"""The operator's partner commands: ``python -m exchange partner {add,remove,list,replay}``.

- ``add NAME``: the partner's user (a new password), its permissions, its queue; prints what
  the partner needs (``--json`` for a script). Run again, it gives the partner a new password.
- ``remove NAME``: its user and its queue go.
- ``list``: the partners of this namespace.
- ``replay NAME --since T [--until T]``: the partner events written from ``T`` on, sent again
  to that partner's queue only, from the exchange service's outbox (kept
  ``OUTBOX_RETENTION_DAYS``): for a partner that was away longer than its queue keeps messages.
  They keep their ``message_id``: what the partner already has, it drops as a duplicate.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import sys
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import aio_pika
import asyncpg
from aiormq.exceptions import ChannelNotFoundEntity

from exchange.partners import (
    PartnerAccess,
    PartnerError,
    PartnerNames,
    Rabbitmqctl,
    check_name,
    declare_queue,
    delete_queue,
    partner_url,
    vhost_of,
)
from exchange.settings import ExchangeSettings
from shared.db import to_sync_url
from shared.messaging.relay import PUBLISH_TIMEOUT_S, build_message
from shared.runtime import Command, ServiceRuntime, UsageError

_REPLAYED = """
SELECT id, routing_key, event_type, payload::text AS payload,
       payload->>'correlation_id' AS correlation_id,
       payload->>'occurred_at' AS occurred_at
FROM outbox
WHERE created_at >= $1 AND created_at < $2
ORDER BY created_at, id
"""
#: Messages sent at once during a replay (each confirmed by the broker).
REPLAY_BATCH = 500


def _arguments(parser: argparse.ArgumentParser) -> None:
    commands = parser.add_subparsers(dest="partner_command", required=True)
    add = commands.add_parser("add", help="create (or give a new password to) a partner")
    add.add_argument("name")
    add.add_argument("--json", action="store_true", help="print the access as JSON")
    remove = commands.add_parser("remove", help="remove a partner's user and queue")
    remove.add_argument("name")
    commands.add_parser("list", help="the partners of this namespace")
    replay = commands.add_parser("replay", help="send a partner the events of a period again")
    replay.add_argument("name")
    replay.add_argument("--since", required=True, type=_instant, help="ISO 8601, e.g. 2026-03-01")
    replay.add_argument("--until", type=_instant, default=None, help="ISO 8601 (default: now)")


def _instant(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO 8601 date or time") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _settings(runtime: ServiceRuntime[Any, Any]) -> ExchangeSettings:
    settings = runtime.settings
    assert isinstance(settings, ExchangeSettings)
    return settings


def broker_address(settings: ExchangeSettings) -> str:
    """The broker as partners reach it: ``EXCHANGE_PARTNER_BROKER_URL``, else the platform's
    ``RABBITMQ_URL`` without its credentials."""
    if settings.partner_broker_url:
        return settings.partner_broker_url
    parts = urlsplit(settings.rabbitmq_url)
    netloc = parts.hostname or "127.0.0.1"
    if parts.port is not None:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path or "/", "", ""))


async def add_partner(settings: ExchangeSettings, name: str) -> PartnerAccess:
    names = PartnerNames(settings.rabbitmq_namespace, check_name(name))
    vhost = vhost_of(settings.rabbitmq_url)
    password = secrets.token_urlsafe(24)
    await declare_queue(settings.rabbitmq_url, names, settings.partner_queue_ttl_days)
    await Rabbitmqctl(settings.rabbitmqctl).put_user(
        names.user, password, vhost, names.read_pattern
    )
    return PartnerAccess(
        partner=names.partner,
        user=names.user,
        password=password,
        vhost=vhost,
        queue=names.queue,
        exchange=names.exchange,
        url=partner_url(broker_address(settings), names.user, password),
    )


async def remove_partner(settings: ExchangeSettings, name: str) -> bool:
    names = PartnerNames(settings.rabbitmq_namespace, check_name(name))
    removed = await Rabbitmqctl(settings.rabbitmqctl).delete_user(names.user)
    await delete_queue(settings.rabbitmq_url, names)
    return removed


async def list_partners(settings: ExchangeSettings) -> list[str]:
    prefix = f"{settings.rabbitmq_namespace}.partner."
    users = await Rabbitmqctl(settings.rabbitmqctl).users()
    return sorted(user[len(prefix) :] for user in users if user.startswith(prefix))


async def replay(
    settings: ExchangeSettings, name: str, since: datetime, until: datetime | None = None
) -> int:
    """Send the partner events written in [since, until) to the partner's queue; returns how
    many. Each is confirmed by the broker; the queue must exist (``mandatory``)."""
    names = PartnerNames(settings.rabbitmq_namespace, check_name(name))
    end = until or datetime.now(UTC)
    db = await asyncpg.connect(to_sync_url(settings.database_url))
    try:
        rows = await db.fetch(_REPLAYED, since, end)
    finally:
        await db.close()
    connection = await aio_pika.connect(settings.rabbitmq_url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True, on_return_raises=True)
        try:
            await channel.declare_queue(names.queue, passive=True)
        except ChannelNotFoundEntity:
            raise PartnerError(f"partner {name} has no queue: add it first") from None
        for start in range(0, len(rows), REPLAY_BATCH):
            await asyncio.gather(
                *(
                    channel.default_exchange.publish(
                        build_message(row, "exchange"),
                        routing_key=names.queue,
                        mandatory=True,
                        timeout=PUBLISH_TIMEOUT_S,
                    )
                    for row in rows[start : start + REPLAY_BATCH]
                )
            )
    return len(rows)


async def _run(runtime: ServiceRuntime[Any, Any], args: argparse.Namespace) -> int:
    settings = _settings(runtime)
    try:
        if args.partner_command == "add":
            access = await add_partner(settings, args.name)
            print(access.as_json() if args.json else access.as_text())
        elif args.partner_command == "remove":
            removed = await remove_partner(settings, args.name)
            print(f"partner {args.name} removed" if removed else f"no partner {args.name}")
        elif args.partner_command == "list":
            for partner in await list_partners(settings):
                print(partner)
        else:
            if args.until is not None and args.until <= args.since:
                raise UsageError("--until must come after --since")
            sent = await replay(settings, args.name, args.since, args.until)
            print(f"{sent} partner event(s) sent again to {args.name}")
    except PartnerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


PARTNER_COMMAND = Command(
    name="partner",
    help="add, remove, list partners; replay a partner's events",
    add_arguments=_arguments,
    run=_run,
)

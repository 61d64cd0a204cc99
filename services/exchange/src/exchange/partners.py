"""A partner's access to the broker: its user, its permissions and its queue.

Each partner has one RabbitMQ user and one durable quorum queue of the same name,
``<ns>.partner.<name>``, bound to the partner exchange ``<ns>.partners`` with ``#``. Its
permissions let it read that queue and nothing else: configure ``^$`` (it declares nothing, its
queue is declared here), write ``^$`` (it publishes and binds nothing), read its queue only.
So it cannot touch the platform's exchange ``<ns>.events``, its journal, a service's queue, nor
another partner's queue: the broker refuses (``ACCESS_REFUSED``).

The user and its permissions are made with ``rabbitmqctl import_definitions`` (the password
travels as its salted SHA-256 hash, on standard input, never on a command line); the queue and
its binding with the platform's own AMQP connection. ``rabbitmqctl`` is the one tool present
wherever RabbitMQ runs (on the node, in its container or pod: ``EXCHANGE_RABBITMQCTL``); the
management plugin is not enabled on every broker.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import re
import secrets
import shlex
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import aio_pika

from shared.messaging.topology import PARTNERS, Topology

#: A partner's name: lower case letters, digits and hyphens (it is part of AMQP names).
NAME = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")
HASHING = "rabbit_password_hashing_sha256"


class PartnerError(Exception):
    """A partner command that cannot be done (a bad name, ``rabbitmqctl`` failing)."""


def check_name(name: str) -> str:
    if not NAME.fullmatch(name):
        raise PartnerError(
            f"{name!r} is not a partner name: 2 to 40 of a-z, 0-9 and '-', "
            "starting and ending with a letter or digit"
        )
    return name


def password_hash(password: str, salt: bytes | None = None) -> str:
    """RabbitMQ's ``rabbit_password_hashing_sha256``: base64(salt + SHA-256(salt + password)),
    with a 4-byte salt."""
    salt = salt if salt is not None else secrets.token_bytes(4)
    digest = hashlib.sha256(salt + password.encode()).digest()
    return base64.b64encode(salt + digest).decode()


def vhost_of(amqp_url: str) -> str:
    """The virtual host an AMQP URL names (an empty path is ``/``)."""
    path = urlsplit(amqp_url).path
    return unquote(path[1:]) if len(path) > 1 else "/"


@dataclass(frozen=True)
class PartnerAccess:
    """What a partner needs to connect: ``partner add`` prints it."""

    partner: str
    user: str
    password: str
    vhost: str
    queue: str
    exchange: str
    url: str

    def as_json(self) -> str:
        return json.dumps(asdict(self), indent=2)

    def as_text(self) -> str:
        return "\n".join(
            [
                f"partner   {self.partner}",
                f"user      {self.user}",
                f"password  {self.password}",
                f"vhost     {self.vhost}",
                f"queue     {self.queue}   (bound to {self.exchange} with #)",
                f"url       {self.url}",
                "document  docs/asyncapi/partners.yaml "
                "(also GET /partners/asyncapi.json on the exchange API)",
                "Give these to the partner over a secure channel; the password is not kept.",
            ]
        )


@dataclass(frozen=True)
class PartnerNames:
    """The names of a partner's user and queue in one namespace."""

    namespace: str
    partner: str

    @property
    def user(self) -> str:
        return f"{self.namespace}.partner.{self.partner}"

    @property
    def queue(self) -> str:
        return f"{self.namespace}.partner.{self.partner}"

    @property
    def exchange(self) -> str:
        return Topology(self.namespace, exchange_kind=PARTNERS).exchange

    @property
    def read_pattern(self) -> str:
        return f"^{re.escape(self.queue)}$"


class Rabbitmqctl:
    """Runs ``rabbitmqctl`` (or the command that reaches it: ``docker exec``, ``kubectl exec``)."""

    def __init__(self, command: str | Sequence[str]) -> None:
        self._command = shlex.split(command) if isinstance(command, str) else list(command)

    async def run(self, *args: str, stdin: bytes | None = None) -> str:
        try:
            process = await asyncio.create_subprocess_exec(
                *self._command,
                *args,
                stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
        except OSError as exc:
            raise PartnerError(f"cannot run {shlex.join(self._command)}: {exc}") from exc
        out, err = await process.communicate(stdin)
        if process.returncode != 0:
            message = (err or out).decode(errors="replace").strip()
            command = next((a for a in args if not a.startswith("-")), "")
            raise PartnerError(f"rabbitmqctl {command} failed: {message}")
        return out.decode()

    async def put_user(self, user: str, password: str, vhost: str, read: str) -> None:
        """Create the user (or set its new password) with its permissions, in one import."""
        definitions = {
            "users": [
                {
                    "name": user,
                    "password_hash": password_hash(password),
                    "hashing_algorithm": HASHING,
                    "tags": [],
                }
            ],
            "permissions": [
                {"user": user, "vhost": vhost, "configure": "^$", "write": "^$", "read": read}
            ],
        }
        # no file: the definitions come on standard input (every release since 3.8)
        await self.run(
            "-q", "import_definitions", "--format", "json", stdin=json.dumps(definitions).encode()
        )

    async def delete_user(self, user: str) -> bool:
        """Delete the user; False if there was none."""
        try:
            await self.run("-q", "delete_user", user)
        except PartnerError as exc:
            if "no_such_user" in str(exc) or "does not exist" in str(exc):
                return False
            raise
        return True

    async def users(self) -> list[str]:
        listed: list[dict[str, Any]] = json.loads(
            await self.run("-q", "list_users", "--formatter", "json") or "[]"
        )
        return [str(entry["user"]) for entry in listed]


def queue_arguments(ttl_days: int) -> dict[str, Any]:
    """A partner's queue: quorum (replicated), messages older than ``ttl_days`` dropped."""
    return {"x-queue-type": "quorum", "x-message-ttl": ttl_days * 86_400_000}


async def declare_queue(amqp_url: str, names: PartnerNames, ttl_days: int) -> None:
    """The partner exchange, the partner's queue and its binding (idempotent)."""
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        exchange = await channel.declare_exchange(
            names.exchange, aio_pika.ExchangeType.TOPIC, durable=True
        )
        queue = await channel.declare_queue(
            names.queue, durable=True, arguments=queue_arguments(ttl_days)
        )
        await queue.bind(exchange, routing_key="#")


async def delete_queue(amqp_url: str, names: PartnerNames) -> None:
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        await channel.queue_delete(names.queue)


def partner_url(broker_url: str, user: str, password: str) -> str:
    """``broker_url`` (the broker as partners reach it) with the partner's credentials."""
    parts = urlsplit(broker_url)
    host = parts.hostname or "127.0.0.1"
    netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{host}"
    if parts.port is not None:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path or "/", "", ""))

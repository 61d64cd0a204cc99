"""Names and declarations of the exchanges and queues, the same for every service.

- one durable topic exchange ``<ns>.events``, routing key ``<aggregate>.<event>.v<major>``;
- one durable quorum queue per consuming handler, ``<ns>.<service>.<handler>``;
- per handler queue: retry queues ``<queue>.retry.<delay>ms`` (TTL, then dead-lettered back
  through the default exchange) and a ``<queue>.dlq`` fed through ``<ns>.dlx``;
- ``<ns>.journal``: a bounded queue bound to ``#`` that keeps a copy of every event, so an event
  that no service consumes yet is still routable (an unroutable publish is an error);
- the partner exchange ``<ns>.partners`` (topic), where the exchange service publishes the
  partner events, with its own journal ``<ns>.partners.journal``; each partner's queue
  ``<ns>.partner.<name>`` is bound to it (``services/exchange``).

Every queue is a quorum queue, named so in its own arguments (``x-queue-type``) rather than left
to the virtual host's default: replicated, and the same on a development broker as in production.
A broker holding a classic queue of one of these names refuses the declaration
(``PRECONDITION_FAILED``): delete that queue once (README, Observability and operations).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractExchange

#: How many times RabbitMQ itself redelivers a message whose consumer died before settling it
#: (a crash loop) before dead-lettering it; failures the consumer sees go through retry queues.
QUORUM_DELIVERY_LIMIT = 20
JOURNAL_MAX_LENGTH = 100_000
QUORUM: dict[str, Any] = {"x-queue-type": "quorum"}


@dataclass(frozen=True)
class ConsumerQueue:
    """One consuming handler's queue and the routing keys bound to it."""

    name: str
    routing_keys: tuple[str, ...]
    retry_delays_ms: tuple[int, ...] = (1000, 5000, 30000)

    @property
    def dlq(self) -> str:
        return f"{self.name}.dlq"

    def retry_queue(self, delay_ms: int) -> str:
        return f"{self.name}.retry.{delay_ms}ms"

    def retry_queue_for_attempt(self, attempt: int) -> str:
        """Retry queue for the ``attempt``-th failure (1-based); the last delay repeats."""
        delays = self.retry_delays_ms
        return self.retry_queue(delays[min(attempt, len(delays)) - 1])

    def main_arguments(self, dead_letter_exchange: str) -> dict[str, Any]:
        return {
            **QUORUM,
            "x-dead-letter-exchange": dead_letter_exchange,
            "x-dead-letter-routing-key": self.dlq,
            "x-delivery-limit": QUORUM_DELIVERY_LIMIT,
        }


#: The platform's exchange of internal events, and the partner exchange (``<ns>.<kind>``).
EVENTS = "events"
PARTNERS = "partners"


@dataclass(frozen=True)
class Topology:
    namespace: str = "capmetiers"
    with_journal: bool = True
    queues: tuple[ConsumerQueue, ...] = field(default_factory=tuple)
    #: Which exchange: ``events`` (internal) or ``partners`` (what partners may see).
    exchange_kind: str = EVENTS

    @property
    def exchange(self) -> str:
        return f"{self.namespace}.{self.exchange_kind}"

    @property
    def dead_letter_exchange(self) -> str:
        return f"{self.namespace}.dlx"

    @property
    def journal(self) -> str:
        if self.exchange_kind == EVENTS:
            return f"{self.namespace}.journal"
        return f"{self.exchange}.journal"

    def publishing_to(self, exchange_kind: str) -> Topology:
        """The same namespace, publishing to the exchange ``exchange_kind`` (no queues)."""
        return Topology(self.namespace, self.with_journal, (), exchange_kind)


async def declare_exchange(channel: AbstractChannel, topology: Topology) -> AbstractExchange:
    exchange = await channel.declare_exchange(
        topology.exchange, aio_pika.ExchangeType.TOPIC, durable=True
    )
    if topology.with_journal:
        journal = await channel.declare_queue(
            topology.journal,
            durable=True,
            arguments={**QUORUM, "x-max-length": JOURNAL_MAX_LENGTH, "x-overflow": "drop-head"},
        )
        await journal.bind(exchange, routing_key="#")
    return exchange


async def declare_topology(channel: AbstractChannel, topology: Topology) -> None:
    """Declare (idempotently) the exchanges and every queue of ``topology``."""
    exchange = await declare_exchange(channel, topology)
    dlx = await channel.declare_exchange(
        topology.dead_letter_exchange, aio_pika.ExchangeType.DIRECT, durable=True
    )
    for queue in topology.queues:
        main = await channel.declare_queue(
            queue.name,
            durable=True,
            arguments=queue.main_arguments(topology.dead_letter_exchange),
        )
        for key in queue.routing_keys:
            await main.bind(exchange, routing_key=key)
        dlq = await channel.declare_queue(queue.dlq, durable=True, arguments=QUORUM)
        await dlq.bind(dlx, routing_key=queue.dlq)
        for delay in queue.retry_delays_ms:
            await channel.declare_queue(
                queue.retry_queue(delay),
                durable=True,
                arguments={
                    **QUORUM,
                    "x-message-ttl": delay,
                    "x-dead-letter-exchange": "",
                    "x-dead-letter-routing-key": queue.name,
                },
            )

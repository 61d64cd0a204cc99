"""ParcoursPro end to end: the training service as its three processes (api, worker, relay).

Membership's facts arrive on the real broker (published as membership would); the worker folds
them into the member-rights projection, the API decides from it alone, and a lapse cancels the
structure's future place (T9), the relay publishing what followed. And no generated request
makes the API fail.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from shared.auth import Role
from shared.clock import SystemClock
from shared.contracts import EnrollmentCancelled, MembershipActivated, MembershipLapsed
from shared.messaging.outbox import AggregateRef
from shared.settings import ServiceSettings
from shared.testing.helpers import wait_until
from shared.testing.identifiers import new_siren, siret_of
from shared.testing.messaging import BrokerPeer, received
from tests.conftest import Platform

PLATFORM_SERVICES = ("training",)
pytestmark = pytest.mark.e2e


async def test_t2_t9_membership_facts_on_the_broker_drive_the_training_processes(
    platform: Platform,
) -> None:
    training = platform["training"]
    settings = ServiceSettings(
        rabbitmq_url=training.env["RABBITMQ_URL"],
        rabbitmq_namespace=training.env["RABBITMQ_NAMESPACE"],
    )
    today = SystemClock().today()
    starts_on = today + timedelta(days=40)
    siren = new_siren()
    siret = siret_of(siren)
    staff, member = platform.token(Role.STAFF), platform.token(Role.MEMBER, siren)
    membership_id = uuid.uuid4()
    async with platform.client("training") as client, BrokerPeer.connect(settings) as peer:
        action = await client.post(
            "/actions",
            json={
                "type": "self_training",
                "title": "Parcours",
                "description": "En ligne.",
                "remote": True,
            },
            headers=staff,
        )
        assert action.status_code == 201, action.text
        session = await client.post(
            f"/actions/{action.json()['id']}/sessions",
            json={
                "starts_on": starts_on.isoformat(),
                "ends_on": starts_on.isoformat(),
                "capacity": 5,
                "registration_opens_on": today.isoformat(),
            },
            headers=staff,
        )
        assert session.status_code == 201, session.text
        body = {
            "first_name": "Lou",
            "last_name": "Garcia",
            "email": "lou@example.org",
            "siret": siret,
        }
        url = f"/sessions/{session.json()['id']}/enrollments"
        refused = await client.post(url, json=body, headers=member)
        assert refused.json()["code"] == "T2"  # membership has said nothing yet

        async def activate() -> None:
            for year in (today.year, starts_on.year):
                await peer.publish(
                    MembershipActivated(
                        membership_id=membership_id
                        if year == starts_on.year
                        else uuid.uuid5(membership_id, str(year)),
                        siren=siren,
                        year=year,
                        plan="simple",
                        valid_from=date(year, 1, 1),
                        valid_until=date(year, 12, 31),
                        activated_at=SystemClock().now(),
                    ),
                    aggregate=AggregateRef.of(membership_id, 1),
                )

        placed: dict[str, object] = {}

        async def registered() -> bool:
            # published again until the worker, starting beside the API, has bound its queues
            await activate()
            response = await client.post(url, json=body, headers=member)
            placed.update(response.json())
            return response.status_code == 201

        await wait_until(registered, within=60, interval=1.0)
        assert placed["outcome"] == "confirmed"
        enrollment = placed["enrollment"]
        assert isinstance(enrollment, dict)

        cancelled = await peer.listen(EnrollmentCancelled.routing_key())
        await peer.publish(
            MembershipLapsed(
                membership_id=membership_id,
                siren=siren,
                year=starts_on.year,
                lapsed_on=today,
                reason="withdrawn",
            ),
            aggregate=AggregateRef.of(membership_id, 2),
        )
        [event] = await received(cancelled, within=30)
        assert event.payload["enrollment_id"] == enrollment["id"]
        assert (event.payload["reason"], event.payload["counted"]) == ("membership_lapsed", False)
        after = await client.get(f"/enrollments/{enrollment['id']}", headers=member)
        assert (after.json()["status"], after.json()["counted"]) == ("cancelled", False)


FUZZ = settings(
    max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
)


def test_training_api_answers_every_generated_request_without_a_server_error(
    platform: Platform,
) -> None:
    """Schemathesis draws requests from the service's own OpenAPI document, sent with a staff
    token (which may act on everything): an answer below 500, errors as problems."""
    url = platform["training"].url
    schema = schemathesis.openapi.from_url(f"{url}/openapi.json")
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()

        @FUZZ
        @given(case=operation.as_strategy())
        def send(case: schemathesis.Case) -> None:
            response = case.call(base_url=url, headers=platform.token(Role.STAFF), timeout=10)
            assert response.status_code < 500, (
                f"{case.method} {case.formatted_path} -> {response.status_code}: "
                f"{response.text[:300]}"
            )
            if response.status_code >= 400:
                content_type = response.headers["content-type"]
                if isinstance(content_type, list):
                    content_type = content_type[0]
                assert content_type == "application/problem+json", case.formatted_path
                assert response.json()["code"]

        send()
        operations += 1
    assert operations > 15

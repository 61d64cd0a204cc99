"""T3: the yearly limits (and the delays of T6 and T7), per calendar year."""

from __future__ import annotations

from fastapi import APIRouter

from shared.openapi import problem_responses
from training.api.deps import Reader, Runtime, Staff, YearPath, transact
from training.api.schemas import PolicyIn, PolicyOut
from training.domain.policy import YearPolicy
from training.use_cases import catalogue

router = APIRouter(tags=["policies"])


def _out(policy: YearPolicy) -> PolicyOut:
    return PolicyOut(
        year=policy.year,
        max_actions=policy.max_actions,
        max_trainings=policy.max_trainings,
        registration_closes_days=policy.registration_closes_days,
        late_withdrawal_days=policy.late_withdrawal_days,
    )


@router.get("/policies")
async def list_policies(runtime: Runtime, caller: Reader) -> list[PolicyOut]:
    async with runtime.uow() as uow:
        return [_out(p) for p in await uow.catalogue.policies()]


@router.get("/policies/{year}", responses=problem_responses({422: ["T3"]}))
async def get_policy(year: YearPath, runtime: Runtime, caller: Reader) -> PolicyOut:
    """The year's limits (a year without its own keeps the previous year's)."""
    async with runtime.uow() as uow:
        return _out(await catalogue.get_policy(uow, year))


@router.put("/policies/{year}", responses=problem_responses({422: ["validation"]}))
async def set_policy(year: YearPath, body: PolicyIn, runtime: Runtime, caller: Staff) -> PolicyOut:
    """Staff set a year's limits, e.g. 5 counted actions of which 3 trainings."""
    policy = YearPolicy(year=year, **body.model_dump())
    return _out(await transact(runtime, lambda uow: catalogue.set_policy(uow, policy)))

"""HTTP API of the training service."""

from fastapi import APIRouter

from shared.projections.member_rights_api import member_rights_router
from training.api import catalogue, enrollments, policies

routers: list[APIRouter] = [
    catalogue.router,
    enrollments.router,
    policies.router,
    member_rights_router(),
]

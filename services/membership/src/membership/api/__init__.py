"""HTTP API of the membership service."""

from fastapi import APIRouter

from membership.api import (
    admin,
    applications,
    assemblies,
    badges,
    extranet,
    memberships,
    structures,
)

routers: list[APIRouter] = [
    structures.router,
    memberships.router,
    applications.router,
    admin.router,
    assemblies.router,
    extranet.router,
    badges.router,
]

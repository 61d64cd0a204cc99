"""HTTP API of the membership service."""

from fastapi import APIRouter

from membership.api import admin, applications, structures

routers: list[APIRouter] = [structures.router, applications.router, admin.router]

"""HTTP API of the booking service."""

from fastapi import APIRouter

routers: list[APIRouter] = []

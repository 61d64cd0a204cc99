"""HTTP API of the billing service."""

from fastapi import APIRouter

routers: list[APIRouter] = []

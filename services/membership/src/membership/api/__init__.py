"""HTTP API of the membership service."""

from fastapi import APIRouter

routers: list[APIRouter] = []

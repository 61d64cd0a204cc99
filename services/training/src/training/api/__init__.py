"""HTTP API of the training service."""

from fastapi import APIRouter

routers: list[APIRouter] = []

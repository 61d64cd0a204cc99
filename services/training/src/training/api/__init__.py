"""HTTP API of the training service."""

from fastapi import APIRouter

from training.api import catalogue, enrollments, policies

routers: list[APIRouter] = [catalogue.router, enrollments.router, policies.router]

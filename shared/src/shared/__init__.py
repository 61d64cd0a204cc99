"""Plumbing shared by the Cap Métiers services: contracts, messaging kit, auth, web, settings.

Holds no business rule: those live in each service's ``domain`` package.
"""

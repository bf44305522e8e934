"""Prefect flows: thin wrappers over engine services (see the Prefect issue).

Flow modules must not use `from __future__ import annotations`: it breaks
deployment runs of flows with pydantic parameters.
"""

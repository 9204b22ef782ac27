"""The department portal and office dashboard (FastAPI, server-rendered Chinese pages, JSON API)."""

from portal.app import create_app

__all__ = ["create_app"]

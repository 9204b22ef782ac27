"""The API documentation page (Swagger UI) served from the portal's own files: no CDN, no inline script."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

from portal.web import templates

DOCS_URL = "/api/docs"
ASSETS_URL = "/api/docs/assets"
router = APIRouter(include_in_schema=False)


@router.get(DOCS_URL, response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    """Swagger UI over /openapi.json; its script and styles come from the swagger-ui-bundle package."""
    return templates.TemplateResponse(request, "api_docs.html", {"assets": ASSETS_URL,
                                                                "title": request.app.title})


def install(app: FastAPI) -> None:
    """Serve the documentation page and Swagger UI's files (before the portal's own /static)."""
    app.mount(ASSETS_URL, StaticFiles(directory=str(Path(str(swagger_ui_path)))), name="swagger-ui")
    app.include_router(router)

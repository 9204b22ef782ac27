"""The portal's FastAPI application: middleware, error pages and the three routers."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from config import get_settings
from portal import access_log, api_docs, routes_admin, routes_api, routes_office, routes_plans, routes_units
from portal.headers import SecurityHeaders
from portal.limits import BodyLimit
from portal.web import HERE, LoginRequired, message_page
from tasks.errors import DubanError, ImportFailed, ValidationFailed
from tasks.rounds.links import secret_key

SESSION_HOURS = 8
TITLES = {400: "请求有误", 401: "请先登录", 403: "无权访问", 404: "未找到", 413: "内容过大", 422: "内容有误",
          429: "请稍后再试"}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _problems(exc: Exception) -> list[str]:
    items = getattr(exc, "problems", None) if isinstance(exc, ValidationFailed | ImportFailed) else None
    return [f"{p.ref}：{p.message}" if p.ref else p.message for p in items or []]


async def _domain_error(request: Request, exc: DubanError) -> Response:
    message = str(exc).splitlines()[0]
    retry_after = getattr(exc, "retry_after", None)
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    if _is_api(request):
        return JSONResponse({"detail": message, "problems": _problems(exc)}, status_code=exc.http_status,
                            headers=headers)
    page = message_page(request, TITLES.get(exc.http_status, "出错了"), message, exc.http_status, _problems(exc))
    page.headers.update(headers or {})
    return page


async def _login_required(request: Request, exc: LoginRequired) -> Response:
    if _is_api(request):
        return JSONResponse({"detail": "请先登录协调办公室账号。"}, status_code=401)
    return RedirectResponse("/office/login", status_code=303)


async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    if _is_api(request):
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
    text = "页面不存在。" if exc.status_code == 404 else str(exc.detail)
    return message_page(request, TITLES.get(exc.status_code, "出错了"), text, exc.status_code)


async def _invalid_request(request: Request, exc: RequestValidationError) -> Response:
    problems = [f"{'.'.join(str(p) for p in e.get('loc', ()))}：{e.get('msg')}" for e in exc.errors()]
    if _is_api(request):
        return JSONResponse({"detail": "请求内容有误。", "problems": problems}, status_code=422)
    return message_page(request, "内容有误", "提交的内容不完整或格式不对。", 422, problems)


def create_app() -> FastAPI:
    """Build the portal: unit pages under /u, the office under /office, JSON under /api."""
    access_log.install()
    app = FastAPI(title="duban 督办 API", version="1", docs_url=None, redoc_url=None,  # docs: portal/api_docs
                  openapi_url="/openapi.json",
                  description="Status reporting for units (Bearer = the unit's link token) and the office "
                              "(session login at /api/office/login, X-CSRF-Token on changes).")
    app.add_middleware(SessionMiddleware, secret_key=secret_key(), session_cookie="duban_session",
                       max_age=SESSION_HOURS * 3600, same_site="lax",
                       https_only=get_settings().portal_base_url.startswith("https://"))
    app.add_middleware(BodyLimit)
    app.add_middleware(SecurityHeaders)  # last added runs first: every response gets them, 413s included
    app.add_exception_handler(DubanError, _domain_error)
    app.add_exception_handler(LoginRequired, _login_required)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    api_docs.install(app)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(routes_api.router)  # first: the API's calls (other systems, bursts) match soonest
    app.include_router(routes_units.router)
    app.include_router(routes_office.router)
    app.include_router(routes_admin.router)
    app.include_router(routes_plans.router)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/docs", include_in_schema=False)
    def docs() -> RedirectResponse:
        """The API documentation lives at /api/docs (beside the API); /docs is where people look first."""
        return RedirectResponse("/api/docs", status_code=307)

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/office", status_code=303)

    return app

"""The JSON API for other systems: units authenticate with their link token (Bearer), the office by session."""

from __future__ import annotations

from datetime import date, datetime

from anyio import to_thread
from fastapi import APIRouter, Depends, Header, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field
from sqlmodel import Session

from models import AccessLink, Department, ReportingRound, StatusUpdate
from models.base import id_of
from models.db import session_scope
from models.status import STATES
from portal.web import (
    check_csrf,
    client_address,
    csrf_token,
    db,
    office_user,
    require_admin,
    start_session,
    submitters,
)
from tasks.errors import AccessDenied, NotFound
from tasks.office import audit
from tasks.office.accounts import end_sessions, sign_in
from tasks.rounds.dashboard import round_rates, task_history, task_rows, unit_task_ids
from tasks.rounds.links import resolve, resolve_unit
from tasks.rounds.records import unit_updates as updates_of_unit
from tasks.rounds.reviews import review_update
from tasks.rounds.updates import UpdateData, find_task, submit_update

router = APIRouter(prefix="/api")
bearer = HTTPBearer(auto_error=False, description="the unit's link token (the part after /u/)")


class UpdateIn(BaseModel):
    """A status update as another system sends it; checked by the same rules as the portal."""

    state: str = Field(description=" / ".join(STATES))
    percent: int | float | str | None = Field(default=None, description="0–100")
    progress: str = Field(default="", description="进展情况")
    problems: str = Field(default="", description="存在问题")
    next_steps: str = Field(default="", description="下一步工作")
    indicators: dict[str, str | float | int | None] = Field(default_factory=dict,
                                                            description="indicator code or name → value")
    completes_milestone: str | int | None = Field(default=None, description="milestone id, key or label")
    completed_on: date | None = Field(default=None, description="when the milestone's work was done "
                                      "(YYYY-MM-DD; default: the report's day); the completion is dated by it")
    supersedes_id: int | None = None
    submitted_by: str = ""


class UpdateOut(BaseModel):
    """A recorded update."""

    id: int
    task_id: int
    department: str
    round_id: int | None
    role: str
    state: str
    percent: int | None
    progress: str
    problems: str
    next_steps: str
    channel: str
    submitted_by: str
    submitted_at: datetime
    review_state: str
    supersedes_id: int | None


class TaskOut(BaseModel):
    """A task with its light and current status."""

    id: int
    code: str
    text: str
    section: str
    light: str
    reason: str
    next_due: date | None
    state: str
    percent: int | None
    role: str | None = None


class RateOut(BaseModel):
    """A unit's reporting in a round."""

    department: str
    expected: int
    reported: int
    on_time: int
    reporting_rate: float
    on_time_rate: float


class LoginIn(BaseModel):
    username: str
    password: str


class ReviewIn(BaseModel):
    decision: str = Field(description="accept or return")
    reason: str = ""


def unit_link(credentials: HTTPAuthorizationCredentials | None = Depends(bearer),
              session: Session = Depends(db)) -> AccessLink:
    """The link whose token is the Bearer credential (refused if tampered, expired or revoked)."""
    if credentials is None:
        raise AccessDenied("缺少单位令牌（Authorization: Bearer <token>）。")
    return resolve(session, credentials.credentials)


def unit(link: AccessLink = Depends(unit_link), session: Session = Depends(db)) -> Department:
    """The unit whose link token is the Bearer credential."""
    return session.get(Department, link.department_id)


def _out(session: Session, u: StatusUpdate) -> UpdateOut:
    return UpdateOut(department=session.get(Department, u.department_id).name,
                     **u.model_dump(include=set(UpdateOut.model_fields) - {"department"}))


def _tasks(rows: list, roles: dict[int, str] | None = None) -> list[TaskOut]:  # type: ignore[type-arg]
    return [TaskOut(id=r.task.id, code=r.task.code, text=r.task.text, section=r.task.section, light=r.light,
                    reason=r.reason, next_due=r.next_due, state=r.state, percent=r.percent,
                    role=(roles or {}).get(r.task.id)) for r in rows]


@router.get("/unit/tasks", response_model=list[TaskOut], tags=["unit"])
def unit_tasks(dept: Department = Depends(unit), session: Session = Depends(db)) -> list[TaskOut]:
    """The calling unit's own tasks with lights and deadlines."""
    roles = unit_task_ids(session, dept.id)
    return _tasks(task_rows(session, task_ids=list(roles)), roles)


@router.post("/unit/tasks/{task_id}/updates", response_model=UpdateOut, status_code=201, tags=["unit"])
async def unit_submit(task_id: int, body: UpdateIn,
                      credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Response:
    """Submit (or correct) a status update on one of the unit's tasks."""
    # one worker-thread hop and one session per submission (not one per dependency), a few at a time
    out = await to_thread.run_sync(_submit, task_id, body, credentials, limiter=submitters)
    # built and checked as UpdateOut already: sent as is rather than validated a second time by FastAPI
    return Response(out.model_dump_json(), status_code=201, media_type="application/json")


def _submit(task_id: int, body: UpdateIn, credentials: HTTPAuthorizationCredentials | None) -> UpdateOut:
    if credentials is None:
        raise AccessDenied("缺少单位令牌（Authorization: Bearer <token>）。")
    with session_scope() as session:
        link, dept = resolve_unit(session, credentials.credentials)
        data = UpdateData(**body.model_dump())
        return _out(session, submit_update(session, dept, task_id, data, channel="api", round_id=link.round_id))


@router.get("/unit/tasks/{task_id}/updates", response_model=list[UpdateOut], tags=["unit"])
def unit_updates(task_id: int, dept: Department = Depends(unit), session: Session = Depends(db)) -> list[UpdateOut]:
    """The unit's own updates on one of its tasks, newest last."""
    task = find_task(session, dept, task_id)
    return [_out(session, u) for u in updates_of_unit(session, id_of(dept), id_of(task))]


@router.post("/office/login", tags=["office"])
def office_login(request: Request, body: LoginIn, session: Session = Depends(db)) -> dict[str, str]:
    """Sign in; the session cookie authenticates later calls, ``csrf_token`` goes in X-CSRF-Token."""
    user = sign_in(session, body.username, body.password, client_address(request))
    start_session(request, user)
    audit.record(session, user.username, "login", detail=f"API {client_address(request)}")
    return {"user": user.username, "csrf_token": csrf_token(request)}


@router.post("/office/logout", tags=["office"])
def office_logout(request: Request, x_csrf_token: str = Header(""), user: str = Depends(office_user),
                  session: Session = Depends(db)) -> dict[str, str]:
    """Sign out: this session and every other session of the user stop working at once."""
    check_csrf(request, x_csrf_token)
    end_sessions(session, user)
    audit.record(session, user, "logout", detail="API")
    request.session.clear()
    return {"user": user, "status": "signed out"}


@router.get("/office/tasks", response_model=list[TaskOut], tags=["office"])
def office_tasks(plan_id: int | None = None, section: str | None = None, department_id: int | None = None,
                 state: str | None = None, light: str | None = None, _: str = Depends(office_user),
                 session: Session = Depends(db)) -> list[TaskOut]:
    """Every task with its light, filtered by plan, section, department, state and light."""
    return _tasks(task_rows(session, plan_id=plan_id, section=section, department_id=department_id,
                            state=state, light=light))


@router.get("/office/rounds/{round_id}/rates", response_model=list[RateOut], tags=["office"])
def office_rates(round_id: int, _: str = Depends(office_user), session: Session = Depends(db)) -> list[RateOut]:
    """Each expected unit's reporting and on-time rates in a round."""
    round_ = session.get(ReportingRound, round_id)
    if round_ is None:
        raise NotFound("报送轮次不存在。")
    return [RateOut(department=r.department.name, expected=r.expected, reported=r.reported, on_time=r.on_time,
                    reporting_rate=r.reporting_rate, on_time_rate=r.on_time_rate) for r in round_rates(session, round_)]


@router.get("/office/tasks/{task_id}/history", response_model=list[UpdateOut], tags=["office"])
def office_history(task_id: int, _: str = Depends(office_user), session: Session = Depends(db)) -> list[UpdateOut]:
    """Every update ever submitted on a task, oldest first."""
    return [_out(session, h.update) for h in task_history(session, task_id)]


@router.post("/office/updates/{update_id}/review", tags=["office"])
def office_review(request: Request, update_id: int, body: ReviewIn, x_csrf_token: str = Header(""),
                  user: str = Depends(require_admin), session: Session = Depends(db)) -> dict[str, str | int]:
    """Accept or return (with a reason) an update; the unit is told. Admins only (a viewer gets 403)."""
    check_csrf(request, x_csrf_token)
    record, _ = review_update(session, update_id, body.decision, reason=body.reason, reviewer=user)
    audit.record(session, user, "review", f"报送 #{update_id}", f"{record.decision} {body.reason}".strip())
    return {"update_id": update_id, "decision": record.decision}

"""The coordination office's pages: sign-in, the dashboard, round rates, task history and review."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from models import Evidence, Plan, ReportingRound, StatusUpdate, Task
from models.base import id_of
from portal.web import check_csrf, client_address, db, office_user, render, require_admin, start_session
from tasks.directory.departments import list_units
from tasks.errors import AccessDenied, NotFound, TooManyAttempts
from tasks.office import audit
from tasks.office.accounts import end_sessions, sign_in
from tasks.periods import parse_period
from tasks.plans.lookup import all_plans, plan_tasks, task_milestones
from tasks.rounds import evidence as evidence_files
from tasks.rounds.dashboard import round_rates, sections, task_history, task_rows, totals
from tasks.rounds.records import all_rounds
from tasks.rounds.requests import outstanding
from tasks.rounds.reviews import review_update

router = APIRouter(prefix="/office", include_in_schema=False)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> HTMLResponse:
    """The sign-in form."""
    return render(request, "office_login.html", error="")


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, username: str = Form(""), password: str = Form(""), csrf_token: str = Form(""),
          session: Session = Depends(db)) -> Response:
    """Check the password (throttled per name and address); on success start a fresh signed session."""
    check_csrf(request, csrf_token)
    try:
        user = sign_in(session, username, password, client_address(request))
    except TooManyAttempts as exc:
        return render(request, "office_login.html", status_code=429, error=str(exc),
                      headers={"Retry-After": str(exc.retry_after)})
    except AccessDenied as exc:
        return render(request, "office_login.html", status_code=401, error=str(exc))
    start_session(request, user)
    audit.record(session, user.username, "login", detail=client_address(request))
    return RedirectResponse("/office", status_code=303)


@router.post("/logout")
def logout(request: Request, csrf_token: str = Form(""), session: Session = Depends(db)) -> RedirectResponse:
    """End the office session, server-side too: every cookie of this user stops working."""
    check_csrf(request, csrf_token)
    if request.session.get("user"):
        end_sessions(session, str(request.session["user"]))
        audit.record(session, str(request.session["user"]), "logout")
    request.session.clear()
    return RedirectResponse("/office/login", status_code=303)


@router.get("", response_class=HTMLResponse)
def dashboard(request: Request, plan_id: int | None = None, section: str = "", department_id: int | None = None,
              state: str = "", light: str = "", user: str = Depends(office_user),
              session: Session = Depends(db)) -> HTMLResponse:
    """Every task with its light, filtered; and every round with its overall rates."""
    rows = task_rows(session, plan_id=plan_id, section=section or None, department_id=department_id,
                     state=state or None, light=light or None)
    plans = all_plans(session)
    summary = [(r, parse_period(r.period).label, totals(round_rates(session, r))) for r in all_rounds(session)]
    depts = list_units(session)
    counts = {c: sum(1 for r in rows if r.light == c) for c in ("green", "yellow", "red")}
    return render(request, "office_dashboard.html", user=user, rows=rows, plans=plans, rounds=summary,
                  sections=sections(session, plan_id), depts=depts, counts=counts,
                  filters={"plan_id": plan_id, "section": section, "department_id": department_id,
                           "state": state, "light": light})


@router.get("/rounds/{round_id}", response_class=HTMLResponse)
def round_page(request: Request, round_id: int, user: str = Depends(office_user),
               session: Session = Depends(db)) -> HTMLResponse:
    """A round's reporting and on-time rates per unit, and who is still missing."""
    round_ = session.get(ReportingRound, round_id)
    if round_ is None:
        raise NotFound("报送轮次不存在。")
    rates = round_rates(session, round_)
    missing = outstanding(session, round_)
    names = {r.department.id: r.department.name for r in rates}
    tasks = plan_tasks(session, round_.plan_id)
    return render(request, "office_round.html", user=user, round=round_, label=parse_period(round_.period).label,
                  plan=session.get(Plan, round_.plan_id), rates=rates, total=totals(rates),
                  missing=[(names.get(d, str(d)), [tasks[t].code for t in ids]) for d, ids in missing.items()])


@router.get("/tasks/{task_id}", response_class=HTMLResponse)
def task_page(request: Request, task_id: int, user: str = Depends(office_user),
              session: Session = Depends(db)) -> HTMLResponse:
    """A task's full history: every update, review, indicator value and evidence file."""
    task = session.get(Task, task_id)
    if task is None:
        raise NotFound("任务不存在。")
    milestones = task_milestones(session, id_of(task))
    history = list(reversed(task_history(session, task.id)))
    return render(request, "office_task.html", user=user, task=task, plan=session.get(Plan, task.plan_id),
                  milestones=list(milestones), history=history)


@router.post("/updates/{update_id}/review")
def review(request: Request, update_id: int, decision: str = Form(""), reason: str = Form(""),
           csrf_token: str = Form(""), user: str = Depends(require_admin),
           session: Session = Depends(db)) -> RedirectResponse:
    """Accept or return (退回, with a reason) an update; the unit is told."""
    check_csrf(request, csrf_token)
    record, _ = review_update(session, update_id, decision, reason=reason, reviewer=user)
    audit.record(session, user, "review", f"报送 #{update_id}", f"{record.decision} {reason}".strip())
    task_id = session.get(StatusUpdate, record.update_id).task_id
    return RedirectResponse(f"/office/tasks/{task_id}", status_code=303)


@router.get("/evidence/{evidence_id}")
def evidence(evidence_id: int, user: str = Depends(office_user), session: Session = Depends(db)) -> FileResponse:
    """Download an evidence file (the office only; files never sit under the web root)."""
    item = session.get(Evidence, evidence_id)
    if item is None:
        raise NotFound("佐证材料不存在。")
    path = evidence_files.path_of(item.stored_path)
    if not path.exists():
        raise NotFound("佐证材料文件已丢失。")
    return FileResponse(path, media_type=item.content_type,
                        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(item.filename)}",
                                 "X-Content-Type-Options": "nosniff"})

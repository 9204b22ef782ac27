"""A unit's pages behind its personal link /u/<token>: its own tasks, submitting, the spreadsheet form."""

from __future__ import annotations

import io
from urllib.parse import quote

from anyio import to_thread
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from models import Department, Plan, ReportingRound
from models.base import id_of
from models.db import session_scope
from portal.web import check_csrf, db, render, submitters
from tasks.errors import NotFound, ValidationFailed
from tasks.periods import parse_period
from tasks.plans.lookup import task_milestones
from tasks.rounds import forms
from tasks.rounds.dashboard import task_rows, unit_task_ids
from tasks.rounds.links import resolve_unit
from tasks.rounds.records import evidence_of, latest_updates, rounds_expecting, unit_updates
from tasks.rounds.reviews import reviews_of
from tasks.rounds.updates import UpdateData, find_task, reportable_indicators, submit_update

router = APIRouter(include_in_schema=False)
MAX_FILES = 10


def unit_of(session: Session, token: str) -> tuple[Department, int | None]:
    """The unit a link token stands for, and the round the link is tied to (if any)."""
    link, department = resolve_unit(session, token)
    return department, link.round_id


def unit_rounds(session: Session, department: Department, round_id: int | None) -> list[ReportingRound]:
    """Open rounds expecting the unit (or just the link's round)."""
    if round_id is not None:
        return [r for r in [session.get(ReportingRound, round_id)] if r]
    return rounds_expecting(session, id_of(department))


@router.get("/u/{token}", response_class=HTMLResponse)
def unit_home(request: Request, token: str, session: Session = Depends(db)) -> HTMLResponse:
    """The unit's tasks with lights, deadlines and where its last report stands."""
    dept, round_id = unit_of(session, token)
    roles = unit_task_ids(session, dept.id)
    rows = task_rows(session, task_ids=list(roles))
    latest = latest_updates(session, id_of(dept))
    reviews = reviews_of(session, [u.id for u in latest.values()])
    rounds = [(r, parse_period(r.period).label) for r in unit_rounds(session, dept, round_id)]
    return render(request, "unit_home.html", dept=dept, token=token, rows=rows, roles=roles, latest=latest,
                  reviews=reviews, rounds=rounds)


@router.get("/u/{token}/tasks/{task_id}", response_class=HTMLResponse)
def unit_task(request: Request, token: str, task_id: int, ok: int = 0,
              session: Session = Depends(db)) -> HTMLResponse:
    """One of the unit's tasks: milestones, indicators, its own history and the report form."""
    dept, _ = unit_of(session, token)
    task = find_task(session, dept, task_id)
    milestones = task_milestones(session, id_of(task), active_only=True)
    indicators = reportable_indicators(session, task)
    mine = unit_updates(session, id_of(dept), id_of(task), newest_first=True)
    files = evidence_of(session, [id_of(u) for u in mine])
    return render(request, "unit_task.html", dept=dept, token=token, task=task, milestones=milestones,
                  indicators=indicators, mine=mine, files=files, reviews=reviews_of(session, list(files)),
                  plan=session.get(Plan, task.plan_id), ok=ok, last=mine[0] if mine else None)


def _submit(token: str, task_id: int, data: UpdateData) -> None:
    with session_scope() as session:
        dept, round_id = unit_of(session, token)
        submit_update(session, dept, task_id, data, channel="portal", round_id=round_id)


@router.post("/u/{token}/tasks/{task_id}")
async def unit_submit(request: Request, token: str, task_id: int) -> Response:
    """Record a report (or a correction) with its evidence through the one validation path."""
    form = await request.form(max_files=MAX_FILES, max_fields=200)
    check_csrf(request, str(form.get("csrf_token") or ""))
    files = [(f.filename, f.file) for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
    supersedes = str(form.get("supersedes_id") or "")
    data = UpdateData(
        state=str(form.get("state") or ""), percent=str(form.get("percent") or ""),
        progress=str(form.get("progress") or ""), problems=str(form.get("problems") or ""),
        next_steps=str(form.get("next_steps") or ""),
        indicators={k[4:]: str(v) for k, v in form.multi_items() if k.startswith("ind_") and str(v).strip()},
        completes_milestone=str(form.get("milestone") or "") or None,
        completed_on=str(form.get("completed_on") or "") or None,
        supersedes_id=int(supersedes) if supersedes.isdigit() else None,
        submitted_by=str(form.get("submitted_by") or ""), files=files)
    try:
        await to_thread.run_sync(_submit, token, task_id, data, limiter=submitters)
    finally:
        await form.close()
    return RedirectResponse(f"/u/{token}/tasks/{task_id}?ok=1", status_code=303)


def _form_round(session: Session, dept: Department, round_id: int | None) -> ReportingRound:
    rounds = unit_rounds(session, dept, round_id)
    if not rounds:
        raise NotFound("当前没有需要本单位报送的轮次。")
    return rounds[0]


@router.get("/u/{token}/form")
def unit_form(token: str, session: Session = Depends(db)) -> Response:
    """Download the unit's pre-filled spreadsheet for its current round."""
    dept, round_id = unit_of(session, token)
    round_ = _form_round(session, dept, round_id)
    buffer = io.BytesIO()
    forms.write_form(session, dept, round_, buffer)
    name = quote(f"{dept.name}-{round_.period}-报送表.xlsx")
    return Response(buffer.getvalue(), headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"},
                    media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _collect(token: str, filename: str, stream: io.BufferedIOBase) -> int:
    with session_scope() as session:
        dept, _ = unit_of(session, token)
        return len(forms.collect_form(session, stream, filename=filename, department=dept))


@router.post("/u/{token}/form", response_class=HTMLResponse)
async def unit_collect(request: Request, token: str) -> HTMLResponse:
    """Upload the filled spreadsheet; every row goes through the same validation as the web form."""
    form = await request.form(max_files=1, max_fields=10)
    check_csrf(request, str(form.get("csrf_token") or ""))
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise ValidationFailed("请选择要上传的报送表文件。")
    try:
        count = await run_in_threadpool(_collect, token, upload.filename, upload.file)
    finally:
        await form.close()
    return render(request, "message.html", title="报送表已导入",
                  message=f"已导入{count}项任务的报送，等待协调办公室审核。", problems=[], back=f"/u/{token}")

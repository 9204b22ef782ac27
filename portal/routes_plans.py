"""The office's plan pages: upload a document, preview the import (the dry run), confirm or cancel it;
set a plan's period and review years, confirm a draft, download the canonical workbook.

Every step calls the same tasks/ functions as `duban import [--dry-run]`, `duban plans set|confirm` and
`duban export --format xlsx`: the rules live there, not here.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from portal.web import check_csrf, db, office_user, render, require_admin
from tasks.errors import ImportFailed, ValidationFailed
from tasks.office import audit
from tasks.plans import uploads
from tasks.plans.catalog import plan_summaries, revisions
from tasks.plans.export import export_xlsx
from tasks.plans.info import confirm_plan, parse_period, update_plan_info
from tasks.plans.intake import ImportReport, import_plan
from tasks.plans.lookup import plan_by_code

router = APIRouter(prefix="/office/plans", include_in_schema=False)
PROBLEM_KINDS = {"unknown_unit": "未知单位", "undated": "无明确期限", "group_without_members": "群组无成员",
                 "duplicate_code": "任务编号重复", "format": "格式不支持", "corrupt": "文件损坏", "empty": "空文件",
                 "no_tasks": "未识别到任务", "missing": "文件缺失"}
FIELD_LABELS = {"text": "任务内容", "section": "领域", "section_path": "层级", "remark": "备注", "position": "顺序",
                "lead": "牵头单位", "support": "配合单位", "responsible": "责任单位", "milestones": "时间节点",
                "title": "标题", "issuing_office": "发文单位", "doc_number": "文号", "issued_on": "印发日期",
                "period_start": "规划期起", "period_end": "规划期止", "midterm_year": "中期评估年份",
                "final_year": "终期评估年份", "addressees": "主送单位"}


@router.get("", response_class=HTMLResponse)
def plans_page(request: Request, user: str = Depends(office_user), session: Session = Depends(db)) -> HTMLResponse:
    """Every plan with its period, revision, status and task count; the upload form (admins)."""
    return render(request, "office_plans.html", user=user, plans=plan_summaries(session))


@router.post("/upload")
def upload(request: Request, file: UploadFile = File(...), plan_code: str = Form(""), csrf_token: str = Form(""),
           user: str = Depends(require_admin), session: Session = Depends(db)) -> RedirectResponse:
    """Keep the uploaded document aside (nothing imported yet) and show its preview."""
    check_csrf(request, csrf_token)
    staged = uploads.stage(file.filename or "", file.file, user, plan_code)
    audit.record(session, user, "plan_upload", staged.plan_code or "", staged.filename)
    return RedirectResponse(f"/office/plans/uploads/{staged.token}", status_code=303)


def _preview(request: Request, session: Session, user: str, staged: uploads.StagedUpload,
             status_code: int = 200) -> HTMLResponse:
    """The dry run of importing ``staged``: exactly what `duban import --dry-run` reports, or why it cannot."""
    report: ImportReport | None = None
    errors: list = []
    try:
        report = import_plan(session, staged.path, plan_code=staged.plan_code, dry_run=True)
    except ImportFailed as exc:
        errors, status_code = exc.problems or [str(exc).splitlines()[0]], 422
    problems = report.problems if report else []
    return render(request, "office_plan_preview.html", status_code=status_code, user=user, staged=staged,
                  report=report, errors=errors, KINDS=PROBLEM_KINDS, FIELDS=FIELD_LABELS,
                  undated=[p for p in problems if p.kind == "undated"],
                  provisional=[p for p in problems if p.kind in ("unknown_unit", "group_without_members")],
                  others=[p for p in problems if p.kind not in ("undated", "unknown_unit", "group_without_members")])


@router.get("/uploads/{token}", response_class=HTMLResponse)
def preview(request: Request, token: str, user: str = Depends(require_admin),
            session: Session = Depends(db)) -> HTMLResponse:
    """The import preview of an uploaded document, with confirm and cancel buttons."""
    return _preview(request, session, user, uploads.load(token))


@router.post("/uploads/{token}/confirm", response_class=HTMLResponse)
def confirm_upload(request: Request, token: str, csrf_token: str = Form(""), user: str = Depends(require_admin),
                   session: Session = Depends(db)) -> Response:
    """Store the previewed document as the plan's new revision (one transaction: all or nothing)."""
    check_csrf(request, csrf_token)
    staged = uploads.load(token)
    try:
        report = import_plan(session, staged.path, plan_code=staged.plan_code)
    except ImportFailed:
        session.rollback()
        return _preview(request, session, user, staged, 422)
    audit.record(session, user, "plan_import", report.plan_code,
                 f"{staged.filename}，第 {report.revision} 版" + ("" if report.changed else "（内容未变）"))
    session.commit()
    uploads.discard(staged)
    return RedirectResponse(f"/office/plans/{quote(report.plan_code)}?imported=1", status_code=303)


@router.post("/uploads/{token}/cancel")
def cancel_upload(request: Request, token: str, csrf_token: str = Form(""), user: str = Depends(require_admin),
                  session: Session = Depends(db)) -> RedirectResponse:
    """Drop an uploaded document without importing it."""
    check_csrf(request, csrf_token)
    staged = uploads.load(token)
    uploads.discard(staged)
    audit.record(session, user, "plan_cancel", staged.plan_code or "", staged.filename)
    return RedirectResponse("/office/plans", status_code=303)


def _plan_page(request: Request, session: Session, user: str, code: str, error: str = "", status_code: int = 200,
               done: str = "") -> HTMLResponse:
    plan = plan_by_code(session, code)
    return render(request, "office_plan.html", status_code=status_code, user=user, plan=plan,
                  revisions=revisions(session, plan), error=error, done=done)


@router.get("/{code}", response_class=HTMLResponse)
def plan_page(request: Request, code: str, imported: str = "", done: str = "", user: str = Depends(office_user),
              session: Session = Depends(db)) -> HTMLResponse:
    """A plan: its details, revisions with what each changed, and the forms to set its period or confirm it."""
    return _plan_page(request, session, user, code, done="imported" if imported else done)


def _year(text: str, label: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or len(text) != 4:
        raise ValidationFailed(f"{label}“{text}”不是四位年份。")
    return int(text)


@router.post("/{code}/info", response_class=HTMLResponse)
def set_info(request: Request, code: str, period: str = Form(""), midterm_year: str = Form(""),
             final_year: str = Form(""), csrf_token: str = Form(""), user: str = Depends(require_admin),
             session: Session = Depends(db)) -> Response:
    """Set the plan's period and review years (`duban plans set`), checked together with what is stored."""
    check_csrf(request, csrf_token)
    try:
        start, end = parse_period(period) if period.strip() else (None, None)
        values = {"period_start": start, "period_end": end, "midterm_year": _year(midterm_year, "中期评估年份"),
                  "final_year": _year(final_year, "终期评估年份")}
        update_plan_info(session, code, **values)
    except ValidationFailed as exc:
        session.rollback()
        text = "规划期限请写成两个年份，如 2016-2020。" if "use two years" in str(exc) else f"未保存：{exc}"
        return _plan_page(request, session, user, code, text, 422)
    audit.record(session, user, "plan_info", code, f"期限 {period.strip() or '不变'}，中期 {midterm_year or '不变'}，"
                 f"终期 {final_year or '不变'}")
    return RedirectResponse(f"/office/plans/{quote(code)}?done=info", status_code=303)


@router.post("/{code}/confirm")
def confirm_draft(request: Request, code: str, csrf_token: str = Form(""), user: str = Depends(require_admin),
                  session: Session = Depends(db)) -> RedirectResponse:
    """Confirm a draft plan (`duban plans confirm`): its reminders start."""
    check_csrf(request, csrf_token)
    plan, was_draft = confirm_plan(session, code)
    if was_draft:
        audit.record(session, user, "plan_confirm", plan.code)
    return RedirectResponse(f"/office/plans/{quote(code)}?done=confirmed", status_code=303)


@router.get("/{code}/workbook")
def workbook(code: str, user: str = Depends(office_user), session: Session = Depends(db)) -> Response:
    """The plan as the canonical .xlsx (`duban export --format xlsx`): correct it and upload it again."""
    with tempfile.TemporaryDirectory() as folder:
        target = export_xlsx(session, code, Path(folder) / "plan.xlsx")
        content = target.read_bytes()
    name = f"{code}.xlsx"
    return Response(content, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})


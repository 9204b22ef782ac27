"""50 units submitting at once through real uvicorn: nothing lost, every history intact (SQLite and PostgreSQL)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date

import httpx
from sqlmodel import Session, select

from models import StatusUpdate
from tasks.rounds.links import issue_link
from tasks.rounds.requests import open_round
from tests.portal.conftest import LiveServer
from tests.status_factories import make_many_units, pdf_bytes

UNITS = 50


def test_fifty_concurrent_submitters_lose_nothing(session: Session, live_server: LiveServer) -> None:
    plan, pairs = make_many_units(session, UNITS)
    open_round(session, plan, "2016Q2", today=date(2016, 7, 1), send=False)
    work = [(issue_link(session, dept)[1], task.id) for dept, task in pairs]
    session.commit()

    def submitter(item: tuple[str, int]) -> list[int]:
        token, task_id = item
        codes = []
        with httpx.Client(base_url=live_server.url, timeout=300) as client:
            auth = {"Authorization": f"Bearer {token}"}
            for n in range(2):
                codes.append(client.post(f"/api/unit/tasks/{task_id}/updates", headers=auth,
                                         json={"state": "推进中", "percent": 10 * (n + 1), "progress": f"第{n + 1}次"})
                             .status_code)
            page = client.get(f"/u/{token}/tasks/{task_id}")
            csrf = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
            codes.append(client.post(f"/u/{token}/tasks/{task_id}", follow_redirects=False,
                                     data={"csrf_token": csrf, "state": "推进中", "percent": "30", "progress": "第3次"},
                                     files=[("files", ("p.pdf", pdf_bytes(), "application/pdf"))]).status_code)
        return codes

    with ThreadPoolExecutor(max_workers=UNITS) as pool:
        results = list(pool.map(submitter, work))
    assert all(codes == [201, 201, 303] for codes in results), results
    session.expire_all()
    updates = list(session.exec(select(StatusUpdate).order_by(StatusUpdate.id)))
    assert len(updates) == 3 * UNITS
    for dept, task in pairs:
        chain = [u for u in updates if u.task_id == task.id]
        assert [u.progress for u in chain] == ["第1次", "第2次", "第3次"]
        assert all(u.department_id == dept.id for u in chain)
        assert [u.supersedes_id for u in chain] == [None, chain[0].id, chain[1].id]

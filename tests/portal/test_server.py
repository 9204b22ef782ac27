"""The portal under real uvicorn on loopback: tokens masked in the access log, big streams cut off."""

from __future__ import annotations

import logging

import httpx
import pytest

from tests.portal.conftest import LiveServer, World, csrf_of


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def test_access_log_never_shows_a_unit_token(live_server: LiveServer, world: World) -> None:
    collect = Collect()
    logging.getLogger("uvicorn.access").addHandler(collect)
    try:
        token = world.tokens["health"]
        with httpx.Client(base_url=live_server.url) as client:
            assert client.get(f"/u/{token}").status_code == 200
            assert client.get(f"/u/{token}/tasks/{world.s.tasks['T2'].id}").status_code == 403
            assert client.get("/api/unit/tasks", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    finally:
        logging.getLogger("uvicorn.access").removeHandler(collect)
    assert len(collect.lines) >= 3
    assert all(token not in line and token[:20] not in line for line in collect.lines)
    assert any("/u/****" in line for line in collect.lines)


def test_a_streamed_50_mb_upload_is_cut_off(live_server: LiveServer, world: World) -> None:
    token, task_id = world.tokens["health"], world.s.tasks["T1"].id
    sent = {"bytes": 0}
    with httpx.Client(base_url=live_server.url, timeout=300) as client:
        csrf = csrf_of(client.get(f"/u/{token}/tasks/{task_id}").text)

        def body() -> object:  # chunked transfer, no Content-Length
            yield (b'--b\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n' + csrf.encode()
                   + b'\r\n--b\r\nContent-Disposition: form-data; name="files"; filename="big.pdf"\r\n\r\n%PDF-1.4\n')
            for _ in range(50):
                sent["bytes"] += 1024 * 1024
                yield b"\0" * (1024 * 1024)
            yield b"\r\n--b--\r\n"

        try:
            response = client.post(f"/u/{token}/tasks/{task_id}", content=body(),
                                   headers={"Content-Type": "multipart/form-data; boundary=b"})
        except httpx.TransportError:  # the server may close the connection while we are still writing
            response = None
        if response is not None:
            assert response.status_code == 413 and "超过上限" in response.text
        page = client.get(f"/u/{token}/tasks/{task_id}").text
    assert "尚无报送" in page


@pytest.mark.parametrize("size", [50 * 1024 * 1024])
def test_declared_50_mb_is_refused_before_reading(live_server: LiveServer, world: World, size: int) -> None:
    token, task_id = world.tokens["health"], world.s.tasks["T1"].id
    with httpx.Client(base_url=live_server.url, timeout=300) as client:
        response = client.post(f"/u/{token}/tasks/{task_id}", content=b"\0" * size,
                               headers={"Content-Type": "multipart/form-data; boundary=b"})
    assert response.status_code == 413

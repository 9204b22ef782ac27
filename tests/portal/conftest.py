"""Portal fixtures: the app under FastAPI's TestClient, a scenario with open round and unit links."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from portal import create_app
from tasks.office.accounts import add_user
from tasks.rounds.links import issue_link
from tasks.rounds.requests import open_round
from tests.status_factories import Scenario, make_status_scenario

PASSWORD = "correct horse battery"


@dataclass
class World:
    """A plan with an open 2016Q2 round, a link token per unit and an office user."""

    s: Scenario
    round_id: int
    tokens: dict[str, str]


@pytest.fixture
def world(session: Session) -> World:
    s = make_status_scenario(session)
    round_ = open_round(session, s.plan, "2016Q2", today=date(2016, 7, 1), send=False).round
    tokens = {name: issue_link(session, dept)[1]
              for name, dept in (("health", s.health), ("civil", s.civil), ("finance", s.finance),
                                 ("shangcheng", s.districts[0]))}
    add_user(session, "office", PASSWORD)
    session.commit()
    return World(s, round_.id, tokens)


@pytest.fixture
def client(db_url: str) -> Iterator[TestClient]:
    with TestClient(create_app()) as test_client:
        yield test_client


def csrf_of(html: str) -> str:
    """The CSRF token a page embeds in its forms."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "page has no CSRF field"
    return found[1]


def office_login(client: TestClient, password: str = PASSWORD) -> None:
    """Sign the client in as the office user through the login form."""
    token = csrf_of(client.get("/office/login").text)
    response = client.post("/office/login", data={"username": "office", "password": password, "csrf_token": token},
                           follow_redirects=False)
    assert response.status_code == 303, response.text


class LiveServer:
    """uvicorn serving the portal on a free loopback port in a background thread."""

    def __init__(self) -> None:
        import uvicorn

        from flows.status_commands import uvicorn_log_config

        # The listening socket is bound here and handed to uvicorn: no window in which another process
        # on a busy machine could take a port found free a moment earlier.
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(create_app(), host="127.0.0.1", port=self.port, log_config=uvicorn_log_config(),
                                access_log=True, lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 300  # a fail-safe only: a loaded 2-core machine can be slow
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(60)
        self.sock.close()


@pytest.fixture
def live_server(db_url: str) -> Iterator[LiveServer]:
    with LiveServer() as server:
        yield server

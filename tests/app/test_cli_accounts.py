"""``xkmt users`` and ``xkmt retention``; demo accounts printed once, stored hashed."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select

from app.cli.main import main
from app.main import create_app
from app.models import User


@pytest.fixture
def cli(demo, settings, monkeypatch):
    monkeypatch.setenv("XKMT_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("XKMT_SECRET_KEY", "test")
    return lambda *args: main(list(map(str, args)))


def test_users_add_list_disable_set_password(cli, demo, capsys):
    assert cli("users", "add", "ca_xa", "--role", "police", "--commune", "15178") == 0
    out = capsys.readouterr().out
    password = re.search(r"chỉ hiện lần này: (\S+)", out)[1]
    with demo() as session:
        user = session.scalar(select(User).where(User.username == "ca_xa"))
        assert user.password_hash.startswith("$argon2") and password not in user.password_hash
        assert user.must_change_password and [s.commune_code for s in user.scopes] == ["15178"]
    assert cli("users", "list") == 0
    assert "ca_xa\tpolice\tđang hoạt động\t15178" in capsys.readouterr().out
    assert cli("users", "set-password", "ca_xa") == 0
    assert password not in capsys.readouterr().out
    assert cli("users", "disable", "ca_xa") == 0
    assert cli("users", "list") == 0
    assert "ca_xa\tpolice\tđã khóa" in capsys.readouterr().out


def test_users_add_refuses_clearly(cli, capsys):
    assert cli("users", "add", "x", "--role", "leader", "--commune", "99999") == 1
    assert "Không có xã nào mang mã 99999." in capsys.readouterr().err
    assert cli("users", "add", "x", "--role", "leader") == 1
    assert "--commune" in capsys.readouterr().err
    assert cli("users", "add", "y", "--role", "leader", "--commune", "15178") == 0
    assert cli("users", "add", "y", "--role", "leader", "--commune", "15178") == 1
    assert "Tài khoản y đã tồn tại." in capsys.readouterr().err


def demo_load(cli, settings, capsys) -> list[tuple[str, str, str]]:
    """``xkmt demo load`` on an empty database; the accounts it printed (name, role,
    password)."""
    from app.db import make_engine
    engine = make_engine(settings.database_url)
    with engine.begin() as connection:  # the demo fixture loaded the commune: empty it
        for table in ("user_scope", "user_account", "village", "boundary_import", "commune"):
            connection.exec_driver_sql(f"DELETE FROM {table}")
    engine.dispose()
    assert cli("demo", "load", "--if-empty") == 0
    return re.findall(r"^\s+(demo_\w+)\s+(\w+)\s+(\S+)$", capsys.readouterr().out,
                      flags=re.M)


def test_demo_accounts_are_printed_once(cli, demo, capsys, settings, monkeypatch):
    rows = demo_load(cli, settings, capsys)
    assert [(u, r) for u, r, _ in rows] == [("demo_admin", "admin"), ("demo_police", "police"),
                                            ("demo_leader", "leader"), ("demo_viewer", "viewer")]
    with demo() as session:
        hashes = dict(session.execute(select(User.username, User.password_hash)).all())
    for username, _role, password in rows:
        assert password not in hashes[username]
    assert cli("demo", "load", "--if-empty") == 0
    assert "demo_" not in capsys.readouterr().out


def _form(client: TestClient, path: str, **fields) -> Response:
    """Submit the form of the page at ``path`` with its own hidden fields, as a browser."""
    page = BeautifulSoup(client.get(path).text, "html.parser")
    hidden = {i["name"]: i["value"] for i in page.select("form input[type=hidden]")}
    return client.post(path, data={**hidden, **fields}, follow_redirects=False)


def test_demo_police_must_change_its_printed_password_first(cli, demo, capsys, settings):
    # The README: a password made by the system is changed at the first sign-in; the demo
    # passwords are printed once on a console, so they are no exception.
    password = {u: p for u, _r, p in demo_load(cli, settings, capsys)}["demo_police"]
    client = TestClient(create_app(settings))
    signed_in = _form(client, "/login", username="demo_police", password=password)
    assert (signed_in.status_code, signed_in.headers["location"]) == (303, "/account/password")
    blocked = client.get("/communes/15178/records", follow_redirects=False)
    assert (blocked.status_code, blocked.headers["location"]) == (303, "/account/password")
    changed = _form(client, "/account/password", current=password, new="mật-khẩu-mới-345",
                    confirm="mật-khẩu-mới-345")
    assert (changed.status_code, changed.headers["location"]) == (303, "/")
    assert client.get("/communes/15178/records", follow_redirects=False).status_code == 200


def test_retention_dry_run_and_apply(cli, demo, capsys):
    from tests.app.test_retention import _setup
    _setup(demo)
    assert cli("retention", "--dry-run") == 0
    out = capsys.readouterr().out
    assert "1 người đã kết thúc quản lý trước ngày" in out and "CT-1\t30/11/2019" in out
    assert cli("retention", "--apply") == 0
    assert "Đã ẩn danh" in capsys.readouterr().out
    assert cli("retention", "--dry-run") == 0
    assert "0 người" in capsys.readouterr().out

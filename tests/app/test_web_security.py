"""Web safety: CSRF, sign-in throttling, cookies, headers, uploads, errors, audit."""

from __future__ import annotations

import io
import json
import zipfile

from fastapi.testclient import TestClient
from sqlalchemy import select, text

from app.db import transaction
from app.main import create_app
from app.models import AuditEvent, User
from app.security import create_user
from tests.conftest import (
    PASSWORD,
    TEST_HASHER,
    FormClient,
    client_as,
    csrf_of,
    make_user,
    sign_in,
)

VENUE = {"code": "KR-1", "name": "Karaoke", "kind": "karaoke", "lat": "20.125",
         "lon": "105.535", "active": "on"}
NEW_VENUE = "/communes/15178/records/venues/new"


def _fresh(settings, **overrides) -> FormClient:
    app = create_app(settings.model_copy(update=overrides) if overrides else settings)
    return FormClient(app)


def _login(client: TestClient, username: str, password: str, token: str | None = "auto"):
    page_token = csrf_of(client, "/login")
    if token == "auto":
        token = page_token
    data = {"username": username, "password": password, "next": "/"}
    if token is not None:
        data["csrftoken"] = token
    return client.post("/login", data=data, follow_redirects=False)


def _events(sessions, action: str | None = None) -> list[AuditEvent]:
    with sessions() as session:
        query = select(AuditEvent).order_by(AuditEvent.id)
        if action:
            query = query.where(AuditEvent.action == action)
        return list(session.scalars(query))


# --- CSRF -------------------------------------------------------------------------------

def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(demo, settings):
    police = client_as(settings, demo, "police")
    token, police.csrf = police.csrf, None
    refused = police.post(NEW_VENUE, data=VENUE, follow_redirects=False)
    assert refused.status_code == 403
    assert "Biểu mẫu đã hết hạn" in refused.text
    forged = police.post(NEW_VENUE, data={**VENUE, "csrftoken": "forged"},
                         follow_redirects=False)
    assert forged.status_code == 403
    with demo() as session:
        assert session.execute(text("SELECT count(*) FROM venue")).scalar() == 0
    saved = police.post(NEW_VENUE, data={**VENUE, "csrftoken": token}, follow_redirects=False)
    assert saved.status_code == 303


def _venue_count(sessions) -> int:
    with sessions() as session:
        return session.execute(text("SELECT count(*) FROM venue")).scalar()


def test_the_csrf_token_belongs_to_one_session_and_is_renewed_at_sign_in_and_out(
        demo, settings):
    make_user(demo, "u1", "police")
    make_user(demo, "u2", "police")
    before_sign_in = csrf_of(laptop := _fresh(settings))
    laptop = sign_in(laptop, "u1")
    assert laptop.csrf != before_sign_in  # a new session at sign-in, a new token
    other = sign_in(_fresh(settings), "u2")
    for stale in (before_sign_in, other.csrf, "forged", ""):
        refused = laptop.post(NEW_VENUE, data={**VENUE, "csrftoken": stale},
                              follow_redirects=False)
        assert refused.status_code == 403, stale
    assert _venue_count(demo) == 0
    assert laptop.post(NEW_VENUE, data=VENUE, follow_redirects=False).status_code == 303
    signed_in_token = laptop.csrf
    assert laptop.post("/logout", follow_redirects=False).status_code == 303
    assert csrf_of(laptop) != signed_in_token  # and a new one after signing out
    replayed = laptop.post("/login", data={"username": "u1", "password": PASSWORD,
                                           "csrftoken": signed_in_token},
                           follow_redirects=False)
    assert replayed.status_code == 403


def test_the_sign_in_page_opened_twice_keeps_one_token(demo, settings):
    """Two tabs of the sign-in page: the first one's form still works."""
    make_user(demo, "u1", "police")
    client = _fresh(settings)
    first, second = csrf_of(client), csrf_of(client)
    assert first == second
    assert _login(client, "u1", PASSWORD, token=first).status_code == 303


def test_a_token_from_the_attackers_own_visit_is_refused(demo, settings):
    """Double-submit cookies let whoever can write a cookie for the site (a sibling
    subdomain, plain http) plant a token of their own visit next to the victim's session;
    a token kept in the signed session cannot be planted that way."""
    police = client_as(settings, demo, "police")
    attacker = _fresh(settings)
    token = csrf_of(attacker)
    planted = attacker.cookies.get("csrftoken") or token
    victim = police.cookies.get("xkmt_session")
    response = police.post(NEW_VENUE, data={**VENUE, "csrftoken": token}, headers={
        "cookie": f"xkmt_session={victim}; csrftoken={planted}"}, follow_redirects=False)
    assert response.status_code == 403 and _venue_count(demo) == 0


def test_a_multipart_form_carries_its_token_in_the_body(demo, settings):
    """The upload form as a browser sends it: multipart, the token a field of the body,
    no header (asgi-csrf 0.11 answered 500 to every such form with python-multipart
    0.0.34). The token may come after the file; without it, nothing is stored."""
    police = client_as(settings, demo, "police")
    url = "/communes/15178/records/import"
    csv = "Mã;Tên cơ sở;Loại cơ sở;Vĩ độ;Kinh độ\nKR-2;Quán;karaoke;20.125;105.535\n"
    form = {"record_type": "venues"}
    token, police.csrf = police.csrf, None
    refused = police.post(url, data=form, files={"file": ("cs.csv", csv.encode())})
    assert refused.status_code == 403 and "Biểu mẫu đã hết hạn" in refused.text
    assert _venue_count(demo) == 0
    # the file first and the token last, as a form whose hidden field follows its input
    boundary = "xkmt-test-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"cs.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"record_type\"\r\n\r\n"
            f"venues\r\n--{boundary}\r\nContent-Disposition: form-data; "
            f"name=\"csrftoken\"\r\n\r\n{token}\r\n--{boundary}--\r\n").encode()
    saved = police.post(url, content=body, headers={
        "content-type": f"multipart/form-data; boundary={boundary}"})
    assert saved.status_code == 200, saved.text
    assert "Đã nhập cs.csv." in saved.text and _venue_count(demo) == 1


def test_scripts_may_send_the_token_in_a_header_instead(demo, settings):
    police = client_as(settings, demo, "police")
    token, police.csrf = police.csrf, None
    forged = police.post(NEW_VENUE, data=VENUE, headers={"x-csrftoken": "forged"},
                         follow_redirects=False)
    assert forged.status_code == 403
    saved = police.post(NEW_VENUE, data=VENUE, headers={"x-csrftoken": token},
                        follow_redirects=False)
    assert saved.status_code == 303 and _venue_count(demo) == 1


def test_sign_in_needs_the_csrf_token_too(demo, settings):
    make_user(demo, "u1", "police")
    assert _login(_fresh(settings), "u1", PASSWORD, token=None).status_code == 403
    assert _login(_fresh(settings), "u1", PASSWORD).status_code == 303


# --- sign-in ----------------------------------------------------------------------------

def test_an_account_is_locked_after_repeated_failures(demo, settings):
    make_user(demo, "u1", "police")
    client = _fresh(settings)
    for _ in range(settings.login_max_failures):
        assert _login(client, "u1", "wrong").status_code == 401
    locked = _login(client, "u1", PASSWORD)  # the right password, but too late
    assert locked.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in locked.text
    assert "xkmt_session" not in locked.cookies
    # another account from the same address still gets in
    make_user(demo, "u2", "police")
    assert _login(_fresh(settings), "u2", PASSWORD).status_code == 303


def test_an_address_is_locked_after_failures_on_many_accounts(demo, settings):
    make_user(demo, "u1", "police")
    client = _fresh(settings, login_max_failures_per_address=4)
    for n in range(4):
        assert _login(client, f"guess{n}", "wrong").status_code == 401
    assert _login(client, "u1", PASSWORD).status_code == 429


def test_wrong_password_and_unknown_user_get_the_same_answer(demo, settings):
    make_user(demo, "u1", "police")
    a, b = _login(_fresh(settings), "u1", "wrong"), _login(_fresh(settings), "nobody", "wrong")
    assert a.status_code == b.status_code == 401
    assert "Sai tên đăng nhập hoặc mật khẩu." in a.text and "Sai tên đăng nhập" in b.text


def test_a_system_made_password_must_be_changed_first(demo, settings):
    with transaction(demo) as session:
        create_user(session, "new", "leader", communes=["15178"], password="tam-thoi-123",
                    hasher=TEST_HASHER)
    client = _fresh(settings)
    response = _login(client, "new", "tam-thoi-123")
    assert response.headers["location"] == "/account/password"
    client.csrf = csrf_of(client, "/account/password")
    assert client.get("/communes/15178/map", follow_redirects=False).headers[
        "location"] == "/account/password"
    changed = client.post("/account/password", data={
        "current": "tam-thoi-123", "new": "mat-khau-rieng-45", "confirm": "mat-khau-rieng-45"},
        follow_redirects=False)
    assert changed.status_code == 303
    assert client.get("/communes/15178/map").status_code == 200


def test_a_disabled_account_loses_its_session_at_once(demo, settings):
    police = client_as(settings, demo, "police")
    assert police.get("/communes/15178/records").status_code == 200
    with transaction(demo) as session:
        session.scalar(select(User).where(User.username == "police_1")).active = False
    response = police.get("/communes/15178/records", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_passwords_are_stored_only_as_argon2_hashes(demo):
    make_user(demo, "u1", "police")
    with demo() as session:
        stored = session.scalar(select(User.password_hash))
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


# --- cookies and headers ----------------------------------------------------------------

def _set_cookies(response) -> dict[str, str]:
    return {h.split("=", 1)[0]: h for h in response.headers.get_list("set-cookie")}


def test_session_cookie_flags(demo, settings):
    make_user(demo, "u1", "police")
    cookies = _set_cookies(_login(_fresh(settings), "u1", PASSWORD))
    session_cookie = cookies["xkmt_session"].lower()
    assert "httponly" in session_cookie and "samesite=lax" in session_cookie
    assert "secure" not in session_cookie  # plain http on 127.0.0.1
    behind_https = TestClient(create_app(settings.model_copy(update={"secure_cookies": True})),
                              base_url="https://testserver")
    anonymous = _set_cookies(behind_https.get("/login"))
    assert "csrftoken" not in anonymous  # the token is in the session, no cookie of its own
    assert "; secure" in anonymous["xkmt_session"].lower()
    secure = _set_cookies(_login(behind_https, "u1", PASSWORD))
    assert "; secure" in secure["xkmt_session"].lower()


def test_security_headers_on_pages(client):
    response = client.get("/communes/15178/map")
    headers = response.headers
    csp = headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in response.text
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["cache-control"] == "no-store"
    login = TestClient(client.app).get("/login")
    assert "frame-ancestors 'none'" in login.headers["content-security-policy"]


# --- uploads ----------------------------------------------------------------------------

def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_zip_bomb_workbook_is_refused_without_unpacking(demo, settings):
    police = client_as(settings, demo, "police", max_unzipped_mb=5)
    bomb = _zip({"xl/worksheets/sheet1.xml": b"0" * 50_000_000})
    assert len(bomb) < 100_000
    response = police.post("/communes/15178/records/import",
                           files={"file": ("bom.xlsx", bomb)}, follow_redirects=False)
    assert response.status_code == 422
    assert "khi giải nén" in response.text or "giải nén" in response.text


def test_an_oversized_body_is_refused_before_it_is_read(demo, settings):
    police = client_as(settings, demo, "police", max_upload_mb=1)
    response = police.post("/communes/15178/records/import",
                           files={"file": ("lon.csv", b"x" * 3_000_000)})
    assert response.status_code == 413


# --- errors -----------------------------------------------------------------------------

def test_a_server_error_shows_no_trace_or_sql(demo, settings):
    police = client_as(settings, demo, "police")
    with demo() as session:
        session.execute(text("DROP TABLE village"))
        session.commit()
    app_client = TestClient(police.app, raise_server_exceptions=False)
    app_client.cookies.update(police.cookies)
    response = app_client.get("/communes/15178/map")
    assert response.status_code == 500
    body = response.text
    assert "Máy chủ gặp lỗi" in body
    for leak in ("Traceback", "sqlite", "SELECT", "village", ".py", "OperationalError"):
        assert leak not in body, leak
    api = app_client.get("/api/communes/15178/villages.geojson")
    assert api.status_code == 500 and set(api.json()) == {"detail"}


# --- audit ------------------------------------------------------------------------------

def test_every_kind_of_event_is_audited(demo, settings):
    make_user(demo, "u1", "police")
    _login(_fresh(settings), "u1", "wrong")
    police = sign_in(_fresh(settings), "u1")
    assert police.post(NEW_VENUE, data=VENUE).status_code == 200  # saved, then the list
    police.get("/communes/15178/records/persons")
    person = {"code": "P1", "village": "T01", "category": "addict", "status": "no_treatment",
              "status_date": "01/11/2024"}
    police.post("/communes/15178/records/persons/new", data=person)
    police.get("/communes/15178/persons/P1")
    police.post("/communes/15178/records/venues/export.xlsx")
    csv = "Mã;Tên cơ sở;Loại cơ sở;Vĩ độ;Kinh độ\nKR-2;Quán;karaoke;20.125;105.535\n"
    police.post("/communes/15178/records/import", data={"record_type": "venues"},
                files={"file": ("cs.csv", csv.encode())})
    police.post("/account/password", data={"current": PASSWORD, "new": "mat-khau-moi-123",
                                           "confirm": "mat-khau-moi-123"})
    police.post("/logout")
    seen = [(e.action, e.username) for e in _events(demo)]
    for action in ("login_failed", "login", "change", "view_person_list", "view_person",
                   "export", "import", "account", "logout"):
        assert (action, "u1") in seen, action
    failed = _events(demo, "login_failed")[0]
    assert failed.address == "testclient"
    change = _events(demo, "change")[0]
    assert (change.commune_code, change.object_type) == ("15178", "venues")
    assert json.loads(_events(demo, "import")[0].detail)["accepted"] is True


def test_nobody_can_edit_the_audit_log_through_the_app():
    from tests.app.test_access import app_routes
    for route in app_routes():
        assert "audit" not in route.path or route.methods == {"GET"}


def test_a_workbook_whose_zip_lies_about_its_size_is_still_refused(demo, settings):
    # A zip entry whose header says 10 bytes but that unpacks to 30 MB: Python's zipfile
    # stops at the declared size and the checksum fails, so it is refused as damaged.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 30_000_000)
    data = bytearray(buffer.getvalue())
    # patch the uncompressed size in the local header (offset 22) and central directory
    central = data.rfind(b"PK\x01\x02")
    for offset in (22, central + 24):
        data[offset:offset + 4] = (10).to_bytes(4, "little")
    police = client_as(settings, demo, "police", max_unzipped_mb=5)
    response = police.post("/communes/15178/records/import",
                           files={"file": ("noi-doi.xlsx", bytes(data))})
    assert response.status_code == 422
    assert "tệp bị hỏng" in response.text


def test_sign_in_never_redirects_to_another_site(demo, settings):
    make_user(demo, "u1", "police")
    for target in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        client = _fresh(settings)
        response = client.post("/login", data={
            "username": "u1", "password": PASSWORD, "next": target,
            "csrftoken": csrf_of(client)}, follow_redirects=False)
        assert response.headers["location"] == "/", target


def test_changing_the_password_ends_the_other_sessions(demo, settings):
    make_user(demo, "u1", "police")
    laptop, phone = sign_in(_fresh(settings), "u1"), sign_in(_fresh(settings), "u1")
    assert phone.get("/communes/15178/records").status_code == 200
    changed = laptop.post("/account/password", data={
        "current": PASSWORD, "new": "mat-khau-moi-456", "confirm": "mat-khau-moi-456"},
        follow_redirects=False)
    assert changed.status_code == 303
    assert laptop.get("/communes/15178/records").status_code == 200  # this one goes on
    stale = phone.get("/communes/15178/records", follow_redirects=False)
    assert stale.status_code == 303 and stale.headers["location"].startswith("/login")


def test_the_audit_log_names_what_each_event_is_about_in_vietnamese(demo, settings):
    make_user(demo, "u2", "police")
    police = sign_in(_fresh(settings), "u2")
    police.post(NEW_VENUE, data=VENUE)
    police.post("/communes/15178/tasks/cam-tan-2024-2025/T1",
                data={"action": "done", "done_on": "14/11/2024"})
    police.post("/communes/15178/villages/T10", data={"households": "162",
                                                      "population": "640"})
    page = police.get("/communes/15178/audit").text
    assert "Nhiệm vụ của kế hoạch cam-tan-2024-2025/T1" in page
    assert "Số liệu thôn T10" in page
    assert "Cơ sở kinh doanh có nguy cơ" in page

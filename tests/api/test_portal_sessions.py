"""The portal's session and safety over HTTP, in-process (its browser tests are in tests/portal/):
the cookie holds the very token the API takes, is Secure over HTTPS, and dies with sign-out; the
API needs no CSRF token."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest_asyncio

from dps.app import create_app
from dps.core.clock import FixedClock
from dps.core.settings import Settings
from dps.core.storage import LocalDocumentStore
from tests.support import PASSWORD, Api

CSRF_INPUT = re.compile(r'name="_csrf_token" value="([^"]+)"')


@pytest_asyncio.fixture
async def app_parts(
    clean_database: str, settings: Settings, clock: FixedClock, tmp_path: Path
) -> AsyncIterator[object]:
    app = create_app(settings, clock=clock, store=LocalDocumentStore(tmp_path / "documents"), manage_database=False)
    yield app


def _client(app: object, scheme: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=f"{scheme}://portal.test")  # type: ignore[arg-type]


async def _provider_email(api: Api) -> str:
    _, token = await api.provider()
    me = await api.client.get("/api/v1/me", headers=api.auth(token))
    return str(me.json()["email"])


async def _sign_in(client: httpx.AsyncClient, email: str) -> httpx.Response:
    form = await client.get("/sign-in")
    token = CSRF_INPUT.search(form.text)
    assert token is not None, form.text
    return await client.post(
        "/sign-in", data={"_csrf_token": token.group(1), "email": email, "password": PASSWORD, "next": "/"}
    )


async def test_the_session_cookie_holds_the_token_the_api_takes_and_sign_out_revokes_it(
    app_parts: object, clock: FixedClock
) -> None:
    async with _client(app_parts, "https") as client:
        api = Api(client, clock, app_parts)  # type: ignore[arg-type]
        email = await _provider_email(api)
        signed_in = await _sign_in(client, email)
        assert signed_in.status_code == 303 and signed_in.headers["location"] == "/"
        set_cookie = next(h for h in signed_in.headers.get_list("set-cookie") if h.startswith("dps_session="))
        assert "HttpOnly" in set_cookie and "Secure" in set_cookie and "SameSite=lax" in set_cookie
        session = client.cookies["dps_session"]
        me = await client.get("/api/v1/me", headers=api.auth(session))
        assert me.status_code == 200 and me.json()["email"] == email

        home = await client.get("/")
        token = CSRF_INPUT.search(home.text)
        assert token is not None
        signed_out = await client.post("/sign-out", data={"_csrf_token": token.group(1)})
        assert signed_out.status_code == 303
        refused = await client.get("/api/v1/me", headers=api.auth(session))
        assert refused.status_code == 401 and refused.json()["code"] == "invalid_token"


async def test_over_plain_http_the_session_cookie_is_not_marked_secure(app_parts: object, clock: FixedClock) -> None:
    async with _client(app_parts, "http") as client:
        email = await _provider_email(Api(client, clock, app_parts))  # type: ignore[arg-type]
        signed_in = await _sign_in(client, email)
        set_cookie = next(h for h in signed_in.headers.get_list("set-cookie") if h.startswith("dps_session="))
        assert "HttpOnly" in set_cookie and "Secure" not in set_cookie


async def test_the_json_api_takes_no_csrf_token_and_keeps_its_problem_details(
    app_parts: object, clock: FixedClock
) -> None:
    async with _client(app_parts, "http") as client:
        email = await _provider_email(Api(client, clock, app_parts))  # type: ignore[arg-type]
        login = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
        assert login.status_code == 200
        assert login.headers["x-content-type-options"] == "nosniff"
        assert "content-security-policy" not in login.headers  # /schema's viewer loads its own scripts
        missing = await client.get("/api/v1/arrangements/999999", headers={"Authorization": "Bearer nope"})
        assert missing.headers["content-type"].startswith("application/problem+json")


async def test_a_portal_form_without_its_csrf_token_is_refused_with_a_page(app_parts: object) -> None:
    async with _client(app_parts, "http") as client:
        await client.get("/sign-in")  # has the CSRF cookie, but posts no token
        refused = await client.post("/sign-in", data={"email": "someone@example.com", "password": "x" * 12})
        assert refused.status_code == 403
        assert refused.headers["content-type"].startswith("text/html")
        assert "Your form has expired" in refused.text


async def test_a_path_nobody_serves_is_a_page_for_people_and_a_problem_for_the_api(app_parts: object) -> None:
    async with _client(app_parts, "http") as client:
        page = await client.get("/no-such-page")
        assert page.status_code == 404
        assert page.headers["content-type"].startswith("text/html")
        assert "Page not found" in page.text
        api = await client.get("/api/v1/no-such-route")
        assert api.status_code == 404
        assert api.headers["content-type"].startswith("application/problem+json")
        assert api.json()["code"] == "not_found"

"""Helpers shared by the integration tests: users, sign-in, CSRF tokens, API tokens, snapshots.

They need an open database: the `client` fixture (the app's lifespan opens it as the global
fallback) or the `database` fixture.
"""

from __future__ import annotations

import asyncio
import itertools
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from io import BytesIO
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import httpx
from httpx import ASGITransport, AsyncClient
from pypdf import PdfWriter
from starlette.types import ASGIApp
from tortoise import Tortoise

from app import clock, db
from app.accounts import services
from app.accounts.licence_register import RegisterStatus
from app.accounts.models import LicenceRegisterEntry, User
from app.accounts.passwords import hash_password
from app.accounts.roles import AccountStatus, Role
from app.audit.models import AuditEntry
from app.orgs.models import Agency, BarAssociation, Facility
from app.settings import Settings
from scheduling.meeting_notices import NoticeSettings

DEFAULT_PASSWORD = "correct-horse-battery-staple-7"
BEIJING = "110000"
SHANGHAI = "310000"

_serial = itertools.count(1)
_hashes: dict[str, str] = {}  # argon2 at 19 MiB costs ~50 ms: hash each test password once


def _hash(password: str) -> str:
    if password not in _hashes:
        _hashes[password] = hash_password(password)
    return _hashes[password]


def pdf_document(title: str) -> bytes:
    """A valid one-page PDF (what the upload checks accept); `title` makes its bytes distinct."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)  # A4 in points
    writer.add_metadata({"/Title": title})
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def licence_for(region_prefix: str = "1101", serial: int | None = None) -> str:
    """A valid 17-digit practice-licence number in the city `region_prefix` (4 digits)."""
    number = next(_serial) if serial is None else serial
    return f"{region_prefix}201511{number:07d}"


async def make_organisation(
    kind: str, region_code: str = "110108", name: str | None = None
) -> Facility | Agency | BarAssociation:
    name = name or f"{kind}-{next(_serial)}"
    if kind == "facility":
        return await Facility.create(name=name, region_code=region_code)
    if kind == "agency":
        return await Agency.create(name=name, region_code=region_code)
    return await BarAssociation.create(name=name, jurisdiction=region_code)


async def make_user(
    role: Role,
    username: str | None = None,
    password: str = DEFAULT_PASSWORD,
    **fields: Any,
) -> User:
    """A user written straight to the database (no audit entry), bound as its role requires.

    Lawyers get a unique Beijing licence unless `licence_number` is given, and are active unless
    `status` says otherwise. Staff, investigators and auditors get a new organisation unless one
    is given; an auditor's jurisdiction (and region) is `region_code`, Beijing by default.
    """
    username = username or f"{role.value.replace('_', '-')}-{next(_serial)}"
    values: dict[str, Any] = {
        "display_name": username.title(),
        "email": f"{username}@example.test",
        "status": AccountStatus.ACTIVE,
    }
    if role == Role.LAWYER:
        licence = fields.pop("licence_number", None) or licence_for()
        values.update(
            licence_number=licence, law_firm="Test Law Firm", region_code=licence[:4] + "00"
        )
    elif role == Role.DETENTION_STAFF and "facility" not in fields:
        facility = await make_organisation("facility", fields.get("region_code", "110108"))
        values.update(facility=facility, region_code=facility.region_code)  # type: ignore[union-attr]
    elif role == Role.INVESTIGATOR and "agency" not in fields:
        agency = await make_organisation("agency", fields.get("region_code", "110108"))
        values.update(agency=agency, region_code=agency.region_code)  # type: ignore[union-attr]
    elif role == Role.BAR_AUDITOR and "bar_association" not in fields:
        bar = await make_organisation("bar_association", fields.get("region_code", BEIJING))
        values.update(bar_association=bar, region_code=bar.jurisdiction)  # type: ignore[union-attr]
    values.update(fields)
    return await User.create(username=username, role=role, password_hash=_hash(password), **values)


async def put_on_register(
    lawyer: User,
    status: RegisterStatus = RegisterStatus.PRACTISING,
    name: str | None = None,
    law_firm: str | None = None,
) -> LicenceRegisterEntry:
    """Put a lawyer's licence on the register of the bar of its province (made if missing)."""
    province = lawyer.region_code[:2] + "0000"
    bar, _ = await BarAssociation.get_or_create(
        name=f"register-bar-{province}", defaults={"jurisdiction": province}
    )
    return await LicenceRegisterEntry.create(
        bar_association=bar, licence_number=lawyer.licence_number,
        name=lawyer.display_name if name is None else name,
        law_firm=lawyer.law_firm if law_firm is None else law_firm,
        status=status, imported_at=clock.now())  # fmt: skip


def csrf_from(html: str) -> str:
    """The CSRF token of the first form on a page."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF token"
    return found.group(1)


async def page_csrf(client: AsyncClient, path: str = "/login") -> str:
    response = await client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return csrf_from(response.text)


async def login(
    client: AsyncClient, username: str, password: str = DEFAULT_PASSWORD, next: str = ""
) -> httpx.Response:
    """Sign in through the login form; the client keeps the session cookie on success."""
    token = await page_csrf(client, "/login")
    data = {"csrf_token": token, "username": username, "password": password}
    if next:
        data["next"] = next
    return await client.post("/login", data=data)


async def signed_in(client: AsyncClient, role: Role, **fields: Any) -> User:
    """A new user of `role`, signed in on `client`."""
    user = await make_user(role, **fields)
    response = await login(client, user.username)
    assert response.status_code == 303, response.text
    return user


async def post_form(
    client: AsyncClient, path: str, data: dict[str, str] | None = None, csrf_page: str = "/profile"
) -> httpx.Response:
    """Post a form with the CSRF token taken from `csrf_page`, as a browser would."""
    token = await page_csrf(client, csrf_page)
    return await client.post(path, data={"csrf_token": token, **(data or {})})


async def api_token(user: User, name: str = "test token") -> str:
    """A new API token of `user` (the raw secret, as shown once on the profile page)."""
    _token, raw = await services.issue_token(user, name)
    return raw


def bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


async def audit_actions() -> list[str]:
    return [entry.action for entry in await AuditEntry.all().order_by("seq")]


async def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of every table of the app, to prove a request changed nothing."""
    rows: dict[str, list[dict[str, Any]]] = {}
    for label, models in (Tortoise.apps or {}).items():
        for name, model in models.items():
            values = await model.all().values()
            rows[f"{label}.{name}"] = sorted(values, key=repr)
    return rows


async def row_counts() -> dict[str, int]:
    return {name: len(rows) for name, rows in (await snapshot()).items()}


def set_cookies(response: httpx.Response) -> dict[str, str]:
    """Set-Cookie headers of a response by cookie name (the whole header line)."""
    found: dict[str, str] = {}
    for line in response.headers.get_list("set-cookie"):
        found[line.split("=", 1)[0].strip()] = line
    return found


def cookie_attributes(line: str) -> dict[str, str]:
    """Attributes of one Set-Cookie line, lower-cased names; flags map to ''."""
    _first, *rest = line.split(";")
    attributes: dict[str, str] = {}
    for part in rest:
        name, _sep, value = part.strip().partition("=")
        attributes[name.lower()] = value
    return attributes


@asynccontextmanager
async def client_from(
    app: ASGIApp, address: str = "127.0.0.2", base_url: str = "http://testserver"
) -> AsyncIterator[AsyncClient]:
    """Another browser on the same running app (its lifespan is run by the `client` fixture)."""
    transport = ASGITransport(app=app, client=(address, 50001))
    async with AsyncClient(transport=transport, base_url=base_url) as other:
        yield other


# --- Case registry pages (the records themselves: tests/integration/case_world.py) -----


def in_english(client: AsyncClient) -> None:
    """Pages in English (the message ids), whatever the Chinese catalogue says."""
    client.cookies.set("lawmeet_lang", "en")


async def sign_in_as(client: AsyncClient, user: User) -> None:
    """Sign `user` in on `client` as a fresh English browser (an earlier session is dropped)."""
    client.cookies.clear()
    in_english(client)
    response = await login(client, user.username)
    assert response.status_code == 303, response.text


def beijing_yesterday_at(hour: int, minute: int) -> datetime:
    """Yesterday at hour:minute on a Beijing wall clock (the test facilities' zone)."""
    local = datetime.now(ZoneInfo("Asia/Shanghai")) - timedelta(days=1)
    return local.replace(hour=hour, minute=minute, second=0, microsecond=0)


def local_fields(prefix: str, moment: datetime) -> dict[str, str]:
    """The date and time inputs of a page form (`<prefix>_date`, `<prefix>_time`)."""
    return {f"{prefix}_date": f"{moment:%Y-%m-%d}", f"{prefix}_time": f"{moment:%H:%M}"}


T = TypeVar("T")


def in_database(settings: Settings, work: Callable[[], Awaitable[T]]) -> T:
    """Run ``work`` with the test database open, outside any event loop (CLI tests)."""

    async def run() -> T:
        context = await db.open_database(settings)
        try:
            return await work()
        finally:
            await db.close_database(context)

    return asyncio.run(run())


# --- Meeting notices (scheduling.meeting_notices) ------------------------------------------

# What a booking, move or cancellation called directly tells the lawyer with: the settings'
# defaults and the test app's public URL (a test about the notices passes its own).
NOTICES = NoticeSettings.from_settings(
    Settings.model_validate({"app": {"public_url": "http://testserver"}})
)

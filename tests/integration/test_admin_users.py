"""Administration: admins create staff, investigators and auditors bound to their organisation,
disable and re-enable accounts, and manage the reference organisations."""

from __future__ import annotations

import re

import httpx
import pytest
from httpx import AsyncClient
from starlette.applications import Starlette

from app.accounts.models import Session, User
from app.accounts.roles import AccountStatus, Role
from app.audit.models import AuditEntry
from app.orgs.models import Agency, BarAssociation, Facility
from tests.integration.helpers import (
    DEFAULT_PASSWORD,
    client_from,
    login,
    make_organisation,
    make_user,
    post_form,
    signed_in,
)


@pytest.fixture
async def admin(client: AsyncClient) -> User:
    return await signed_in(client, Role.ADMIN)


async def create(client: AsyncClient, **fields: str) -> httpx.Response:
    form = {
        "username": "desk.officer",
        "display_name": "值班民警",
        "email": "",
        "phone": "",
        "password": DEFAULT_PASSWORD,
        **fields,
    }
    return await post_form(client, "/admin/users", form, csrf_page="/admin/users/new")


def has_error(response: httpx.Response, field: str) -> bool:
    return bool(re.search(rf'class="field has-error">\s*<label for="f-{field}"', response.text))


# Who may administer


@pytest.mark.parametrize(
    "role", [Role.LAWYER, Role.DETENTION_STAFF, Role.INVESTIGATOR, Role.BAR_AUDITOR]
)
async def test_roles_other_than_admin_get_403(client: AsyncClient, role: Role) -> None:
    await signed_in(client, role)
    for path in ("/admin/users", "/admin/users/new", "/admin/organisations"):
        assert (await client.get(path)).status_code == 403, path


@pytest.mark.parametrize("role", [Role.LAWYER, Role.BAR_AUDITOR])
async def test_non_admin_cannot_create_users(client: AsyncClient, role: Role) -> None:
    await signed_in(client, role)
    form = {"username": "desk.officer", "display_name": "x", "password": DEFAULT_PASSWORD}
    response = await post_form(client, "/admin/users", {**form, "role": "admin"})
    assert response.status_code == 403
    assert not await User.filter(username="desk.officer").exists()


async def test_non_admin_cannot_disable_anyone(client: AsyncClient) -> None:
    victim = await make_user(Role.LAWYER)
    await signed_in(client, Role.BAR_AUDITOR)
    response = await post_form(client, f"/admin/users/{victim.id}/disable")
    assert response.status_code == 403
    await victim.refresh_from_db()
    assert victim.status == AccountStatus.ACTIVE


async def test_admin_sees_every_user(client: AsyncClient, admin: User) -> None:
    lawyer = await make_user(Role.LAWYER)
    staff = await make_user(Role.DETENTION_STAFF)
    page = await client.get("/admin/users")
    assert page.status_code == 200
    for user in (admin, lawyer, staff):
        assert user.username in page.text


# Creating users


async def test_admin_creates_staff_bound_to_a_facility(client: AsyncClient, admin: User) -> None:
    facility = await make_organisation("facility", "110108")
    response = await create(
        client, role="detention_staff", organisation_id=f"facility:{facility.id}"
    )
    assert response.status_code == 303
    user = await User.get(username="desk.officer")
    assert user.role == Role.DETENTION_STAFF
    assert user.status == AccountStatus.ACTIVE
    assert user.facility_id == facility.id
    assert user.agency_id is None and user.bar_association_id is None
    assert user.region_code == "110108"


async def test_admin_creates_an_investigator_bound_to_an_agency(
    client: AsyncClient, admin: User
) -> None:
    agency = await make_organisation("agency", "110105")
    response = await create(client, role="investigator", organisation_id=f"agency:{agency.id}")
    assert response.status_code == 303
    user = await User.get(username="desk.officer")
    assert (user.agency_id, user.region_code) == (agency.id, "110105")


async def test_admin_creates_an_auditor_with_the_bars_jurisdiction(
    client: AsyncClient, admin: User
) -> None:
    bar = await make_organisation("bar_association", "310000")
    response = await create(client, role="bar_auditor", organisation_id=f"bar_association:{bar.id}")
    assert response.status_code == 303
    user = await User.get(username="desk.officer")
    assert (user.bar_association_id, user.region_code) == (bar.id, "310000")


async def test_admin_creates_another_admin_without_organisation(
    client: AsyncClient, admin: User
) -> None:
    assert (await create(client, role="admin")).status_code == 303
    assert (await User.get(username="desk.officer")).role == Role.ADMIN


async def test_created_user_can_sign_in(client: AsyncClient, app: Starlette, admin: User) -> None:
    facility = await make_organisation("facility")
    await create(client, role="detention_staff", organisation_id=f"facility:{facility.id}")
    async with client_from(app) as browser:
        assert (await login(browser, "desk.officer")).status_code == 303


async def test_creating_a_user_writes_one_audit_entry(client: AsyncClient, admin: User) -> None:
    await create(client, role="admin")
    user = await User.get(username="desk.officer")
    entries = await AuditEntry.filter(action="user.created")
    assert [(e.actor_id, e.object_id, e.summary) for e in entries] == [
        (admin.id, str(user.id), {"role": "admin"})
    ]


@pytest.mark.parametrize("role", ["detention_staff", "investigator", "bar_auditor"])
async def test_bound_role_without_organisation_is_refused(
    client: AsyncClient, admin: User, role: str
) -> None:
    response = await create(client, role=role)
    assert response.status_code == 400
    assert has_error(response, "organisation_id")
    assert not await User.filter(username="desk.officer").exists()


async def test_organisation_that_does_not_exist_is_refused(
    client: AsyncClient, admin: User
) -> None:
    response = await create(client, role="detention_staff", organisation_id="facility:9999")
    assert response.status_code == 400
    assert not await User.filter(username="desk.officer").exists()


async def test_form_offers_each_organisation_with_its_kind(
    client: AsyncClient, admin: User
) -> None:
    facility = await make_organisation("facility")
    bar = await make_organisation("bar_association")
    page = await client.get("/admin/users/new")
    assert f'value="facility:{facility.id}"' in page.text
    assert f'value="bar_association:{bar.id}"' in page.text


async def test_organisation_of_another_kind_than_the_role_is_refused(
    client: AsyncClient, admin: User
) -> None:
    # Ids repeat across kinds: bar 1 picked for a staff member must not bind facility 1.
    await make_organisation("facility")
    bar = await make_organisation("bar_association")
    response = await create(
        client, role="detention_staff", organisation_id=f"bar_association:{bar.id}"
    )
    assert response.status_code == 400
    assert has_error(response, "organisation_id")
    assert not await User.filter(username="desk.officer").exists()


async def test_admins_cannot_create_lawyers(client: AsyncClient, admin: User) -> None:
    response = await create(client, role="lawyer")
    assert response.status_code == 400
    assert not await User.filter(username="desk.officer").exists()


async def test_unknown_role_is_refused(client: AsyncClient, admin: User) -> None:
    response = await create(client, role="superuser")
    assert response.status_code == 400
    assert await User.all().count() == 1


async def test_weak_password_is_refused_for_created_users(client: AsyncClient, admin: User) -> None:
    response = await create(client, role="admin", password="qwertyuiop")
    assert response.status_code == 400
    assert has_error(response, "password")


async def test_taken_user_name_is_refused(client: AsyncClient, admin: User) -> None:
    response = await create(client, role="admin", username=admin.username)
    assert response.status_code == 400
    assert await User.all().count() == 1


# Disabling and enabling


async def test_disabling_a_user_ends_their_sessions_and_sign_in(
    client: AsyncClient, app: Starlette, admin: User
) -> None:
    async with client_from(app) as victim_browser:
        victim = await signed_in(victim_browser, Role.LAWYER)
        response = await post_form(client, f"/admin/users/{victim.id}/disable")
        assert response.status_code == 303
        assert (await victim_browser.get("/profile")).status_code == 303
        assert (await login(victim_browser, victim.username)).status_code == 400
    await victim.refresh_from_db()
    assert victim.status == AccountStatus.DISABLED
    assert await Session.filter(user_id=victim.id).count() == 0
    assert await AuditEntry.filter(action="user.disabled", object_id=str(victim.id)).count() == 1


async def test_enabling_a_user_lets_them_sign_in_again(
    client: AsyncClient, app: Starlette, admin: User
) -> None:
    user = await make_user(Role.INVESTIGATOR, status=AccountStatus.DISABLED)
    response = await post_form(client, f"/admin/users/{user.id}/enable")
    assert response.status_code == 303
    await user.refresh_from_db()
    assert user.status == AccountStatus.ACTIVE
    async with client_from(app) as browser:
        assert (await login(browser, user.username)).status_code == 303


async def test_admin_cannot_disable_themselves(client: AsyncClient, admin: User) -> None:
    response = await post_form(client, f"/admin/users/{admin.id}/disable")
    assert response.status_code == 400
    await admin.refresh_from_db()
    assert admin.status == AccountStatus.ACTIVE
    assert (await client.get("/admin/users")).status_code == 200


async def test_disabling_an_unknown_user_answers_404(client: AsyncClient, admin: User) -> None:
    response = await post_form(client, "/admin/users/99999/disable")
    assert response.status_code == 404


# Organisations


async def test_admin_creates_a_facility_with_its_time_zone(
    client: AsyncClient, admin: User
) -> None:
    response = await post_form(
        client,
        "/admin/organisations",
        {
            "kind": "facility",
            "name": "海淀看守所",
            "region_code": "110108",
            "timezone": "Asia/Urumqi",
        },
        csrf_page="/admin/organisations",
    )
    assert response.status_code == 303
    facility = await Facility.get(name="海淀看守所")
    assert (facility.region_code, facility.timezone) == ("110108", "Asia/Urumqi")
    assert await AuditEntry.filter(action="facility.created").count() == 1


@pytest.mark.parametrize(
    ("kind", "model"), [("agency", Agency), ("bar_association", BarAssociation)]
)
async def test_admin_creates_agencies_and_bars(
    client: AsyncClient, admin: User, kind: str, model: type[Agency] | type[BarAssociation]
) -> None:
    response = await post_form(
        client,
        "/admin/organisations",
        {"kind": kind, "name": "某单位", "region_code": "310000"},
        csrf_page="/admin/organisations",
    )
    assert response.status_code == 303
    assert await model.filter(name="某单位").exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"region_code": "12345"},
        {"region_code": "990000"},
        {"name": ""},
        {"timezone": "Mars/Olympus"},
        {"kind": "court"},
    ],
)
async def test_invalid_organisation_is_refused(
    client: AsyncClient, admin: User, changes: dict[str, str]
) -> None:
    form = {"kind": "facility", "name": "某看守所", "region_code": "110108", **changes}
    entries = await AuditEntry.all().count()
    response = await post_form(client, "/admin/organisations", form, "/admin/organisations")
    assert response.status_code == 400
    assert await Facility.all().count() == 0
    assert await AuditEntry.all().count() == entries


async def test_duplicate_organisation_name_is_refused(client: AsyncClient, admin: User) -> None:
    await make_organisation("facility", name="海淀看守所")
    form = {"kind": "facility", "name": "海淀看守所", "region_code": "110108"}
    response = await post_form(client, "/admin/organisations", form, "/admin/organisations")
    assert response.status_code == 400
    assert await Facility.all().count() == 1

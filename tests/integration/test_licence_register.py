"""Story 14: a bar association imports its register; the auditor verifies a lawyer only when
the register shows the licence practising under the same name, or refuses with a reason the
lawyer is told; a re-import flags verified lawyers the register no longer backs."""

from __future__ import annotations

from pathlib import Path

import pytest
from httpx import AsyncClient

from app.accounts.models import LicenceRegisterEntry, User
from app.accounts.register_import import import_register
from app.accounts.roles import AccountStatus, Role
from app.audit.models import AuditEntry
from app.cli import main
from app.orgs.models import BarAssociation
from app.settings import Settings
from notifications.models import Notification
from tests.integration.helpers import (
    DEFAULT_PASSWORD,
    api_token,
    bearer,
    in_database,
    licence_for,
    make_user,
    page_csrf,
    post_form,
    signed_in,
)

HEADER = "执业证号,姓名,执业机构,执业状态\n"


def register_csv(*lines: str) -> bytes:
    return (HEADER + "".join(f"{line}\n" for line in lines)).encode()


async def pending(name: str = "张明", firm: str = "北京明德律师事务所") -> User:
    return await make_user(Role.LAWYER, display_name=name, law_firm=firm,
                           status=AccountStatus.PENDING)  # fmt: skip


async def auditor_and_bar(client: AsyncClient | None = None) -> tuple[User, BarAssociation]:
    if client is not None:
        auditor = await signed_in(client, Role.BAR_AUDITOR)
    else:
        auditor = await make_user(Role.BAR_AUDITOR)
    return auditor, await BarAssociation.get(id=auditor.bar_association_id)


async def upload(client: AsyncClient, data: bytes) -> str:
    token = await page_csrf(client, "/verification/register")
    response = await client.post(
        "/verification/register",
        data={"csrf_token": token},
        files={"register": ("register.csv", data, "text/csv")},
    )
    assert response.status_code in (200, 400), response.text
    return response.text


# The import


async def test_an_import_reports_added_changed_unchanged_and_refused_line_by_line(
    database: None,
) -> None:
    auditor, bar = await auditor_and_bar()
    a, b, c = licence_for(), licence_for(), licence_for()
    await import_register(auditor, bar, register_csv(f"{a},张明,甲所,执业", f"{b},李强,乙所,执业"))
    lines = (f"{a},张明,甲所,执业", f"{b},李强,丙所,执业", f"{c},王芳,丁所,执业", "1,坏,所,执业")
    report = await import_register(auditor, bar, register_csv(*lines))
    outcomes = [(line.line, line.outcome, line.detail) for line in report.lines]
    assert outcomes == [(2, "unchanged", ()), (3, "changed", ("law_firm",)), (4, "added", ()),
                        (5, "refused", ("licence_not_17_digits",))]  # fmt: skip
    assert await LicenceRegisterEntry.filter(bar_association=bar).count() == 3


async def test_the_file_is_the_whole_register_so_a_missing_licence_is_taken_off(
    database: None,
) -> None:
    auditor, bar = await auditor_and_bar()
    a, b = licence_for(), licence_for()
    await import_register(auditor, bar, register_csv(f"{a},张明,甲所,执业", f"{b},李强,乙所,执业"))
    report = await import_register(auditor, bar, register_csv(f"{a},张明,甲所,执业"))
    assert report.removed == [b]
    assert [e.licence_number for e in await LicenceRegisterEntry.all()] == [a]


async def test_a_file_without_one_good_line_changes_nothing(database: None) -> None:
    auditor, bar = await auditor_and_bar()
    await import_register(auditor, bar, register_csv(f"{licence_for()},张明,甲所,执业"))
    with pytest.raises(Exception) as refused:
        await import_register(auditor, bar, register_csv("123,坏行,所,执业"))
    assert getattr(refused.value, "code", "") == "register_no_valid_lines"
    assert await LicenceRegisterEntry.all().count() == 1


async def test_an_import_is_one_audit_entry_with_its_counts(database: None) -> None:
    auditor, bar = await auditor_and_bar()
    await import_register(auditor, bar, register_csv(f"{licence_for()},张明,甲所,执业"))
    (entry,) = await AuditEntry.filter(action="licence_register.imported")
    assert entry.summary["added"] == 1 and entry.actor_id == auditor.id


async def test_an_auditor_cannot_import_another_bars_register(database: None) -> None:
    auditor, _ = await auditor_and_bar()
    other = await BarAssociation.create(name="上海律协", jurisdiction="310000")
    with pytest.raises(Exception) as refused:
        await import_register(auditor, other, register_csv(f"{licence_for('3101')},张明,甲所,执业"))
    assert type(refused.value).__name__ == "NotFound"
    assert not await LicenceRegisterEntry.exists()


async def test_a_reimport_flags_a_verified_lawyer_whose_licence_was_revoked(database: None) -> None:
    auditor, bar = await auditor_and_bar()
    lawyer = await make_user(Role.LAWYER, display_name="张明")
    number = lawyer.licence_number
    await import_register(auditor, bar, register_csv(f"{number},张明,Test Law Firm,执业"))
    await lawyer.refresh_from_db()
    assert lawyer.licence_flag == ""
    report = await import_register(auditor, bar, register_csv(f"{number},张明,Test Law Firm,吊销"))
    assert [(f.user_id, f.flag) for f in report.flagged] == [(lawyer.id, "register_not_practising")]
    await lawyer.refresh_from_db()
    assert lawyer.licence_flag == "register_not_practising"
    assert lawyer.licence_flagged_at is not None
    assert await AuditEntry.filter(action="lawyer.licence_flagged").count() == 1


async def test_a_licence_practising_again_clears_its_flag(database: None) -> None:
    auditor, bar = await auditor_and_bar()
    lawyer = await make_user(Role.LAWYER, display_name="张明")
    number = lawyer.licence_number
    await import_register(auditor, bar, register_csv(f"{number},张明,Test Law Firm,停止执业"))
    await import_register(auditor, bar, register_csv(f"{number},张明,Test Law Firm,执业"))
    await lawyer.refresh_from_db()
    assert (lawyer.licence_flag, lawyer.licence_flagged_at) == ("", None)


# The verification page


async def test_the_page_shows_whether_licence_name_and_firm_match_the_register(
    client: AsyncClient,
) -> None:
    auditor, bar = await auditor_and_bar(client)
    lawyer = await pending(firm="北京新所")
    await import_register(auditor, bar, register_csv(
        f"{lawyer.licence_number},张明,北京明德律师事务所,执业"))  # fmt: skip
    page = (await client.get("/verification")).text
    assert "在登记中，执业" in page  # on the register, practising
    assert "北京明德律师事务所" in page  # the register's firm, shown beside the lawyer's
    assert f'action="/verification/{lawyer.id}/verify"' in page


async def test_a_licence_not_on_the_register_offers_no_verify_button_and_is_refused_409(
    client: AsyncClient,
) -> None:
    await auditor_and_bar(client)
    lawyer = await pending()
    page = (await client.get("/verification")).text
    assert f'action="/verification/{lawyer.id}/verify"' not in page
    response = await post_form(client, f"/verification/{lawyer.id}/verify",
                               csrf_page="/verification")  # fmt: skip
    assert response.status_code == 409
    await lawyer.refresh_from_db()
    assert lawyer.status == AccountStatus.PENDING


async def test_another_name_on_the_licence_is_refused(client: AsyncClient) -> None:
    auditor, bar = await auditor_and_bar(client)
    lawyer = await pending(name="张明")
    await import_register(auditor, bar, register_csv(f"{lawyer.licence_number},王芳,所,执业"))
    response = await post_form(client, f"/verification/{lawyer.id}/verify",
                               csrf_page="/verification")  # fmt: skip
    assert response.status_code == 409
    await lawyer.refresh_from_db()
    assert lawyer.status == AccountStatus.PENDING


async def test_refusing_with_a_reason_tells_the_lawyer_by_email(client: AsyncClient) -> None:
    await auditor_and_bar(client)
    lawyer = await pending()
    reason = {"reason": "执业证号不在登记中"}
    response = await post_form(client, f"/verification/{lawyer.id}/refuse", reason,
                               csrf_page="/verification")  # fmt: skip
    assert response.status_code == 303
    await lawyer.refresh_from_db()
    assert (lawyer.status, lawyer.refusal_reason) == (AccountStatus.REFUSED, "执业证号不在登记中")
    (notice,) = await Notification.filter(recipient_id=lawyer.id, template="account_refused")
    assert notice.payload["reason"] == "执业证号不在登记中"
    assert await AuditEntry.filter(action="lawyer.refused").count() == 1


async def test_refusing_without_a_reason_is_an_error_and_changes_nothing(
    client: AsyncClient,
) -> None:
    await auditor_and_bar(client)
    lawyer = await pending()
    response = await post_form(client, f"/verification/{lawyer.id}/refuse", {"reason": "  "},
                               csrf_page="/verification")  # fmt: skip
    assert response.status_code == 400
    assert 'role="alert"' in response.text
    await lawyer.refresh_from_db()
    assert lawyer.status == AccountStatus.PENDING


async def test_a_refused_lawyer_signing_in_reads_the_reason(client: AsyncClient) -> None:
    await auditor_and_bar(client)
    lawyer = await pending()
    await post_form(client, f"/verification/{lawyer.id}/refuse", {"reason": "姓名与登记不符"},
                    csrf_page="/verification")  # fmt: skip
    client.cookies.clear()
    token = await page_csrf(client, "/login")
    form = {"csrf_token": token, "username": lawyer.username, "password": DEFAULT_PASSWORD}
    response = await client.post("/login", data=form)
    assert response.status_code == 400
    assert "姓名与登记不符" in response.text


async def test_the_import_page_shows_the_report_line_by_line(client: AsyncClient) -> None:
    await auditor_and_bar(client)
    page = await upload(client, register_csv(f"{licence_for()},张明,甲所,执业", "bad,李,所,执业"))
    assert 'class="outcome-added"' in page and 'class="outcome-refused"' in page


async def test_the_import_page_names_a_missing_column(client: AsyncClient) -> None:
    await auditor_and_bar(client)
    page = await upload(client, "执业证号,姓名\n11012015110123456,张明\n".encode())
    assert "law_firm, status" in page


async def test_flagged_licences_are_listed_and_can_be_cleared(client: AsyncClient) -> None:
    auditor, bar = await auditor_and_bar(client)
    lawyer = await make_user(Role.LAWYER, display_name="张明")
    await import_register(auditor, bar, register_csv(f"{lawyer.licence_number},张明,所,注销"))
    page = (await client.get("/verification")).text
    assert f'action="/verification/{lawyer.id}/clear-flag"' in page
    response = await post_form(client, f"/verification/{lawyer.id}/clear-flag",
                               csrf_page="/verification")  # fmt: skip
    assert response.status_code == 303
    await lawyer.refresh_from_db()
    assert lawyer.licence_flag == ""


# The API twin


async def test_the_api_imports_compares_and_refuses(client: AsyncClient) -> None:
    auditor, _ = await auditor_and_bar()
    headers = bearer(await api_token(auditor))
    lawyer = await pending()
    imported = await client.post("/api/v1/licence-register", headers=headers, files={
        "register": ("r.csv", register_csv(f"{lawyer.licence_number},王芳,所,执业"))})  # fmt: skip
    assert imported.status_code == 200, imported.text
    assert imported.json()["counts"]["added"] == 1
    match = await client.get(f"/api/v1/lawyers/{lawyer.id}/register-match", headers=headers)
    assert match.json()["problem"] == "register_name_differs"
    verify = await client.post(f"/api/v1/lawyers/{lawyer.id}/verify", headers=headers)
    assert verify.status_code == 409
    assert "另一姓名" in verify.json()["detail"]  # another name on the register
    refused = await client.post(f"/api/v1/lawyers/{lawyer.id}/refuse", headers=headers,
                                json={"reason": "姓名与登记不符"})  # fmt: skip
    assert refused.status_code == 200 and refused.json()["status"] == "refused"


async def test_the_api_refuses_a_register_without_its_columns_with_422(client: AsyncClient) -> None:
    auditor, _ = await auditor_and_bar()
    response = await client.post("/api/v1/licence-register",
                                 headers=bearer(await api_token(auditor)),
                                 files={"register": ("r.csv", b"name\nx\n")})  # fmt: skip
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["register"]


# The command line


def test_the_cli_imports_a_register_and_prints_each_line(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.setenv("LAWMEET_DATABASE__URL", settings.database.url)
    monkeypatch.setenv("LAWMEET_APP__DATA_DIR", str(tmp_path))
    bar_id = in_database(settings, lambda: _bar_id())
    path = tmp_path / "register.csv"
    path.write_bytes(register_csv("11012015110123456,张明,甲所,执业", "1,李,所,执业"))
    assert main(["register", "import", str(path), "--bar", str(bar_id)]) == 0
    out = capsys.readouterr().out
    assert "line     2  11012015110123456  added" in out
    assert "licence_not_17_digits" in out
    assert "added=1" in out and "refused=1" in out


async def _bar_id() -> int:
    return (await BarAssociation.create(name="北京市律师协会", jurisdiction="110000")).id

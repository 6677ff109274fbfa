"""Demo data for `make run`: a small, realistic world. Loading twice changes nothing.

Here the organisations, the demo logins and the bar's register (``load_demo_data``); then, in
order, the cases (``app.demo.cases``), rooms, hours and meetings with today's work
(``app.demo.meetings``, ``app.demo.today``) and six months of compliance history
(``app.demo.compliance`` from ``app.demo.compliance_plan``). `lawmeet demo` loads them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tortoise.transactions import in_transaction

from app.accounts.models import LicenceRegisterEntry, User
from app.accounts.passwords import hash_password
from app.accounts.register_import import import_register
from app.accounts.roles import AccountStatus, Role
from app.audit.service import record
from app.orgs.models import Agency, BarAssociation, Facility

DEMO_PASSWORD = "lawmeet-demo-2026"  # noqa: S105 - demo data only, printed by `make run`

FACILITIES = [
    ("北京市海淀区看守所", "110108", "北京市海淀区西北旺镇", "010-62500000"),
    ("北京市朝阳区看守所", "110105", "北京市朝阳区豆各庄乡", "010-67380000"),
]
AGENCIES = [
    ("北京市公安局海淀分局刑侦支队", "110108", "北京市海淀区长春桥路"),
    ("北京市国家安全局侦查处", "110000", "北京市东城区"),
]
BARS = [("北京市律师协会", "110000")]


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    role: Role
    organisation: str | None = None
    licence_number: str | None = None
    law_firm: str = ""
    status: AccountStatus = AccountStatus.ACTIVE
    email: str = ""
    phone: str = ""
    supervises_agency: bool = False


USERS = [
    DemoUser("admin", "系统管理员", Role.ADMIN, email="admin@lawmeet.example"),
    DemoUser(
        "zhang.lawyer",
        "张律师",
        Role.LAWYER,
        licence_number="11012015110123456",
        law_firm="北京明德律师事务所",
        email="zhang@mingde.example",
        phone="+8613800000001",
    ),
    DemoUser(
        "li.lawyer",
        "李律师",
        Role.LAWYER,
        licence_number="11012010110765432",
        law_firm="北京正义律师事务所",
        email="li@zhengyi.example",
        phone="+8613800000002",
    ),
    DemoUser(
        "wang.lawyer",
        "王律师",
        Role.LAWYER,
        licence_number="11012021120345678",
        law_firm="北京公正律师事务所",
        email="wang@gongzheng.example",
        status=AccountStatus.PENDING,
    ),
    DemoUser(
        "haidian.desk",
        "海淀看守所值班民警",
        Role.DETENTION_STAFF,
        "北京市海淀区看守所",
        email="desk@haidian-kss.example",
    ),
    DemoUser("chaoyang.desk", "朝阳看守所值班民警", Role.DETENTION_STAFF, "北京市朝阳区看守所"),
    DemoUser(
        "zhao.investigator",
        "赵警官",
        Role.INVESTIGATOR,
        "北京市公安局海淀分局刑侦支队",
        email="zhao@haidian-psb.example",
    ),
    DemoUser(
        "qian.supervisor",
        "钱队长",
        Role.INVESTIGATOR,
        "北京市公安局海淀分局刑侦支队",
        email="qian@haidian-psb.example",
        supervises_agency=True,
    ),
    DemoUser(
        "chen.auditor",
        "陈审核员",
        Role.BAR_AUDITOR,
        "北京市律师协会",
        email="chen@bjlawyers.example",
    ),
]


async def _organisations() -> dict[str, Facility | Agency | BarAssociation]:
    found: dict[str, Facility | Agency | BarAssociation] = {}
    for name, region, address, phone in FACILITIES:
        found[name], _ = await Facility.get_or_create(
            name=name, defaults={"region_code": region, "address": address, "phone": phone}
        )
    for name, region, address in AGENCIES:
        found[name], _ = await Agency.get_or_create(
            name=name, defaults={"region_code": region, "address": address}
        )
    for name, jurisdiction in BARS:
        found[name], _ = await BarAssociation.get_or_create(
            name=name, defaults={"jurisdiction": jurisdiction}
        )
    return found


def _binding(org: Facility | Agency | BarAssociation | None) -> dict[str, Any]:
    if isinstance(org, Facility):
        return {"facility": org, "region_code": org.region_code}
    if isinstance(org, Agency):
        return {"agency": org, "region_code": org.region_code}
    if isinstance(org, BarAssociation):
        return {"bar_association": org, "region_code": org.jurisdiction}
    return {}


async def load_demo_data() -> list[DemoUser]:
    """Create what is missing; return the demo users (all share DEMO_PASSWORD)."""
    async with in_transaction():
        organisations = await _organisations()
        password_hash: str | None = None
        for demo in USERS:
            if await User.filter(username=demo.username).exists():
                continue
            password_hash = password_hash or hash_password(DEMO_PASSWORD)
            extra = _binding(organisations.get(demo.organisation or ""))
            if demo.licence_number:
                extra["region_code"] = demo.licence_number[:4] + "00"
            user = await User.create(
                username=demo.username,
                display_name=demo.display_name,
                role=demo.role,
                status=demo.status,
                password_hash=password_hash,
                email=demo.email,
                phone=demo.phone,
                licence_number=demo.licence_number,
                law_firm=demo.law_firm,
                supervises_agency=demo.supervises_agency,
                **extra,
            )
            await record(None, "demo.user_created", "user", user.id, {"role": demo.role.value})
        await _register(organisations)
    return USERS


# The Beijing bar's register as last imported: Zhang, Li and the lawyers of the demo history
# practise; Wang, who registered since, is not on it yet (story 14: the auditor imports the
# newer register to verify him).
REGISTER_LINES = [
    "执业证号,姓名,执业机构,执业状态",
    "11012015110123456,张律师,北京明德律师事务所,执业",
    "11012010110765432,李律师,北京正义律师事务所,执业",
]


def demo_register() -> str:
    from app.demo.compliance import LAWYERS  # the history's lawyers, licences as created there

    history = [f"110120181107{i:05d},{name},{firm},执业" for i, (_, name, firm) in
               enumerate(LAWYERS)]  # fmt: skip
    return "\n".join([*REGISTER_LINES, *history]) + "\n"


async def _register(organisations: dict[str, Facility | Agency | BarAssociation]) -> None:
    bar = organisations.get("北京市律师协会")
    if not isinstance(bar, BarAssociation):
        return
    if await LicenceRegisterEntry.filter(bar_association=bar).exists():
        return
    await import_register(None, bar, demo_register().encode())

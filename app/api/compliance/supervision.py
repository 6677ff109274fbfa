"""The /api/v1 endpoints of story 13: who supervises an agency, and its overdue tasks."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request

from app import clock
from app.accounts import policy, services
from app.accounts.models import User
from app.accounts.policy import Action
from app.api.account.models import UserOut
from app.api.fields import Flag
from app.api.framework import Endpoint
from rights_checklist.overdue_tasks import OverdueTask, overdue_for_supervisor


class SupervisorIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    supervises: Flag = Field(description="Whether the investigator supervises the agency")


class OverdueTaskOut(BaseModel):
    duty_id: str = Field(description="The catalogue's duty code, e.g. C3 or N6")
    what: str = Field(description="opinion | application | notice")
    case_id: int
    case_number: str
    reference: str = Field(description="A submission's receipt number, if the task is one")
    due_at: datetime
    overdue_minutes: int
    url: str = Field(description="The page where the task is done")


class SupervisedUserOut(UserOut):
    supervises_agency: bool


def task_out(task: OverdueTask, now: datetime) -> OverdueTaskOut:
    minutes = int((now - task.due_at).total_seconds() // 60)
    facts = {name: getattr(task, name) for name in ("duty_id", "what", "case_id", "case_number",
                                                    "reference", "due_at", "url")}  # fmt: skip
    return OverdueTaskOut(**facts, overdue_minutes=minutes)


async def list_overdue(request: Request, user: User) -> list[OverdueTaskOut]:
    context = await request.app.state.law.context()
    now = clock.now()
    return [task_out(task, now) for task in await overdue_for_supervisor(user, context)]


async def set_supervisor(user: User, user_id: int, body: SupervisorIn) -> SupervisedUserOut:
    target = await policy.managed_user(user, user_id)
    changed = await services.set_supervisor(user, target, body.supervises)
    return SupervisedUserOut.model_validate(changed, from_attributes=True)


P = "/api/v1"
SUPERVISION_ENDPOINTS: list[Endpoint] = [
    Endpoint("GET", f"{P}/tasks/overdue", list_overdue,
             "Every overdue task of my agency (supervisors only), the longest overdue first",
             "submissions", Action.HANDLE_SUBMISSIONS, response=OverdueTaskOut,
             list_response=True, errors=(403,)),
    Endpoint("PUT", f"{P}/users/{{user_id:int}}/supervisor", set_supervisor,
             "Make an investigator the agency's supervisor, or end that", "administration",
             Action.MANAGE_USERS, body=SupervisorIn, response=SupervisedUserOut,
             errors=(404,)),
]  # fmt: skip

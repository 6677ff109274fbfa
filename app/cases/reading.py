"""Reading sensitive case data: each look at a document or an identity number is audited."""

from __future__ import annotations

from pathlib import Path

from app.accounts.models import User
from app.accounts.scopes import visible_row
from app.audit.service import record_view
from app.cases import access
from app.cases.models import Detainee, EngagementDocument
from app.cases.services import mask_id_number
from app.cases.storage import document_root, path_for


async def open_document(
    user: User, document_id: int, data_dir: Path
) -> tuple[EngagementDocument, Path]:
    document = await visible_row(EngagementDocument, user, document_id)
    await record_view(user, "document", document.id, f"engagement {document.engagement_id}")
    return document, path_for(document_root(data_dir), document.sha256)


async def identity_number_for(user: User, detainee: Detainee) -> str:
    """The full number for roles that need it (and the view is recorded), masked for others."""
    if not access.sees_identity_numbers(user):
        return mask_id_number(detainee.id_number)
    await record_view(user, "detainee", detainee.id, "identity_number")
    return detainee.id_number

"""The one error type services raise for a request that cannot be carried out.

`code` names a translated message (app.presentation.i18n.MESSAGES), `field` the input at fault, and
`status` the HTTP status an entry point answers with (400 unless a rule says otherwise).
`extensions` are JSON-ready facts an API problem carries beside the message (RFC 9457), such as
which documents are missing.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    def __init__(
        self,
        code: str,
        field: str | None = None,
        status: int = 400,
        *,
        extensions: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(code)
        self.code = code
        self.field = field
        self.status = status
        if extensions is not None:
            self.extensions = extensions

"""Words for checking an audit receipt (the public /verify page and `lawmeet audit
verify-receipt`): why a receipt proves nothing."""

from __future__ import annotations

from typing import Final

from app.presentation.i18n import _

RECEIPT_MESSAGES: Final[dict[str, str]] = {
    "receipt_unreadable": _("This is not a lawmeet receipt: paste the whole JSON file."),
    "receipt_key_unreadable": _("This is not a verifier key of a lawmeet audit log."),
    "receipt_signature": _(
        "The tree head in the receipt is not signed by this log's key: the receipt proves nothing."
    ),
    "receipt_inconsistent": _(
        "The parts of the receipt do not agree with each other: the receipt proves nothing."
    ),
    "receipt_not_in_log": _(
        "The entry is not in the signed tree: the entry or the receipt was altered."
    ),
}

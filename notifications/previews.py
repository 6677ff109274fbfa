"""Sample data per notice kind, for the admin preview; and how many SMS segments a text takes.

Each kind keeps its sample next to its templates (`templates/<kind>/sample.json`), so a new
kind without one fails the test that renders every kind in every language.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from notifications.rendering import LANGUAGES, TEMPLATES_DIR, RenderedMessage, known_kinds, render

SAMPLE_FILE = "sample.json"

# GSM 03.38 basic set; the extension characters cost two septets each.
_GSM = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = set("^{}\\[~]|€\f")


class MissingSample(LookupError):
    """A notice kind has no sample.json: the preview (and its test) cannot render it."""


def sample_payload(kind: str) -> dict[str, Any]:
    path = TEMPLATES_DIR / kind / SAMPLE_FILE
    if not path.is_file():
        raise MissingSample(f"notifications/templates/{kind}/{SAMPLE_FILE} is missing")
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise MissingSample(f"notifications/templates/{kind}/{SAMPLE_FILE} is not an object")
    return data


@dataclass(frozen=True)
class SmsSize:
    characters: int
    encoding: str  # "GSM-7" or "UCS-2" (any Chinese character forces UCS-2)
    segments: int


def sms_size(text: str) -> SmsSize:
    """Segments as carriers count them: 160/153 septets (GSM-7) or 70/67 UTF-16 units (UCS-2)."""
    if all(ch in _GSM or ch in _GSM_EXTENDED for ch in text):
        units = sum(2 if ch in _GSM_EXTENDED else 1 for ch in text)
        single, part, encoding = 160, 153, "GSM-7"
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, part, encoding = 70, 67, "UCS-2"
    if units == 0:
        segments = 0
    elif units <= single:
        segments = 1
    else:
        segments = -(-units // part)
    return SmsSize(len(text), encoding, segments)


@dataclass(frozen=True)
class Preview:
    kind: str
    language: str
    message: RenderedMessage | None
    sms: SmsSize | None
    error: str = ""


def previews() -> list[Preview]:
    """Every kind in every language, rendered with its sample; a failure is shown, not raised."""
    out = []
    for kind in known_kinds():
        for language in LANGUAGES:
            try:
                message = render(kind, language, sample_payload(kind))
            except (MissingSample, ValueError) as exc:
                out.append(Preview(kind, language, None, None, str(exc)))
                continue
            out.append(Preview(kind, language, message, sms_size(message.sms)))
    return out

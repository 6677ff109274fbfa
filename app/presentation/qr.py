"""QR codes drawn as inline SVG (segno): what a printed page carries for a phone to read."""

from __future__ import annotations

import segno
from markupsafe import Markup


def qr_svg(text: str, label: str) -> Markup:
    """``text`` as a QR code (error correction M: readable when slightly soiled or creased)."""
    code = segno.make(text, error="m", micro=False)
    svg = code.svg_inline(border=2, title=label, svgclass="qr", lineclass=None, omitsize=True)
    return Markup(svg)  # noqa: S704 - segno's own SVG; the title is escaped by segno

"""Provider callbacks. They carry no session and no CSRF token: a signature proves the sender."""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from twilio.request_validator import RequestValidator

from notifications.preferences import START_WORDS, STOP_WORDS, keyword, opt_in, opt_out
from notifications.receipts import apply_twilio_status
from notifications.sms import STATUS_CALLBACK_PATH

log = logging.getLogger("lawmeet.notifications")
INBOUND_PATH = "/webhooks/twilio/inbound"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


async def _signed_params(request: Request, path: str) -> dict[str, str] | None:
    """The form fields when Twilio's signature over them is valid; None otherwise."""
    settings = request.app.state.settings
    form = await request.form()
    params = {key: value for key, value in form.multi_items() if isinstance(value, str)}
    # Twilio signs the URL it was given, which is the public one, not what the proxy forwards.
    url = settings.app.public_url + path
    signature = request.headers.get("X-Twilio-Signature", "")
    token = settings.sms.auth_token
    if not token or not RequestValidator(token).validate(url, params, signature):
        log.warning("twilio callback to %s with a bad signature refused", path)
        return None
    return params


async def twilio_status(request: Request) -> Response:
    params = await _signed_params(request, STATUS_CALLBACK_PATH)
    if params is None:
        return Response(status_code=403)
    await apply_twilio_status(
        params.get("MessageSid", ""), params.get("MessageStatus", ""), params.get("ErrorCode", "")
    )
    return Response(status_code=204)


async def twilio_inbound(request: Request) -> Response:
    """A reply to one of our numbers: STOP/退订 opts the sender out, START/订阅 back in.

    Anything else is ignored (no one reads replies here). The answer is empty TwiML, so
    Twilio sends nothing back on our behalf.
    """
    params = await _signed_params(request, INBOUND_PATH)
    if params is None:
        return Response(status_code=403)
    word = keyword(params.get("Body", ""))
    sender = params.get("From", "")
    if word in STOP_WORDS:
        await opt_out(sender, word)
    elif word in START_WORDS:
        await opt_in(sender)
    return Response(EMPTY_TWIML, media_type="text/xml")


routes = [
    Route(STATUS_CALLBACK_PATH, twilio_status, methods=["POST"]),
    Route(INBOUND_PATH, twilio_inbound, methods=["POST"]),
]

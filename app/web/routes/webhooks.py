"""Provider callbacks. They carry no session and no CSRF token: a signature proves the sender."""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from twilio.request_validator import RequestValidator

from notifications.receipts import apply_twilio_status
from notifications.sms import STATUS_CALLBACK_PATH

log = logging.getLogger("lawmeet.notifications")


async def twilio_status(request: Request) -> Response:
    settings = request.app.state.settings
    form = await request.form()
    params = {key: value for key, value in form.multi_items() if isinstance(value, str)}
    # Twilio signs the URL it was given, which is the public one, not what the proxy forwards.
    url = settings.app.public_url + STATUS_CALLBACK_PATH
    signature = request.headers.get("X-Twilio-Signature", "")
    token = settings.sms.auth_token
    if not token or not RequestValidator(token).validate(url, params, signature):
        log.warning("twilio status callback with a bad signature refused")
        return Response(status_code=403)
    await apply_twilio_status(
        params.get("MessageSid", ""), params.get("MessageStatus", ""), params.get("ErrorCode", "")
    )
    return Response(status_code=204)


routes = [Route(STATUS_CALLBACK_PATH, twilio_status, methods=["POST"])]

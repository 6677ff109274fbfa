"""SMS through Twilio's async client, with a signed delivery-status callback.

A send that times out or loses its connection after the request went out may have reached
Twilio: its DeliveryError says `unknown`, and before sending again the worker asks Twilio's
message list (`find_sent`) whether the message is already out.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import aiohttp
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.rest import Client

from app.settings import Settings
from notifications.channels import DeliveryError, Outgoing, Receipt, same_text

STATUS_CALLBACK_PATH = "/webhooks/twilio/status"
# Invalid number, opted out (STOP), not a mobile number: no retry can succeed.
PERMANENT_CODES = frozenset({21211, 21610, 21614})
OPTED_OUT_CODE = 21610
# A request is abandoned after this long (or half the lease, if shorter), so that no row's
# lease runs out while its send is still in flight.
TIMEOUT_SECONDS = 30.0
# Messages Twilio accepted that never reached the phone: sending again is no duplicate.
NOT_DELIVERED = frozenset({"failed", "undelivered", "canceled"})
LOOKUP_LIMIT = 50


def status_callback_url(settings: Settings) -> str:
    return settings.app.public_url + STATUS_CALLBACK_PATH


def maybe_received(exc: BaseException) -> bool:
    """Whether a failed request may all the same have reached Twilio: not when no
    connection was made, but after a timeout, a reset or a server that hung up."""
    if isinstance(exc, aiohttp.ClientConnectorError | aiohttp.ConnectionTimeoutError):
        return False
    if isinstance(exc, ConnectionRefusedError):
        return False
    return isinstance(
        exc,
        TimeoutError
        | ConnectionResetError
        | aiohttp.ServerDisconnectedError
        | aiohttp.ClientOSError
        | aiohttp.ClientPayloadError,
    )


def _reason(prefix: str, exc: BaseException) -> str:
    return f"{prefix}: {exc}" if str(exc) else f"{prefix}: {type(exc).__name__}"


class TwilioSender:
    def __init__(
        self, client: Any, from_number: str, callback_url: str, timeout: float = TIMEOUT_SECONDS
    ) -> None:
        self.client = client
        self.from_number = from_number
        self.callback_url = callback_url
        self.timeout = timeout

    @classmethod
    def from_settings(cls, settings: Settings) -> TwilioSender:
        client = Client(
            settings.sms.account_sid,
            settings.sms.auth_token,
            http_client=AsyncTwilioHttpClient(),
        )
        timeout = min(TIMEOUT_SECONDS, settings.notifications.lease_seconds / 2)
        return cls(client, settings.sms.from_number, status_callback_url(settings), timeout)

    async def send(self, outgoing: Outgoing) -> Receipt:
        try:
            async with asyncio.timeout(self.timeout):
                sent = await self.client.messages.create_async(
                    to=outgoing.address,
                    from_=self.from_number,
                    body=outgoing.message.sms,
                    status_callback=self.callback_url,
                )
        except TwilioRestException as exc:
            reason = f"Twilio {exc.status} code {exc.code}: {exc.msg}"
            raise DeliveryError(
                reason,
                permanent=exc.code in PERMANENT_CODES,
                opted_out=exc.code == OPTED_OUT_CODE,
                unknown=exc.status >= 500,  # Twilio's own failure: it may have queued it
            ) from None
        except (TwilioException, OSError, aiohttp.ClientError) as exc:
            raise DeliveryError(_reason("Twilio", exc), unknown=maybe_received(exc)) from None
        return Receipt(provider_id=str(sent.sid))

    async def find_sent(self, address: str, body: str, since: datetime) -> list[str]:
        """SIDs of messages from our number to `address` with this body, sent since `since`
        (or still queued, with no send date yet) and not reported failed; newest first."""
        since = since.astimezone(UTC)  # the client writes the filter as UTC (…Z)
        try:
            async with asyncio.timeout(self.timeout):
                found = await self.client.messages.list_async(
                    to=address,
                    from_=self.from_number,
                    date_sent_after=since,
                    limit=LOOKUP_LIMIT,
                )
        except TwilioRestException as exc:
            raise DeliveryError(f"Twilio lookup {exc.status} code {exc.code}: {exc.msg}") from None
        except (TwilioException, OSError, aiohttp.ClientError) as exc:
            raise DeliveryError(_reason("Twilio lookup", exc)) from None
        return [
            str(message.sid)
            for message in found
            if same_text(message.body or "", body)
            and str(message.status) not in NOT_DELIVERED
            and (message.date_sent is None or message.date_sent >= since)
        ]

    async def close(self) -> None:
        await self.client.http_client.close()

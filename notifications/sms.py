"""SMS through Twilio's async client, with a signed delivery-status callback."""

from __future__ import annotations

from typing import Any

from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.rest import Client

from app.settings import Settings
from notifications.channels import DeliveryError, Outgoing, Receipt

STATUS_CALLBACK_PATH = "/webhooks/twilio/status"
# Invalid number, opted out (STOP), not a mobile number: no retry can succeed.
PERMANENT_CODES = frozenset({21211, 21610, 21614})
OPTED_OUT_CODE = 21610


def status_callback_url(settings: Settings) -> str:
    return settings.app.public_url + STATUS_CALLBACK_PATH


class TwilioSender:
    def __init__(self, client: Any, from_number: str, callback_url: str) -> None:
        self.client = client
        self.from_number = from_number
        self.callback_url = callback_url

    @classmethod
    def from_settings(cls, settings: Settings) -> TwilioSender:
        client = Client(
            settings.sms.account_sid,
            settings.sms.auth_token,
            http_client=AsyncTwilioHttpClient(),
        )
        return cls(client, settings.sms.from_number, status_callback_url(settings))

    async def send(self, outgoing: Outgoing) -> Receipt:
        try:
            sent = await self.client.messages.create_async(
                to=outgoing.address,
                from_=self.from_number,
                body=outgoing.message.sms,
                status_callback=self.callback_url,
            )
        except TwilioRestException as exc:
            reason = f"Twilio {exc.status} code {exc.code}: {exc.msg}"
            raise DeliveryError(
                reason, permanent=exc.code in PERMANENT_CODES, opted_out=exc.code == OPTED_OUT_CODE
            ) from None
        except (TwilioException, OSError) as exc:
            raise DeliveryError(f"Twilio: {exc}") from None
        return Receipt(provider_id=str(sent.sid))

    async def close(self) -> None:
        await self.client.http_client.close()

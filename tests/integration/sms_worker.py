"""A worker process that sends SMS through a fake Twilio on 127.0.0.1, for the crash test.

Run as: python -m tests.integration.sms_worker <database url> <twilio port> <lease seconds>
"""

from __future__ import annotations

import asyncio
import sys

from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.rest import Client

from app import db
from app.settings import Settings
from notifications.kinds import Channel
from notifications.sms import TwilioSender
from notifications.worker import Worker
from tests.integration.notification_fakes import worker_config

FROM = "+15005550006"


async def main(url: str, port: int, lease: float) -> None:
    settings = Settings.model_validate({"database": {"url": url}})
    context = await db.open_database(settings)
    client = Client("AC" + "0" * 32, "token", http_client=AsyncTwilioHttpClient())
    client.api.base_url = f"http://127.0.0.1:{port}"
    sender = TwilioSender(client, FROM, "http://testserver/webhooks/twilio/status")
    try:
        config = worker_config(lease_seconds=lease, batch_size=20, poll_seconds=0.1)
        await Worker(config, {Channel.SMS: sender}).run(asyncio.Event())
    finally:
        await sender.close()
        await db.close_database(context)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), float(sys.argv[3])))

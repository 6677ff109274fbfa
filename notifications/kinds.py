"""Enumerations of the outbox: channels and delivery states."""

from __future__ import annotations

from enum import StrEnum


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"
    INAPP = "inapp"  # the row itself is the inbox entry
    CONSOLE = "console"  # printed and logged, for development


class Status(StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # claimed by a worker until lease_until
    SENT = "sent"  # accepted by the provider
    DELIVERED = "delivered"  # the provider (or the inbox) confirmed delivery
    FAILED = "failed"  # the provider reported failure after acceptance
    DEAD = "dead"  # permanent error or attempts exhausted, never retried by itself
    CANCELLED = "cancelled"


# How far along a row is; a receipt may only move a row forwards (sent -> delivered/failed).
PROGRESS: dict[Status, int] = {
    Status.PENDING: 0,
    Status.SENDING: 1,
    Status.SENT: 2,
    Status.DELIVERED: 3,
    Status.FAILED: 3,
    Status.DEAD: 3,
    Status.CANCELLED: 3,
}

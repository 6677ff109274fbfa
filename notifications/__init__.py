"""Notifications: an outbox written in the caller's transaction, channels, templates, a worker.

Knows nothing of scheduling or rights (ARCHITECTURE.md): they enqueue, this package delivers.
"""

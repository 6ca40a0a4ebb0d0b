"""Typed event payloads. Importing this package registers every event type."""
from contracts.events import audit, intake, payout, review, selection  # noqa: F401

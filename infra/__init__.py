"""Infrastructure written once and used by every service: settings, database, unit of work,
outbox/relay/inbox messaging, web app factory, logging, metrics, idempotency, auth and audit."""

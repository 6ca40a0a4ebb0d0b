"""The bridge: RabbitMQ → Temporal. Stateless; idempotency comes from workflow ids and event ids."""

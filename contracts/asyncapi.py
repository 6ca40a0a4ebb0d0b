"""AsyncAPI 3 document generated from the registered events, the envelope and the topology."""
from __future__ import annotations

from typing import Any

from contracts.envelope import EventEnvelope
from contracts.registry import all_events, spec_of
from contracts.topology import TOPOLOGY

REF_TEMPLATE = "#/components/schemas/{model}"


def _message_name(event_type: str, version: int) -> str:
    return "".join(part.title() for part in event_type.replace("-", ".").split(".")) + f"V{version}"


def build() -> dict[str, Any]:
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    schemas: dict[str, Any] = {}

    envelope_schema = EventEnvelope.model_json_schema(ref_template=REF_TEMPLATE)
    schemas.update(envelope_schema.pop("$defs", {}))
    schemas["EventEnvelope"] = envelope_schema

    for (event_type, version), model in all_events().items():
        name = _message_name(event_type, version)
        payload_schema = model.model_json_schema(ref_template=REF_TEMPLATE)
        schemas.update(payload_schema.pop("$defs", {}))
        schemas[model.__name__] = payload_schema
        messages[name] = {
            "name": event_type,
            "title": spec_of(model).summary,
            "contentType": "application/json",
            "payload": {
                "allOf": [
                    {"$ref": "#/components/schemas/EventEnvelope"},
                    {
                        "type": "object",
                        "properties": {
                            "type": {"const": event_type},
                            "version": {"const": version},
                            "payload": {"$ref": f"#/components/schemas/{model.__name__}"},
                        },
                    },
                ]
            },
        }
        channel_id = event_type
        consumers = [q.name for q in TOPOLOGY.queues if _matches(q.bindings, event_type)]
        channels[channel_id] = {
            "address": event_type,
            "description": f"routing key {event_type} on exchange {TOPOLOGY.exchange}; consumed by: "
            + (", ".join(consumers) or "(no consumer yet)"),
            "messages": {name: {"$ref": f"#/components/messages/{name}"}},
            "bindings": {
                "amqp": {
                    "is": "routingKey",
                    "exchange": {"name": TOPOLOGY.exchange, "type": "topic", "durable": True, "autoDelete": False, "vhost": "/"},
                    "bindingVersion": "0.3.0",
                }
            },
        }
        producer = event_type.split(".", 1)[0]
        operations[f"{producer}.publish.{event_type}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{channel_id}"},
            "summary": f"{producer} publishes {event_type} through its outbox",
            "messages": [{"$ref": f"#/channels/{channel_id}/messages/{name}"}],
        }
        for consumer in consumers:
            operations[f"{consumer}.receive.{event_type}"] = {
                "action": "receive",
                "channel": {"$ref": f"#/channels/{channel_id}"},
                "summary": f"{consumer} consumes {event_type}",
                "messages": [{"$ref": f"#/channels/{channel_id}/messages/{name}"}],
            }

    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "duixian domain events",
            "version": "1.0.0",
            "description": "Events the duixian services publish through their transactional outboxes. "
            "Generated from contracts/ by `duixian contracts export`; do not edit by hand.",
        },
        "defaultContentType": "application/json",
        "servers": {
            "local": {"host": "localhost:5672", "protocol": "amqp", "protocolVersion": "0.9.1", "description": "RabbitMQ"}
        },
        "channels": dict(sorted(channels.items())),
        "operations": dict(sorted(operations.items())),
        "components": {"messages": dict(sorted(messages.items())), "schemas": dict(sorted(schemas.items()))},
    }


def _matches(bindings: tuple[str, ...], routing_key: str) -> bool:
    return any(_topic_match(pattern.split("."), routing_key.split(".")) for pattern in bindings)


def _topic_match(pattern: list[str], words: list[str]) -> bool:
    if not pattern:
        return not words
    head, rest = pattern[0], pattern[1:]
    if head == "#":
        return any(_topic_match(rest, words[i:]) for i in range(len(words) + 1))
    if not words:
        return False
    return (head == "*" or head == words[0]) and _topic_match(rest, words[1:])

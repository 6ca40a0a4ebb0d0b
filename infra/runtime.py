"""What a running service is made of: its name, settings, own database and tables, and topology."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import MetaData

from contracts.queues import Topology
from infra.db import Database, open_database
from infra.settings import Settings
from infra.tables import InfraTables


@dataclass
class ServiceRuntime:
    name: str
    settings: Settings
    db: Database
    metadata: MetaData
    tables: InfraTables
    migrations_dir: Path
    topology: Topology

    @classmethod
    def build(
        cls,
        name: str,
        settings: Settings,
        *,
        metadata: MetaData,
        tables: InfraTables,
        migrations_dir: Path,
        topology: Topology,
        database: Database | None = None,
    ) -> ServiceRuntime:
        if database is None:
            url, schema = settings.database_url_for(name)
            database = open_database(url, schema)
        return cls(name, settings, database, metadata, tables, migrations_dir, topology)

"""durable jobs (procrastinate) on PostgreSQL

On PostgreSQL the background jobs (retention purges, Notify sends) live in procrastinate's tables, so they
survive restarts and each runs once across servers. This applies procrastinate's own schema for the pinned
version (requirements.lock); a later procrastinate version ships its migrations, to be added here as new
revisions. SQLite (one embedded server) keeps its jobs in the process and needs nothing.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-28 09:30:00
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op


revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    from procrastinate.schema import SchemaManager

    # Raw driver call: the schema is many statements with % signs, none of them parameters.
    bind.connection.driver_connection.execute(SchemaManager.get_schema())


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    bind.connection.driver_connection.execute("""
        DO $$ DECLARE item record; BEGIN
          FOR item IN SELECT tablename FROM pg_tables WHERE tablename LIKE 'procrastinate%' AND schemaname = current_schema() LOOP
            EXECUTE format('DROP TABLE IF EXISTS %I CASCADE', item.tablename); END LOOP;
          FOR item IN SELECT p.oid::regprocedure AS signature FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                      WHERE p.proname LIKE 'procrastinate%' AND n.nspname = current_schema() LOOP
            EXECUTE format('DROP FUNCTION IF EXISTS %s CASCADE', item.signature); END LOOP;
          FOR item IN SELECT typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                      WHERE typname LIKE 'procrastinate%' AND typtype IN ('c', 'e') AND n.nspname = current_schema() LOOP
            EXECUTE format('DROP TYPE IF EXISTS %I CASCADE', item.typname); END LOOP;
        END $$;
    """)

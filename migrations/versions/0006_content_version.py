"""content version

One row counting publishes of guidance. Every server compares it (a cheap one-row read, at most about once a
second) with the version its keyword index was built from, and refreshes when it is behind, so a publish on
one server is answerable on every server within 2 seconds.

Revision ID: 0006
Revises: 0004
Create Date: 2026-11-28 09:00:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0006'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    table = op.create_table(
        'content_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.bulk_insert(table, [{'id': 1, 'version': 0}])


def downgrade() -> None:
    op.drop_table('content_version')

"""parents' experience survey

Optional survey answers stored with an area and an ISO week only: a random key, no timestamp finer than the
week, no conversation id, no handoff reference, no client address. The comment is redacted before storing
and emptied by the retention purge after 90 days.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 22:55:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('survey_responses',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('area', sa.String(length=40), nullable=True),
    sa.Column('iso_week', sa.String(length=8), nullable=False),
    sa.Column('shown_after', sa.String(length=20), nullable=False),
    sa.Column('helped', sa.String(length=10), nullable=True),
    sa.Column('ease', sa.Integer(), nullable=True),
    sa.Column('sharing', sa.JSON(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_responses_area'), ['area'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_responses_iso_week'), ['iso_week'], unique=False)
    op.create_table('turn_counts',
    sa.Column('iso_week', sa.String(length=8), nullable=False),
    sa.Column('area', sa.String(length=40), nullable=False),
    sa.Column('topic', sa.String(length=30), nullable=False),
    sa.Column('route', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('turns', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('iso_week', 'area', 'topic', 'route', 'status')
    )


def downgrade() -> None:
    op.drop_table('turn_counts')
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_responses_iso_week'))
        batch_op.drop_index(batch_op.f('ix_survey_responses_area'))
    op.drop_table('survey_responses')

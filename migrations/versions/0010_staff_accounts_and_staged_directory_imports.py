"""staff accounts (sessions by epoch, idle time, password resets, OIDC subject) and staged directory imports

- staff_users.session_epoch: a sign-in, password change or reset moves it on, which ends every older session.
- staff_users.oidc_issuer/oidc_subject: a council account is bound to the provider's subject, never to an email.
- staff_sessions.epoch/created_at/last_seen_at: idle timeout and absolute lifetime.
- staff_password_resets: one-time reset links made by an administrator; only a hash of the token is kept.
- directory_import_batches: a fetched feed waits here until a second person publishes it.

Revision ID: 0010
Revises: 0006
Create Date: 2026-11-28 10:00:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0010'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('staff_users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_epoch', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('password_changed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('oidc_issuer', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('oidc_subject', sa.String(length=300), nullable=True))
        batch_op.create_unique_constraint('uq_staff_users_oidc_subject', ['oidc_issuer', 'oidc_subject'])
    with op.batch_alter_table('staff_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('epoch', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('created_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table('staff_password_resets',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['staff_users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token_hash')
    )
    with op.batch_alter_table('staff_password_resets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_password_resets_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_password_resets_expires_at'), ['expires_at'], unique=False)
    op.create_table('directory_import_batches',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('area', sa.String(length=60), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('records', sa.JSON(), nullable=False),
    sa.Column('plan', sa.JSON(), nullable=False),
    sa.Column('staged_by', sa.String(length=100), nullable=False),
    sa.Column('staged_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by', sa.String(length=100), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('directory_import_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_directory_import_batches_area'), ['area'], unique=False)
        batch_op.create_index(batch_op.f('ix_directory_import_batches_status'), ['status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('directory_import_batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_directory_import_batches_status'))
        batch_op.drop_index(batch_op.f('ix_directory_import_batches_area'))
    op.drop_table('directory_import_batches')
    with op.batch_alter_table('staff_password_resets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_password_resets_expires_at'))
        batch_op.drop_index(batch_op.f('ix_staff_password_resets_user_id'))
    op.drop_table('staff_password_resets')
    with op.batch_alter_table('staff_sessions', schema=None) as batch_op:
        batch_op.drop_column('last_seen_at')
        batch_op.drop_column('created_at')
        batch_op.drop_column('epoch')
    with op.batch_alter_table('staff_users', schema=None) as batch_op:
        batch_op.drop_constraint('uq_staff_users_oidc_subject', type_='unique')
        batch_op.drop_column('oidc_subject')
        batch_op.drop_column('oidc_issuer')
        batch_op.drop_column('password_changed_at')
        batch_op.drop_column('session_epoch')

"""row version: every tracked record carries a version for optimistic locking (team bases)

A plain ALTER TABLE ... ADD COLUMN with a default on both engines: no table is rebuilt, and
the existing rows start at version 1.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06 20:55:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

TABLES = "alert attendance convention coordinator decision enjeu etp_allocation etp_share expertise fiche_action fiche_indicator fiche_indicator_value fiche_step follow_up funding indicator_entry instance instance_member journal_entry meeting objectif organisation person signatory".split()


def upgrade() -> None:
    for name in TABLES:
        op.add_column(name, sa.Column('row_version', sa.Integer(), server_default='1', nullable=False))


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN (SQLite >= 3.35): a batch rebuild would drop tables that
    # others reference while foreign keys are enforced.
    for name in TABLES:
        op.drop_column(name, 'row_version')

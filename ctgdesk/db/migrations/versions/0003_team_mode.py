"""team mode: row versions (optimistic locking) and the audit of who changed what

Every tracked record carries a version (a plain ALTER TABLE ... ADD COLUMN with a default on
both engines: no table is rebuilt, existing rows start at version 1), and a new table
audit_entry records each creation, change and deletion (ctgdesk.models.audit).

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
    op.create_table(
        'audit_entry',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('actor', sa.String(length=200), nullable=False),
        sa.Column('table_name', sa.String(length=60), nullable=False),
        sa.Column('record_uid', sa.String(length=36), nullable=False),
        sa.Column('action', sa.String(length=12), nullable=False),
        sa.Column('changes', sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry')),
    )
    op.create_index(op.f('ix_audit_entry_at'), 'audit_entry', ['at'], unique=False)
    op.create_index('ix_audit_entry_table_name_record_uid', 'audit_entry', ['table_name', 'record_uid'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_audit_entry_table_name_record_uid', table_name='audit_entry')
    op.drop_index(op.f('ix_audit_entry_at'), table_name='audit_entry')
    op.drop_table('audit_entry')
    # ALTER TABLE ... DROP COLUMN (SQLite >= 3.35): a batch rebuild would drop tables that
    # others reference while foreign keys are enforced.
    for name in TABLES:
        op.drop_column(name, 'row_version')

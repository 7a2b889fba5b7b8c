"""perf indexes: period filters seek (status, starts_at), (instance_id, starts_at), (kind, date)

Found with bench/run on the biggest territory (20 000 meetings, 50 000 journal entries):
without statistics SQLite preferred the lone index on meeting.status (90 % of rows are
"tenue") or journal_entry.kind to the date range. The composite indexes replace the single
column ones they start with (same prefix). Indexes only: no table is rebuilt.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 04:01:45.955066
"""
from alembic import op


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendance_meeting_id'))
        batch_op.create_index('ix_attendance_meeting_id_status', ['meeting_id', 'status'], unique=False)

    with op.batch_alter_table('journal_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_journal_entry_kind'))
        batch_op.create_index('ix_journal_entry_kind_date', ['kind', 'date'], unique=False)

    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_instance_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_status'))
        batch_op.create_index('ix_meeting_instance_id_starts_at', ['instance_id', 'starts_at'], unique=False)
        batch_op.create_index('ix_meeting_status_starts_at', ['status', 'starts_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index('ix_meeting_status_starts_at')
        batch_op.drop_index('ix_meeting_instance_id_starts_at')
        batch_op.create_index(batch_op.f('ix_meeting_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_instance_id'), ['instance_id'], unique=False)

    with op.batch_alter_table('journal_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_journal_entry_kind_date')
        batch_op.create_index(batch_op.f('ix_journal_entry_kind'), ['kind'], unique=False)

    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.drop_index('ix_attendance_meeting_id_status')
        batch_op.create_index(batch_op.f('ix_attendance_meeting_id'), ['meeting_id'], unique=False)

"""Live generation: a reply is a row with a state, one generation per conversation at a time.

Reviewed by hand. Adds to messages: kind (chat reply or letter draft), in_flight with a unique
index on (conversation_id, in_flight) so the database refuses a second generation while one
is pending or streaming (NULLs never collide, on SQLite or MariaDB), the reply's HTML rendered
once when stored, time to first token, tokens per second, and start/finish times. The status
column is a VARCHAR(16) without a CHECK constraint, so the new states need no change.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""
from alembic import op
import sqlalchemy as sa

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.Enum('chat', 'draft', name='messagekind', native_enum=False, length=16), nullable=False, server_default='chat'))
        batch_op.add_column(sa.Column('in_flight', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('html', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('ttft_ms', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('tokens_per_s', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('started_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('finished_at', sa.DateTime(), nullable=True))
        batch_op.create_unique_constraint('uq_messages_one_in_flight', ['conversation_id', 'in_flight'])
        batch_op.create_index('ix_messages_status', ['status'], unique=False)


def downgrade():
    # Replies still in flight cannot be represented by the old schema: end them as errors.
    op.execute(
        "UPDATE messages SET status = 'error', error_code = 'interrupted'"
        " WHERE status IN ('pending', 'streaming')"
    )
    op.execute("UPDATE messages SET status = 'partial' WHERE status = 'interrupted'")
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index('ix_messages_status')
        batch_op.drop_constraint('uq_messages_one_in_flight', type_='unique')
        batch_op.drop_column('finished_at')
        batch_op.drop_column('started_at')
        batch_op.drop_column('tokens_per_s')
        batch_op.drop_column('ttft_ms')
        batch_op.drop_column('html')
        batch_op.drop_column('in_flight')
        batch_op.drop_column('kind')

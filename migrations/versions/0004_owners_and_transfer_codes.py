"""Several browsers may own a case: owners move to their own table, and one-time transfer
codes add another browser.

Reviewed by hand. Every existing conversation keeps its one owner (copied over) before the
old column goes.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'conversation_owners',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('conversation_id', sa.Integer(), nullable=False),
        sa.Column('owner_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('conversation_id', 'owner_hash'),
    )
    with op.batch_alter_table('conversation_owners', schema=None) as batch_op:
        batch_op.create_index('ix_conversation_owners_conversation_id', ['conversation_id'], unique=False)
        batch_op.create_index('ix_conversation_owners_owner_hash', ['owner_hash'], unique=False)
    op.execute(
        "INSERT INTO conversation_owners (conversation_id, owner_hash, created_at)"
        " SELECT id, owner_hash, created_at FROM conversations"
    )
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.drop_index('ix_conversations_owner_hash')
        batch_op.drop_column('owner_hash')

    op.create_table(
        'transfer_codes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('conversation_id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('used_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('code_hash'),
    )
    with op.batch_alter_table('transfer_codes', schema=None) as batch_op:
        batch_op.create_index('ix_transfer_codes_conversation_id', ['conversation_id'], unique=False)


def downgrade():
    # Dropping a table drops its indexes (MariaDB refuses to drop one a foreign key needs).
    op.drop_table('transfer_codes')
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner_hash', sa.String(length=64), nullable=False, server_default=''))
    # A case owned by several browsers goes back to its first owner.
    op.execute(
        "UPDATE conversations SET owner_hash = (SELECT o.owner_hash FROM conversation_owners o"
        " WHERE o.conversation_id = conversations.id ORDER BY o.id LIMIT 1)"
    )
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.create_index('ix_conversations_owner_hash', ['owner_hash'], unique=False)
    op.drop_table('conversation_owners')

"""The JSON API: named, revocable keys (stored hashed) and the legacy clients' session ids.

Reviewed by hand.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'api_keys',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('prefix', sa.String(length=16), nullable=False),
        sa.Column('key_hash', sa.String(length=64), nullable=False),
        sa.Column('owner_hash', sa.String(length=64), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('last_used_at', sa.DateTime(), nullable=True),
        sa.Column('revoked_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('name', 'active', name='uq_api_keys_live_name'),
        sa.UniqueConstraint('prefix'),
        sa.UniqueConstraint('owner_hash'),
    )
    op.create_table(
        'api_sessions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('owner_hash', sa.String(length=64), nullable=False),
        sa.Column('session_hash', sa.String(length=64), nullable=False),
        sa.Column('conversation_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('owner_hash', 'session_hash'),
    )
    with op.batch_alter_table('api_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_api_sessions_conversation_id', ['conversation_id'], unique=False)


def downgrade():
    op.drop_table('api_sessions')
    op.drop_table('api_keys')

"""outbox: channel, next attempt (backoff); failed becomes final

Revision ID: 6b1e0c4d2f37
Revises: 02a9c9b5cac3
Create Date: 2026-12-03 09:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '6b1e0c4d2f37'
down_revision = '02a9c9b5cac3'
branch_labels = None
depends_on = None

MAX_ATTEMPTS = 10  # depot.domain.outbox.MAX_ATTEMPTS when this was written


def upgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=20), server_default='email',
                                      nullable=False))
        batch_op.add_column(sa.Column('next_attempt_at', sa.DateTime(timezone=True),
                                      nullable=True))
    # Until now `failed` meant "try again"; from now on it is final and a retry waits in
    # `pending` until next_attempt_at.
    op.execute("UPDATE outbox SET next_attempt_at = created_at")
    op.execute(f"UPDATE outbox SET status = 'pending' WHERE status = 'failed' "
               f"AND attempts < {MAX_ATTEMPTS}")
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.alter_column('next_attempt_at', existing_type=sa.DateTime(timezone=True),
                              nullable=False)


def downgrade():
    op.execute("UPDATE outbox SET status = 'failed' WHERE status = 'pending' AND attempts > 0")
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('next_attempt_at')
        batch_op.drop_column('channel')

"""stations: coordinates, district, services, and one station per name within a city

Revision ID: stat10ns0001
Revises: d3skl1st0001
Create Date: 2026-12-07 12:00:00

latitude / longitude (GCJ-02 decimal degrees) let "附近的阳光驿站" find the nearest stations by
distance; services (服务内容) and district come from the station list. The unique (name, city)
is the key ``kiteline import stations`` updates by. Stations stored before keep no coordinates
until a list gives them. No other table refers to stations, so SQLite may rebuild it for the
constraint.
"""
import sqlalchemy as sa
from alembic import op

revision = 'stat10ns0001'
down_revision = 'd3skl1st0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('stations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('district', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('services', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('latitude', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('longitude', sa.Float(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_stations_name'), ['name', 'city'])


def downgrade() -> None:
    with op.batch_alter_table('stations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_stations_name'), type_='unique')
        batch_op.drop_column('longitude')
        batch_op.drop_column('latitude')
        batch_op.drop_column('services')
        batch_op.drop_column('district')

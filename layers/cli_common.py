"""What the layers commands share: the date option type and a database connection from the settings."""

from __future__ import annotations

from datetime import date, datetime

import click
import psycopg

from ioc import db, stack
from ioc.config import Settings

DATE = click.DateTime(formats=["%Y-%m-%d"])


def connect(settings: Settings) -> psycopg.Connection:
    # a configured database is enough: these commands never need the MQTT broker that endpoints() also resolves
    return db.connect(settings.database_url or stack.endpoints(settings).database_url, autocommit=True)


def as_date(value: datetime | None) -> date | None:
    return value.date() if value else None

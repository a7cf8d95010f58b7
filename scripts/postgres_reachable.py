"""Exit 0 when the PostgreSQL server for the test suite answers, 1 otherwise."""

import os
import sys

import psycopg

url = os.environ["MILKRUN_TEST_POSTGRES_URL"].replace("postgresql+psycopg://", "postgresql://")
try:
    with psycopg.connect(url, connect_timeout=3) as conn:
        conn.execute("select 1")
except psycopg.Error:
    sys.exit(1)

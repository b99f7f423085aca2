"""Exit 0 when the PostgreSQL server of the URL answers (used by `make test-postgres`)."""

import sys

import psycopg


def main(url: str) -> int:
    # Connect to the maintenance database: the test run creates its own test_ database.
    base = url.rsplit("/", 1)[0] + "/postgres"
    try:
        psycopg.connect(base, connect_timeout=3).close()
    except psycopg.Error as e:
        print(f"PostgreSQL not reachable: {e}".strip(), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

#!/bin/sh
# PostgreSQL's start in deploy/airgap/postgres.Dockerfile: the official image's contract
# (POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB, /docker-entrypoint-initdb.d) with Debian's
# PostgreSQL 15. Runs as root only to fix the volume's owner, then as postgres.
set -eu
: "${PGDATA:=/var/lib/postgresql/data}"

if [ "$(id -u)" = 0 ]; then
    mkdir -p "$PGDATA" /var/run/postgresql
    chown postgres:postgres "$PGDATA" /var/run/postgresql
    chmod 700 "$PGDATA"
    exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
    : "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD (docs/DEPLOYMENT.md)}"
    user="${POSTGRES_USER:-postgres}"
    pwfile=$(mktemp)
    printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
    initdb --username="$user" --pwfile="$pwfile" --encoding=UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 -D "$PGDATA"
    rm -f "$pwfile"
    # Other containers connect over the compose network: password authentication.
    printf 'host all all all scram-sha-256\n' >>"$PGDATA/pg_hba.conf"
    # First-run scripts against a server on the socket only, as the official image does.
    pg_ctl -D "$PGDATA" -w -o "-c listen_addresses='' -k /var/run/postgresql" start
    db="${POSTGRES_DB:-$user}"
    if [ "$db" != postgres ]; then
        echo 'CREATE DATABASE :"db"' | psql -v ON_ERROR_STOP=1 --username "$user" \
            --dbname postgres --set db="$db"
    fi
    export POSTGRES_USER="$user"
    for script in /docker-entrypoint-initdb.d/*; do
        case "$script" in
            *.sh) echo "running $script"; sh "$script" ;;
            *.sql) echo "running $script"; psql -v ON_ERROR_STOP=1 --username "$user" --dbname "$db" -f "$script" ;;
            *) ;;
        esac
    done
    pg_ctl -D "$PGDATA" -m fast -w stop
    echo "PostgreSQL initialised in $PGDATA"
fi

unset POSTGRES_PASSWORD
if [ "$1" = postgres ]; then
    shift
    exec postgres -D "$PGDATA" -c listen_addresses='*' -k /var/run/postgresql "$@"
fi
exec "$@"

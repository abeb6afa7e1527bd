#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for testing `fiscal publish` and
# queries/postgres/: 127.0.0.1 only, a random free port, data in a temp folder.
#
#   eval "$(scripts/pg-cluster.sh start)"   start; prints (and saves) export lines
#   scripts/pg-cluster.sh env               print the export lines again
#   scripts/pg-cluster.sh status            exit 0 when it answers
#   scripts/pg-cluster.sh stop              stop it and delete its data
#
# Two roles: the superuser `postgres`, trusted from 127.0.0.1 without a
# password (a test cluster nobody else can reach), and `fiscal_test`, which
# owns the database fiscal_test and must give its password (scram-sha-256),
# so PGPASSWORD / ~/.pgpass handling is tested for real. The export lines set
# libpq's PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSWORD for fiscal_test,
# FISCAL_TEST_PG_URL (without the password) and FISCAL_TEST_PG_ADMIN_URL.
#
# The cluster lives in a new ${TMPDIR:-/tmp}/fiscal-pg-XXXXXX, deleted by stop.
# Environment:
#   PG_CLUSTER_DIR    the folder of the state file, pg-cluster.env (default: the
#                     repo's .build/): one cluster per folder, so several can run
#   PG_CLUSTER_STATE  the state file itself (overrides PG_CLUSTER_DIR)
#   PG_BINDIR         the folder of initdb and pg_ctl (default: found, see find_bindir)
#   PG_CLUSTER_USER   who runs the server when run as root (default: nobody)
#
# initdb refuses to run as root: as root the server runs as `nobody`, which
# owns the data folder. Needs the server binaries: Debian's
# `apt-get install postgresql` puts them in /usr/lib/postgresql/NN/bin.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
state=${PG_CLUSTER_STATE:-${PG_CLUSTER_DIR:-$repo/.build}/pg-cluster.env}

say() { printf 'pg-cluster: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# initdb's folder: PG_BINDIR, pg_config's, Debian's newest, then PATH.
# pg_config alone is no proof (libpq-dev ships it without a server).
find_bindir() {
    local candidate
    for candidate in "${PG_BINDIR:-}" "$(pg_config --bindir 2>/dev/null || true)" \
                     $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4,4nr) \
                     "$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")"; do
        if [ -n "$candidate" ] && [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ]; then
            echo "$candidate"; return 0
        fi
    done
    return 1
}

# Runs a command as the cluster's owner (root may not run the server).
as_owner() {
    if [ "$(id -u)" -ne 0 ]; then
        "$@"
    elif command -v runuser >/dev/null; then
        runuser -u "$owner" -- "$@"
    else
        local quoted; quoted=$(printf '%q ' "$@")
        su -s /bin/sh "$owner" -c "$quoted"
    fi
}

# The state file: export lines for the caller, then this script's own
# variables, not exported, so a shell that evals the file passes none of
# them on to another run.
load_state() {
    [ -f "$state" ] || die "no cluster: $state does not exist (run: $0 start)"
    # shellcheck disable=SC1090
    . "$state"
    owner=${pg_cluster_owner:-$(id -un)}
}

exports() { grep '^export ' "$state"; }

running() {
    [ -n "${pg_cluster_home:-}" ] && [ -d "$pg_cluster_home/data" ] && \
        as_owner "$pg_cluster_bindir/pg_ctl" -D "$pg_cluster_home/data" status >/dev/null 2>&1
}

# Deletes a cluster folder this script made, and nothing else.
remove_home() {
    case "$1" in
        */fiscal-pg-??????) [ ! -d "$1" ] || rm -rf "$1" ;;
        "") ;;
        *) say "not deleting '$1': not a folder this script made" ;;
    esac
}

# A port nothing listens on: bash's /dev/tcp connects when something does.
free_port() {
    local port tries=0
    while [ $tries -lt 50 ]; do
        port=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
        tries=$((tries + 1))
    done
    return 1
}

start() {
    if [ -f "$state" ]; then
        load_state
        if running; then say "already running on port $PGPORT ($state)"; exports; return 0; fi
        say "removing the state of a cluster that no longer runs ($state)"
        remove_home "${pg_cluster_home:-}"
        rm -f "$state"
    fi
    local bindir
    bindir=$(find_bindir) || die "no PostgreSQL server binaries (initdb, pg_ctl): install them (Debian: apt-get install postgresql) or set PG_BINDIR"
    local psql="$bindir/psql"
    [ -x "$psql" ] || psql=$(command -v psql) || die "no psql next to $bindir/initdb nor on PATH"

    owner=$(id -un)
    if [ "$(id -u)" -eq 0 ]; then
        owner=${PG_CLUSTER_USER:-nobody}
        id -u "$owner" >/dev/null 2>&1 || die "running as root and user '$owner' does not exist (set PG_CLUSTER_USER)"
    fi

    local dir
    dir=$(mktemp -d "${TMPDIR:-/tmp}/fiscal-pg-XXXXXX")
    chmod 755 "$dir"                       # the owner must reach data/ through it
    mkdir -p "$dir/data" "$dir/log"
    [ "$(id -u)" -ne 0 ] || chown "$owner" "$dir/data" "$dir/log"
    chmod 700 "$dir/data"

    say "initdb in $dir/data (as $owner, $bindir)"
    as_owner "$bindir/initdb" -D "$dir/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
        -E UTF8 --locale=C >"$dir/log/initdb.log" 2>&1 \
        || { cat "$dir/log/initdb.log" >&2; remove_home "$dir"; die "initdb failed"; }
    # Loopback only: the superuser trusted (test administration), everyone else by password.
    printf '%s\n' "host    all     postgres    127.0.0.1/32    trust" \
                  "host    all     all         127.0.0.1/32    scram-sha-256" > "$dir/pg_hba.conf"
    as_owner cp "$dir/pg_hba.conf" "$dir/data/pg_hba.conf"

    local port attempt=0
    while :; do
        port=$(free_port) || die "no free port found"
        if as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/log/server.log" -w -t 30 \
                -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories='' -c fsync=off" start >/dev/null 2>&1; then
            break
        fi
        attempt=$((attempt + 1))
        [ $attempt -lt 3 ] || { tail -20 "$dir/log/server.log" >&2; remove_home "$dir"; die "the server did not start"; }
    done

    local password
    password=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
    printf '%s\n' "CREATE ROLE fiscal_test LOGIN PASSWORD '$password';" \
                  "CREATE DATABASE fiscal_test OWNER fiscal_test;" |
        PGPASSWORD= "$psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres >/dev/null

    mkdir -p "$(dirname "$state")"
    (umask 077; printf '%s\n' \
        "export PGHOST=127.0.0.1" \
        "export PGPORT=$port" \
        "export PGUSER=fiscal_test" \
        "export PGDATABASE=fiscal_test" \
        "export PGPASSWORD=$password" \
        "export FISCAL_TEST_PG_URL=postgresql://fiscal_test@127.0.0.1:$port/fiscal_test" \
        "export FISCAL_TEST_PG_ADMIN_URL=postgresql://postgres@127.0.0.1:$port/postgres" \
        "pg_cluster_home=$dir" \
        "pg_cluster_bindir=$bindir" \
        "pg_cluster_owner=$owner" > "$state")
    say "running on 127.0.0.1:$port (state: $state; log: $dir/log/server.log)"
    exports
}

stop() {
    load_state
    if running; then
        as_owner "$pg_cluster_bindir/pg_ctl" -D "$pg_cluster_home/data" -m fast -w stop >/dev/null
        say "stopped (port $PGPORT)"
    else
        say "was not running"
    fi
    remove_home "${pg_cluster_home:-}"
    rm -f "$state"
}

case "${1:-}" in
    start)  start ;;
    stop)   stop ;;
    env)    load_state; exports ;;
    status) load_state; if running; then say "running on port $PGPORT"; else say "not running"; exit 1; fi ;;
    *)      die "usage: $0 start|stop|env|status" ;;
esac

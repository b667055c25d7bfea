#!/usr/bin/env bash
# scripts/test-servers.sh — real database servers for alchemy's tests.
#
#   scripts/test-servers.sh start        install (apt-get, when missing) and start PostgreSQL 15,
#                                        MariaDB 10.11 and PgBouncer 1.18 on loopback, and a second
#                                        PostgreSQL cluster (15/alchemyfault, port 5439) that the
#                                        fault suite restarts; create the test role/database on each.
#                                        Idempotent; reuses running servers.
#   scripts/test-servers.sh env          start, then print `export ALCHEMY_TEST_...=...` lines:
#                                            eval "$(scripts/test-servers.sh env)"
#   scripts/test-servers.sh urls         print the bare URLs (does not start anything)
#   scripts/test-servers.sh status       say what runs (exit 0 only when all four answer)
#   scripts/test-servers.sh stop         stop PgBouncer, the fault cluster and any server this
#                                        script itself started
#   scripts/test-servers.sh stop --all   also stop PostgreSQL and MariaDB that were already running
#
# Needs root, Debian 12 (apt-get), no systemd. Everything listens on 127.0.0.1 only.
# Progress goes to stderr; only `env`, `urls` and `status` write to stdout.
set -euo pipefail

# ---------------------------------------------------------------- settings ----
# The defaults are what the project expects; the overrides exist to try the script against a
# second, throw-away set of servers (other ports, another cluster, another data directory).
readonly PG_VERSION=15
readonly PG_CLUSTER=${ALCHEMY_TEST_PG_CLUSTER:-main}
readonly PG_PORT=${ALCHEMY_TEST_PG_PORT:-5432}
readonly MARIADB_PORT=${ALCHEMY_TEST_MARIADB_PORT:-3306}
readonly MARIADB_SOCKET=${ALCHEMY_TEST_MARIADB_SOCKET:-/run/mysqld/mysqld.sock}
readonly MARIADB_PIDFILE=${MARIADB_SOCKET%.sock}.pid
readonly MARIADB_DATADIR=${ALCHEMY_TEST_MARIADB_DATADIR:-/var/lib/mysql}
readonly PGBOUNCER_PORT=${ALCHEMY_TEST_PGBOUNCER_PORT:-6432}
# The fault suite's own cluster: it stops and starts it, so no other test may share it.
readonly PGF_CLUSTER=${ALCHEMY_TEST_PGRESTART_CLUSTER_NAME:-alchemyfault}
readonly PGF_PORT=${ALCHEMY_TEST_PGRESTART_PORT:-5439}
readonly HOST=127.0.0.1

readonly TEST_USER=alchemy
readonly TEST_PASSWORD=alchemy-test-pw-7Qx   # URL-safe: no escaping needed in the URLs below
readonly TEST_DB=alchemy_test

readonly STATE_DIR=${ALCHEMY_TEST_STATE_DIR:-/var/lib/alchemy-test}
readonly PGB_DIR=$STATE_DIR/pgbouncer
readonly PGB_INI=$PGB_DIR/pgbouncer.ini
readonly PGB_USERLIST=$PGB_DIR/userlist.txt
readonly PGB_LOG=$PGB_DIR/pgbouncer.log
readonly PGB_PID=$PGB_DIR/pgbouncer.pid
readonly MARIADB_LOG=$STATE_DIR/mariadb.log
readonly APT_LOG=$STATE_DIR/apt.log
readonly LOCK_FILE=$STATE_DIR/start.lock
# Markers: a server this script started (it was not running) is stopped again by `stop`.
readonly PG_MARK=$STATE_DIR/started-postgresql
readonly MARIADB_MARK=$STATE_DIR/started-mariadb

# Bounded waits, in tenths of a second.
readonly PG_WAIT=${ALCHEMY_PG_WAIT:-300}
readonly MARIADB_WAIT=${ALCHEMY_MARIADB_WAIT:-600}
readonly PG_START_ATTEMPTS=${ALCHEMY_PG_START_ATTEMPTS:-10}
readonly MARIADB_START_ATTEMPTS=${ALCHEMY_MARIADB_START_ATTEMPTS:-10}
readonly PGB_WAIT=${ALCHEMY_PGBOUNCER_WAIT:-150}

readonly PG_URL="postgresql://$TEST_USER:$TEST_PASSWORD@$HOST:$PG_PORT/$TEST_DB?sslmode=disable"
readonly MYSQL_URL="mysql://$TEST_USER:$TEST_PASSWORD@$HOST:$MARIADB_PORT/$TEST_DB"
readonly PGBOUNCER_URL="postgresql://$TEST_USER:$TEST_PASSWORD@$HOST:$PGBOUNCER_PORT/$TEST_DB?sslmode=disable&pgbouncer=true"
readonly PGF_URL="postgresql://$TEST_USER:$TEST_PASSWORD@$HOST:$PGF_PORT/$TEST_DB?sslmode=disable"

PG_BIN=/usr/lib/postgresql/$PG_VERSION/bin

# ----------------------------------------------------------------- helpers ----
log()  { printf '[test-servers] %s\n' "$*" >&2; }
die()  { printf '[test-servers] ERROR: %s\n' "$*" >&2; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }

# tail_log FILE: show the end of a server log after a failure.
tail_log() {
    if [[ -r $1 ]]; then
        printf '[test-servers] --- last lines of %s ---\n' "$1" >&2
        tail -n 25 "$1" >&2 || true
        printf '[test-servers] ---\n' >&2
    fi
}

need_root() {
    [[ $(id -u) -eq 0 ]] || die "must run as root (it installs packages and starts servers); try: sudo $0 $*"
}

# wait_for TENTHS DESCRIPTION CMD...: retry CMD every 0.1 s, at most TENTHS times.
wait_for() {
    local tries=$1 what=$2; shift 2
    local i
    for ((i = 0; i < tries; i++)); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.1
    done
    log "$what did not become ready within $((tries / 10)) s"
    return 1
}

# without_fds CMD...: replace the current shell by CMD with no file descriptors but 0-2. A
# daemon must not keep the lock (fd 9) or a pipe of whoever ran this script (a CI runner would
# wait for its EOF forever). It execs: call it in a subshell, `( without_fds ... )` or
# `without_fds ... &`, so that no shell stays behind holding fd 9.
without_fds() {
    local fd n
    for fd in "/proc/$BASHPID/fd/"*; do
        n=${fd##*/}
        if [[ $n =~ ^[0-9]+$ ]] && ((n > 2)); then eval "exec $n>&-" 2>/dev/null || true; fi
    done
    exec "$@"
}

as_postgres() { runuser -u postgres -- "$@"; }

# psql as the postgres superuser over the local socket; -X: ignore ~/.psqlrc.
pg_admin() { pg_admin_on "$PG_PORT" "$@"; }
# pg_admin_on PORT ARGS...: the same on the cluster that listens on PORT.
pg_admin_on() { local port=$1; shift; as_postgres psql -X -q -v ON_ERROR_STOP=1 -p "$port" "$@"; }

# mariadb as root over the socket (root@localhost: unix_socket auth or an empty password).
maria_admin() { mariadb --protocol=socket --socket="$MARIADB_SOCKET" -uroot "$@"; }

maria_down()    { ! maria_ready >/dev/null 2>&1 && ! pid_alive "$MARIADB_PIDFILE" mariadbd; }
pg_ready()      { pg_ready_on "$PG_PORT"; }
pg_ready_on()   { "$(pg_isready_bin)" -q -h "$HOST" -p "$1"; }
pg_isready_bin() { if have pg_isready; then echo pg_isready; else echo "$PG_BIN/pg_isready"; fi; }
maria_ready()   { mariadb-admin --protocol=socket --socket="$MARIADB_SOCKET" -uroot --connect-timeout=2 ping; }

# Connect as the test role with its password, over TCP.
pg_as_test()  { PGPASSWORD=$TEST_PASSWORD PGCONNECT_TIMEOUT=3 psql -X -q -At -h "$HOST" -U "$TEST_USER" "$@"; }
maria_as_test() {
    MYSQL_PWD=$TEST_PASSWORD mariadb --protocol=tcp -h "$HOST" -P "$MARIADB_PORT" \
        -u "$TEST_USER" --connect-timeout=3 -N -B "$TEST_DB" "$@"
}
pgb_ready() { pg_as_test -p "$PGBOUNCER_PORT" -d "$TEST_DB" -c 'SELECT 1'; }

# pid_alive PIDFILE NAME: the pid in PIDFILE runs a process called NAME.
pid_alive() {
    local pid
    [[ -r $1 ]] || return 1
    pid=$(head -n1 "$1" 2>/dev/null | tr -dc 0-9)
    [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 1
    [[ $(cat "/proc/$pid/comm" 2>/dev/null || true) == "$2" ]]
}

# Processes (other than this one) with the lock file open: the holder, and any other waiters.
lock_holders() {
    local fd pid out=""
    for fd in /proc/[0-9]*/fd/*; do
        [[ $(readlink "$fd" 2>/dev/null) == "$LOCK_FILE" ]] || continue
        pid=${fd#/proc/}; pid=${pid%%/*}
        [[ $pid == "$$" ]] && continue
        out+="$pid ($(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-80)); "
    done
    printf '%s' "${out:-none}"
}

take_lock() {
    mkdir -p "$STATE_DIR"
    chmod 755 "$STATE_DIR"
    # fd 9 holds the lock; servers are started through without_fds so that none inherits it.
    exec 9>"$LOCK_FILE"
    if ! flock -n 9; then
        log "another test-servers.sh run holds $LOCK_FILE; waiting (up to 10 min)"
        flock -w 600 9 || die "could not take $LOCK_FILE within 10 min; open in: $(lock_holders)"
    fi
}

# ----------------------------------------------------------------- install ----
POLICY_RC=/usr/sbin/policy-rc.d
CREATED_POLICY_RC=0
remove_policy_rc() {
    if [[ $CREATED_POLICY_RC -eq 1 ]]; then
        rm -f "$POLICY_RC"
        CREATED_POLICY_RC=0
    fi
}

install_missing_packages() {
    local missing=() 
    # Only what is missing: `apt-get install` of an installed package would upgrade it
    # under a running server.
    if [[ ! -x $PG_BIN/postgres ]] || ! have pg_ctlcluster; then missing+=(postgresql); fi
    if ! have psql; then missing+=(postgresql-client); fi
    if [[ ! -x /usr/sbin/mariadbd ]] || ! have mariadb-install-db; then missing+=(mariadb-server); fi
    if ! have mariadb || ! have mariadb-admin; then missing+=(mariadb-client); fi
    if [[ ! -x /usr/sbin/pgbouncer ]]; then missing+=(pgbouncer); fi
    # The alchemy command's tests: tmux drives `alchemy sql` through a real terminal,
    # Graphviz's dot renders `alchemy inspect --format svg|png`.
    if ! have tmux; then missing+=(tmux); fi
    if ! have dot; then missing+=(graphviz); fi
    [[ ${#missing[@]} -eq 0 ]] && return 0

    have apt-get || die "missing ${missing[*]} and there is no apt-get: install PostgreSQL $PG_VERSION, MariaDB 10.11, PgBouncer, tmux and Graphviz by hand"
    log "installing ${missing[*]} with apt-get (log: $APT_LOG)"

    # Keep the packages' maintainer scripts from starting services (no systemd here).
    if [[ ! -e $POLICY_RC ]]; then
        printf '#!/bin/sh\n# created by alchemy scripts/test-servers.sh during apt-get install\nexit 101\n' >"$POLICY_RC"
        chmod 755 "$POLICY_RC"
        CREATED_POLICY_RC=1
        trap remove_policy_rc EXIT
    fi

    local apt_opts=(-y -q -o DPkg::Lock::Timeout=300
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
    : >"$APT_LOG"
    if ! DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=300 update >>"$APT_LOG" 2>&1; then
        tail_log "$APT_LOG"; die "apt-get update failed"
    fi
    if ! DEBIAN_FRONTEND=noninteractive apt-get install "${apt_opts[@]}" "${missing[@]}" >>"$APT_LOG" 2>&1; then
        tail_log "$APT_LOG"; die "apt-get install ${missing[*]} failed"
    fi
    remove_policy_rc
    [[ -x $PG_BIN/postgres ]] || die "PostgreSQL $PG_VERSION is not in $PG_BIN after the install (another default version?)"
    [[ -x /usr/sbin/pgbouncer ]] || die "pgbouncer is not installed after apt-get install"
    log "packages installed"
}

# -------------------------------------------------------------- PostgreSQL ----
# The main cluster ($PG_CLUSTER) serves the tests; the fault cluster ($PGF_CLUSTER) is the
# fault suite's own, which it stops and starts (faults/restart_test.go). The functions
# below take the cluster and its port, so that both are made and started the same way.

# cluster_conf CLUSTER: the alchemy settings file of a cluster.
cluster_conf() { echo "/etc/postgresql/$PG_VERSION/$1/conf.d/90-alchemy-test.conf"; }

# cluster_settings CLUSTER PORT: what goes in that file. Loopback only. The fault cluster
# keeps nothing worth an fsync and is restarted by the tests: make that cheap.
cluster_settings() {
    printf "listen_addresses = '%s'\nport = %s\n" "$HOST" "$2"
    if [[ $1 == "$PGF_CLUSTER" ]]; then
        printf '%s\n' "# alchemy fault cluster: throw-away data, restarted by faults/restart_test.go" \
            "fsync = off" "synchronous_commit = off" "full_page_writes = off" \
            "shared_buffers = 32MB" "max_connections = 100"
    fi
}

# cluster_alive CLUSTER: a postgres process of that cluster runs. Its postmaster names the
# cluster's data directory (-D /var/lib/postgresql/15/main), its children their title
# ("postgres: 15/main: checkpointer"). Per cluster: with two clusters on the machine, "no
# postgres process at all" can no longer tell that one cluster's lock file is stale.
cluster_alive() {
    local f pid cmd pat="[ /]$PG_VERSION/$1([:/ ]|\$)"
    for f in /proc/[0-9]*/cmdline; do
        pid=${f#/proc/}; pid=${pid%/cmdline}
        [[ $(cat "/proc/$pid/comm" 2>/dev/null || true) == postgres ]] || continue
        cmd=" $(tr '\0' ' ' <"$f" 2>/dev/null || true)"
        [[ $cmd =~ $pat ]] && return 0
    done
    return 1
}

cluster_online() { pg_lsclusters -h "$PG_VERSION" "$1" 2>/dev/null | grep -q online; }

# start_pg_cluster CLUSTER PORT [MARK]: create the cluster if missing, start it if it does
# not answer on PORT, and wait until it accepts TCP connections. MARK, when given, is touched
# when this script started the cluster (so that `stop` stops it again).
start_pg_cluster() {
    local cluster=$1 port=$2 mark=${3:-}
    if pg_ready_on "$port"; then
        log "PostgreSQL $cluster: running on $HOST:$port (reused)"
        return 0
    fi
    [[ -x $PG_BIN/postgres ]] || die "PostgreSQL $PG_VERSION is not installed ($PG_BIN/postgres missing)"
    local conf
    conf=$(cluster_conf "$cluster")
    if [[ ! -f /etc/postgresql/$PG_VERSION/$cluster/postgresql.conf ]]; then
        log "PostgreSQL: creating cluster $PG_VERSION/$cluster on port $port"
        pg_createcluster --port="$port" "$PG_VERSION" "$cluster" >&2 ||
            die "pg_createcluster $PG_VERSION $cluster failed"
        mkdir -p "${conf%/*}"
        cluster_settings "$cluster" "$port" >"$conf"
        chown -R postgres:postgres "${conf%/*}"
    fi
    local have_port
    have_port=$(pg_lsclusters -h "$PG_VERSION" "$cluster" 2>/dev/null | awk '{print $3; exit}')
    if [[ -n $have_port && $have_port != "$port" ]]; then
        die "cluster $PG_VERSION/$cluster is set to port $have_port, not $port (see /etc/postgresql/$PG_VERSION/$cluster; or pg_dropcluster --stop $PG_VERSION $cluster to have it made again)"
    fi
    mkdir -p /run/postgresql
    chown postgres:postgres /run/postgresql
    chmod 2775 /run/postgresql
    log "PostgreSQL: starting cluster $PG_VERSION/$cluster"
    local pglog=/var/log/postgresql/postgresql-$PG_VERSION-$cluster.log
    # The cluster may be "online" on its socket but not on TCP; a start then fails: say so.
    # A postmaster killed a moment ago (the end of a session, a crash test) can leave
    # processes exiting and a lock file naming a PID that is not yet gone: the start
    # then fails, and succeeds a second later. So try a few times.
    local attempt
    for ((attempt = 1; ; attempt++)); do
        if (without_fds pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" "$cluster" start) >&2; then
            [[ -n $mark ]] && touch "$mark"
            break
        fi
        cluster_online "$cluster" && break
        if ((attempt >= PG_START_ATTEMPTS)); then
            tail_log "$pglog"; die "PostgreSQL $PG_VERSION/$cluster failed to start ($attempt attempts)"
        fi
        log "PostgreSQL: start of $cluster failed (attempt $attempt of $PG_START_ATTEMPTS); retrying in 1 s"
        sleep 1
        # With no process of this cluster left, its socket lock file is stale even when the
        # PID it names has been reused by another process (which would block every start).
        if ((attempt >= 3)) && ! cluster_alive "$cluster"; then
            rm -f "/run/postgresql/.s.PGSQL.$port" "/run/postgresql/.s.PGSQL.$port.lock"
        fi
    done
    if ! wait_for "$PG_WAIT" "PostgreSQL $cluster on $HOST:$port" pg_ready_on "$port"; then
        tail_log "$pglog"
        die "PostgreSQL $cluster does not accept TCP connections on $HOST:$port (check listen_addresses/port in /etc/postgresql/$PG_VERSION/$cluster)"
    fi
    log "PostgreSQL $cluster: ready on $HOST:$port (started)"
}

start_postgresql() { start_pg_cluster "$PG_CLUSTER" "$PG_PORT" "$PG_MARK"; }
start_pg_fault_cluster() { start_pg_cluster "$PGF_CLUSTER" "$PGF_PORT"; }

# setup_pg_cluster CLUSTER PORT: the test role and database on a running cluster.
setup_pg_cluster() {
    local cluster=$1 port=$2
    # Role and database. The password is set on every run (cheap) so it is always right and
    # always a SCRAM verifier. Nothing else about the role is reset: tests may ALTER ROLE ... SET.
    pg_admin_on "$port" -d postgres <<SQL >/dev/null || die "PostgreSQL $cluster: could not create role $TEST_USER / database $TEST_DB"
SET password_encryption = 'scram-sha-256';
SELECT format('CREATE ROLE %I', '$TEST_USER')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$TEST_USER') \gexec
ALTER ROLE "$TEST_USER" WITH LOGIN CREATEDB PASSWORD '$TEST_PASSWORD';
SELECT format('GRANT pg_signal_backend TO %I', '$TEST_USER')
 WHERE NOT pg_has_role('$TEST_USER', 'pg_signal_backend', 'MEMBER') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', '$TEST_DB', '$TEST_USER')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$TEST_DB') \gexec
ALTER DATABASE "$TEST_DB" OWNER TO "$TEST_USER";
SQL

    # pg_hba: the first rule that matches a TCP connection from 127.0.0.1 as the test role must
    # be scram-sha-256, so that a wrong password fails even where the machine trusts loopback.
    local hba first
    first=$(pg_admin_on "$port" -At -d postgres -c "
        SELECT auth_method FROM pg_hba_file_rules
         WHERE error IS NULL AND type IN ('host', 'hostnossl')
           AND ('all' = ANY(database) OR '$TEST_DB' = ANY(database))
           AND ('all' = ANY(user_name) OR '$TEST_USER' = ANY(user_name))
           AND CASE WHEN address IN ('all', 'samehost', 'samenet') THEN true
                    WHEN address ~ '^[0-9.]+\$' AND netmask ~ '^[0-9.]+\$'
                    THEN inet '$HOST' <<= set_masklen(address::inet, masklen(netmask::inet))
                    ELSE false END
         ORDER BY line_number LIMIT 1")
    if [[ $first != scram-sha-256 ]]; then
        local rule="host all $TEST_USER $HOST/32 scram-sha-256"
        hba=$(pg_admin_on "$port" -At -d postgres -c 'SHOW hba_file')
        log "PostgreSQL $cluster: adding '$rule' at the top of $hba (first matching rule was '${first:-none}')"
        local tmp
        tmp=$(mktemp)
        # Drop an earlier copy of the rule that sits too low, then insert it before the first rule.
        awk -v rule="$rule" '
            /^[ \t]*host[ \t]+all[ \t]+'"$TEST_USER"'[ \t]+127\.0\.0\.1\/32[ \t]+scram-sha-256[ \t]*$/ { next }
            !done && $0 !~ /^[ \t]*(#|$)/ {
                print "# alchemy test role: password required even where loopback is trusted"
                print rule; done = 1
            }
            { print }
            END { if (!done) print rule }' "$hba" >"$tmp"
        cat "$tmp" >"$hba"   # keep the file's owner and mode
        rm -f "$tmp"
        pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" "$cluster" reload >&2 ||
            pg_admin_on "$port" -d postgres -c 'SELECT pg_reload_conf()' >/dev/null
        # The reload is asynchronous: wait until the running server uses the new rules.
        if ! wait_for 50 "PostgreSQL $cluster pg_hba reload" pg_rejects_wrong_password "$port"; then
            die "PostgreSQL $cluster still accepts a wrong password for $TEST_USER over TCP after editing $hba"
        fi
    fi
    log "PostgreSQL $cluster: role $TEST_USER (SCRAM password, CREATEDB) and database $TEST_DB ready"
}

setup_postgresql() { setup_pg_cluster "$PG_CLUSTER" "$PG_PORT"; }
setup_pg_fault_cluster() { setup_pg_cluster "$PGF_CLUSTER" "$PGF_PORT"; }

# pg_rejects_wrong_password [PORT]
pg_rejects_wrong_password() {
    ! PGPASSWORD=wrong-$TEST_PASSWORD PGCONNECT_TIMEOUT=3 \
        psql -X -q -At -h "$HOST" -p "${1:-$PG_PORT}" -U "$TEST_USER" -d "$TEST_DB" -c 'SELECT 1' >/dev/null 2>&1
}

stop_pg_fault_cluster() {
    if cluster_online "$PGF_CLUSTER"; then
        pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" "$PGF_CLUSTER" stop -m fast >&2
        log "PostgreSQL $PGF_CLUSTER: stopped"
    fi
}

# ----------------------------------------------------------------- MariaDB ----
start_mariadb() {
    if maria_ready >/dev/null 2>&1; then
        log "MariaDB: running on $MARIADB_SOCKET (reused)"
        return 0
    fi
    [[ -x /usr/sbin/mariadbd ]] || die "MariaDB is not installed (/usr/sbin/mariadbd missing)"
    if [[ ! -d $MARIADB_DATADIR/mysql ]]; then
        log "MariaDB: initialising $MARIADB_DATADIR"
        mkdir -p "$MARIADB_DATADIR"
        chown mysql:mysql "$MARIADB_DATADIR"
        mariadb-install-db --user=mysql --datadir="$MARIADB_DATADIR" --skip-test-db >>"$MARIADB_LOG" 2>&1 ||
            { tail_log "$MARIADB_LOG"; die "mariadb-install-db failed"; }
    fi
    mkdir -p "${MARIADB_SOCKET%/*}"
    chown mysql:mysql "${MARIADB_SOCKET%/*}"
    touch "$MARIADB_LOG"
    chown mysql:mysql "$MARIADB_LOG"   # --log-error: mariadbd writes it as mysql
    log "MariaDB: starting mariadbd (log: $MARIADB_LOG)"
    local pid i attempt=1
    start_mariadbd() {
        # Detached: its own session, no controlling terminal, stdio away from the caller's pipes.
        without_fds setsid nohup /usr/sbin/mariadbd --user=mysql --datadir="$MARIADB_DATADIR" \
            --bind-address="$HOST" --port="$MARIADB_PORT" --socket="$MARIADB_SOCKET" \
            --pid-file="$MARIADB_PIDFILE" --log-error="$MARIADB_LOG" \
            </dev/null >>"$MARIADB_LOG" 2>&1 &
        pid=$!
    }
    start_mariadbd
    touch "$MARIADB_MARK"
    for ((i = 0; ; i++)); do
        maria_ready >/dev/null 2>&1 && break
        if ! kill -0 "$pid" 2>/dev/null; then
            # A mariadbd killed a moment ago may still hold the port or the data
            # directory's lock while it exits: try again a few times.
            if ((attempt < MARIADB_START_ATTEMPTS)); then
                log "MariaDB: mariadbd exited during start-up (attempt $attempt of $MARIADB_START_ATTEMPTS); retrying in 1 s"
                attempt=$((attempt + 1))
                sleep 1
                start_mariadbd
                i=0
                continue
            fi
            rm -f "$MARIADB_MARK"
            tail_log "$MARIADB_LOG"
            die "MariaDB exited during start-up, $attempt times (port $MARIADB_PORT taken? see $MARIADB_LOG)"
        fi
        if ((i >= MARIADB_WAIT)); then
            tail_log "$MARIADB_LOG"
            die "MariaDB did not become ready within $((MARIADB_WAIT / 10)) s (see $MARIADB_LOG)"
        fi
        sleep 0.1
    done
    log "MariaDB: ready on $HOST:$MARIADB_PORT (started)"
}

setup_mariadb() {
    local u h pw=$TEST_PASSWORD sql=""
    sql+="CREATE DATABASE IF NOT EXISTS \`$TEST_DB\` CHARACTER SET utf8mb4;"
    for h in 127.0.0.1 localhost; do
        u="'$TEST_USER'@'$h'"
        sql+="CREATE USER IF NOT EXISTS $u IDENTIFIED BY '$pw';"
        sql+="ALTER USER $u IDENTIFIED BY '$pw';"
        sql+="GRANT ALL PRIVILEGES ON \`$TEST_DB\`.* TO $u;"
        # More databases for tests: alchemy_test_<anything> (underscores escaped: not wildcards).
        sql+="GRANT ALL PRIVILEGES ON \`${TEST_DB//_/\\_}\\_%\`.* TO $u;"
        # KILL of other sessions (CONNECTION ADMIN), and seeing them in the processlist (PROCESS).
        sql+="GRANT CONNECTION ADMIN, PROCESS ON *.* TO $u;"
    done
    maria_admin -e "$sql" || die "MariaDB: could not create user $TEST_USER / database $TEST_DB"
    log "MariaDB: user $TEST_USER@{127.0.0.1,localhost} and database $TEST_DB ready"
}

# --------------------------------------------------------------- PgBouncer ----
pgb_config() {
    cat <<INI
; Written by alchemy scripts/test-servers.sh; rewritten on every start.
[databases]
$TEST_DB = host=$HOST port=$PG_PORT dbname=$TEST_DB
; Databases the tests create themselves (alchemy_test_*), and any other.
* = host=$HOST port=$PG_PORT

[pgbouncer]
listen_addr = $HOST
listen_port = $PGBOUNCER_PORT
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $PGB_USERLIST
pool_mode = transaction
max_client_conn = 1000
default_pool_size = 20
min_pool_size = 0
reserve_pool_size = 0
max_db_connections = 0
; The test role may use the console (SHOW POOLS, RECONNECT, KILL) for disconnect tests.
admin_users = $TEST_USER
stats_users = $TEST_USER
ignore_startup_parameters = extra_float_digits
logfile = $PGB_LOG
pidfile = $PGB_PID
INI
}

# pgb_pid: the pid of this script's PgBouncer (the one reading $PGB_INI), or fail. Found from
# its pidfile, or, should that be gone, from the process table.
pgb_pid() {
    local pid f
    if pid_alive "$PGB_PID" pgbouncer; then
        head -n1 "$PGB_PID" | tr -dc 0-9
        return 0
    fi
    for f in /proc/[0-9]*/cmdline; do
        pid=${f#/proc/}; pid=${pid%/cmdline}
        [[ $(cat "/proc/$pid/comm" 2>/dev/null || true) == pgbouncer ]] || continue
        if tr '\0' ' ' <"$f" 2>/dev/null | grep -qF -- " $PGB_INI"; then
            echo "$pid"
            return 0
        fi
    done
    return 1
}
pgb_running() { pgb_pid >/dev/null; }

stop_pgbouncer() {
    local pid i
    if pid=$(pgb_pid); then
        kill -INT "$pid" 2>/dev/null || true   # SIGINT: immediate shutdown
        for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
        log "PgBouncer: stopped (pid $pid)"
    fi
    rm -f "$PGB_PID"
}

start_pgbouncer() {
    [[ -x /usr/sbin/pgbouncer ]] || die "PgBouncer is not installed (/usr/sbin/pgbouncer missing)"
    mkdir -p "$PGB_DIR"
    chown postgres:postgres "$PGB_DIR"
    chmod 700 "$PGB_DIR"

    local changed=0 new
    new=$(pgb_config)
    if [[ ! -f $PGB_INI ]] || [[ $(cat "$PGB_INI") != "$new" ]]; then
        printf '%s\n' "$new" >"$PGB_INI"
        changed=1
    fi
    local users="\"$TEST_USER\" \"$TEST_PASSWORD\""
    if [[ ! -f $PGB_USERLIST ]] || [[ $(cat "$PGB_USERLIST") != "$users" ]]; then
        printf '%s\n' "$users" >"$PGB_USERLIST"
        changed=1
    fi
    chown postgres:postgres "$PGB_INI" "$PGB_USERLIST"
    chmod 600 "$PGB_INI" "$PGB_USERLIST"

    if pgb_running; then
        if [[ $changed -eq 0 ]] && pgb_ready >/dev/null 2>&1; then
            log "PgBouncer: running on $HOST:$PGBOUNCER_PORT (reused)"
            return 0
        fi
        log "PgBouncer: configuration changed or not answering; restarting"
        stop_pgbouncer
    fi
    rm -f "$PGB_PID"
    if pgb_port_taken; then
        die "port $HOST:$PGBOUNCER_PORT is taken by another process (not this script's PgBouncer): stop it first"
    fi
    log "PgBouncer: starting (config: $PGB_INI)"
    touch "$PGB_LOG"
    chown postgres:postgres "$PGB_LOG"
    local out
    if ! out=$(cd "$PGB_DIR" && without_fds runuser -u postgres -- /usr/sbin/pgbouncer -d "$PGB_INI" </dev/null 2>&1); then
        [[ -n $out ]] && printf '%s\n' "$out" >&2
        tail_log "$PGB_LOG"; die "PgBouncer failed to start"
    fi
    if ! wait_for "$PGB_WAIT" "PgBouncer on $HOST:$PGBOUNCER_PORT" pgb_ready; then
        [[ -n $out ]] && printf '%s\n' "$out" >&2
        tail_log "$PGB_LOG"
        die "PgBouncer does not answer on $HOST:$PGBOUNCER_PORT (see $PGB_LOG)"
    fi
    log "PgBouncer: ready on $HOST:$PGBOUNCER_PORT, transaction pooling (started)"
}

# Something listens on the PgBouncer port (bash's /dev/tcp; no extra tools).
pgb_port_taken() { (exec 3<>"/dev/tcp/$HOST/$PGBOUNCER_PORT") 2>/dev/null; }

# ------------------------------------------------------------------ checks ----
verify() {
    pg_as_test -p "$PG_PORT" -d "$TEST_DB" -c 'SELECT 1' >/dev/null ||
        die "cannot connect to PostgreSQL as $TEST_USER with its password: $PG_URL"
    pg_rejects_wrong_password ||
        die "PostgreSQL accepts a wrong password for $TEST_USER over TCP (pg_hba trust rule above the scram rule?)"
    maria_as_test -e 'SELECT 1' >/dev/null ||
        die "cannot connect to MariaDB as $TEST_USER with its password: $MYSQL_URL"
    pgb_ready >/dev/null || die "cannot connect through PgBouncer as $TEST_USER: $PGBOUNCER_URL"
    pg_as_test -p "$PGF_PORT" -d "$TEST_DB" -c 'SELECT 1' >/dev/null ||
        die "cannot connect to the fault cluster as $TEST_USER with its password: $PGF_URL"
}

# ---------------------------------------------------------------- commands ----
cmd_start() {
    need_root start
    take_lock
    install_missing_packages
    start_postgresql
    setup_postgresql
    start_mariadb
    setup_mariadb
    start_pgbouncer
    start_pg_fault_cluster
    setup_pg_fault_cluster
    verify
    log "all servers ready: PostgreSQL $HOST:$PG_PORT, MariaDB $HOST:$MARIADB_PORT, PgBouncer $HOST:$PGBOUNCER_PORT, fault cluster $HOST:$PGF_PORT"
}

cmd_urls() {
    printf '%s\n' "$PG_URL" "$MYSQL_URL" "$PGBOUNCER_URL" "$PGF_URL"
}

cmd_env() {
    # Everything start says goes to stderr; stdout carries only the exports.
    cmd_start >&2
    # Single-quoted: the PgBouncer URL holds '&', which eval must not take as a command separator.
    printf "export ALCHEMY_TEST_POSTGRESQL_URL='%s'\n" "$PG_URL"
    printf "export ALCHEMY_TEST_MYSQL_URL='%s'\n" "$MYSQL_URL"
    printf "export ALCHEMY_TEST_PGBOUNCER_URL='%s'\n" "$PGBOUNCER_URL"
    # The fault suite's cluster, and what pg_ctlcluster needs to restart it.
    printf "export ALCHEMY_TEST_PGRESTART_URL='%s'\n" "$PGF_URL"
    printf "export ALCHEMY_TEST_PGRESTART_CLUSTER='%s %s'\n" "$PG_VERSION" "$PGF_CLUSTER"
}

cmd_status() {
    local ok=0 how
    if pg_ready 2>/dev/null; then
        how=$([[ -e $PG_MARK ]] && echo "started by this script" || echo "was already running")
        echo "postgresql: running on $HOST:$PG_PORT ($how)"
    else
        echo "postgresql: not running on $HOST:$PG_PORT"; ok=1
    fi
    if maria_ready >/dev/null 2>&1; then
        how=$([[ -e $MARIADB_MARK ]] && echo "started by this script" || echo "was already running")
        echo "mariadb:    running on $HOST:$MARIADB_PORT ($how)"
    else
        echo "mariadb:    not running on $HOST:$MARIADB_PORT"; ok=1
    fi
    if pgb_running; then
        echo "pgbouncer:  running on $HOST:$PGBOUNCER_PORT (pid $(pgb_pid), config $PGB_INI)"
    elif pgb_port_taken; then
        echo "pgbouncer:  port $HOST:$PGBOUNCER_PORT taken by a process this script did not start"; ok=1
    else
        echo "pgbouncer:  not running"; ok=1
    fi
    if pg_ready_on "$PGF_PORT" 2>/dev/null; then
        echo "faultpg:    running on $HOST:$PGF_PORT (cluster $PG_VERSION/$PGF_CLUSTER, the fault suite's own)"
    else
        echo "faultpg:    not running on $HOST:$PGF_PORT (cluster $PG_VERSION/$PGF_CLUSTER)"; ok=1
    fi
    return $ok
}

cmd_stop() {
    local all=0
    case ${1:-} in
        --all) all=1 ;;
        "") ;;
        *) die "usage: $0 stop [--all]" ;;
    esac
    need_root stop
    take_lock
    stop_pgbouncer
    stop_pg_fault_cluster   # always this script's own
    if [[ $all -eq 1 || -e $MARIADB_MARK ]]; then
        if maria_ready >/dev/null 2>&1; then
            maria_admin -e 'SHUTDOWN' 2>/dev/null || mariadb-admin --socket="$MARIADB_SOCKET" -uroot shutdown
            wait_for 600 "MariaDB shutdown" maria_down || die "MariaDB did not stop"
            log "MariaDB: stopped"
        fi
        rm -f "$MARIADB_MARK"
    else
        log "MariaDB: left running (not started by this script; 'stop --all' stops it)"
    fi
    if [[ $all -eq 1 || -e $PG_MARK ]]; then
        if pg_lsclusters -h "$PG_VERSION" "$PG_CLUSTER" 2>/dev/null | grep -q online; then
            pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" "$PG_CLUSTER" stop -m fast >&2
            log "PostgreSQL: stopped"
        fi
        rm -f "$PG_MARK"
    else
        log "PostgreSQL: left running (not started by this script; 'stop --all' stops it)"
    fi
}

usage() {
    sed -n '2,18s/^# \{0,1\}//p' "$0" >&2
}

main() {
    local cmd=${1:-}
    [[ $# -gt 0 ]] && shift
    case $cmd in
        start)  cmd_start ;;
        env)    cmd_env ;;
        urls)   cmd_urls ;;
        status) cmd_status ;;
        stop)   cmd_stop "$@" ;;
        -h|--help|help) usage ;;
        *) usage; exit 2 ;;
    esac
}

# On one line with exit: bash has read the whole file before running anything, so editing the
# script while it runs cannot change what a running copy executes.
main "$@"; exit $?

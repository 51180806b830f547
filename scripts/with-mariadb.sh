#!/usr/bin/env bash
# Runs a command beside a throwaway MariaDB server.
#
#   scripts/with-mariadb.sh swift test --disable-xctest --traits MySQL --filter StorageTests
#
# Installs mariadb-server and libmariadb-dev with apt when they are missing (as root), creates a datadir
# in a temp dir, starts mariadbd on a free loopback port with --no-defaults (so /etc/mysql and system
# services are never touched), creates the user `sokbo` with a random password, and exports:
#   SOKBO_TEST_MYSQL_URL         mysql://sokbo:PASS@127.0.0.1:PORT/sokbo_test
#   SOKBO_TEST_MYSQL_STOP_CMD    stops the server (for outage tests); returns when it has exited
#   SOKBO_TEST_MYSQL_START_CMD   starts it again on the same port and datadir; returns when it answers
# Then runs "$@" and always stops the server and removes the temp dir, exiting with the command's status.
set -uo pipefail

if [[ $# -eq 0 ]]; then
    echo "usage: $0 command [args…]" >&2
    exit 2
fi

log() { echo "with-mariadb: $*" >&2; }

# MARK: - Install what is missing

if ! command -v mariadbd >/dev/null 2>&1 && [[ ! -x /usr/sbin/mariadbd ]] \
    || ! command -v mariadb-install-db >/dev/null 2>&1 \
    || [[ ! -f /usr/include/mariadb/mysql.h ]] \
    || ! compgen -G "/usr/lib/*/faketime/libfaketime.so.1" >/dev/null; then
    if [[ $(id -u) -ne 0 ]]; then
        log "mariadb-server, libmariadb-dev or faketime is missing and this is not root; install them first"
        exit 1
    fi
    # faketime: the two-node clock-skew test preloads libfaketime into one node.
    log "installing mariadb-server, libmariadb-dev and faketime"
    # Keep the package from starting the system server: a policy-rc.d that denies every service start,
    # only for the install, and only when the machine has none of its own.
    policy_added=0
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && policy_added=1
    fi
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mariadb-server libmariadb-dev faketime; } >/dev/null
    install_status=$?
    [[ $policy_added -eq 1 ]] && rm -f /usr/sbin/policy-rc.d
    if [[ $install_status -ne 0 ]]; then
        log "apt-get install failed"
        exit 1
    fi
fi
PATH="$PATH:/usr/sbin:/sbin"

# MARK: - A free loopback port

free_port() {
    if command -v python3 >/dev/null 2>&1 && python3 -c 'import socket' 2>/dev/null; then
        python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
        return
    fi
    # Without python: probe random high ports until one refuses a connection (nothing listens there).
    local port
    for _ in $(seq 1 100); do
        port=$(( 20000 + RANDOM % 40000 ))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return
        fi
    done
    return 1
}

# MARK: - Datadir and server

ROOT_DIR=$(mktemp -d "${TMPDIR:-/tmp}/sokbo-mariadb.XXXXXX")
DATA_DIR="$ROOT_DIR/data"
RUN_DIR="$ROOT_DIR/run"
mkdir -p "$DATA_DIR" "$RUN_DIR"
chmod 700 "$ROOT_DIR"
SOCKET="$RUN_DIR/mysqld.sock"
PID_FILE="$RUN_DIR/mysqld.pid"
ERROR_LOG="$RUN_DIR/mysqld.err"
RUN_USER=$(id -un)

PORT=$(free_port) || { log "no free port found"; rm -rf "$ROOT_DIR"; exit 1; }
PASSWORD=$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')

# The stop and start commands are small scripts in the temp dir, so a test can run them with /bin/sh.
cat >"$RUN_DIR/start.sh" <<EOF
#!/usr/bin/env bash
# Starts the throwaway server (detached, output to its error log) and waits until it answers.
set -u
# Close every inherited descriptor above 2 first: a caller may detect our exit by a pipe or socket
# (Foundation's Process does), and a server that kept it open would make that caller wait forever.
(
    for fd in \$(ls /proc/\$BASHPID/fd); do
        if [[ \$fd -gt 2 ]]; then eval "exec \$fd>&-" 2>/dev/null; fi
    done
    exec setsid mariadbd --no-defaults --user=$RUN_USER --datadir="$DATA_DIR" --socket="$SOCKET" --pid-file="$PID_FILE" \\
        --port=$PORT --bind-address=127.0.0.1 --skip-name-resolve --log-error="$ERROR_LOG" --skip-log-bin \\
        --innodb-buffer-pool-size=128M
) </dev/null >/dev/null 2>&1 &
for _ in \$(seq 1 300); do
    if mariadb-admin --no-defaults --socket="$SOCKET" -uroot --connect-timeout=2 ping >/dev/null 2>&1; then
        exit 0
    fi
    sleep 0.1
done
echo "with-mariadb: the server did not answer within 30 s; see $ERROR_LOG" >&2
tail -n 20 "$ERROR_LOG" >&2
exit 1
EOF
cat >"$RUN_DIR/stop.sh" <<EOF
#!/usr/bin/env bash
# Stops the throwaway server and waits until its process has exited (kills it after 30 s).
set -u
[[ -f "$PID_FILE" ]] || exit 0
pid=\$(cat "$PID_FILE" 2>/dev/null)
mariadb-admin --no-defaults --socket="$SOCKET" -uroot --connect-timeout=2 shutdown >/dev/null 2>&1 || { [[ -n "\$pid" ]] && kill "\$pid" 2>/dev/null; }
for _ in \$(seq 1 300); do
    if [[ -z "\$pid" ]] || ! kill -0 "\$pid" 2>/dev/null; then
        rm -f "$PID_FILE"
        exit 0
    fi
    sleep 0.1
done
kill -9 "\$pid" 2>/dev/null
rm -f "$PID_FILE"
exit 0
EOF
chmod 700 "$RUN_DIR/start.sh" "$RUN_DIR/stop.sh"

cleanup() {
    local status=$?
    trap '' PIPE
    "$RUN_DIR/stop.sh" >/dev/null 2>&1
    rm -rf "$ROOT_DIR"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# The EXIT trap cannot run when this shell is killed outright (SIGKILL, or SIGPIPE when a reader of its
# output went away): a detached watchdog stops the server and removes the temp dir once this shell is gone.
SCRIPT_PID=$$
setsid bash -c "while kill -0 $SCRIPT_PID 2>/dev/null; do sleep 1; done; \"$RUN_DIR/stop.sh\"; rm -rf \"$ROOT_DIR\"" \
    </dev/null >/dev/null 2>&1 &

if ! mariadb-install-db --no-defaults --user="$RUN_USER" --datadir="$DATA_DIR" \
    --auth-root-authentication-method=socket --skip-test-db >"$RUN_DIR/install.log" 2>&1; then
    log "mariadb-install-db failed:"
    tail -n 20 "$RUN_DIR/install.log" >&2
    exit 1
fi
"$RUN_DIR/start.sh" || exit 1

# Root logs in through the socket; the app user gets a password and every privilege (tests create
# databases). Both hosts, because a socket login is 'localhost' and a TCP login is '127.0.0.1'.
if ! mariadb --no-defaults --socket="$SOCKET" -uroot <<EOF
CREATE USER 'sokbo'@'localhost' IDENTIFIED BY '$PASSWORD';
CREATE USER 'sokbo'@'127.0.0.1' IDENTIFIED BY '$PASSWORD';
GRANT ALL PRIVILEGES ON *.* TO 'sokbo'@'localhost';
GRANT ALL PRIVILEGES ON *.* TO 'sokbo'@'127.0.0.1';
CREATE DATABASE sokbo_test CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
EOF
then
    log "cannot create the test user"
    exit 1
fi

export SOKBO_TEST_MYSQL_URL="mysql://sokbo:$PASSWORD@127.0.0.1:$PORT/sokbo_test"
export SOKBO_TEST_MYSQL_STOP_CMD="$RUN_DIR/stop.sh"
export SOKBO_TEST_MYSQL_START_CMD="$RUN_DIR/start.sh"
log "MariaDB $(mariadbd --version | awk '{print $3}') on 127.0.0.1:$PORT (datadir $DATA_DIR)"

# Not exec: the EXIT trap must run after the command to stop the server and remove the datadir.
"$@"

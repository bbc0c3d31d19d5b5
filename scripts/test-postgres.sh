# Sourced by scripts/test: a throwaway PostgreSQL server for the PostgreSQL half of the suite.
#
# start_test_postgres sets PARTNERDESK_TEST_POSTGRES to a server URL (a superuser on a
# temporary data folder and port, reached over 127.0.0.1 only) and stops the server and
# removes its folder when the calling shell exits. When no server can be had it leaves the
# variable unset and says why (the tests then skip their PostgreSQL half and say so too);
# under CI (CI=true) that is an error instead, since CI must run both halves.
#
# The tests' superuser needs no password; roles made in the group TEST_PG_PASSWORD_GROUP
# do (scram-sha-256 over TCP), for the tests of a wrong password.
#
# PostgreSQL refuses to run as root, so as root it runs as the system user
# "partnerdesk-test" (made here when missing); anyone else runs it as themselves.

TEST_PG_USER="partnerdesk-test"
# Roles in this group must give their password (tests/engines.py: password_role).
TEST_PG_PASSWORD_GROUP="partnerdesk_password_login"

_pg_bindir() {
  local found
  found="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [ -n "$found" ] && [ -x "$found/initdb" ] && echo "$found"
}

_pg_unavailable() {
  echo "PostgreSQL tests: $1" >&2
  if [ "${CI:-}" = "true" ]; then
    echo "CI runs the PostgreSQL half of the suite, so it stops here." >&2
    exit 1
  fi
  echo "Only the SQLite half of the suite runs." >&2
  unset PARTNERDESK_TEST_POSTGRES
  return 0
}

_as_pg_user() {
  # From the server's own folder: the user may not be able to enter the checkout's.
  if [ "$(id -u)" = "0" ]; then
    (cd "$TEST_PG_DIR" && runuser -u "$TEST_PG_USER" -- "$@")
  else
    (cd "$TEST_PG_DIR" && "$@")
  fi
}

start_test_postgres() {
  local bindir
  bindir="$(_pg_bindir || true)"
  if [ -z "$bindir" ] && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing PostgreSQL for the tests (Debian's postgresql package)"
    export DEBIAN_FRONTEND=noninteractive
    if ! { apt-get update -qq >/dev/null && \
           apt-get install -y -qq --no-install-recommends postgresql >/dev/null; }; then
      _pg_unavailable "the postgresql package could not be installed."
      return 0
    fi
    bindir="$(_pg_bindir || true)"
  fi
  if [ -z "$bindir" ]; then
    _pg_unavailable "PostgreSQL is not installed (sudo apt-get install postgresql)."
    return 0
  fi
  if [ "$(id -u)" = "0" ] && ! id "$TEST_PG_USER" >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin "$TEST_PG_USER" || {
      _pg_unavailable "the user $TEST_PG_USER to run PostgreSQL as could not be made."
      return 0
    }
  fi
  TEST_PG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/partnerdesk-postgres.XXXXXX")"
  [ "$(id -u)" = "0" ] && chown "$TEST_PG_USER" "$TEST_PG_DIR"
  chmod 700 "$TEST_PG_DIR"
  local port
  port="$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  if ! _as_pg_user "$bindir/initdb" -D "$TEST_PG_DIR/data" -U partnerdesk -A trust \
        --no-sync -E UTF8 --locale=C.UTF-8 >"$TEST_PG_DIR/initdb.log" 2>&1; then
    _pg_unavailable "initdb failed: $(tail -n 3 "$TEST_PG_DIR/initdb.log")"
    rm -rf "$TEST_PG_DIR"
    return 0
  fi
  # Trust for the tests' own superuser, but members of PASSWORD_GROUP log in with their
  # password (scram) over TCP, so a wrong password is refused as on an office's server.
  { printf 'host all +%s 127.0.0.1/32 scram-sha-256\n' "$TEST_PG_PASSWORD_GROUP"
    cat "$TEST_PG_DIR/data/pg_hba.conf"; } > "$TEST_PG_DIR/pg_hba.conf.new"
  _as_pg_user cp "$TEST_PG_DIR/pg_hba.conf.new" "$TEST_PG_DIR/data/pg_hba.conf"
  # Speed over durability: the data is thrown away when the run ends.
  if ! _as_pg_user "$bindir/pg_ctl" -D "$TEST_PG_DIR/data" -l "$TEST_PG_DIR/server.log" -w \
        -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$TEST_PG_DIR \
            -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
            -c max_connections=200 -c shared_buffers=64MB" start >/dev/null; then
    _pg_unavailable "the server did not start: $(tail -n 3 "$TEST_PG_DIR/server.log")"
    rm -rf "$TEST_PG_DIR"
    return 0
  fi
  TEST_PG_BINDIR="$bindir"
  trap stop_test_postgres EXIT
  export PARTNERDESK_TEST_POSTGRES="postgresql://partnerdesk@127.0.0.1:$port/postgres"
  echo "PostgreSQL tests: a throwaway server on 127.0.0.1:$port"
}

stop_test_postgres() {
  if [ -n "${TEST_PG_DIR:-}" ] && [ -d "$TEST_PG_DIR/data" ]; then
    _as_pg_user "$TEST_PG_BINDIR/pg_ctl" -D "$TEST_PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  [ -n "${TEST_PG_DIR:-}" ] && rm -rf "$TEST_PG_DIR"
  return 0
}

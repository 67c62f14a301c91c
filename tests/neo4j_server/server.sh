#!/usr/bin/env bash
# A real Neo4j Community 5.26 server for ropagraph's tests, started in-process by a small Java
# launcher (TestServer.java) from Maven Central artifacts: Bolt on 127.0.0.1 on a free port,
# authentication on, HTTP off.
#
#   tests/neo4j_server/server.sh build    build the launcher once (cached until its sources change)
#   tests/neo4j_server/server.sh start    build, start in the background, wait until ready (bounded)
#                                         and print `. FILE` where FILE exports NEO4J_URI,
#                                         NEO4J_USER, NEO4J_PASSWORD (mode 600); so
#                                         eval "$(tests/neo4j_server/server.sh start)"
#                                         sets them in the calling shell without printing the password
#   tests/neo4j_server/server.sh stop     stop it (SIGTERM, bounded wait) and remove its data
#   tests/neo4j_server/server.sh status   say whether it runs, and where
#   tests/neo4j_server/server.sh classpath  print the classpath (the launcher and neo4j-admin)
#   tests/neo4j_server/server.sh admin ARGS...  run neo4j-admin (e.g. `database import full ...`)
#                                         from the same Maven artifacts on NEO4J_TEST_HOME
#
# Environment: NEO4J_PASSWORD (used if set, else a random one), NEO4J_TEST_STATE (state folder,
# default tests/neo4j_server/run), NEO4J_TEST_HOME (a Neo4j home to serve and keep, e.g. one
# that `admin database import` filled; default a new temporary one removed on stop),
# NEO4J_START_TIMEOUT (seconds, default 180),
# NEO4J_HEAP (default 768m), JAVA (default java).
# Messages go to stderr; stdout carries only the line to eval.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STATE="${NEO4J_TEST_STATE:-$HERE/run}"
JAVA="${JAVA:-java}"
HEAP="${NEO4J_HEAP:-768m}"
TIMEOUT="${NEO4J_START_TIMEOUT:-180}"
PIDFILE="$STATE/pid"
READY="$STATE/ready"
ENVFILE="$STATE/env.sh"
LOG="$STATE/server.log"

say() { echo "neo4j test server: $*" >&2; }

built() {
  [ -f "$HERE/target/classpath.txt" ] && [ -f "$HERE/target/stamp" ] || return 1
  # Rebuild when the pom or a source file is newer than the last build.
  [ -z "$(find "$HERE/pom.xml" "$HERE/src" -newer "$HERE/target/stamp" -print -quit)" ]
}

build() {
  if built; then
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || { say "Maven (mvn) is not installed"; return 1; }
  say "building the launcher (Neo4j from Maven Central; first time takes a minute)"
  if ! (cd "$HERE" && mvn -q -B package -DskipTests >"$HERE/build.log" 2>&1); then
    say "Maven build failed; last lines of $HERE/build.log:"
    tail -n 15 "$HERE/build.log" >&2
    return 1
  fi
  touch "$HERE/target/stamp"
}

classpath() {
  echo "$HERE/target/classes:$(cat "$HERE/target/classpath.txt")"
}

running_pid() {
  # Prints the pid if the recorded process is still our launcher (not a reused pid).
  [ -f "$PIDFILE" ] || return 1
  local pid
  pid="$(cat "$PIDFILE")"
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'ropagraph.neo4jserver.TestServer' || return 1
  echo "$pid"
}

start() {
  build
  mkdir -p "$STATE"
  chmod 700 "$STATE"
  if pid="$(running_pid)" && [ -f "$ENVFILE" ]; then
    say "already running (pid $pid)"
    echo ". '$ENVFILE'"
    return 0
  fi
  rm -f "$READY" "$ENVFILE" "$PIDFILE"
  # setsid: its own process group, so stopping it never touches the caller's.
  setsid "$JAVA" -Xms256m "-Xmx$HEAP" -XX:+UseSerialGC \
    --add-opens=java.base/java.nio=ALL-UNNAMED \
    --add-opens=java.base/java.io=ALL-UNNAMED \
    --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
    -Dio.netty.tryReflectionSetAccessible=true \
    -cp "$(classpath)" ropagraph.neo4jserver.TestServer --ready "$READY" \
    ${NEO4J_TEST_HOME:+--home "$NEO4J_TEST_HOME" --keep} \
    </dev/null >"$LOG" 2>&1 &
  local pid=$!
  echo "$pid" >"$PIDFILE"
  local waited=0
  while [ ! -f "$READY" ]; do
    if ! kill -0 "$pid" 2>/dev/null; then
      say "the server exited before it was ready; last lines of $LOG:"
      tail -n 20 "$LOG" >&2
      rm -f "$PIDFILE"
      return 1
    fi
    if [ "$waited" -ge "$TIMEOUT" ]; then
      say "not ready after ${TIMEOUT}s; stopping it. Last lines of $LOG:"
      tail -n 20 "$LOG" >&2
      stop
      return 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
  (
    umask 077
    while IFS='=' read -r key value; do
      printf 'export %s=%q\n' "$key" "$value"
    done <"$READY" >"$ENVFILE"
  )
  say "$(grep -o 'ready at .*' "$LOG" | head -n 1 | sed 's/ (home.*//') (pid $pid); env in $ENVFILE"
  echo ". '$ENVFILE'"
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then
    say "not running"
    rm -f "$PIDFILE" "$READY" "$ENVFILE"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  local i
  for i in $(seq 60); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "still running after 30s; killing pid $pid"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$PIDFILE" "$READY" "$ENVFILE"
  say "stopped"
}

status() {
  local pid
  if pid="$(running_pid)"; then
    say "running (pid $pid): $(grep -o 'bolt://[^ ]*' "$LOG" | head -n 1)"
  else
    say "not running"
    return 1
  fi
}

admin() {
  build
  [ -n "${NEO4J_TEST_HOME:-}" ] || { say "set NEO4J_TEST_HOME to the Neo4j home to work on"; return 2; }
  mkdir -p "$NEO4J_TEST_HOME/conf"
  touch "$NEO4J_TEST_HOME/conf/neo4j.conf"
  NEO4J_HOME="$NEO4J_TEST_HOME" NEO4J_CONF="$NEO4J_TEST_HOME/conf" \
    "$JAVA" "-Xmx$HEAP" -cp "$(classpath)" org.neo4j.cli.AdminTool "$@"
}

case "${1:-}" in
  build) build ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  classpath) build && classpath ;;
  admin) shift && admin "$@" ;;
  *)
    echo "usage: $0 build|start|stop|status|classpath|admin ARGS..." >&2
    exit 2
    ;;
esac

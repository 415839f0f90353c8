#!/usr/bin/env bash
# The cheapest server that can be written on our stack, as a peer: bare-russh
# (../shared/bench/bare-russh/, russh 0.65 + ratatui + tokio, no logging, no limits,
# a full frame per key), serving the same résumé text as the OpenSSH peer. What ours
# costs beyond it is what our features cost.
#
# It is built from the shared source with its own target directory (never ours, never
# inside the shared folder, which is read-only), offline from the crates already in
# cargo's registry. Its host key and the résumé's text live in $PEER_DIR; it listens
# on 127.0.0.1 only.
#
#   benches/bare-russh-peer.sh build              # cargo build --release --offline
#   benches/bare-russh-peer.sh start [PORT]       # default 2224; prints its pid
#   benches/bare-russh-peer.sh stop
#
# PEER_CPUS=0 pins the server (taskset -c 0). BARE_RUSSH_SRC and BARE_TARGET_DIR say
# where the source is and where it is built (default $PEER_DIR/target).
# The load tool reaches it with `--user any --marker 'Staff Software Engineer'`, and
# `keys --setup ''` (it has no sections; `3` would get no answer).
set -euo pipefail
cd "$(dirname "$0")/.."

PEER_DIR=${PEER_DIR:-/tmp/ssh-resume-bare-peer}
BARE_RUSSH_SRC=${BARE_RUSSH_SRC:-$PWD/../shared/bench/bare-russh}
BARE_TARGET_DIR=${BARE_TARGET_DIR:-$PEER_DIR/target}
OURS=${CARGO_TARGET_DIR:-target}/release/ssh-resume
PORT=${2:-2224}
BIN=$BARE_TARGET_DIR/release/bare-russh

build() {
  mkdir -p "$PEER_DIR"
  CARGO_TARGET_DIR=$BARE_TARGET_DIR nice -n 10 cargo build --release --offline --locked -q \
    --manifest-path "$BARE_RUSSH_SRC/Cargo.toml"
}

# The server's command, pinned with taskset when PEER_CPUS is set; run as a simple
# command (not a function), so `$!` is the server's own pid.
PINNED=()
[ -z "${PEER_CPUS:-}" ] || PINNED=(taskset -c "$PEER_CPUS")

case "${1:-}" in
  build)
    build
    echo "$BIN"
    ;;
  start)
    [ -x "$BIN" ] || build
    [ -x "$OURS" ] || cargo build --release -q
    mkdir -p "$PEER_DIR"
    "$OURS" render --format text --resume resume.toml > "$PEER_DIR/resume.txt"
    "${PINNED[@]}" "$BIN" --listen "127.0.0.1:$PORT" --hostkey "$PEER_DIR/host_ed25519" \
      --resume "$PEER_DIR/resume.txt" </dev/null >"$PEER_DIR/server.log" 2>&1 &
    echo $! > "$PEER_DIR/server.pid"
    for _ in $(seq 100); do
      (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
      sleep 0.05
    done
    cat "$PEER_DIR/server.pid"
    ;;
  stop)
    if [ -s "$PEER_DIR/server.pid" ]; then
      kill "$(cat "$PEER_DIR/server.pid")" 2>/dev/null || true
      rm -f "$PEER_DIR/server.pid"
    fi
    ;;
  *)
    echo "usage: $0 build | start [PORT] | stop" >&2
    exit 2
    ;;
esac

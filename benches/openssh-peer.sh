#!/usr/bin/env bash
# The peer the benchmarks compare with: OpenSSH's sshd on loopback, paging the same
# résumé with `less` for anyone who connects, so the load tool measures both servers
# the same way (connect, auth "none", pty, shell, first screen, `q`) minutes apart.
#
# Everything is throwaway and its own: a config, a host key and the résumé's text in
# $PEER_DIR, a system user with an empty password that can do nothing but page it
# (ForceCommand), and an sshd on 127.0.0.1 only. The system's own sshd (if any) and its
# configuration are never touched.
#
#   benches/openssh-peer.sh start [PORT]   # default 2223; prints the sshd's pid
#   benches/openssh-peer.sh stop
#
# PEER_CPUS=0 pins the listener, and so every child and `less` (taskset -c 0).
# Needs root (sshd drops privileges per connection) and Debian's openssh-server and
# less, which it installs when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PEER_DIR=${PEER_DIR:-/tmp/ssh-resume-openssh-peer}
PEER_USER=${PEER_USER:-sshresumepeer}
PORT=${2:-2223}
OURS=${CARGO_TARGET_DIR:-target}/release/ssh-resume

need() {
  local missing=()
  [ -x /usr/sbin/sshd ] || missing+=(openssh-server)
  command -v less >/dev/null || missing+=(less)
  if [ ${#missing[@]} -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

user() {
  if ! id "$PEER_USER" >/dev/null 2>&1; then
    useradd --no-create-home --home-dir /nonexistent --shell /bin/sh "$PEER_USER"
  fi
  # An empty password: with PermitEmptyPasswords, OpenSSH takes the "none" method,
  # as ssh-resume does for everyone.
  passwd --delete "$PEER_USER" >/dev/null
}

files() {
  mkdir -p "$PEER_DIR"
  chmod 755 "$PEER_DIR"
  [ -f "$PEER_DIR/host_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -f "$PEER_DIR/host_ed25519"
  "$OURS" render --format text --resume resume.toml > "$PEER_DIR/resume.txt"
  chmod 644 "$PEER_DIR/resume.txt"
  cat > "$PEER_DIR/sshd_config" <<EOF
ListenAddress 127.0.0.1
Port $PORT
HostKey $PEER_DIR/host_ed25519
PidFile $PEER_DIR/sshd.pid
# The algorithms ssh-resume negotiates with OpenSSH clients.
KexAlgorithms curve25519-sha256
HostKeyAlgorithms ssh-ed25519
Ciphers chacha20-poly1305@openssh.com
Compression no
AllowUsers $PEER_USER
PermitEmptyPasswords yes
PasswordAuthentication yes
KbdInteractiveAuthentication no
PubkeyAuthentication no
UsePAM no
StrictModes no
PermitRootLogin no
UseDNS no
PrintMotd no
PrintLastLog no
MaxStartups 10000
LoginGraceTime 10
LogLevel ERROR
AllowTcpForwarding no
X11Forwarding no
ForceCommand less $PEER_DIR/resume.txt
EOF
}

case "${1:-}" in
  start)
    [ -x "$OURS" ] || cargo build --release -q
    need
    user
    files
    mkdir -p /run/sshd
    /usr/sbin/sshd -t -f "$PEER_DIR/sshd_config"
    rm -f "$PEER_DIR/sshd.pid"
    if [ -n "${PEER_CPUS:-}" ]; then
      taskset -c "$PEER_CPUS" /usr/sbin/sshd -f "$PEER_DIR/sshd_config"
    else
      /usr/sbin/sshd -f "$PEER_DIR/sshd_config"
    fi
    for _ in $(seq 50); do [ -s "$PEER_DIR/sshd.pid" ] && break; sleep 0.1; done
    cat "$PEER_DIR/sshd.pid"
    ;;
  stop)
    if [ -s "$PEER_DIR/sshd.pid" ]; then
      kill "$(cat "$PEER_DIR/sshd.pid")" 2>/dev/null || true
      rm -f "$PEER_DIR/sshd.pid"
    fi
    ;;
  *)
    echo "usage: $0 start [PORT] | stop" >&2
    exit 2
    ;;
esac

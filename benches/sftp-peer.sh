#!/usr/bin/env bash
# The downloads' peer: OpenSSH's sshd on loopback whose `sftp` subsystem is OpenSSH's
# own sftp-server, serving a directory that holds the same resume.pdf, so that
# `scp HOST:resume.pdf .` (OpenSSH 9 copies over SFTP) and the load tool's `sftp` mode
# download it from both servers the same way, minutes apart.
#
# Everything is throwaway and its own: a config, a host key and the file in $PEER_DIR,
# a system user with an empty password (so the "none" method logs in, as with ours)
# that can run nothing but sftp-server (ForceCommand), and an sshd on 127.0.0.1 only.
# The system's own sshd (if any) and its configuration are never touched.
#
#   benches/sftp-peer.sh start [PORT] [FILE]   # default 2225; prints the sshd's pid
#   benches/sftp-peer.sh stop
#
# FILE is the résumé's PDF as our server serves it (take it with
# `scp -P 2222 127.0.0.1:resume.pdf /tmp/` once ours serves it); without one, the
# script makes 65,536 pseudo-random bytes (about the PDF's size, and as incompressible,
# which only matters if compression were negotiated: it is not).
#
# The serving CPU of a download is the listening sshd's own plus its reaped children's
# (the per-connection sshd processes, which reap sftp-server): read it from the
# listener's /proc/PID/stat after the connections have ended (`ssh-resume-load sftp`
# waits for that). PEER_CPUS=0 pins the listener, and so every child (taskset -c 0).
# Needs root (sshd drops privileges per connection) and Debian's openssh-server.
set -euo pipefail
cd "$(dirname "$0")/.."

PEER_DIR=${PEER_DIR:-/tmp/ssh-resume-sftp-peer}
PEER_USER=${PEER_USER:-sshresumepeer}
PORT=${2:-2225}
FILE=${3:-}
SFTP_SERVER=/usr/lib/openssh/sftp-server

need() {
  if [ ! -x /usr/sbin/sshd ] || [ ! -x "$SFTP_SERVER" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-server openssh-sftp-server >/dev/null
  fi
}

user() {
  if ! id "$PEER_USER" >/dev/null 2>&1; then
    useradd --no-create-home --home-dir /nonexistent --shell /bin/sh "$PEER_USER"
  fi
  passwd --delete "$PEER_USER" >/dev/null
}

files() {
  mkdir -p "$PEER_DIR/files"
  chmod 755 "$PEER_DIR" "$PEER_DIR/files"
  [ -f "$PEER_DIR/host_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -f "$PEER_DIR/host_ed25519"
  if [ -n "$FILE" ]; then
    cp "$FILE" "$PEER_DIR/files/resume.pdf"
  else
    head -c 65536 /dev/urandom > "$PEER_DIR/files/resume.pdf"
  fi
  chmod 644 "$PEER_DIR/files/resume.pdf"
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
MaxSessions 1
LoginGraceTime 10
LogLevel ERROR
AllowTcpForwarding no
X11Forwarding no
PermitTTY no
# sftp-server started in the directory of the file, so \`resume.pdf\` is found there as
# in ours; for any request, subsystem or not, nothing else runs.
Subsystem sftp $SFTP_SERVER -d $PEER_DIR/files
ForceCommand $SFTP_SERVER -d $PEER_DIR/files
EOF
}

case "${1:-}" in
  start)
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
    echo "usage: $0 start [PORT] [FILE] | stop" >&2
    exit 2
    ;;
esac

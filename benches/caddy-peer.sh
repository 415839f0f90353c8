#!/usr/bin/env bash
# The web door's peer: Caddy (Debian's package) serving the bytes our web door serves
# for `/` to a browser as a static file, with the same compression: the page as ours
# sends it uncompressed, gzip and brotli, taken from our server once and laid out as
# index.html, index.html.gz and index.html.br for `file_server { precompressed br gzip }`.
# So both answer `GET /` with `Accept: text/html` and `Accept-Encoding: br, gzip` with
# the same body bytes; what differs is only the server.
#
# Everything is throwaway and its own, in $PEER_DIR: the site, the Caddyfile, Caddy's
# HOME and XDG directories (no admin endpoint, no HTTPS, no access log), and our
# server when the page is taken from one started for the purpose. Caddy listens on
# 127.0.0.1 only.
#
#   benches/caddy-peer.sh start [PORT]   # default 8081; prints caddy's pid
#   benches/caddy-peer.sh stop
#
# FROM=http://127.0.0.1:8080 takes the page from a running server of ours; without it
# the script starts ours on loopback (ssh :PORT+100, web :PORT+101) just to take it.
# PEER_CPUS=0 pins Caddy (taskset -c 0; Go then runs GOMAXPROCS=1).
set -euo pipefail
cd "$(dirname "$0")/.."

PEER_DIR=${PEER_DIR:-/tmp/ssh-resume-caddy-peer}
PORT=${2:-8081}
OURS=${CARGO_TARGET_DIR:-target}/release/ssh-resume
SITE=$PEER_DIR/site

need() {
  command -v caddy >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq caddy >/dev/null
  command -v curl >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq curl >/dev/null
}

# Starts ours on loopback with throwaway keys and data, and prints its web address.
ours_for_the_page() {
  [ -x "$OURS" ] || cargo build --release -q
  local web=127.0.0.1:$((PORT + 101))
  "$OURS" --resume resume.toml --listen "127.0.0.1:$((PORT + 100))" --http-listen "$web" \
    --keys-dir "$PEER_DIR/ours-keys" --data-dir "$PEER_DIR/ours-data" --rate-per-ip 0 \
    </dev/null >/dev/null 2>"$PEER_DIR/ours.log" &
  echo $! > "$PEER_DIR/ours.pid"
  for _ in $(seq 100); do
    curl -fsS -o /dev/null "http://$web/" 2>/dev/null && break
    sleep 0.05
  done
  echo "http://$web"
}

# One encoding of `/` as a browser asks for it; fails unless the server used it.
take() {
  local from=$1 encoding=$2 file=$3
  curl -fsS -H 'Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' \
    -H "Accept-Encoding: $encoding" -D "$file.headers" -o "$file" "$from/"
  local used
  used=$(tr -d '\r' < "$file.headers" | awk -F': ' 'tolower($1) == "content-encoding" { print $2 }')
  if [ "$encoding" != identity ] && [ "$used" != "$encoding" ]; then
    echo "$from/ answered Accept-Encoding: $encoding with '${used:-identity}'" >&2
    exit 1
  fi
}

site() {
  rm -rf "$SITE"
  mkdir -p "$SITE"
  local from=${FROM:-}
  [ -n "$from" ] || from=$(ours_for_the_page)
  take "$from" identity "$SITE/index.html"
  take "$from" gzip "$SITE/index.html.gz"
  take "$from" br "$SITE/index.html.br"
  if [ -s "$PEER_DIR/ours.pid" ]; then
    kill "$(cat "$PEER_DIR/ours.pid")" 2>/dev/null || true
    rm -f "$PEER_DIR/ours.pid"
  fi
  gzip -dc "$SITE/index.html.gz" | cmp -s - "$SITE/index.html" ||
    { echo "the gzip form is not the page" >&2; exit 1; }
  mv "$SITE"/*.headers "$PEER_DIR/"
}

# A header of the page as ours sent it.
header() {
  tr -d '\r' < "$PEER_DIR/index.html.br.headers" | awk -v name="$1" -F': ' 'tolower($1) == name { print $2 }'
}

caddyfile() {
  cat > "$PEER_DIR/Caddyfile" <<EOF
{
	admin off
	auto_https off
	storage file_system $PEER_DIR/storage
}

http://127.0.0.1:$PORT {
	bind 127.0.0.1
	root * $SITE
	# The headers ours sends with the page (bar its own ETag, Last-Modified, Date and
	# length, which Caddy makes), so both answers are about the same size.
	header {
		Cache-Control "public, max-age=60"
		Vary Accept  # Caddy adds its own Vary: Accept-Encoding
		Content-Security-Policy "$(header content-security-policy)"
		X-Content-Type-Options nosniff
		Referrer-Policy no-referrer
		X-Frame-Options DENY
		Cross-Origin-Opener-Policy same-origin
	}
	file_server {
		precompressed br gzip
	}
}
EOF
}

# The server's command, pinned with taskset when PEER_CPUS is set; run as a simple
# command (not a function), so `$!` is the server's own pid.
PINNED=()
[ -z "${PEER_CPUS:-}" ] || PINNED=(taskset -c "$PEER_CPUS")

case "${1:-}" in
  start)
    # Caddy listens with SO_REUSEPORT: a second one on a port already taken starts
    # without an error and shares the connections, and both would be measured as one.
    if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
      echo "127.0.0.1:$PORT is in use already (an earlier peer? $0 stop, or end it by its pid)" >&2
      exit 1
    fi
    need
    mkdir -p "$PEER_DIR"
    site
    caddyfile
    HOME=$PEER_DIR XDG_DATA_HOME=$PEER_DIR/data XDG_CONFIG_HOME=$PEER_DIR/config \
      "${PINNED[@]}" caddy run --adapter caddyfile --config "$PEER_DIR/Caddyfile" \
      </dev/null >"$PEER_DIR/caddy.log" 2>&1 &
    echo $! > "$PEER_DIR/caddy.pid"
    for _ in $(seq 100); do
      curl -fsS -o /dev/null "http://127.0.0.1:$PORT/" 2>/dev/null && break
      sleep 0.05
    done
    curl -fsS -o /dev/null "http://127.0.0.1:$PORT/" ||
      { echo "caddy did not start; see $PEER_DIR/caddy.log" >&2; exit 1; }
    cat "$PEER_DIR/caddy.pid"
    ;;
  stop)
    for pidfile in "$PEER_DIR/caddy.pid" "$PEER_DIR/ours.pid"; do
      if [ -s "$pidfile" ]; then
        kill "$(cat "$pidfile")" 2>/dev/null || true
        rm -f "$pidfile"
      fi
    done
    ;;
  *)
    echo "usage: $0 start [PORT] | stop" >&2
    exit 2
    ;;
esac

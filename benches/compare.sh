#!/usr/bin/env bash
# Ours beside each peer, figure by figure, in one sitting: every figure is measured on
# ours and on its peer back to back, in alternating order (run 1 ours first, run 2 the
# peer first, …: ABBA…), three runs by default, the server pinned to core 0 and the
# load tool (or wrk) to core 1. Each measurement is one JSON line of the load tool's
# (or wrk's figures as JSON) in $OUT/measurements.jsonl; each run prints one JSON line
# per figure (ours, peer, ours/peer, the run's crypto floor) into $OUT/runs.jsonl; the
# end is a Markdown table of the medians over the runs.
#
#   benches/compare.sh                          # every figure, 3 runs
#   RUNS=1 FIGURES="latency keys" benches/compare.sh
#
# Figures (FIGURES, any of): latency (first frame p50/p99 of 200 sequential visits,
# against bare-russh), rate (server CPU per visit, `rate -c 8 -d 10s`, against
# bare-russh), keys (paced j/k on Experience: key → first byte p50 against less and
# bare-russh; then 50 lines down: bytes per one-line scroll against less), hold (memory per held idle
# visitor, a fresh start of each server, against bare-russh), web (`/` as a browser asks
# for it, req/s on one core with wrk, against Caddy serving the same bytes), sftp (server
# CPU per `scp HOST:resume.pdf`-like download, against sshd + sftp-server; n/a while ours
# does not serve resume.pdf over SFTP).
#
# The peers are started and stopped by their scripts here (bare-russh-peer.sh,
# openssh-peer.sh, caddy-peer.sh, sftp-peer.sh); ours is started fresh with its own
# keys and data under $OUT. Everything listens on 127.0.0.1. Needs root (the OpenSSH
# peers), wrk, jq, time and python3 (Debian's packages).
#
# Every measurement also records how busy cores 0 and 1 were (/proc/stat): on a shared
# machine a core far busier than the server's or the tool's own CPU was shared with
# other work during that measurement, and its figure says more about the neighbours.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-3}
FIGURES=${FIGURES:-latency rate keys hold web sftp}
OUT=${OUT:-/tmp/ssh-resume-compare}
BIN=${CARGO_TARGET_DIR:-target}/release
OURS_BIN=${OURS_BIN:-$BIN/ssh-resume}
LOAD_BIN=${LOAD_BIN:-$BIN/ssh-resume-load}
SERVER_CPU=${SERVER_CPU:-0}
TOOL_CPU=${TOOL_CPU:-1}
HOLD_N=${HOLD_N:-1000}
SFTP_N=${SFTP_N:-200}
PORT_OURS=2299 WEB_OURS=8089 PORT_BARE=2224 PORT_LESS=2223 PORT_CADDY=8081 PORT_SFTP=2225
BROWSER_ACCEPT='text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'
export PEER_CPUS=$SERVER_CPU

mkdir -p "$OUT"
: > "$OUT/measurements.jsonl"
: > "$OUT/runs.jsonl"
ulimit -n 20000
for tool in wrk jq python3; do
  command -v "$tool" >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$tool" >/dev/null
done
[ -x /usr/bin/time ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
[ -x "$OURS_BIN" ] && [ -x "$LOAD_BIN" ] || cargo build --release --workspace -q

OURS_PID=
start_ours() {
  stop_ours
  rm -rf "$OUT/ours-data"
  taskset -c "$SERVER_CPU" "$OURS_BIN" --resume resume.toml --listen "127.0.0.1:$PORT_OURS" \
    --http-listen "127.0.0.1:$WEB_OURS" --keys-dir "$OUT/ours-keys" --data-dir "$OUT/ours-data" \
    --max-per-ip 0 --max-startups-per-ip 0 --rate-per-ip 0 --max-connections 10000 \
    </dev/null >/dev/null 2>>"$OUT/ours.log" &
  OURS_PID=$!
  wait_port "$PORT_OURS"
  wait_port "$WEB_OURS"
}
stop_ours() {
  if [ -n "$OURS_PID" ]; then
    kill "$OURS_PID" 2>/dev/null || true
    wait "$OURS_PID" 2>/dev/null || true
    OURS_PID=
  fi
}
BARE_PID=
start_bare() { benches/bare-russh-peer.sh stop; BARE_PID=$(benches/bare-russh-peer.sh start "$PORT_BARE"); }
wait_port() {
  for _ in $(seq 200); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.05; done
  echo "nothing listens on 127.0.0.1:$1" >&2
  return 1
}
cleanup() {
  stop_ours
  benches/bare-russh-peer.sh stop
  benches/openssh-peer.sh stop
  benches/caddy-peer.sh stop
  benches/sftp-peer.sh stop
}
# Every port free before anything starts: a server left from an earlier run would
# otherwise answer instead of (or, with SO_REUSEPORT, beside) the one measured.
for port in $PORT_OURS $WEB_OURS $PORT_BARE $PORT_LESS $PORT_CADDY $PORT_SFTP; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "127.0.0.1:$port is in use already: stop what listens there first" >&2
    exit 1
  fi
done
trap cleanup EXIT

load() { taskset -c "$TOOL_CPU" "$LOAD_BIN" --json "$@"; }

# Runs a measurement ("$@" after the figure and who) and keeps its JSON line.
measure() {
  local figure=$1 who=$2 before
  shift 2
  before=$(core_ticks)
  "$@" > "$OUT/last.json"
  keep "$figure" "$RUN" "$who" "$before" < "$OUT/last.json"
}

# Busy and total clock ticks of cores 0 and 1 so far (/proc/stat).
core_ticks() {
  awk '/^cpu[01] / { printf "%d %d ", $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8 }' /proc/stat
}

# Appends a measurement: figure, run, who, the tool's JSON line, and how busy each core
# was meanwhile (everything on it, ours or not: a core busier than the server's or the
# tool's own CPU says other work shared it).
keep() {
  local figure=$1 run=$2 who=$3 before=$4 after
  after=$(core_ticks)
  jq -c --arg figure "$figure" --argjson run "$run" --arg who "$who" --arg before "$before" --arg after "$after" '
    ($before | split(" ") | map(select(. != "") | tonumber)) as $b
    | ($after | split(" ") | map(select(. != "") | tonumber)) as $a
    | def pct(i): if ($a[i + 1] - $b[i + 1]) > 0 then (1000 * ($a[i] - $b[i]) / ($a[i + 1] - $b[i + 1]) | round / 10) else null end;
    {figure: $figure, run: $run, who: $who} + . + {core0_busy_pct: pct(0), core1_busy_pct: pct(2)}' \
    >> "$OUT/measurements.jsonl"
}

# `/` as a browser asks for it, 10 s of wrk on the tool's core after 2 s of warm-up, and
# the server's CPU over the 10 s from /proc (all threads, in clock ticks).
web() {
  local url=$1 pid=$2 ticks before after
  ticks=$(getconf CLK_TCK)
  taskset -c "$TOOL_CPU" wrk -t1 -c32 -d2s -H "Accept: $BROWSER_ACCEPT" -H 'Accept-Encoding: br, gzip' "$url" >/dev/null
  before=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
  /usr/bin/time -f '%U %S' -o "$OUT/wrk.cpu" taskset -c "$TOOL_CPU" wrk -t1 -c32 -d10s --latency \
    -H "Accept: $BROWSER_ACCEPT" -H 'Accept-Encoding: br, gzip' "$url" > "$OUT/wrk.txt"
  after=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
  python3 - "$OUT/wrk.txt" "$((after - before))" "$ticks" "$OUT/wrk.cpu" <<'PY'
import json, re, sys
text = open(sys.argv[1]).read()
ticks, per_second = int(sys.argv[2]), int(sys.argv[3])
client_cpu_s = sum(float(v) for v in open(sys.argv[4]).read().split()[-2:])
def ms(v, unit): return float(v) * {'us': 1e-3, 'ms': 1.0, 's': 1e3}[unit]
rps = float(re.search(r'Requests/sec:\s+([\d.]+)', text).group(1))
requests = int(re.search(r'(\d+) requests in', text).group(1))
lat = {p: ms(*re.search(rf'\s{p}%\s+([\d.]+)(us|ms|s)', text).groups()) for p in ('50', '99')}
errors = re.search(r'Non-2xx or 3xx responses: (\d+)', text)
cpu_s = ticks / per_second
print(json.dumps({'mode': 'web', 'requests_per_s': rps, 'requests': requests,
                  'p50_ms': lat['50'], 'p99_ms': lat['99'], 'non_2xx': int(errors.group(1)) if errors else 0,
                  'server_cpu_s': cpu_s, 'server_cpu_per_request_us': round(1e6 * cpu_s / max(requests, 1), 1),
                  'client_cpu_s': round(client_cpu_s, 2)}))
PY
}

# Runs "$@" for each of ours and the peer, in this run's order.
in_turn() {
  local run=$1 ours=$2 peer=$3
  if [ $((run % 2)) -eq 1 ]; then "$ours"; "$peer"; else "$peer"; "$ours"; fi
}

latency_ours() { measure latency ours load --addr "127.0.0.1:$PORT_OURS" --server-pid "$OURS_PID" latency -n 200 --warmup 20; }
latency_bare() {
  measure latency bare load --addr "127.0.0.1:$PORT_BARE" --server-pid "$BARE_PID" --user any latency -n 200 --warmup 20
}
rate_ours() { measure rate ours load --addr "127.0.0.1:$PORT_OURS" --server-pid "$OURS_PID" rate -c 8 -d 10s; }
rate_bare() { measure rate bare load --addr "127.0.0.1:$PORT_BARE" --server-pid "$BARE_PID" --user any rate -c 8 -d 10s; }
# Keystrokes on Experience: ours opens it with `3`, less searches for its heading (so
# both scroll the same text), bare russh has no sections. Latency: paced j/k; bytes:
# 50 lines down, each a different line of text.
KEYS=(keys -n 50 --key j --alternate k --burst 0)
SCROLL=(keys -n 50 --key j --burst 0)
LESS_EXPERIENCE=$'/EXPERIENCE\r'
keys_ours() {
  measure keys ours load --addr "127.0.0.1:$PORT_OURS" --server-pid "$OURS_PID" "${KEYS[@]}" --setup 3
  measure scroll ours load --addr "127.0.0.1:$PORT_OURS" --server-pid "$OURS_PID" "${SCROLL[@]}" --setup 3
}
keys_peers() {
  measure keys less load --addr "127.0.0.1:$PORT_LESS" --user sshresumepeer "${KEYS[@]}" --setup "$LESS_EXPERIENCE"
  measure scroll less load --addr "127.0.0.1:$PORT_LESS" --user sshresumepeer "${SCROLL[@]}" --setup "$LESS_EXPERIENCE"
  measure keys bare load --addr "127.0.0.1:$PORT_BARE" --server-pid "$BARE_PID" --user any "${KEYS[@]}" --setup ''
}
hold_ours() { start_ours; sleep 1; measure hold ours load --addr "127.0.0.1:$PORT_OURS" --server-pid "$OURS_PID" hold -n "$HOLD_N"; }
hold_bare() {
  start_bare
  sleep 1
  measure hold bare load --addr "127.0.0.1:$PORT_BARE" --server-pid "$BARE_PID" --user any hold -n "$HOLD_N"
}
web_ours() { measure web ours web "http://127.0.0.1:$WEB_OURS/" "$OURS_PID"; }
web_caddy() { measure web caddy web "http://127.0.0.1:$PORT_CADDY/" "$CADDY_PID"; }
SFTP_OURS=no
sftp_ours() {
  if [ "$SFTP_OURS" = yes ]; then
    measure sftp ours load --addr "127.0.0.1:$PORT_OURS" --server-pid "$OURS_PID" sftp -n "$SFTP_N"
  fi
}
sftp_peer() {
  measure sftp sftp-server load --addr "127.0.0.1:$PORT_SFTP" --server-pid "$SFTP_PID" --user sshresumepeer sftp -n "$SFTP_N"
}

start_ours
start_bare
case " $FIGURES " in *" keys "*) benches/openssh-peer.sh start "$PORT_LESS" >/dev/null ;; esac
case " $FIGURES " in *" web "*) CADDY_PID=$(FROM="http://127.0.0.1:$WEB_OURS" benches/caddy-peer.sh start "$PORT_CADDY") ;; esac
case " $FIGURES " in
  *" sftp "*)
    pdf=
    if scp -q -P "$PORT_OURS" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes \
      -o LogLevel=ERROR "127.0.0.1:resume.pdf" "$OUT/resume.pdf" 2>/dev/null; then
      pdf=$OUT/resume.pdf
      SFTP_OURS=yes
    fi
    SFTP_PID=$(benches/sftp-peer.sh start "$PORT_SFTP" $pdf)
    ;;
esac

for RUN in $(seq "$RUNS"); do
  for figure in $FIGURES; do
    case $figure in
      latency) in_turn "$RUN" latency_ours latency_bare ;;
      rate) in_turn "$RUN" rate_ours rate_bare ;;
      keys) in_turn "$RUN" keys_ours keys_peers ;;
      hold) in_turn "$RUN" hold_ours hold_bare; start_ours; start_bare ;;
      web) in_turn "$RUN" web_ours web_caddy ;;
      sftp) in_turn "$RUN" sftp_ours sftp_peer ;;
      *) echo "unknown figure: $figure" >&2; exit 2 ;;
    esac
  done
  python3 benches/compare_table.py run "$RUN" < "$OUT/measurements.jsonl" | tee -a "$OUT/runs.jsonl"
done
python3 benches/compare_table.py table < "$OUT/runs.jsonl" | tee "$OUT/table.md"

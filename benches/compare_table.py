#!/usr/bin/env python3
"""The figures of benches/compare.sh: ours against each peer, per run and over the runs.

`compare_table.py run N < measurements.jsonl` prints one JSON line per figure of run N
(ours, the peer, ours/peer, the run's handshake-crypto floor in ms, how busy cores 0 and
1 were during each of the two measurements); `compare_table.py
table < runs.jsonl` prints the Markdown table of the medians over the runs: the median
of ours, of the peer and of the per-run ratios (a ratio is only ever taken within one
run). Nothing is measured here.
"""

import json
import statistics
import sys

# name, measurement (figure in compare.sh), peer, what is read, unit, target (ours/peer).
FIGURES = [
    ("keystroke → first byte p50 (paced j/k, Experience)", "keys", "less",
     ("key_to_output_ms", "p50"), "ms", "≤ 1.0"),
    ("keystroke → first byte p50 (paced j/k, Experience)", "keys", "bare",
     ("key_to_output_ms", "p50"), "ms", "≤ 1.0"),
    ("server CPU per visit (rate -c 8 -d 10s)", "rate", "bare",
     ("server_cpu_per_visit_ms",), "ms", "≤ 1.0"),
    ("first frame p50 (200 sequential)", "latency", "bare", ("first_frame_ms", "p50"), "ms", "≤ 1.0"),
    ("first frame p99 (200 sequential)", "latency", "bare", ("first_frame_ms", "p99"), "ms", "≤ 1.2"),
    ("bytes per one-line scroll at 80x24 (mean of 50 `j`)", "scroll", "less", ("bytes_per_key", "mean"), "bytes",
     "≤ 1.2"),
    ("memory per held idle visitor", "hold", "bare", ("kib_per_visitor",), "KiB", "≤ 1.0 (stretch)"),
    ("`/` on the web door, req/s on one core", "web", "caddy", ("requests_per_s",), "req/s", "≥ 1.0"),
    ("server CPU per `/` request (same runs; context: wrk can be the limit)", "web", "caddy",
     ("server_cpu_per_request_us",), "µs", "≤ 1.0"),
    ("server CPU per `scp HOST:resume.pdf`", "sftp", "sftp-server",
     ("server_cpu_per_download_ms",), "ms", "≤ 1.0"),
]


def read(measurement, path):
    value = measurement
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value if isinstance(value, (int, float)) else None


def run(number):
    measured = [json.loads(line) for line in sys.stdin if line.strip()]
    measured = [m for m in measured if m.get("run") == number]
    floors = [m["floor_ms"] for m in measured if isinstance(m.get("floor_ms"), (int, float))]
    floor = statistics.median(floors) if floors else None
    for name, figure, peer, path, unit, target in FIGURES:
        mine = [m for m in measured if m["figure"] == figure and m["who"] == "ours"]
        peers = [m for m in measured if m["figure"] == figure and m["who"] == peer]
        ours = read(mine[0], path) if mine else None
        theirs = read(peers[0], path) if peers else None
        busy = lambda ms: [ms[0].get("core0_busy_pct"), ms[0].get("core1_busy_pct")] if ms else None
        if ours is None and theirs is None:
            continue
        ratio = round(ours / theirs, 3) if ours is not None and theirs else None
        print(json.dumps({"run": number, "figure": name, "peer": peer, "unit": unit, "ours": ours,
                          "theirs": theirs, "ratio": ratio, "target": target, "floor_ms": floor,
                          "cores_busy_pct": {"ours": busy(mine), "theirs": busy(peers)}},
                         ensure_ascii=False))


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def shown(value, digits=3):
    if value is None:
        return "n/a"
    return f"{value:,.{digits}f}".rstrip("0").rstrip(".") if isinstance(value, float) else f"{value:,}"


def table():
    rows = [json.loads(line) for line in sys.stdin if line.strip()]
    runs = sorted({r["run"] for r in rows})
    print(f"| figure | peer | ours | peer's | ours/peer (median of {len(runs)} runs; each run) | target |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, _, peer, _, unit, target in FIGURES:
        mine = [r for r in rows if r["figure"] == name and r["peer"] == peer]
        if not mine:
            continue
        each = ", ".join(shown(r["ratio"], 2) for r in sorted(mine, key=lambda r: r["run"]))
        print(f"| {name} | {peer} | {shown(median(r['ours'] for r in mine))} {unit} "
              f"| {shown(median(r['theirs'] for r in mine))} {unit} "
              f"| **{shown(median(r['ratio'] for r in mine), 2)}** ({each}) | {target} |")
    floors = [r["floor_ms"] for r in rows if r.get("floor_ms")]
    if floors:
        print(f"\nHandshake-crypto floor (context, not a target): median {shown(median(floors), 4)} ms "
              f"over the runs' measurements ({shown(min(floors), 4)}–{shown(max(floors), 4)}).")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "run":
        run(int(sys.argv[2]))
    elif len(sys.argv) == 2 and sys.argv[1] == "table":
        table()
    else:
        sys.exit("usage: compare_table.py run N < measurements.jsonl | table < runs.jsonl")

#!/usr/bin/env python3
"""Who had the cores during each slow visit: the load tool's `latency` JSON lines
(each visit's first frame and start, on CLOCK_MONOTONIC) laid over a scheduler trace of
both cores (`perf sched record -a -k mono`).

    perf sched record -a -k mono -o /tmp/sched.data -- sleep 30 &
    ssh-resume-load --json latency -n 200 > /tmp/ours-1.json    # and the peer, in turns
    benches/slow_visits.py /tmp/sched.data /tmp/ours-1.json /tmp/bare-1.json …

For every visit slower than --over times its run's p50, prints the milliseconds each
task ran on core 0 and core 1 during it (tasks named process:thread, while the
processes are alive to be named), and calls the visit:
  others       tasks of neither the server nor the tool ran on the cores for at least half
               of the visit's time beyond the p50 (another build, a cron job, a daemon);
  server-busy  the server's own threads ran for more than the p50 plus half the excess;
  unexplained  neither: both cores mostly idle together (on a VM, vCPUs woken late).
Then one summary line per file. Run it while the servers still run (their threads are
named from /proc), or name them with --server-pid. Measures nothing itself; reads perf's
and the tool's output.
"""

import argparse
import bisect
import collections
import glob
import json
import re
import subprocess

HEAD = re.compile(r"\s*(.+?)\s+(\d+)/(\d+)\s+\[")
SWITCH = re.compile(r"\[(\d+)\]\s+([\d.]+):\s+sched:sched_switch:")
NEXT = re.compile(r"next_comm=(.*?) next_pid=(\d+)")


def timelines(data):
    """Core -> sorted [(time, task label)] of who started running when. A task is named
    process:thread: each switch event is recorded with the process and thread it
    switches away from, which names every thread that ever ran; the rest (never
    switched away from in the trace) are named from /proc while alive, else by thread."""
    script = subprocess.run(["perf", "script", "-i", data, "-F", "comm,pid,tid,cpu,time,event,trace"],
                            capture_output=True, text=True, check=True).stdout
    process_of, name_of = {}, {}
    events = []
    for line in script.splitlines():
        head = HEAD.match(line)
        if not head or "sched_switch" not in line:
            continue
        comm, pid, tid = head.group(1).strip(), int(head.group(2)), int(head.group(3))
        process_of[tid] = pid
        if pid == tid:
            name_of[pid] = comm
        match = SWITCH.search(line)
        nxt = NEXT.search(line)
        if match and nxt:
            events.append((int(match.group(1)), float(match.group(2)), nxt.group(1), int(nxt.group(2))))
    alive = alive_processes()
    lines = collections.defaultdict(list)
    for cpu, t, comm, tid in events:
        pid = process_of.get(tid)
        process = (name_of.get(pid) if pid is not None else None) or alive.get(tid)
        # Unnamed (its main thread never ran, and it is gone): by process id.
        process = process or (str(pid) if pid is not None else None)
        label = comm if tid == 0 or not process else f"{process}:{comm}"
        lines[cpu].append((t, label))
    return lines


def alive_processes():
    """Thread id -> process name for every thread alive now."""
    found = {}
    for task in glob.glob("/proc/[0-9]*/task/[0-9]*"):
        parts = task.split("/")
        try:
            found[int(parts[4])] = open(f"/proc/{parts[2]}/comm").read().strip()
        except OSError:
            continue
    return found


def usage(line, start, end):
    """Task label -> milliseconds it ran on this core between start and end."""
    times = [t for t, _ in line]
    i = bisect.bisect_right(times, start) - 1
    running = line[i][1] if i >= 0 else "?"
    ran, now = collections.Counter(), start
    for t, label in line[i + 1:]:
        if t >= end:
            break
        ran[running] += t - now
        now, running = t, label
    ran[running] += end - now
    return {label: round(seconds * 1000, 3) for label, seconds in ran.most_common(6)}


def mine(label, servers):
    return label.startswith("swapper") or label.startswith("ssh-resume-load:") or \
        any(label.startswith(s + ":") for s in servers)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sched_data")
    parser.add_argument("latency_json", nargs="+")
    parser.add_argument("--over", type=float, default=1.5, help="slow: over this many times the run's p50")
    parser.add_argument("--servers", default="ssh-resume,bare-russh,sshd,less",
                        help="process names counted as the server's (comma-separated)")
    parser.add_argument("--server-pid", action="append", default=[],
                        help="a server's process id, for a server gone before this runs (repeat)")
    args = parser.parse_args()
    servers = args.servers.split(",") + args.server_pid
    lines = timelines(args.sched_data)
    summaries = []
    for path in args.latency_json:
        run = json.loads(open(path).read().strip().splitlines()[-1])
        each, starts = run["each_first_frame_ms"], run["each_start_ms"]
        origin, p50 = run["first_visit_monotonic_us"] / 1e6, run["first_frame_ms"]["p50"]
        kinds = collections.Counter()
        for n, (ms, start) in enumerate(zip(each, starts)):
            if ms <= args.over * p50:
                continue
            a = origin + start / 1000
            b = a + ms / 1000
            cores = [usage(lines[core], a, b) for core in (0, 1)]
            others = sum(v for c in cores for label, v in c.items() if not mine(label, servers))
            server = sum(v for label, v in cores[0].items() if any(label.startswith(s + ":") for s in servers))
            excess = ms - p50
            kind = "others" if others >= excess / 2 else "server-busy" if server > p50 + excess / 2 else "unexplained"
            kinds[kind] += 1
            print(f"{path} visit {n}: {ms} ms, {kind}; core 0 {cores[0]}; core 1 {cores[1]}")
        summaries.append(f"{path}: p50 {p50} ms, p99 {run['first_frame_ms']['p99']} ms, slow visits {dict(kinds)}")
    print("\n".join(summaries))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""What each byte of a one-line scroll is: the bytes an SSH server sends for one `j`,
taken through OpenSSH's client in an 80x24 pseudo-terminal and cut into what a terminal
reads (scroll region, cursor moves, line feeds, SGR, text), with the bytes of each.

    benches/scroll_bytes.py PORT [USER] [--setup 3] [--keys jjjk]

The setup keys (ours: `3`, the Experience section) are sent first and their output
read until it is quiet; then each key, and its output until 300 ms pass with nothing
more (the load tool's `keys` counts the same bytes). The rows a step writes text on are
listed with the text, so the scroll, the new line, the scrollbar and the footer can be
told apart. Any SSH server that logs in with `none` (ours, the peers of benches/).
"""

import argparse
import fcntl
import os
import pty
import re
import select
import struct
import termios
import time

QUIET_S = 0.3

TOKEN = re.compile(
    rb"\x1b\[(?P<csi>[0-9;?]*)(?P<final>[A-Za-z@`])"  # CSI
    rb"|\x1b(?P<esc>[78DEMc=>])"                       # ESC x
    rb"|(?P<ctl>[\r\n\b\x07])"
    rb"|(?P<text>[^\x1b\r\n\b\x07]+)"
)

CSI_NAMES = {
    "H": "cursor to (CUP)", "C": "cursor forward (CUF)", "A": "cursor up", "B": "cursor down",
    "D": "cursor back", "G": "cursor to column", "d": "cursor to row", "r": "scroll region (DECSTBM)",
    "m": "SGR", "K": "erase in line", "J": "erase in display", "X": "erase characters",
    "h": "mode set", "l": "mode reset", "S": "scroll up", "T": "scroll down", "L": "insert lines",
    "M": "delete lines", "@": "insert characters", "P": "delete characters",
}


def connect(port, user, rows=24, cols=80):
    pid, fd = pty.fork()
    if pid == 0:
        # The terminal the load tool announces, whatever this shell's is.
        os.environ["TERM"] = "xterm-256color"
        os.execvp("ssh", ["ssh", "-tt", "-p", str(port), "-o", "StrictHostKeyChecking=no",
                          "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
                          "-o", "BatchMode=yes", f"{user}@127.0.0.1"])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    return pid, fd


def read_quiet(fd, quiet=QUIET_S, first_wait=10.0):
    out, deadline = b"", time.monotonic() + first_wait
    while True:
        wait = quiet if out else max(0.0, deadline - time.monotonic())
        ready, _, _ = select.select([fd], [], [], wait)
        if not ready:
            return out
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            return out
        if not chunk:
            return out
        out += chunk


def tokens(data):
    """(kind, bytes, note) for each piece of `data`."""
    for m in TOKEN.finditer(data):
        raw = m.group(0)
        if m.group("final"):
            name = CSI_NAMES.get(m.group("final").decode(), "CSI " + m.group("final").decode())
            yield name, raw, m.group("csi").decode()
        elif m.group("esc"):
            yield {"M": "reverse index (RI)", "D": "index", "7": "save cursor", "8": "restore cursor"}.get(
                m.group("esc").decode(), "ESC " + m.group("esc").decode()), raw, ""
        elif m.group("ctl"):
            yield {b"\r": "carriage return", b"\n": "line feed", b"\b": "backspace", b"\x07": "bell"}[raw], raw, ""
        else:
            yield "text", raw, raw.decode("utf-8", "replace")


def account(data):
    print(f"  {len(data)} bytes: {data!r}")
    totals = {}
    for kind, raw, note in tokens(data):
        totals[kind] = totals.get(kind, 0) + len(raw)
        shown = note if kind == "text" else note
        print(f"    {len(raw):4}  {kind:24} {shown!r}" if kind == "text" else f"    {len(raw):4}  {kind:24} {shown}")
    print("  by kind: " + ", ".join(f"{k} {v}" for k, v in sorted(totals.items(), key=lambda kv: -kv[1])))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("port", type=int)
    parser.add_argument("user", nargs="?", default="bytes")
    parser.add_argument("--setup", default="3")
    parser.add_argument("--keys", default="jjjk")
    args = parser.parse_args()
    pid, fd = connect(args.port, args.user)
    try:
        first = read_quiet(fd)
        print(f"first frame and what follows it: {len(first)} bytes")
        if args.setup:
            os.write(fd, args.setup.encode())
            print(f"setup {args.setup!r}: {len(read_quiet(fd))} bytes")
        for key in args.keys:
            os.write(fd, key.encode())
            print(f"key {key!r}:")
            account(read_quiet(fd))
        os.write(fd, b"q")
        read_quiet(fd, first_wait=2.0)
    finally:
        try:
            os.kill(pid, 15)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)


if __name__ == "__main__":
    main()

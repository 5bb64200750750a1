#!/usr/bin/env python3
"""Runs Debian's age with a passphrase typed on a pseudo-terminal, as age
reads passphrases only from a terminal: agepty.py PASS age ARGS...
(ARGS must name the input file and -o the output). Exits with age's status."""
import os
import pty
import sys
import time

password = sys.argv[1].encode() + b"\n"
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
seen = b""
deadline = time.time() + 120
while time.time() < deadline:
    try:
        data = os.read(fd, 1024)
    except OSError:
        break
    if not data:
        break
    seen += data
    # Each prompt ends with ": "; answer every one (passphrase, confirmation).
    while b": " in seen:
        before, seen = seen.split(b": ", 1)
        if b"passphrase" in before.lower():
            os.write(fd, password)
        else:
            sys.stderr.write(before.decode(errors="replace") + ": ")
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))

"""Make sure the system programs some tests drive (curl, nginx, chromium) are installed.

Tests talk to peers we did not write, and some of those peers are programs, not
Python packages. On a fresh machine this installs the missing ones with apt-get
(Debian/Ubuntu, as root); elsewhere it says what to install and lets the tests
that need them fail with a clear error.

Usage: ``python tools/system_deps.py curl chromium``
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

#: program -> (names its binary may have, the Debian package providing it)
PROGRAMS: dict[str, tuple[tuple[str, ...], str]] = {
    "curl": (("curl",), "curl"),
    "nginx": (("nginx", "/usr/sbin/nginx"), "nginx"),
    "chromium": (("chromium", "chromium-browser", "google-chrome"), "chromium"),
    "wrk": (("wrk",), "wrk"),
}


def missing(programs: list[str]) -> list[str]:
    """The Debian packages of the programs that are not installed."""
    return [
        PROGRAMS[name][1]
        for name in programs
        if not any(shutil.which(binary) for binary in PROGRAMS[name][0])
    ]


def main(argv: list[str]) -> int:
    unknown = [name for name in argv if name not in PROGRAMS]
    if unknown:
        print(f"unknown programs: {unknown}; known: {sorted(PROGRAMS)}", file=sys.stderr)
        return 2
    packages = missing(argv)
    if not packages:
        return 0
    if shutil.which("apt-get") and os.geteuid() == 0:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages],
            check=True,
            env=env,
        )
        return 0
    print(f"please install: {' '.join(packages)} (tests that drive them will fail)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

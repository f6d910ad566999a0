#!/usr/bin/env bash
# Usage: listening_port.sh PID
# Prints the TCP port(s) that process PID listens on, one per line, smallest first.
# Exits 1 (and says so on stderr) when the process listens on no TCP port.
set -euo pipefail
pid="${1:?usage: listening_port.sh PID}"
# --8<-- [start:solution]
# BEGIN STARTER
# # TODO (exercise 1): list the listening TCP sockets with `ss` (which options show only
# # listening TCP sockets, numeric ports, and the process that owns each socket?), keep the
# # lines of process $pid and print the port of each, one per line.
# echo "listening_port.sh is not written yet (exercise 1)" >&2
# exit 2
# END STARTER
# BEGIN SOLUTION
# -H no header, -l listening only, -t TCP, -n numeric ports (8000, not "irdmi"), -p the owner.
# The pattern ends with a comma so that PID 12 does not match pid=123.
ports=$(ss -Hltnp | grep -F "pid=${pid}," | awk '{print $4}' | sed -E 's/.*:([0-9]+)$/\1/' | sort -un || true)
if [ -z "$ports" ]; then
    echo "process $pid listens on no TCP port (or it belongs to another user: try sudo)" >&2
    exit 1
fi
echo "$ports"
# END SOLUTION
# --8<-- [end:solution]

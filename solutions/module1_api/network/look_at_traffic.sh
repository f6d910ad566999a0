#!/usr/bin/env bash
# Usage: look_at_traffic.sh [URL]     (default: http://127.0.0.1:8000, where `course serve` listens)
# The lesson's worked example: the questions to ask, in order, when a client cannot reach the
# API. Each step prints the command it runs; read its output next to the lesson.
set -uo pipefail
url="${1:-http://127.0.0.1:8000}"
# Take the URL apart with bash alone: scheme://host:port/...
rest="${url#*://}"
hostport="${rest%%/*}"
host="${hostport%%:*}"
port="${hostport##*:}"
[ "$port" = "$hostport" ] && port=80

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }

# 1. Which address does the name resolve to? (getent: what programs use, /etc/hosts included)
step getent ahosts "$host"

# 2. Is a process listening on that port, and which one? (-l listening, -t TCP, -n numeric, -p process)
step ss -ltnp "sport = :$port"

# 3. Does a TCP connection open? (-z: connect, send nothing; -v: say what happened; -w 2: give up after 2 s)
if command -v nc >/dev/null; then
    step nc -zv -w 2 "$host" "$port"
else
    echo "(nc is not installed: sudo apt-get install netcat-openbsd)"
fi

# 4. What does HTTP say? (-v: the request and response headers, marked > and <)
step curl -sv --max-time 5 "$url/health"
echo

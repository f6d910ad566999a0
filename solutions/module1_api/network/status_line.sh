#!/usr/bin/env bash
# Usage: status_line.sh HOST PORT PATH
# Sends `GET PATH` over a plain TCP connection, written by hand, and prints the status line
# of the answer (e.g. "HTTP/1.1 200 OK") without its trailing carriage return.
set -euo pipefail
host="${1:?usage: status_line.sh HOST PORT PATH}"
port="${2:?usage: status_line.sh HOST PORT PATH}"
path="${3:?usage: status_line.sh HOST PORT PATH}"
# --8<-- [start:solution]
# BEGIN STARTER
# # TODO (exercise 1): open a TCP connection with bash's /dev/tcp/$host/$port (or nc), write
# # an HTTP/1.1 request by hand (request line, Host header, Connection: close, an empty line;
# # every line ends with \r\n) and print the first line of the answer without its \r.
# echo "status_line.sh is not written yet (exercise 1)" >&2
# exit 2
# END STARTER
# BEGIN SOLUTION
# File descriptor 3, read and write, is the TCP connection.
exec 3<>"/dev/tcp/${host}/${port}"
# HTTP/1.1 requires Host; "Connection: close" asks the server to hang up after answering.
printf 'GET %s HTTP/1.1\r\nHost: %s:%s\r\nConnection: close\r\n\r\n' "$path" "$host" "$port" >&3
IFS= read -r status <&3
exec 3<&-
printf '%s\n' "${status%$'\r'}"
# END SOLUTION
# --8<-- [end:solution]

#!/usr/bin/env bash
# Two containers talking: the API and a client on a user-defined network, by DNS name.
#
#   IMAGE=penguin-api:dev PREFIX=penguins bash network/two_containers.sh
#
# Creates the network "$PREFIX-net", starts the API as "$PREFIX-api" with the DNS name `api`,
# asks it for /ready from a second container, shows that the default bridge has no such DNS,
# and removes everything it created, whatever happens.
set -euo pipefail

IMAGE="${IMAGE:-penguin-api:dev}"
PREFIX="${PREFIX:-penguins}"
DOCKER="${DOCKER:-docker}"
NETWORK="$PREFIX-net"
API="$PREFIX-api"

# The client: the same image (it has Python), asking by name rather than by IP address.
ASK_READY="import urllib.request; print(urllib.request.urlopen('http://api:8000/ready', timeout=5).read().decode())"
RESOLVE_API="import socket; print(socket.gethostbyname('api'))"

# BEGIN SOLUTION
# --8<-- [start:cleanup]
# A trap runs on every exit, success, failure or Ctrl-C: nothing is left behind to clash with
# the next run's names.
cleanup() {
    "$DOCKER" rm --force "$API" >/dev/null 2>&1 || true
    "$DOCKER" network rm "$NETWORK" >/dev/null 2>&1 || true
}
trap cleanup EXIT
# --8<-- [end:cleanup]

# --8<-- [start:network]
# A user-defined bridge network: unlike the default bridge, it has Docker's embedded DNS.
"$DOCKER" network create "$NETWORK" >/dev/null
echo "network: $NETWORK"

# No --publish: the client is on the same network and reaches the container port directly.
# --network-alias gives the container the short DNS name `api` on this network; a health check
# every second (instead of the image's 10 s) gets the script going as soon as the model loads.
"$DOCKER" run --detach --name "$API" --network "$NETWORK" --network-alias api \
    --health-interval 1s "$IMAGE" >/dev/null
echo "api container: $API"
# --8<-- [end:network]

# --8<-- [start:wait]
# Wait for the image's HEALTHCHECK (it asks /ready) rather than sleeping a guessed time.
for _ in $(seq 1 120); do
    status="$("$DOCKER" inspect --format '{{.State.Health.Status}}' "$API")"
    [ "$status" = healthy ] && break
    sleep 1
done
if [ "$status" != healthy ]; then
    echo "the api container did not become healthy; its log:" >&2
    "$DOCKER" logs "$API" >&2
    exit 1
fi
# --8<-- [end:wait]

# --8<-- [start:client]
answer="$("$DOCKER" run --rm --network "$NETWORK" "$IMAGE" python3 -c "$ASK_READY")"
echo "client got: $answer"

# The same question from the default bridge: no DNS there, so the name does not even resolve.
if "$DOCKER" run --rm "$IMAGE" python3 -c "$RESOLVE_API" >/dev/null 2>&1; then
    echo "default bridge: api resolved (unexpected)"
else
    echo "default bridge: api does not resolve"
fi
# --8<-- [end:client]
# END SOLUTION
# BEGIN STARTER
# # TODO(exercise 5): a trap that removes the container and the network on every exit.
# # TODO(exercise 5): create the user-defined network "$NETWORK" and print "network: $NETWORK".
# # TODO(exercise 5): run "$IMAGE" detached as "$API" on that network with the DNS name `api`,
# #   and print "api container: $API".
# # TODO(exercise 5): wait until the container is healthy (docker inspect .State.Health.Status).
# # TODO(exercise 5): run a client container on the network that runs: python3 -c "$ASK_READY"
# #   and print "client got: <its output>".
# # TODO(exercise 5): run the same image on the default bridge with: python3 -c "$RESOLVE_API"
# #   and print "default bridge: api does not resolve" when it fails (or "... resolved").
# echo "two_containers.sh is not written yet: see the TODOs" >&2
# exit 1
# END STARTER

#!/usr/bin/env bash
# The commands of the compose lesson. Run from module2_docker/compose/ (your copy).
set -euo pipefail

# --8<-- [start:build]
# The images, built as the grader builds them: the docker CLI with BuildKit (for RUN --mount),
# and behind a TLS-intercepting proxy its CA lent as a secret (CA_BUNDLE: the corporate proxy
# lesson). `docker compose build` does the same where the buildx plugin is installed (Docker
# Desktop, docker-ce); Debian's docker.io 20.10 has none and builds without BuildKit.
export DOCKER_BUILDKIT=1 BASE_IMAGE="${BASE_IMAGE:-python:3.11-slim}"
ca=()
if [ -s "${CA_BUNDLE:-}" ]; then ca=(--secret "id=ca,src=$CA_BUNDLE"); fi
docker build "${ca[@]}" --build-arg BASE_IMAGE -t penguin-api:dev -f ../Dockerfile ../..
docker build --build-arg BASE_IMAGE -t penguin-lb:dev lb
docker build "${ca[@]}" -t penguin-loadgen:dev loadgen   # FROM penguin-api:dev, so after it
# --8<-- [end:build]

# --8<-- [start:up]
docker compose up --detach --scale api=2 lb     # two replicas, then nginx once they are healthy
docker compose ps                               # api-1, api-2 (healthy), lb-1
for _ in 1 2 3 4; do
    curl -s -o /dev/null -D - http://127.0.0.1:8080/ready | grep -i x-served-by
done
# --8<-- [end:up]

# --8<-- [start:load]
docker compose up --scale api=2 loadgen         # locust runs headless, prints its summary
# --8<-- [end:load]

# --8<-- [start:down]
docker compose down                             # containers and the network, all gone
# --8<-- [end:down]

# --8<-- [start:config]
docker compose config                           # the file as compose understands it
# --8<-- [end:config]

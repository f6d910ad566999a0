#!/usr/bin/env bash
# The commands of the compose lesson. Run from module2_docker/compose/ (your copy).
set -euo pipefail

# --8<-- [start:build]
docker compose build api          # first: the load generator's image is built FROM it
docker compose build lb loadgen
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

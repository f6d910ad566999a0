#!/usr/bin/env bash
# The commands of the "Images and layers" lesson, in the order the lesson runs them.
# Run from the repository root; each section is shown on the page on its own.
set -euo pipefail
BASE_IMAGE="${BASE_IMAGE:-python:3.11-slim}"

# --8<-- [start:vocabulary]
docker image ls                      # images: read-only templates, stored as layers
docker ps --all                      # containers: a running (or stopped) instance of an image
docker run --rm "$BASE_IMAGE" python3 -c "print('hello from a container')"
# --8<-- [end:vocabulary]

# --8<-- [start:build]
DOCKER_BUILDKIT=1 docker build -f module2_docker/Dockerfile -t penguin-api:dev \
    --build-arg BASE_IMAGE="$BASE_IMAGE" .
# --8<-- [end:build]

# --8<-- [start:history]
docker history penguin-api:dev                       # one row per layer, newest first
docker history --no-trunc --format '{{.Size}}\t{{.CreatedBy}}' penguin-api:dev
docker image inspect penguin-api:dev --format '{{len .RootFS.Layers}} layers, {{.Size}} bytes'
# --8<-- [end:history]

# --8<-- [start:cache]
# A code change. (Only content counts: the cache compares file checksums, so `touch` is not
# an edit.) git checkout undoes it afterwards.
echo "# an edit" >>module2_docker/penguin_api/routes.py
DOCKER_BUILDKIT=1 docker build --progress plain -f module2_docker/Dockerfile \
    -t penguin-api:dev --build-arg BASE_IMAGE="$BASE_IMAGE" . 2>&1 | grep -E 'CACHED|DONE'
git checkout -- module2_docker/penguin_api/routes.py
# --8<-- [end:cache]

# --8<-- [start:context]
# What the build context holds, after .dockerignore: build a throwaway image that lists it.
printf 'FROM %s\nCOPY . /context\nRUN du -sh /context && ls /context\n' "$BASE_IMAGE" |
    DOCKER_BUILDKIT=1 docker build --progress plain --no-cache -f - . 2>&1 | tail -n 20
# --8<-- [end:context]

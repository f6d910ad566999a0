#!/usr/bin/env bash
# The commands module 2's lessons show, in the order the lessons use them. Run from the
# repository root; each section is included in a page, so the page and this file cannot drift.
set -euo pipefail
BASE_IMAGE="${BASE_IMAGE:-python:3.11-slim}" # offline: course/python:3.11-slim-local

# --8<-- [start:build]
export DOCKER_BUILDKIT=1 # Docker 20.10 needs it for RUN --mount (BuildKit is the default from 23)
docker build -f module2_docker/Dockerfile --build-arg BASE_IMAGE="$BASE_IMAGE" \
    -t penguin-api:dev .
docker run -d --name penguin -p 8000:8000 penguin-api:dev
curl -s localhost:8000/ready
# --8<-- [end:build]

# --8<-- [start:signals]
docker exec penguin cat /proc/1/cmdline | tr '\0' ' '; echo # who is PID 1?
time docker stop penguin                                    # exec form: about a second
docker inspect --format '{{.State.ExitCode}}' penguin       # 0: uvicorn exited by itself
docker rm penguin
# --8<-- [end:signals]

# --8<-- [start:history]
docker history --format '{{.Size}}\t{{.CreatedBy}}' penguin-api:dev | head -n 12
docker image inspect --format '{{.Size}}' penguin-api:dev
# --8<-- [end:history]

# --8<-- [start:smoke]
python module2_docker/smoke_test.py penguin-api:dev # your smoke test (exercise 7)
course smoke penguin-api:dev                        # the course's: CI and the grader run it
course grade 2                                      # every module 2 check, with hints
# --8<-- [end:smoke]

# --8<-- [start:secret]
DOCKER_BUILDKIT=1 docker build -f module2_docker/Dockerfile --build-arg BASE_IMAGE="$BASE_IMAGE" \
    --secret id=ca,src=/etc/ssl/certs/ca-certificates.crt -t penguin-api:dev .
# --8<-- [end:secret]

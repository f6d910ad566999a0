#!/usr/bin/env bash
# CI: make Docker usable before `make test`, whose image smoke test (tests/docker/) then builds
# and runs the module 2 reference image. Call it from .ci/run before `make test`:
#
#   scripts/ci_docker.sh
#   export COURSE_REQUIRE_DOCKER=1   # the smoke test then fails, not skips, without an engine
#   make test
#
# On a fresh Debian machine this installs docker.io, starts dockerd and builds the local base
# image (about 3 minutes on 2 cores); afterwards it only checks (about a second).
set -euo pipefail
cd "$(dirname "$0")/.."
here="scripts"
# shellcheck source=scripts/lib/messages.sh
source "$here/lib/messages.sh"

started=$SECONDS
step "CI: Docker for the image smoke test"
"$here/docker_setup.sh"
docker="$(command -v /usr/bin/docker || command -v docker)"
"$docker" version --format 'client {{.Client.Version}}, server {{.Server.Version}}' |
    sed 's/^/    /'
ok "Docker ready for the tests in $((SECONDS - started)) s"

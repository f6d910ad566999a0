#!/usr/bin/env bash
# Build a local stand-in for python:3.11-slim when no registry can be reached (offline
# classrooms, CI behind a proxy): a minimal Debian bookworm made with debootstrap, imported with
# `docker import`. The course's Dockerfiles take it as `--build-arg BASE_IMAGE=<tag>`.
#
#   scripts/build_base_image.sh [TAG]        (default tag: $LOCAL_BASE_IMAGE or the one below)
#
# Bookworm because its python3 is 3.11, the Python of python:3.11-slim. Like the official image
# it has `python`, `pip` and no PEP 668 lock, so a naive `RUN pip install ...` behaves the same.
# Idempotent: nothing happens when the tag exists; the debootstrapped tree is cached as a
# tarball in $BASE_CACHE_DIR, so rebuilding the image after a `docker system prune` takes seconds.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=scripts/lib/messages.sh
source "$here/lib/messages.sh"

TAG="${1:-${LOCAL_BASE_IMAGE:-course/python:3.11-slim-local}}"
SUITE=bookworm
CACHE_DIR="${BASE_CACHE_DIR:-/var/cache/course-base}"
TARBALL="$CACHE_DIR/$SUITE-python3.11-rootfs.tar"
# The host's CA bundle goes into the image: behind a TLS-intercepting proxy it holds the proxy's
# CA, without which pip and uv cannot reach PyPI from inside a build.
CA_BUNDLE="${CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}"
DOCKER="${DOCKER:-$(command -v /usr/bin/docker || command -v docker || true)}"
PACKAGES=python3,python3-venv,python3-pip,python-is-python3,ca-certificates

[ -n "$DOCKER" ] || die "No docker command found." "Run scripts/docker_setup.sh (make docker-setup) first."

if "$DOCKER" image inspect "$TAG" >/dev/null 2>&1; then
    skip "base image $TAG already exists (docker rmi $TAG to rebuild it)"
    exit 0
fi

# The Debian mirror apt already uses on this machine: it is the one known to work here.
debian_mirror() {
    if [ -n "${DEBIAN_MIRROR:-}" ]; then
        echo "$DEBIAN_MIRROR"
        return
    fi
    local uri
    uri="$(grep -hsE '^(URIs:|deb) ' /etc/apt/sources.list /etc/apt/sources.list.d/*.sources \
        /etc/apt/sources.list.d/*.list 2>/dev/null |
        grep -oE 'https?://[^ ]+/debian/?( |$)' | head -n1 | tr -d ' ')"
    echo "${uri:-http://deb.debian.org/debian}"
}

make_rootfs_tarball() {
    command -v debootstrap >/dev/null 2>&1 || die "debootstrap is not installed." \
        "Install it (apt-get install debootstrap) or run scripts/docker_setup.sh, which does."
    local mirror rootfs
    mirror="$(debian_mirror)"
    rootfs="$(mktemp -d /tmp/course-rootfs.XXXXXX)"
    step "Bootstrapping a minimal Debian $SUITE with Python 3.11 from $mirror (about 1-2 minutes)"
    if ! as_root debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$rootfs" "$mirror" \
        >"$rootfs.log" 2>&1; then
        tail -n 15 "$rootfs.log" >&2
        die "debootstrap could not build Debian $SUITE from $mirror (log: $rootfs.log)." \
            "Check that apt-get update works on this machine, or set DEBIAN_MIRROR to a reachable mirror."
    fi
    # What debian:bookworm-slim leaves out too: package caches and lists, docs, man pages and
    # translations are never read inside a container and add ~150 MB.
    as_root sh -c "cd '$rootfs' && rm -rf var/cache/apt/archives/*.deb var/cache/apt/*.bin \
        var/lib/apt/lists/* usr/share/doc/* usr/share/man/* usr/share/info/* \
        && find usr/share/locale -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +"
    # The official image's Python is not "externally managed"; this one should not be either, so
    # the same naive Dockerfile works on both.
    as_root rm -f "$rootfs"/usr/lib/python3.*/EXTERNALLY-MANAGED
    # Keep later `apt-get install` layers slim, as the official Debian images do.
    as_root sh -c "printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-exclude /usr/share/man/*' \
        'path-exclude /usr/share/info/*' >'$rootfs/etc/dpkg/dpkg.cfg.d/course-slim'"
    as_root mkdir -p "$CACHE_DIR"
    as_root tar -C "$rootfs" --numeric-owner -cf "$TARBALL.tmp" .
    as_root mv "$TARBALL.tmp" "$TARBALL"
    as_root rm -rf "$rootfs" "$rootfs.log"
    ok "cached the root filesystem in $TARBALL ($(du -h "$TARBALL" | cut -f1))"
}

if [ -s "$TARBALL" ]; then
    skip "using the cached root filesystem $TARBALL"
else
    make_rootfs_tarball
fi

step "Importing $TARBALL as $TAG"
rootfs="$(mktemp -d /tmp/course-rootfs.XXXXXX)"
trap 'as_root rm -rf "$rootfs"' EXIT
as_root tar -C "$rootfs" --numeric-owner -xf "$TARBALL"
if [ -s "$CA_BUNDLE" ]; then
    as_root cp "$CA_BUNDLE" "$rootfs/etc/ssl/certs/ca-certificates.crt"
else
    warn "no CA bundle at $CA_BUNDLE: the image trusts only Debian's CAs (fine without a TLS proxy)"
fi
# docker import keeps no Dockerfile settings, so give the image the ones python:3.11-slim has.
as_root tar -C "$rootfs" --numeric-owner -c . | "$DOCKER" import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["python3"]' \
    --message "Debian $SUITE + Python 3.11, a local stand-in for python:3.11-slim" \
    - "$TAG" >/dev/null
version="$("$DOCKER" run --rm "$TAG" python3 --version)"
ok "built $TAG ($version, $("$DOCKER" image inspect "$TAG" --format '{{.Size}}' | awk '{printf "%.0f MB", $1 / 1e6}'))"

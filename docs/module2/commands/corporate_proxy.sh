#!/usr/bin/env bash
# The commands of the corporate proxy lesson. Run from the repository root.
set -euo pipefail
CA_BUNDLE="${CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}"

# --8<-- [start:symptom]
# Behind a TLS-intercepting proxy, a build fails at its first download:
#   pip: SSLError(SSLCertVerificationError(... self-signed certificate in certificate chain))
#   uv:  invalid peer certificate: UnknownIssuer
# --8<-- [end:symptom]

# --8<-- [start:which-ca]
# Who signed the certificate this machine really receives for PyPI? A proxy's CA shows here.
openssl s_client -connect pypi.org:443 -servername pypi.org </dev/null 2>/dev/null |
    openssl x509 -noout -issuer
# --8<-- [end:which-ca]

# --8<-- [start:build-with-secret]
DOCKER_BUILDKIT=1 docker build -f module2_docker/Dockerfile -t penguin-api:dev \
    --secret id=ca,src="$CA_BUNDLE" .
# --8<-- [end:build-with-secret]

# --8<-- [start:check-layers]
# 1. The recipe of every layer: no CA, token or password in a RUN, ENV or ARG.
docker history --no-trunc --format '{{.CreatedBy}}' penguin-api:dev | grep -i -E 'ca.pem|cert|token|password' || echo "no secret in the recipe"
# 2. The files of every layer: export the image and search each layer's tar.
mkdir -p /tmp/penguin-layers && docker save penguin-api:dev | tar -x -C /tmp/penguin-layers
find /tmp/penguin-layers -name '*.tar' -exec sh -c 'tar -tf "$1" | grep -H --label="$1" -E "secrets/|ca\.pem$"' _ {} \; || echo "no secret file in any layer"
# --8<-- [end:check-layers]

# A download that trusts a corporate proxy's CA, lent as a BuildKit secret: the CA is readable by
# this one RUN instruction, at /run/secrets/ca.pem, and is stored in no layer.
#   DOCKER_BUILDKIT=1 docker build --secret id=ca,src=/path/to/corp-ca-bundle.pem -f ... .
ARG BASE_IMAGE=python:3.11-slim
FROM ${BASE_IMAGE}
# --8<-- [start:secret]
# required=false: at home no secret is passed, and the image's own CAs are used.
RUN --mount=type=secret,id=ca,target=/run/secrets/ca.pem,required=false \
    if [ -s /run/secrets/ca.pem ]; then export PIP_CERT=/run/secrets/ca.pem; fi \
    && python3 -m pip install --no-cache-dir --quiet "requests==2.32.3"
# --8<-- [end:secret]

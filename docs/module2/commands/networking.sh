#!/usr/bin/env bash
# The commands of the networking lesson. Run from the repository root with an image built.
set -euo pipefail
IMAGE="${IMAGE:-penguin-api:dev}"

# --8<-- [start:published]
docker run --rm --detach --name api-published -p 127.0.0.1:8000:8000 "$IMAGE"
sleep 10 && curl -s http://127.0.0.1:8000/ready      # answers: the port is published
docker port api-published                           # 8000/tcp -> 127.0.0.1:8000
docker rm --force api-published
# --8<-- [end:published]

# --8<-- [start:exposed]
docker run --rm --detach --name api-exposed "$IMAGE"   # EXPOSE 8000, but nothing published
docker port api-exposed                                # prints nothing
docker inspect api-exposed --format '{{json .NetworkSettings.Ports}}'   # {"8000/tcp":null}
docker rm --force api-exposed
# --8<-- [end:exposed]

# --8<-- [start:default-bridge]
docker run --rm --detach --name api-default "$IMAGE"
docker run --rm "$IMAGE" python3 -c "import socket; print(socket.gethostbyname('api-default'))" \
    || echo "no DNS on the default bridge"
docker rm --force api-default
# --8<-- [end:default-bridge]

# --8<-- [start:user-network]
docker network create penguins-net
docker run --rm --detach --name api --network penguins-net "$IMAGE"
docker run --rm --network penguins-net "$IMAGE" \
    python3 -c "import socket; print(socket.gethostbyname('api'))"   # 172.x.y.z
docker network inspect penguins-net --format '{{range .Containers}}{{.Name}} {{end}}'
docker rm --force api && docker network rm penguins-net
# --8<-- [end:user-network]

# --8<-- [start:inside]
docker exec api python3 -c \
    "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:8000/ready').read())"
# --8<-- [end:inside]

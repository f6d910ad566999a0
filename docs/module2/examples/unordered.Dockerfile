# Code before dependencies: every code edit reinstalls every dependency.
# (A minimal illustration of the mistake exercise 1 fixes.)
ARG BASE_IMAGE=python:3.11-slim
FROM ${BASE_IMAGE}
WORKDIR /app
# --8<-- [start:order]
# any change to any file busts the cache
COPY . .
# ...so this runs again, every time
RUN pip install --no-cache-dir -r requirements.txt
# --8<-- [end:order]
CMD ["uvicorn", "--host", "0.0.0.0", "--factory", "penguin_api.main:create_app"]

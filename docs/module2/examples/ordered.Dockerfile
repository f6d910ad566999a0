# Dependencies before code: a code edit rebuilds only the last COPY.
# (A minimal illustration; the course's real Dockerfile is exercise 3's.)
ARG BASE_IMAGE=python:3.11-slim
FROM ${BASE_IMAGE}
WORKDIR /app
# --8<-- [start:order]
COPY requirements.txt .
# slow, cached until requirements change
RUN pip install --no-cache-dir -r requirements.txt
# fast, rebuilt on every code edit
COPY penguin_api/ penguin_api/
# --8<-- [end:order]
CMD ["uvicorn", "--host", "0.0.0.0", "--factory", "penguin_api.main:create_app"]

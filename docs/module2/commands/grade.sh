#!/usr/bin/env bash
# Grading the weekend, from the repository root.
set -euo pipefail

# --8<-- [start:grade]
make docker-setup                 # once: Docker, BuildKit, compose, a base image
.venv/bin/course grade 2          # your score, and a hint for every check that does not pass
# --8<-- [end:grade]

"""The penguin species API: module 1's reference solution."""

API_VERSION = "1.0.0"

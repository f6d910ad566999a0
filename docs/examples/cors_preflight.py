"""Worked example for the security lesson: what a browser asks (preflight) and what CORS answers.

Run it (``python docs/examples/cors_preflight.py``) to see the headers of three preflights:
an allowed origin, another origin, and the dangerous wildcard-with-credentials configuration.
"""

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.testclient import TestClient


def app_allowing(origins: list[str], credentials: bool) -> FastAPI:
    # --8<-- [start:middleware]
    app = FastAPI()
    app.add_middleware(
        CORSMiddleware,
        allow_origins=origins,  # exact scheme://host[:port] strings, no paths
        allow_methods=["GET", "POST"],
        allow_headers=["Content-Type", "X-API-Key"],
        allow_credentials=credentials,
    )
    # --8<-- [end:middleware]

    @app.post("/predict")
    async def predict() -> dict[str, str]:
        return {"species": "Adelie"}

    return app


# --8<-- [start:preflight]
def preflight(app: FastAPI, origin: str) -> dict[str, str]:
    """The CORS headers of the OPTIONS request a browser sends before a cross-origin POST."""
    response = TestClient(app).options(
        "/predict",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-api-key",
        },
    )
    return {k: v for k, v in response.headers.items() if k.startswith("access-control-allow")}
    # --8<-- [end:preflight]


def main() -> None:
    listed = app_allowing(["https://penguins.example"], credentials=False)
    wildcard = app_allowing(["*"], credentials=True)
    for title, app, origin in (
        ("listed origin", listed, "https://penguins.example"),
        ("other origin", listed, "https://evil.example"),
        ("* with credentials", wildcard, "https://evil.example"),
    ):
        allowed = preflight(app, origin).get("access-control-allow-origin", "(none)")
        print(f"{title:20} {origin:28} Access-Control-Allow-Origin: {allowed}")


if __name__ == "__main__":
    main()

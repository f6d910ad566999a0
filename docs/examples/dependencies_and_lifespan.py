"""Worked example for the internals lesson: a resource loaded once in lifespan, injected.

A "model" that is slow to load (here: a word list) must be loaded once per process, when the
server starts, and reach the endpoints as a dependency, so a test can replace it.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, TypedDict

from fastapi import Depends, FastAPI, HTTPException, Request

LOADS: list[str] = []  # how often the word list was loaded: the demo shows it stays at 1


def load_words() -> frozenset[str]:
    LOADS.append("load")
    return frozenset({"adelie", "chinstrap", "gentoo"})


# --8<-- [start:lifespan]
class State(TypedDict):
    words: frozenset[str]


@asynccontextmanager
async def lifespan(_: FastAPI) -> AsyncIterator[State]:
    words = load_words()  # once per process, before the first request is accepted
    yield {"words": words}  # each request sees it as request.state.words
    # code after `yield` runs at shutdown: close files, pools, connections


# --8<-- [end:lifespan]


# --8<-- [start:dependency]
async def get_words(request: Request) -> frozenset[str]:
    words: frozenset[str] | None = getattr(request.state, "words", None)
    if words is None:  # lifespan has not run: not ready, not a crash
        raise HTTPException(503, "The word list is not loaded yet.")
    return words


Words = Annotated[frozenset[str], Depends(get_words)]


def create_app() -> FastAPI:
    app = FastAPI(lifespan=lifespan)

    @app.get("/known/{word}")
    async def known(word: str, words: Words) -> dict[str, bool]:
        return {"known": word.lower() in words}

    return app
    # --8<-- [end:dependency]


def demo() -> list[str]:
    """What the lesson shows: one load for many requests, and a dependency swapped in a test."""
    from fastapi.testclient import TestClient

    lines = []
    LOADS.clear()
    # --8<-- [start:override]
    app = create_app()
    with TestClient(app) as client:  # `with` runs the lifespan: one load
        for word in ("Gentoo", "emperor", "Adelie"):
            lines.append(f"{word}: {client.get(f'/known/{word}').json()}")

    async def only_emperors() -> frozenset[str]:
        return frozenset({"emperor"})

    app.dependency_overrides[get_words] = only_emperors  # no patching, no global
    with TestClient(app) as client:
        lines.append(f"emperor, overridden: {client.get('/known/emperor').json()}")
    # --8<-- [end:override]
    lines.append(f"word-list loads: {len(LOADS)} (one per app start, none per request)")
    return lines


if __name__ == "__main__":
    print("\n".join(demo()))

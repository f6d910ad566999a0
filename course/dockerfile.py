"""Read a Dockerfile (and its .dockerignore) the way the builder does, for module 2's checks.

Just enough of the format for the course's rules: comments and blank lines, continuation lines
(a trailing backslash), the JSON (exec) form versus the shell form of an instruction, flags such
as ``--from=`` or ``--mount=``, ``ARG`` defaults and the stages ``FROM`` starts. Parser
directives (``# syntax=``) and heredocs are not supported: the course's Dockerfiles use neither.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

FLAG = re.compile(r"^--(?P<name>[a-z-]+)(?:=(?P<value>\S*))?\s*")
VARIABLE = re.compile(r"\$(?:\{(?P<braced>\w+)(?::-(?P<default>[^}]*))?\}|(?P<bare>\w+))")


class DockerfileError(ValueError):
    """The Dockerfile cannot be read; the message says where and why."""


@dataclass(frozen=True)
class Instruction:
    line: int  # where it starts, 1-based
    keyword: str  # upper case: FROM, RUN, COPY, ...
    flags: dict[str, str]  # --from=build -> {"from": "build"}; a repeated flag keeps the last
    mounts: tuple[str, ...]  # every --mount=... value, in order
    arguments: str  # the text after the keyword and its flags, continuation lines joined
    exec_form: list[str] | None  # ["uvicorn", "--host", ...] for the JSON form, else None

    @property
    def words(self) -> list[str]:
        """The arguments split as a shell would (or the JSON list as it is)."""
        if self.exec_form is not None:
            return self.exec_form
        try:
            return shlex.split(self.arguments, comments=False)
        except ValueError:
            return self.arguments.split()

    def __str__(self) -> str:
        return f"line {self.line}: {self.keyword} {self.arguments}".strip()


@dataclass
class Stage:
    index: int
    base: str  # the FROM argument as written, e.g. ${BASE_IMAGE} or build
    name: str | None
    instructions: list[Instruction] = field(default_factory=list)


@dataclass
class Dockerfile:
    instructions: list[Instruction]
    path: Path | None = None

    @property
    def global_args(self) -> dict[str, str | None]:
        """ARGs before the first FROM, with their defaults (None without one)."""
        found: dict[str, str | None] = {}
        for instruction in self.instructions:
            if instruction.keyword == "FROM":
                break
            if instruction.keyword == "ARG":
                found.update(parse_assignments(instruction.arguments, allow_bare=True))
        return found

    @property
    def stages(self) -> list[Stage]:
        stages: list[Stage] = []
        for instruction in self.instructions:
            if instruction.keyword == "FROM":
                words = instruction.words
                name = words[2] if len(words) >= 3 and words[1].lower() == "as" else None
                stages.append(Stage(len(stages), words[0] if words else "", name))
            elif stages:
                stages[-1].instructions.append(instruction)
        return stages

    def stage_names(self) -> set[str]:
        return {stage.name.lower() for stage in self.stages if stage.name}

    def expand(self, text: str) -> str:
        """Substitute the global ARG defaults, as the builder does in FROM lines."""
        args = self.global_args

        def value(match: re.Match[str]) -> str:
            name = match["braced"] or match["bare"]
            default = args.get(name)
            if default is None:
                default = match["default"] or ""
            return default

        return VARIABLE.sub(value, text)


def logical_lines(text: str) -> list[tuple[int, str]]:
    """(first line number, text) of each instruction, comments dropped, continuations joined."""
    result: list[tuple[int, str]] = []
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if pending and stripped.startswith("#"):
            continue  # a comment inside a continued instruction is dropped, as the builder does
        if not pending:
            start = number
        if stripped.endswith("\\"):
            pending.append(stripped[:-1].strip())
            continue
        pending.append(stripped)
        result.append((start, " ".join(part for part in pending if part)))
        pending = []
    if pending:
        result.append((start, " ".join(part for part in pending if part)))
    return result


def parse_instruction(line: int, text: str) -> Instruction:
    keyword, _, rest = text.partition(" ")
    if not re.fullmatch(r"[A-Za-z]+", keyword):
        raise DockerfileError(f"line {line}: {keyword!r} is not a Dockerfile instruction")
    rest = rest.strip()
    flags: dict[str, str] = {}
    mounts: list[str] = []
    # Only these take --flags; a HEALTHCHECK's --interval belongs to it too.
    if keyword.upper() in ("FROM", "RUN", "COPY", "ADD", "HEALTHCHECK"):
        while match := FLAG.match(rest):
            flags[match["name"]] = match["value"] or ""
            if match["name"] == "mount":
                mounts.append(match["value"] or "")
            rest = rest[match.end() :]
    exec_form = None
    if rest.startswith("["):
        try:
            parsed = json.loads(rest)
        except json.JSONDecodeError:
            parsed = None
        if isinstance(parsed, list) and all(isinstance(word, str) for word in parsed):
            exec_form = parsed
    return Instruction(line, keyword.upper(), flags, tuple(mounts), rest, exec_form)


def parse(text: str, path: Path | None = None) -> Dockerfile:
    instructions = [parse_instruction(line, body) for line, body in logical_lines(text)]
    return Dockerfile(instructions, path)


def read(path: Path) -> Dockerfile:
    try:
        return parse(path.read_text(), path)
    except OSError as exc:
        raise DockerfileError(f"{path.name} cannot be read: {exc.strerror}") from None


def parse_assignments(text: str, *, allow_bare: bool = False) -> dict[str, str | None]:
    """``A=1 B="two words"`` (or the legacy ``ENV A 1``) as a dict; ``ARG A`` maps A to None."""
    try:
        words = shlex.split(text)
    except ValueError:
        words = text.split()
    if len(words) >= 2 and "=" not in words[0]:
        return {words[0]: " ".join(words[1:])}  # the legacy `ENV NAME value` form
    found: dict[str, str | None] = {}
    for word in words:
        name, equals, value = word.partition("=")
        if equals:
            found[name] = value
        elif allow_bare:
            found[name] = None
    return found


def command_of(instruction: Instruction) -> str:
    """A CMD, ENTRYPOINT or HEALTHCHECK's command as one string (the exec form joined)."""
    if instruction.keyword == "HEALTHCHECK":
        words = instruction.words
        rest = instruction.arguments
        if words and words[0].upper() == "CMD":
            rest = rest.split(None, 1)[1] if len(rest.split(None, 1)) > 1 else ""
            inner = parse_instruction(instruction.line, f"CMD {rest}")
            return " ".join(inner.words)
        return rest
    return " ".join(instruction.words)


# --- .dockerignore ---------------------------------------------------------------------------


def ignore_patterns(text: str) -> list[str]:
    """The patterns of a .dockerignore, in order (``!`` exceptions kept), comments dropped."""
    patterns = []
    for raw in text.splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            patterns.append(line)
    return patterns


def is_ignored(path: str, patterns: list[str]) -> bool:
    """Whether the builder leaves ``path`` (relative, with /) out of the context.

    The last matching pattern wins, ``!`` re-includes, ``**`` matches any number of folders,
    and a pattern that matches a folder leaves out everything in it.
    """
    ignored = False
    parts = path.strip("/").split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    for raw in patterns:
        negate = raw.startswith("!")
        pattern = raw[1:].strip() if negate else raw
        pattern = pattern.lstrip("/").removeprefix("./").rstrip("/")
        if any(_matches(prefix, pattern) for prefix in prefixes):
            ignored = not negate
    return ignored


def _matches(path: str, pattern: str) -> bool:
    """Go's filepath.Match plus ``**``, which is what the builder uses."""
    regex = ""
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if pattern.startswith("**/", index):
            regex, index = regex + "(?:.*/)?", index + 3
            continue
        if pattern.startswith("**", index):
            regex, index = regex + ".*", index + 2
            continue
        if char == "*":
            regex += "[^/]*"
        elif char == "?":
            regex += "[^/]"
        else:
            regex += re.escape(char)
        index += 1
    return re.fullmatch(regex, path) is not None

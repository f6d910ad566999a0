"""`course doctor` finds real problems and says how to fix them."""

import socket

from course import doctor


def test_this_environment_has_the_locked_libraries():
    finding = doctor.lock_installed()
    assert finding.ok, finding.detail
    assert doctor.python_version().ok


def test_a_busy_port_is_reported_with_the_command_to_find_it():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        finding = doctor.port_free(port)
    assert not finding.ok
    assert finding.fix == (
        f"find it with `ss -ltnp 'sport = :{port}'` and stop it, or serve with --port"
    )


def test_a_missing_tool_is_optional_and_explained(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    doctor.missing_need.cache_clear()
    try:
        finding = doctor.tool("docker", "Docker engine", "weekend 2")
    finally:
        doctor.missing_need.cache_clear()
    assert not finding.ok
    assert not finding.required
    assert (
        finding.detail
        == "Docker, and there is no `docker` command: install Docker, then grade again"
    )
    assert finding.fix == "needed from weekend 2"

"""The simulator's REST door itself: where it listens, how it fails, how it stops.

The endpoints are tested in their own files (``test_sim_rest_*.py``), with the official
``openai`` SDK as the referee.
"""

from __future__ import annotations

import socket

import aiohttp
import pytest

from agentrt.errors import UsageError
from agentrt.sim.server import Simulator
from tests.conftest import run_agentrt, running_sim


async def test_no_door_without_http_port() -> None:
    async with Simulator() as sim:
        assert sim.http_address is None
        assert sim.rest_url is None


async def test_unknown_path_is_an_openai_404() -> None:
    async with Simulator(http_port=0) as sim, aiohttp.ClientSession() as http:
        assert sim.rest_url is not None
        assert sim.rest_url.startswith("http://127.0.0.1:")
        async with http.get(f"{sim.rest_url}/no/such/thing") as resp:
            assert resp.status == 404
            error = (await resp.json())["error"]
    assert error["type"] == "not_found_error"
    assert "GET /v1/no/such/thing" in error["message"]
    assert error["code"] == "404"


async def test_the_door_stops_with_the_simulator() -> None:
    sim = Simulator(http_port=0)
    await sim.start()
    port = int(str(sim.http_address).rsplit(":", 1)[1])
    await sim.stop()
    with (
        pytest.raises(ConnectionRefusedError),
        socket.create_connection(("127.0.0.1", port), timeout=2),
    ):
        pass


async def test_a_port_in_use_is_a_usage_error_and_nothing_keeps_running() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        sim = Simulator(http_port=port)
        with pytest.raises(UsageError, match=f"--http-port {port}: cannot listen"):
            await sim.start()
    assert sim.http_address is None
    # the gRPC half was stopped too: a second start works
    async with Simulator(http_port=0) as again:
        assert again.http_address is not None


def test_the_cli_announces_the_rest_url() -> None:
    with running_sim("--http-port", "0") as sim:
        assert sim.rest_url is not None
        assert sim.rest_url.startswith(f"http://{sim.host}:")
        assert sim.rest_url.endswith("/v1")
        assert not sim.rest_url.startswith(f"http://{sim.host}:{sim.port}/")


@pytest.mark.parametrize("port", ["-1", "65536"])
async def test_a_bad_http_port_is_refused(port: str) -> None:
    code, _, err = await run_agentrt("sim", "--http-port", port)
    assert code == 2
    assert f"--http-port {port}: must be 0 (a free port) to 65535" in err
    assert "Traceback" not in err

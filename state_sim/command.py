"""`hub state-sim`: serve the simulated state case systems for QUICK."""

from __future__ import annotations

import click

from settings import STATE_SIM_PORT
from state_sim.modes import MODES, parse_mode


def _modes(_ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]) -> dict[str, str]:
    try:
        return dict(parse_mode(value) for value in values)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


@click.command("state-sim")
@click.option(
    "--host", metavar="ADDRESS", default="127.0.0.1", show_default=True, help="Interface to bind."
)
@click.option(
    "--port",
    metavar="PORT",
    type=click.IntRange(1, 65535),
    default=STATE_SIM_PORT,
    show_default=True,
    help="TCP port number.",
)
@click.option(
    "--delay",
    metavar="SECONDS",
    type=click.FloatRange(min=0),
    default=0.05,
    show_default=True,
    help="Mean answer delay in seconds (jittered).",
)
@click.option(
    "--mode",
    "modes",
    multiple=True,
    metavar="CODE=MODE",
    callback=_modes,
    help=f"Switch a jurisdiction at start; MODE is one of {', '.join(MODES)}. Repeatable.",
)
def state_sim(host: str, port: int, delay: float, modes: dict[str, str]) -> None:
    """Serve every jurisdiction's simulated case system (POST /control switches modes)."""
    import uvicorn

    from state_sim.app import build_state_sim_app

    app = build_state_sim_app(delay=delay, modes=modes)
    # access lines are off like the hub's own: they would name the jurisdictions asked
    uvicorn.run(app, host=host, port=port, access_log=False, log_level="info")

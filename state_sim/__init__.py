"""A stand-in for the states' own case systems (QUICK), served over real HTTP."""

from __future__ import annotations

from state_sim.app import build_state_sim_app

__all__ = ["build_state_sim_app"]

"""The hub against two peers on the same data, under wrk, in one run: `python -m bench`."""

"""What the hub tells its operators: JSON log lines, Prometheus metrics, OpenTelemetry spans.

Beside `settings.py` at the bottom of the layers: every layer may import it, and it
imports none of the hub's. Nothing in it ever holds a value of a person, a variable or a
query's text: only names the hub chose (sources, methods, codes) and bounded operation
names (`telemetry.operation_names`).
"""

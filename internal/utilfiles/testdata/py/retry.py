"""Runs long enough for the background exporter to send, be refused and
retry before the program ends."""
import time
from _telemetry_utils import _ti_span  # @telemetry-inject


@_ti_span("step", "retry.py", 7, (), True)  # @telemetry-inject
def step():
    return 1


step()
time.sleep(4)
print("done")

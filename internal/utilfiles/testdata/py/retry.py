"""Runs long enough for the background exporter to send, be refused and
retry before the program ends."""
import os
import time

# The default schedule delay (5 s) is longer than the program.
os.environ["OTEL_BSP_SCHEDULE_DELAY"] = "1000"
from _telemetry_utils import __ti_span__  # @telemetry-inject


def step():
    with __ti_span__("step", "retry.py", 11, (), True):  # @telemetry-inject
        return 1


step()
time.sleep(4)
print("done")

"""Flood: the push benchmark. It pushes `count` events of `size` bytes once, logs how long the
push took, then waits to be stopped."""

import time

from pydantic import Field
from sekoia_automation.connector import Connector, DefaultConnectorConfiguration


class FloodConfiguration(DefaultConnectorConfiguration):
    count: int = Field(..., description="How many events")
    size: int = Field(..., description="Bytes an event")


class Flood(Connector):
    """Pushes `count` events of `size` bytes once, then waits to be stopped"""

    name = "Flood"
    description = "Pushes `count` events of `size` bytes once, then waits to be stopped"
    configuration: FloodConfiguration

    def run(self) -> None:
        count, size = self.configuration.count, self.configuration.size
        # {"n":<n>,"pad":""} is 21 bytes with a 6-digit n: the padding brings the event to `size`
        pad = "x" * max(size - 21, 0)
        events = [{"n": n, "pad": pad} for n in range(count)]
        started = time.perf_counter()
        ids = self.push_events_to_intakes(events)
        seconds = time.perf_counter() - started
        self.log(f"pushed {len(ids)} events in {seconds:.6f} s")
        while self.running:
            self._stop_event.wait(1)

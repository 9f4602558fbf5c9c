"""Burst: the trigger event rate. It sends `events` events, each as soon as the platform took
the one before, then waits to be stopped."""

from pydantic import BaseModel, Field
from sekoia_automation.trigger import Trigger


class BurstConfiguration(BaseModel):
    events: int = Field(..., description="How many events to send")


class Burst(Trigger):
    """Sends `events` events as fast as the platform takes them, then waits to be stopped"""

    name = "Burst"
    description = "Sends `events` events as fast as the platform takes them, then waits to be stopped"
    configuration: BurstConfiguration

    def run(self) -> None:
        for n in range(self.configuration.events):
            self.send_event("burst", {"n": n})
        while self.running:
            self._stop_event.wait(1)

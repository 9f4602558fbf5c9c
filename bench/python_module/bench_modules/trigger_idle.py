"""Idle: the at-rest trigger. It wakes up every `interval` seconds and finds nothing to do."""

from pydantic import BaseModel, Field
from sekoia_automation.trigger import Trigger


class IdleConfiguration(BaseModel):
    interval: int = Field(1, description="Seconds between two polls")


class Tick(BaseModel):
    n: int


class Idle(Trigger):
    """Polls nothing every `interval` seconds until stopped"""

    name = "Idle"
    description = "Polls nothing every `interval` seconds until stopped"
    configuration: IdleConfiguration
    results_model = Tick

    def run(self) -> None:
        while self.running:
            self._stop_event.wait(self.configuration.interval)

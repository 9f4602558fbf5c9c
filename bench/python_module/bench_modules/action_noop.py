"""Noop: the cold-start action. It logs one line and returns its argument."""

from pydantic import BaseModel
from sekoia_automation.action import Action


class Value(BaseModel):
    value: str


class Noop(Action):
    """Logs "noop" and returns its argument"""

    name = "Noop"
    description = 'Logs "noop" and returns its argument'
    results_model = Value

    def run(self, arguments: Value) -> Value:
        self.log("noop", level="info")
        return arguments

"""The module and its configuration."""

from pydantic import BaseModel, Field
from sekoia_automation.module import Module


class BenchModuleConfiguration(BaseModel):
    api_key: str = Field(..., description="API Key", json_schema_extra={"secret": True})


class BenchModule(Module):
    configuration: BenchModuleConfiguration

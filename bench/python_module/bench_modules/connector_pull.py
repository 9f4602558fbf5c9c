"""Pull: the pull benchmark. An AsyncConnector as the SDK's connectors are written: an OAuth2
token (client credentials) from `<base_url>/oauth2/token`, through the SDK's token refresher,
then the pages of `GET <base_url>/events?cursor=&limit=` (`{"data": [...], "next": cursor |
null}`) with aiohttp, each audit event mapped to a smaller event, pushed page by page with
`push_data_to_intakes`, the cursor checkpointed in `context.json` (`CheckpointCursor`) once the
intake took the page. When the API has no next page it logs how many events it pulled and how
long it took, then waits to be stopped."""

import asyncio
import time
from datetime import UTC, datetime
from typing import Any

from aiohttp import ClientSession
from aiolimiter import AsyncLimiter
from pydantic import BaseModel, Field
# the module, not the class: `generate-files-from-code` takes every non-abstract Connector class
# it finds among a file's names for one of the module's, AsyncConnector itself included
from sekoia_automation.aio import connector as aio
from sekoia_automation.checkpoint import CheckpointCursor
from sekoia_automation.connector import DefaultConnectorConfiguration
from sekoia_automation.http.aio.token_refresher import GenericTokenRefresher, RefreshedToken


class PullConfiguration(DefaultConnectorConfiguration):
    base_url: str = Field(..., description="Base URL of the vendor API")
    client_id: str = Field(..., description="OAuth2 client id")
    client_secret: str = Field(..., description="OAuth2 client secret", json_schema_extra={"secret": True})
    page_size: int = Field(1000, description="Events per page")


class AccessToken(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int = 3600


class ClientCredentialsRefresher(GenericTokenRefresher):
    """OAuth2 client credentials: a token from the token endpoint, refreshed when it expires."""

    def __init__(self, token_url: str, client_id: str, client_secret: str) -> None:
        super().__init__()
        self.token_url = token_url
        self.client_id = client_id
        self.client_secret = client_secret

    async def get_token(self) -> RefreshedToken[AccessToken]:
        form = {
            "grant_type": "client_credentials",
            "client_id": self.client_id,
            "client_secret": self.client_secret,
        }
        async with self.session().post(self.token_url, data=form) as response:
            response.raise_for_status()
            token = AccessToken(**await response.json())
        return RefreshedToken(token=token, created_at=int(time.time()), ttl=token.expires_in)


def map_event(event: dict[str, Any]) -> dict[str, Any]:
    """What is pushed for each audit event."""
    # ISO 8601 in UTC with milliseconds: 2026-12-02T14:54:57.719Z
    date = datetime.fromtimestamp(event["timestamp"] / 1000, UTC)
    return {
        "uuid": event["uuid"],
        "@timestamp": date.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "message": f"{event['username']} {event['action']} on {event['target']}",
        "user": event["username"],
        "action": event["action"],
        "audit_code": event["auditCode"],
        "source": event["source"],
        "tenant_id": event["tenantId"],
        "target": event["target"],
        "safe": event.get("safe"),
    }


class Pull(aio.AsyncConnector):
    """Pulls the vendor's audit events page by page, then waits to be stopped"""

    name = "Pull"
    description = "Pulls the vendor's audit events page by page, then waits to be stopped"
    configuration: PullConfiguration

    def get_rate_limiter(self) -> AsyncLimiter:
        # AsyncConnector allows one push_data_to_intakes a second by default (AsyncLimiter(1, 1)):
        # with a push per page that would be a page a second, whatever the work costs. A
        # connector that pulls faster must raise it; this one lets every page through.
        if self._rate_limiter is None:
            self._rate_limiter = AsyncLimiter(1_000_000, 1)
        return self._rate_limiter

    async def pull(self) -> int:
        configuration = self.configuration
        base_url = configuration.base_url.rstrip("/")
        tokens = ClientCredentialsRefresher(
            f"{base_url}/oauth2/token", configuration.client_id, configuration.client_secret
        )
        cursor = CheckpointCursor(path=self.data_path)
        next_cursor = cursor.offset
        pulled = 0
        try:
            async with ClientSession() as vendor:
                while self.running:
                    params = {"limit": str(configuration.page_size)}
                    if next_cursor:
                        params["cursor"] = next_cursor
                    async with tokens.with_access_token() as token:
                        headers = {"Authorization": f"Bearer {token.token.access_token}"}
                        async with vendor.get(f"{base_url}/events", params=params, headers=headers) as response:
                            response.raise_for_status()
                            page = await response.json()
                    events = [map_event(event) for event in page["data"]]
                    if events:
                        await self.push_data_to_intakes(events)
                    pulled += len(events)
                    next_cursor = page.get("next")
                    if not next_cursor:
                        break
                    cursor.offset = next_cursor
        finally:
            await tokens.close()
        return pulled

    async def async_run(self) -> None:
        started = time.perf_counter()
        pulled = await self.pull()
        self.log(f"pulled {pulled} events in {time.perf_counter() - started:.6f} s")
        while self.running:
            await asyncio.sleep(0.2)
        if self._session:
            await self._session.close()

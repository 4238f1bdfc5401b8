"""Fault injection: failing requests, vanished/forbidden channels, gateway drops, bad tokens."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .records import Fault

if TYPE_CHECKING:
    from .gateway import Gateway
    from .state import FakeState, Ref


class FaultsMixin:
    state: FakeState
    gateway: Gateway

    def fail_next(
        self,
        method: str,
        path: str,
        status: int,
        *,
        times: int = 1,
        code: int = 0,
        message: str = "",
        retry_after: float = 0.05,
        is_global: bool = False,
        after: bool = False,
    ) -> Fault:
        """Fail the next `times` requests matching METHOD and a path glob under /api/v10,
        e.g. fail_next("POST", "/channels/*/messages", 429, retry_after=0.1).

        after=True: the request is carried out (a message is created) and only then answered
        with the fault, as when Discord's edge fails after the backend did the work."""
        fault = Fault(
            method.upper(), path, status, times, code, message, retry_after, is_global, after=after
        )
        self.state.faults.append(fault)
        return fault

    async def delete_channel(self, channel: Ref, *, notify_gateway: bool = True) -> None:
        """Delete a channel: later REST calls on it get 404 code 10003 Unknown Channel."""
        ch = self.state.channel(channel)
        payload = self.state.channel_payload(ch)
        ch.deleted = True
        if notify_gateway and self.gateway.current is not None:
            await self.gateway.dispatch("CHANNEL_DELETE", payload)

    def forbid_channel(self, channel: Ref, forbidden: bool = True) -> None:
        """Make bot sends/edits in the channel fail with 403 code 50013 Missing Permissions."""
        self.state.channel(channel).forbidden = forbidden

    async def drop_connection(self, code: int = 4000, *, abort: bool = False) -> None:
        """Close the gateway socket (resumable code) or abort TCP; the client should RESUME."""
        await self.gateway.drop(code, abort=abort)

    async def request_reconnect(self) -> None:
        await self.gateway.send_op(7)

    async def invalidate_session(self, resumable: bool = False) -> None:
        await self.gateway.send_op(9, resumable)

    def revoke_token(self, new_token: str = "revoked-and-replaced") -> None:
        """The bot's token stops working: REST -> 401, IDENTIFY/RESUME -> 4004 / invalid."""
        self.state.token = new_token

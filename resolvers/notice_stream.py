"""The live stream of termination notices for one subscriber.

The subscriber joins the bus first, then reads what it asked to replay from the
database, then follows the bus: nothing falls between the replay and the live part,
and a notice met on both sides is delivered once.
"""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator

from strawberry import Info

from datasources.notice_bus import Resync
from datasources.notices import NoticeSource, TerminationNoticeRecord
from resolvers.context import Context
from resolvers.facts import notice_facts
from resolvers.ids import decode_int_id
from resolvers.notices import LIST_NAME, build_notice_fresh
from resolvers.views import NoticeView

SUBSCRIPTION = "Subscription.terminationNotices"
REPLAY_PAGE = 500
REMEMBERED = 50_000


class _Delivered:
    """The ids already given to this subscriber (the newest REMEMBERED of them)."""

    def __init__(self) -> None:
        self._ids: set[int] = set()
        self._order: deque[int] = deque()

    def add(self, notice_id: int) -> bool:
        """Remember `notice_id`; False when it was delivered before."""
        if notice_id in self._ids:
            return False
        self._ids.add(notice_id)
        self._order.append(notice_id)
        if len(self._order) > REMEMBERED:
            self._ids.discard(self._order.popleft())
        return True


async def _since(
    source: NoticeSource, after_id: int | None
) -> AsyncIterator[TerminationNoticeRecord]:
    while True:
        page = await source.list_after(after_id, limit=REPLAY_PAGE)
        for record in page:
            yield record
        if len(page) < REPLAY_PAGE:
            return
        after_id = page[-1].id


def _admitted(context: Context, record: TerminationNoticeRecord) -> bool:
    """Whether the gate lets this result reach the subscriber (its item rule)."""
    facts = notice_facts(record)
    return context.gate.subscription_item(context.viewer, SUBSCRIPTION, facts)


async def stream_notices(
    info: Info[Context, None], after: str | None
) -> AsyncIterator[TerminationNoticeRecord]:
    """Every notice the viewer may see: those after `after`, then each new one, once each."""
    context = info.context
    source = context.sources.notices
    start = decode_int_id(after, LIST_NAME) if after else None
    delivered = _Delivered()
    async with context.sources.bus.subscribe() as events:
        if start is None:
            start = await source.newest_id()
        async for record in _since(source, start):
            if delivered.add(record.id) and _admitted(context, record):
                yield record
        async for event in events:
            if isinstance(event, Resync):
                async for record in _since(source, start):
                    if delivered.add(record.id) and _admitted(context, record):
                        yield record
                continue
            if not delivered.add(event):
                continue
            found = (await source.get_many([event]))[0]
            if found is not None and _admitted(context, found):
                yield found


async def stream_notice_views(
    info: Info[Context, None], after: str | None
) -> AsyncIterator[NoticeView]:
    """`Subscription.terminationNotices`: each notice admitted, with its facts read anew."""
    async for record in stream_notices(info, after):
        yield await build_notice_fresh(info, record)

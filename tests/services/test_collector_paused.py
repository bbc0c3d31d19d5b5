"""The cycle collector held off during a bulk write (`store.collector_paused`): what the
write leaves alive skips the young generations, and nothing it leaves behind leaks."""

import gc
import weakref

from partnerdesk.services.store import collector_paused


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


def test_survivors_go_to_the_oldest_generation_and_cycles_are_still_freed() -> None:
    with collector_paused():
        assert not gc.isenabled()
        kept = [[f"Person {n}", n] for n in range(1000)]  # lists: always tracked
        first, second = _Node(), _Node()
        first.other, second.other = second, first  # a cycle only the collector frees
        gone = weakref.ref(first)
        del first, second
    assert gc.isenabled()
    young = {id(obj) for obj in gc.get_objects(generation=0)} | \
        {id(obj) for obj in gc.get_objects(generation=1)}
    assert not any(id(row) in young for row in kept)
    assert any(obj is kept[0] for obj in gc.get_objects(generation=2))
    assert gone() is not None  # not freed yet: no collection ran
    gc.collect()
    assert gone() is None
    assert gc.get_freeze_count() == 0  # nothing left out of collection for good


def test_a_collector_switched_off_by_the_caller_stays_off() -> None:
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()

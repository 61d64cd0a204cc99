"""X2: what a batch handler's subscriber takes from its buffer for the next batch."""

from __future__ import annotations

from shared.messaging.batches import take_batch


def key(item: str) -> str | None:
    """``"a1"`` is the first event of aggregate ``a``; ``"?"`` has none."""
    return None if item == "?" else item[0]


def test_x2_a_batch_takes_in_order_up_to_its_size() -> None:
    taken, kept = take_batch(["a1", "b1", "a2", "c1"], set(), 3, key)
    assert (taken, kept) == (["a1", "b1", "a2"], ["c1"])


def test_x2_events_of_an_aggregate_being_applied_wait_and_keep_their_order() -> None:
    # ``a`` is in the other batch: its events, and all that follow them, stay for later
    taken, kept = take_batch(["a2", "b1", "a3", "c1", "?"], {"a"}, 10, key)
    assert (taken, kept) == (["b1", "c1", "?"], ["a2", "a3"])


def test_x2_what_follows_an_event_left_for_the_next_batch_is_left_too() -> None:
    # the batch is full at b1: b2 must not overtake it in the next one either
    taken, kept = take_batch(["a1", "b1", "b2"], set(), 1, key)
    assert (taken, kept) == (["a1"], ["b1", "b2"])
    taken, kept = take_batch(["x1", "b1", "c1", "b2"], {"b"}, 5, key)
    assert (taken, kept) == (["x1", "c1"], ["b1", "b2"])

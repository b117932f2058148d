"""no_grad() and detect_anomaly() hold for the thread (and asyncio task) that enters them, as
PyTorch's grad mode does: another thread or task keeps recording its graph."""

import asyncio
import math
import threading

import pytest

from autograd_xor import Value, detect_anomaly, enable_grad, is_grad_enabled, no_grad


def run_in_thread(fn):
    out = {}

    def target():
        try:
            out["value"] = fn()
        except BaseException as e:  # noqa: BLE001  (the test thread re-raises it)
            out["error"] = e
    t = threading.Thread(target=target)
    t.start()
    t.join(10)
    assert not t.is_alive()
    if "error" in out:
        raise out["error"]
    return out["value"]


def test_no_grad_in_one_thread_does_not_stop_another():
    inside, outside = threading.Barrier(2), threading.Barrier(2)
    results = {}

    def quiet():
        with no_grad():
            inside.wait()                   # the other thread works while we are in no_grad
            results["quiet"] = (Value(2.0) * 3, is_grad_enabled())
            outside.wait()

    def busy():
        inside.wait()
        results["busy"] = (Value(2.0) * 3, is_grad_enabled())
        outside.wait()

    threads = [threading.Thread(target=quiet), threading.Thread(target=busy)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    quiet_node, quiet_mode = results["quiet"]
    busy_node, busy_mode = results["busy"]
    assert quiet_node._prev == () and quiet_mode is False
    assert len(busy_node._prev) == 2 and busy_mode is True
    assert is_grad_enabled()


def test_detect_anomaly_in_one_thread_only():
    gate, done = threading.Barrier(2), threading.Barrier(2)
    seen = {}

    def strict():
        with detect_anomaly():
            gate.wait()
            try:
                Value(math.inf) - math.inf
            except FloatingPointError as e:
                seen["strict"] = str(e)
            done.wait()

    def relaxed():
        gate.wait()
        seen["relaxed"] = (Value(math.inf) - math.inf).data
        done.wait()

    threads = [threading.Thread(target=strict), threading.Thread(target=relaxed)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert "nan" in seen["strict"] and math.isnan(seen["relaxed"])


def test_a_new_thread_starts_with_grad_enabled_even_inside_no_grad():
    with no_grad():
        node, mode = run_in_thread(lambda: (Value(1.0) + 1, is_grad_enabled()))
    assert mode is True and len(node._prev) == 2


def test_asyncio_tasks_have_their_own_mode():
    async def quiet(started, release):
        with no_grad():
            started.set()
            await release.wait()
            return Value(2.0) * 3

    async def busy(started, release):
        await started.wait()
        node = Value(2.0) * 3
        release.set()
        return node

    async def main():
        started, release = asyncio.Event(), asyncio.Event()
        return await asyncio.gather(quiet(started, release), busy(started, release))

    q, b = asyncio.run(main())
    assert q._prev == () and len(b._prev) == 2


def test_modes_nest_and_restore_after_errors():
    with pytest.raises(RuntimeError), no_grad():
        with enable_grad():
            assert is_grad_enabled()
        assert not is_grad_enabled()
        raise RuntimeError("boom")
    assert is_grad_enabled()
    assert len((Value(1.0) * 2)._prev) == 2       # no mode left open: ops record again


def test_no_grad_works_as_a_decorator():
    @no_grad()
    def evaluate(x):
        return x * 2

    assert evaluate(Value(1.0))._prev == ()
    assert is_grad_enabled()

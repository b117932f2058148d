"""Keeping Python's cyclic garbage collector out of the way while the engine builds a graph.

A graph of a million nodes is a million container objects. Every young collection walks the
objects made since the last one, and every full collection walks them all, so a collection
set off again and again while a big graph grows makes each node dearer the bigger the graph
(1.7-2.7x per node at 1e6 nodes than at 1e5). The engine's nodes never form reference
cycles (no closures: each node only points at its parents), so the collector has nothing
to find in them: reference counting frees a graph when its root is dropped.

So the engine makes fresh nodes in batches of 1,024 with the collector paused (`Pool`), and
an MLP runs its forward pass with it paused (`pause`, `resume`). The pause is the engine's
alone: it is lifted when the engine's call returns (also on an error), and a collector
that you turned off stays off. It does not skip a collection, only moves it out of the
engine's call: the next object that your own code makes runs it as usual.

Each batch is counted by the collector as 1,024 new objects, which sets off a young
collection. The pool runs that collection itself, at once, while the new nodes are still
blank, so that it walks 1,024 empty objects rather than 1,024 nodes of a graph, and the
nodes leave the young generation before they are used: no later young collection walks
them again. (It is an ordinary young collection: it also collects your own young garbage,
and it does not run while you have the collector turned off.)

    >>> running = pause()
    >>> inside = gc.isenabled()
    >>> resume(running)
    >>> inside, gc.isenabled()
    (False, True)
"""

import gc
from itertools import repeat

__all__ = ["Pool", "pause", "resume"]

BATCH = 1024


def pause():
    """Pause the collector; return whether it was running, for `resume`. (Functions, not a
    context manager: making the context object would itself be an allocation that can set
    off the collection we want to keep out.)

        >>> running = pause()
        >>> gc.isenabled()
        False
        >>> resume(running); gc.isenabled()
        True
    """
    running = gc.isenabled()
    gc.disable()
    return running


def resume(running):
    """Let the collector run again if it was running when `pause()` was called."""
    if running:
        gc.enable()


class Pool(list):
    """Fresh, blank instances of one class, made `BATCH` at a time while the collector is
    paused. `pool.pop()` takes one while there are some; `pool.refill()` makes more and
    returns one. (The engine calls `pop` and `refill` itself, so that taking a node costs no
    Python function call.)

        >>> class Node:
        ...     __slots__ = ("x",)
        >>> pool = Pool(Node)
        >>> node = pool.refill()
        >>> type(node).__name__, len(pool)
        ('Node', 1023)
    """

    def __init__(self, cls):
        super().__init__()
        self.cls = cls

    def refill(self):
        running = pause()
        try:
            self.extend(map(object.__new__, repeat(self.cls, BATCH)))
        finally:
            resume(running)
        if running:             # the young collection the batch sets off, run while it is
            gc.collect(0)       # blank (its finalizers may take from the pool: hence `if`)
        return self.pop() if self else self.refill()

package dev.dat4j.autograd;

import dev.dat4j.vecops.Buffer;

import java.util.IdentityHashMap;

/**
 * Memory of one backward pass: gives a gradient or a rule's temporary back to the scope's pool as
 * soon as nothing can use it any more, so the pass needs about one layer of extra memory instead of
 * a copy of every activation (PyTorch gets the same from reference counting).
 *
 * <p>Only storage allocated during the pass is ever released (the scope tracks it, see
 * {@link Scope#startTracking}); forward activations, the caller's gradient and leaf gradients are
 * never touched. A tracked storage is referenced by the pending-gradient slots holding a tensor
 * over it. When a tensor's rule has run and its gradient contributions are passed on, its own
 * gradient is let go, and every temporary the rule allocated that no slot references is released.
 */
final class BackwardMemory implements AutoCloseable {
    /** Allocations from this many elements (256 KiB of floats) are tracked; tests lower it. */
    static long trackFromElements = 1 << 16;

    private final Scope scope;
    /** Tracked storage → number of pending-gradient slots holding a tensor over it. */
    private final IdentityHashMap<Buffer, Integer> refs = new IdentityHashMap<>();
    private int clock;

    BackwardMemory(Scope scope) {
        this.scope = scope;
        scope.startTracking(trackFromElements);
    }

    /** Marks the start of one tensor's work: what is allocated from here on is its temporaries. */
    void beginRule() {
        clock = scope.trackedClock();
    }

    /** A pending-gradient slot now holds {@code t}. */
    void retain(Tensor t) {
        if (scope.isTracked(t.base)) refs.merge(t.base, 1, Integer::sum);
    }

    /** A pending-gradient slot let go of {@code t}; its storage is released when no slot holds it. */
    void drop(Tensor t) {
        Integer n = refs.get(t.base);
        if (n == null) return;
        if (n > 1) {
            refs.put(t.base, n - 1);
        } else {
            refs.remove(t.base);
            scope.release(t.base);
        }
    }

    /** {@code t} lives on after the pass (a leaf's new {@code .grad}). */
    void keep(Tensor t) {
        refs.remove(t.base);
        scope.keep(t.base);
    }

    /** Releases what was allocated since {@link #beginRule} and is not held by a pending slot. */
    void endRule() {
        for (Buffer b : scope.trackedSince(clock)) {
            if (!refs.containsKey(b)) scope.release(b);
        }
    }

    @Override
    public void close() {
        scope.stopTracking();
    }
}

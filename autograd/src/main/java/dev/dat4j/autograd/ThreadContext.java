package dev.dat4j.autograd;

/**
 * Per-thread state of the autograd layer: the innermost open {@link Scope} (where new tensors are
 * allocated) and whether the graph is recorded. One ThreadLocal lookup per op.
 *
 * <p>A ThreadLocal rather than a ScopedValue because scopes are opened with try-with-resources
 * (the natural shape of a training loop), which ScopedValue's run-a-lambda API cannot express.
 */
final class ThreadContext {
    private static final ThreadLocal<ThreadContext> CURRENT = ThreadLocal.withInitial(ThreadContext::new);

    Scope scope;
    boolean gradEnabled = true;

    static ThreadContext get() {
        return CURRENT.get();
    }
}

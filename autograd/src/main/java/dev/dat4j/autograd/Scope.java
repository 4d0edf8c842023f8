package dev.dat4j.autograd;

import dev.dat4j.vecops.Backend;
import dev.dat4j.vecops.Buffer;
import dev.dat4j.vecops.MemoryScope;

import java.util.ArrayList;

/**
 * Where new tensors live: a region of device memory on one {@link Backend}, opened with
 * try-with-resources and released in one go. The innermost open scope of the current thread
 * receives every allocation (ops, creation functions, parameters), so it never has to be passed
 * around.
 *
 * <pre>{@code
 * try (Scope model = Scope.open(Backends.cpu())) {        // parameters, grads, optimizer state
 *     var net = new MyNet(gen);
 *     var opt = new AdamW(net.parameters(), 1e-3f);
 *     for (int i = 0; i < steps; i++) {
 *         try (Scope step = Scope.open()) {              // activations and temporaries of one step
 *             Tensor loss = net.loss(batch(i));
 *             loss.backward();
 *             opt.step();
 *             opt.zeroGrad();
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p><b>Two kinds.</b> {@link #open(Backend)} opens a <i>root</i> scope that owns a
 * {@link MemoryScope} of the backend; closing it frees that memory. {@link #open()} opens a
 * <i>child</i> of the current scope (same backend): its memory comes from the root's pool of
 * recycled chunks and goes back to that pool on close, so a training loop of steps reuses the same
 * few blocks (llm.c-style constant memory, no allocator calls after the first steps).
 *
 * <p><b>Memory is not zeroed.</b> Allocations are carved from large chunks (bump allocation, 64-byte
 * aligned) and may hold data of an earlier step; every op overwrites its outputs.
 *
 * <p><b>What outlives a step.</b> A tensor remembers the scope that allocated it. Gradients of a
 * leaf ({@code .grad}) and optimizer state are allocated in the leaf's own scope, so parameters
 * created in the model scope keep their gradients across steps while everything else of the step
 * is released. Using a tensor after its scope closed throws {@link IllegalStateException}.
 *
 * <p>Scopes must be closed in reverse order of opening, on the thread that opened them.
 */
public final class Scope implements AutoCloseable {
    /** Chunk size in elements (4 MiB): small tensors are carved from chunks of this size. */
    static final long CHUNK = 1L << 20;
    /** Allocation granularity in elements (64 bytes: a cache line, the widest vector). */
    static final long ALIGN = 16;

    private final Backend backend;
    private final Scope parent;
    private final Scope root;
    private final ThreadContext ctx;
    /** Root only: the backend memory everything of this root and its children comes from. */
    private final MemoryScope memory;
    /** Root only: chunks given back by closed children, ready for reuse. */
    private final ArrayList<Buffer> free;
    /** Chunks this scope took (returned to the root's pool on close unless this is the root). */
    private final ArrayList<Buffer> chunks = new ArrayList<>();
    private Buffer current;
    private long used;
    private boolean closed;

    private Scope(Backend backend, Scope parent, boolean isRoot, ThreadContext ctx) {
        this.backend = backend;
        this.parent = parent;
        this.ctx = ctx;
        this.root = isRoot ? this : parent.root;
        this.memory = isRoot ? backend.newScope() : null;
        this.free = isRoot ? new ArrayList<>() : null;
    }

    /** Opens a root scope on {@code backend}: its memory is freed when it closes. */
    public static Scope open(Backend backend) {
        ThreadContext ctx = ThreadContext.get();
        Scope s = new Scope(backend, ctx.scope, true, ctx);
        ctx.scope = s;
        return s;
    }

    /** Opens a child of the current scope (e.g. one training step); its memory is recycled on close. */
    public static Scope open() {
        ThreadContext ctx = ThreadContext.get();
        Scope s = new Scope(current(ctx).backend, ctx.scope, false, ctx);
        ctx.scope = s;
        return s;
    }

    /** The innermost open scope of this thread. */
    public static Scope current() {
        return current(ThreadContext.get());
    }

    static Scope current(ThreadContext ctx) {
        Scope s = ctx.scope;
        if (s == null) {
            throw new IllegalStateException("no tensor scope is open on this thread: wrap the code in "
                    + "try (Scope s = Scope.open(backend)) { ... } (see autograd/API.md)");
        }
        return s;
    }

    /** The backend every tensor of this scope lives on. */
    public Backend backend() {
        return backend;
    }

    /** Whether this scope is still open. */
    public boolean isOpen() {
        return !closed;
    }

    /** {@code n} uninitialised elements owned by this scope. */
    public Buffer allocate(long n) {
        if (closed) throw new IllegalStateException("tensor scope is closed");
        long need = Math.max(ALIGN, (n + ALIGN - 1) / ALIGN * ALIGN);
        if (need > CHUNK / 2) {                 // large: a block of its own
            Buffer block = take(need);
            chunks.add(block);
            return block.slice(0, n);
        }
        if (current == null || used + need > current.length()) {
            current = take(CHUNK);
            chunks.add(current);
            used = 0;
        }
        Buffer b = current.slice(used, n);
        used += need;
        return b;
    }

    /** A recycled chunk of at least {@code size} (and at most 2·size, to bound waste) or a new one. */
    private Buffer take(long size) {
        ArrayList<Buffer> pool = root.free;
        int best = -1;
        for (int i = 0; i < pool.size(); i++) {
            long len = pool.get(i).length();
            if (len >= size && len <= 2 * size && (best < 0 || len < pool.get(best).length())) best = i;
        }
        if (best >= 0) {
            Buffer b = pool.get(best);
            pool.set(best, pool.getLast());
            pool.removeLast();
            return b;
        }
        return root.memory.allocate(size);
    }

    @Override
    public void close() {
        if (closed) return;
        if (ctx.scope != this) {
            throw new IllegalStateException("tensor scopes must be closed in reverse order of opening, on the thread that opened them");
        }
        closed = true;
        ctx.scope = parent;
        if (root == this) {
            memory.close();
        } else {
            root.free.addAll(chunks);
        }
        chunks.clear();
        current = null;
    }
}

package dev.dat4j.autograd;

/**
 * Switches graph recording off for the current thread, like {@code torch.no_grad()}:
 * <pre>{@code
 * try (var ng = GradMode.noGrad()) {
 *     Tensor logits = model.forward(x);   // no graph, no saved activations
 * }
 * }</pre>
 * Scopes nest; closing one restores the mode that was active when it was opened.
 */
public final class GradMode implements AutoCloseable {
    private final ThreadContext ctx;
    private final boolean previous;

    private GradMode(ThreadContext ctx, boolean enabled) {
        this.ctx = ctx;
        this.previous = ctx.gradEnabled;
        ctx.gradEnabled = enabled;
    }

    /** Disables gradient recording until the returned scope is closed. */
    public static GradMode noGrad() {
        return new GradMode(ThreadContext.get(), false);
    }

    /** Re-enables gradient recording (e.g. inside a no-grad region) until closed. */
    public static GradMode enableGrad() {
        return new GradMode(ThreadContext.get(), true);
    }

    /** Whether ops on this thread record the graph now. */
    public static boolean isEnabled() {
        return ThreadContext.get().gradEnabled;
    }

    @Override
    public void close() {
        ctx.gradEnabled = previous;
    }
}

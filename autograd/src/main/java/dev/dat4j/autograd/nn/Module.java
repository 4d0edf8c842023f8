package dev.dat4j.autograd.nn;

import dev.dat4j.autograd.GradMode;
import dev.dat4j.autograd.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A node of the model tree, as in PyTorch: parameters, persistent buffers and child modules, each
 * registered under a name; the dotted path of names ({@code blocks.0.attn.wq.weight}) is the key
 * in {@link #stateDict()}, so a PyTorch state dict with the same module structure loads directly.
 *
 * <p>Subclasses register their parts in the constructor (Java has no attribute introspection):
 * <pre>{@code
 * final class Mlp extends Module {
 *     final Linear fc1, fc2;
 *     Mlp(int d, Generator gen) {
 *         fc1 = register("fc1", new Linear(d, 4 * d, true, gen));
 *         fc2 = register("fc2", new Linear(4 * d, d, true, gen));
 *     }
 *     Tensor forward(Tensor x) { return fc2.forward(fc1.forward(x).gelu()); }
 * }
 * }</pre>
 */
public abstract class Module {
    private final LinkedHashMap<String, Module> children = new LinkedHashMap<>();
    private final LinkedHashMap<String, Parameter> params = new LinkedHashMap<>();
    private final LinkedHashMap<String, Tensor> buffers = new LinkedHashMap<>();
    private final Set<String> transientBuffers = new HashSet<>();
    private boolean training = true;

    private void checkName(String name) {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException("invalid module attribute name '" + name + "': must be non-empty without dots");
        }
        if (children.containsKey(name) || params.containsKey(name) || buffers.containsKey(name)) {
            throw new IllegalArgumentException("'" + name + "' is already registered in " + getClass().getSimpleName());
        }
    }

    /** Registers a child module under {@code name}; returns it. */
    protected final <M extends Module> M register(String name, M module) {
        checkName(name);
        children.put(name, module);
        return module;
    }

    /** Registers a parameter under {@code name}; null (e.g. an absent bias) registers nothing. Returns it. */
    protected final Parameter registerParameter(String name, Parameter p) {
        if (p == null) return null;
        checkName(name);
        params.put(name, p);
        return p;
    }

    /** Registers a non-learnable tensor (e.g. RoPE tables); persistent buffers are part of the state dict. */
    protected final Tensor registerBuffer(String name, Tensor t, boolean persistent) {
        checkName(name);
        buffers.put(name, t);
        if (!persistent) transientBuffers.add(name);
        return t;
    }

    // ---------------------------------------------------------------- traversal

    /** Direct children by name, in registration order. */
    public final Map<String, Module> namedChildren() {
        return Collections.unmodifiableMap(children);
    }

    /** This module ("") and every descendant, by dotted path. */
    public final Map<String, Module> namedModules() {
        LinkedHashMap<String, Module> out = new LinkedHashMap<>();
        collectModules("", out);
        return out;
    }

    private void collectModules(String prefix, Map<String, Module> out) {
        out.put(prefix, this);
        children.forEach((n, m) -> m.collectModules(prefix.isEmpty() ? n : prefix + "." + n, out));
    }

    /** Every parameter by dotted path; a parameter shared by several modules appears once (first path). */
    public final Map<String, Parameter> namedParameters() {
        LinkedHashMap<String, Parameter> out = new LinkedHashMap<>();
        IdentityHashMap<Parameter, Boolean> seen = new IdentityHashMap<>();
        namedModules().forEach((path, m) -> m.params.forEach((n, p) -> {
            if (seen.put(p, Boolean.TRUE) == null) out.put(path.isEmpty() ? n : path + "." + n, p);
        }));
        return out;
    }

    /** Every distinct parameter, in {@link #namedParameters()} order. */
    public final List<Parameter> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** Number of learnable scalars (shared parameters counted once). */
    public final long numParameters() {
        long n = 0;
        for (Parameter p : namedParameters().values()) n += p.numel();
        return n;
    }

    // ---------------------------------------------------------------- state dict

    /** Parameters and persistent buffers by dotted path (shared tensors appear under every path, as in PyTorch). */
    public final Map<String, Tensor> stateDict() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        namedModules().forEach((path, m) -> {
            String prefix = path.isEmpty() ? "" : path + ".";
            m.params.forEach((n, p) -> out.put(prefix + n, p));
            m.buffers.forEach((n, b) -> {
                if (!m.transientBuffers.contains(n)) out.put(prefix + n, b);
            });
        });
        return out;
    }

    /** What {@link #loadStateDict} did not match. */
    public record LoadResult(List<String> missingKeys, List<String> unexpectedKeys) {}

    /**
     * Copies tensors of {@code state} into this module's parameters and buffers (any backend).
     * Shape or dtype mismatches always fail; with {@code strict}, missing and unexpected keys fail
     * too. A failure lists every problem at once and leaves the module unchanged.
     */
    public final LoadResult loadStateDict(Map<String, Tensor> state, boolean strict) {
        Map<String, Tensor> own = stateDict();
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>(), mismatched = new ArrayList<>();
        for (var e : own.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src == null) {
                missing.add(e.getKey());
            } else if (!Arrays.equals(src.shape(), e.getValue().shape()) || src.dtype() != e.getValue().dtype()) {
                mismatched.add(e.getKey() + ": expected " + Arrays.toString(e.getValue().shape()) + " " + e.getValue().dtype()
                        + ", got " + Arrays.toString(src.shape()) + " " + src.dtype());
            }
        }
        for (String k : state.keySet()) if (!own.containsKey(k)) unexpected.add(k);
        if (!mismatched.isEmpty() || (strict && (!missing.isEmpty() || !unexpected.isEmpty()))) {
            StringBuilder sb = new StringBuilder("error loading state dict into " + getClass().getSimpleName() + ":");
            if (!mismatched.isEmpty()) sb.append("\n  size mismatch: ").append(String.join("; ", mismatched));
            if (strict && !missing.isEmpty()) sb.append("\n  missing keys: ").append(String.join(", ", missing));
            if (strict && !unexpected.isEmpty()) sb.append("\n  unexpected keys: ").append(String.join(", ", unexpected));
            throw new IllegalArgumentException(sb.toString());
        }
        try (var ng = GradMode.noGrad()) {
            own.forEach((k, t) -> {
                Tensor src = state.get(k);
                if (src != null) t.copy_(src);
            });
        }
        return new LoadResult(List.copyOf(missing), List.copyOf(unexpected));
    }

    // ---------------------------------------------------------------- modes and grads

    /** Sets training mode on this module and every descendant; returns this. */
    public Module train(boolean mode) {
        for (Module m : namedModules().values()) m.training = mode;
        return this;
    }

    public Module train() {
        return train(true);
    }

    public Module eval() {
        return train(false);
    }

    public final boolean isTraining() {
        return training;
    }

    /** Zeroes the gradient of every parameter that has one (the buffers are kept: memory stays flat). */
    public final void zeroGrad() {
        for (Parameter p : parameters()) {
            if (p.grad() != null) p.grad().zero_();
        }
    }

    /** Freezes (false) or unfreezes (true) every parameter; returns this. */
    public final Module requiresGrad_(boolean value) {
        for (Parameter p : parameters()) p.requiresGrad_(value);
        return this;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(getClass().getSimpleName());
        if (!children.isEmpty()) {
            sb.append("(");
            children.forEach((n, m) -> sb.append("\n  (").append(n).append("): ").append(m.toString().replace("\n", "\n  ")));
            sb.append("\n)");
        }
        return sb.toString();
    }
}

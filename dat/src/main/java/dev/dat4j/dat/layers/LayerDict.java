package dev.dat4j.dat.layers;

import dev.dat4j.autograd.nn.Module;

/**
 * A named container ({@code nn.ModuleDict} / {@code nn.Sequential} of the reference), used where the
 * reference nests parts under a common prefix, e.g. {@code layers.token_embedder} or
 * {@code to_patch_embedding.2}.
 */
public final class LayerDict extends Module {
    /** Registers {@code module} under {@code name} and returns it. */
    public <M extends Module> M put(String name, M module) {
        return register(name, module);
    }
}

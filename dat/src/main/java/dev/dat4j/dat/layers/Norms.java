package dev.dat4j.dat.layers;

import dev.dat4j.autograd.Tensor;
import dev.dat4j.autograd.nn.Layer;
import dev.dat4j.autograd.nn.LayerNorm;
import dev.dat4j.autograd.nn.RMSNorm;
import dev.dat4j.dat.config.NormType;

/** The {@code norm_type} layers (eps 1e-5, as the reference). */
public final class Norms {
    private Norms() {}

    public static Layer create(NormType type, int dim) {
        return switch (type) {
            case LAYERNORM -> new LayerNorm(dim, 1e-5f, true);
            case RMSNORM -> new RMSNorm(dim, 1e-5f);
            case NONE -> new Identity();
        };
    }

    /** {@code nn.Identity}: no parameters. */
    public static final class Identity extends Layer {
        @Override
        public Tensor forward(Tensor x) {
            return x;
        }
    }
}

package dev.dat4j.dat.symbols;

import dev.dat4j.autograd.F;
import dev.dat4j.autograd.Generator;
import dev.dat4j.autograd.Tensor;
import dev.dat4j.autograd.nn.Init;
import dev.dat4j.autograd.nn.Linear;
import dev.dat4j.autograd.nn.Parameter;
import dev.dat4j.dat.config.SymbolRetrieverConfig;

/**
 * Symbolic attention, dat-spec §4.3: {@code q = x·Wq + b}; per head h (channels
 * [h·dh, (h+1)·dh)), {@code w = softmax(q_h F_hᵀ · scale)} over the n_s symbols and the symbol is
 * {@code w · S_h}. No output projection, no mask. Parameters {@code q_proj.weight}, {@code q_proj.bias},
 * {@code template_features} (n_s, d), {@code symbol_library} (n_s, d) (frozen unless
 * {@code trainable_symbols}); F and S start N(0, 1).
 *
 * <p>Reference quirk kept: a nonzero {@code dropout} is applied to w even in eval mode.
 */
public final class SymbolicAttention extends SymbolRetriever {
    private final int nHeads;
    private final float scale;
    private final float dropout;
    private final Generator gen;
    private final Linear qProj;
    private final Parameter templateFeatures, symbolLibrary;

    SymbolicAttention(SymbolRetrieverConfig.SymbolicAttention c, Generator gen, Parameter sharedLibrary) {
        int d = c.dModel();
        this.nHeads = c.nHeads();
        this.scale = (float) (c.scale() != null ? c.scale() : 1 / Math.sqrt(d / c.nHeads()));
        this.dropout = (float) c.dropout();
        this.gen = gen;
        this.qProj = register("q_proj", new Linear(d, d, true, gen));
        this.templateFeatures = registerParameter("template_features", Parameter.zeros(c.nSymbols(), d));
        Init.normal_(templateFeatures, 0, 1, gen);
        if (sharedLibrary != null) {
            this.symbolLibrary = registerParameter("symbol_library", sharedLibrary);
        } else {
            this.symbolLibrary = registerParameter("symbol_library", Parameter.zeros(c.nSymbols(), d));
            Init.normal_(symbolLibrary, 0, 1, gen);
            symbolLibrary.requiresGrad_(c.trainableSymbols());
        }
    }

    Parameter symbolLibrary() {
        return symbolLibrary;
    }

    /** x (B, L, d) → symbols (B, L, d). */
    @Override
    public Tensor forward(Tensor x) {
        int b = x.size(0), l = x.size(1), d = x.size(2), ns = templateFeatures.size(0), dh = d / nHeads;
        // heads as the batch dim: q (H, B·L, dh), F_hᵀ (H, dh, n_s), S_h (H, n_s, dh) — all views
        Tensor q = qProj.forward(x).view(b * l, nHeads, dh).transpose(0, 1);
        Tensor keys = templateFeatures.view(ns, nHeads, dh).permute(1, 2, 0);
        Tensor values = symbolLibrary.view(ns, nHeads, dh).transpose(0, 1);
        Tensor w = q.matmul(keys).softmax(scale, false);
        w = F.dropout(w, dropout, true, gen);
        return w.matmul(values).transpose(0, 1).reshape(b, l, d);
    }
}

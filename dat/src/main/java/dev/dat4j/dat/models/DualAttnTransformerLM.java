package dev.dat4j.dat.models;

import dev.dat4j.autograd.Generator;
import dev.dat4j.autograd.Tensor;
import dev.dat4j.autograd.nn.Embedding;
import dev.dat4j.autograd.nn.Layer;
import dev.dat4j.autograd.nn.Linear;
import dev.dat4j.autograd.nn.Module;
import dev.dat4j.autograd.nn.ModuleList;
import dev.dat4j.dat.blocks.DualAttnEncoderBlock;
import dev.dat4j.dat.config.DualAttnTransformerLMConfig;
import dev.dat4j.dat.layers.LayerDict;
import dev.dat4j.dat.layers.Norms;
import dev.dat4j.dat.layers.Rope;
import dev.dat4j.dat.layers.TiedLinear;
import dev.dat4j.dat.symbols.SymbolRetriever;

import java.util.ArrayList;
import java.util.List;

/**
 * The DAT language model, dat-spec §7.1:
 * <pre>
 * x = Emb[tokens] (+ P[0..T-1] with pos_emb; RoPE tables otherwise)
 * for each layer l: s = retriever_l(x); x = DualAttnEncoderBlock_l(x, s, causal)
 * logits = final_out(norm(x))        era 2: tied to Emb, no bias; era 1: no norm, own Linear with bias
 * </pre>
 * State-dict names as in the reference: {@code layers.token_embedder.weight},
 * {@code layers.symbol_retrievers.<l>.*} (era 1: {@code layers.symbol_retriever.*}),
 * {@code layers.blocks.<l>.*}, {@code layers.norm.*}, {@code layers.final_out.*},
 * {@code layers.positional_embedder.weight}.
 */
public final class DualAttnTransformerLM extends LanguageModelModule {
    private final DualAttnTransformerLMConfig config;
    private final Embedding tokenEmbedder, positionalEmbedder;
    private final List<SymbolRetriever> retrievers = new ArrayList<>();
    private final ModuleList<DualAttnEncoderBlock> blocks;
    private final Layer norm, finalOut;
    private final Rope rope;

    /** Builds the model with fresh weights (era 2: GPT-2 init; era 1: PyTorch defaults) in the current scope. */
    public DualAttnTransformerLM(DualAttnTransformerLMConfig c, Generator gen) {
        this.config = c;
        int d = c.dModel();
        LayerDict layers = register("layers", new LayerDict());
        this.tokenEmbedder = layers.put("token_embedder", new Embedding(c.vocabSize(), d, gen));
        // The retriever exists (and runs) even with n_heads_ra == 0, as in the reference.
        if (c.codeEra().isEra1()) {
            SymbolRetriever r = layers.put("symbol_retriever", SymbolRetriever.create(c.symbolRetrieval(), gen));
            for (int l = 0; l < c.nLayers(); l++) retrievers.add(r);
        } else {
            ModuleList<SymbolRetriever> list = layers.put("symbol_retrievers", new ModuleList<>());
            SymbolRetriever first = SymbolRetriever.create(c.symbolRetrieval(), gen);
            for (int l = 0; l < c.nLayers(); l++) {
                SymbolRetriever r = l == 0 || c.sharedSymbolRetriever() ? first
                        : c.weightTieSymbolLibrary() ? SymbolRetriever.createTied(c.symbolRetrieval(), gen, first)
                        : SymbolRetriever.create(c.symbolRetrieval(), gen);
                retrievers.add(list.add(r));
            }
        }
        this.blocks = layers.put("blocks", new ModuleList<>());
        for (int l = 0; l < c.nLayers(); l++) blocks.add(new DualAttnEncoderBlock(d, c.block(), c.codeEra(), gen));
        if (c.codeEra().isEra1()) {
            this.norm = null;
            this.finalOut = layers.put("final_out", new Linear(d, c.vocabSize(), true, gen));
        } else {
            this.norm = layers.put("norm", Norms.create(c.normType(), d));
            this.finalOut = layers.put("final_out", new TiedLinear(tokenEmbedder.weight()));
        }
        this.positionalEmbedder = c.usesRope() ? null
                : layers.put("positional_embedder", new Embedding(c.maxBlockSize(), d, gen));
        this.rope = c.usesRope() ? Rope.tables(d / (c.nHeadsSa() + c.nHeadsRa()), c.maxBlockSize()) : null;
        if (!c.codeEra().isEra1()) Gpt2Init.apply(this, c.nLayers(), c.activation(), gen);
    }

    public DualAttnTransformerLMConfig config() {
        return config;
    }

    @Override
    public Tensor forward(Tensor tokens, boolean lastOnly) {
        Tensor x = LmParts.embed(tokens, tokenEmbedder, positionalEmbedder, config.maxBlockSize());
        for (int l = 0; l < blocks.size(); l++) {
            Tensor symbols = retrievers.get(l).forward(x); // from the un-normalized residual stream
            x = blocks.get(l).forward(x, symbols, rope);
        }
        return LmParts.head(x, norm, finalOut, lastOnly);
    }

    @Override
    public int maxBlockSize() {
        return config.maxBlockSize();
    }

    @Override
    public int vocabSize() {
        return config.vocabSize();
    }
}

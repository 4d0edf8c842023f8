package dev.dat4j.dat.golden;

import dev.dat4j.autograd.Generator;
import dev.dat4j.autograd.Scope;
import dev.dat4j.autograd.Tensor;
import dev.dat4j.autograd.nn.Module;
import dev.dat4j.dat.blocks.DecoderBlock;
import dev.dat4j.dat.blocks.DualAttnDecoderBlock;
import dev.dat4j.dat.blocks.DualAttnEncoderBlock;
import dev.dat4j.dat.blocks.EncoderBlock;
import dev.dat4j.dat.config.Activation;
import dev.dat4j.dat.config.AttentionConfig;
import dev.dat4j.dat.config.CodeEra;
import dev.dat4j.dat.config.DualAttnBlockConfig;
import dev.dat4j.dat.config.FeedForwardDims;
import dev.dat4j.dat.config.RaType;
import dev.dat4j.dat.config.RelationalAttentionConfig;
import dev.dat4j.dat.config.SymbolRetrieverConfig;
import dev.dat4j.dat.config.TransformerBlockConfig;
import dev.dat4j.dat.layers.Attention;
import dev.dat4j.dat.layers.DualAttention;
import dev.dat4j.dat.layers.FeedForwardBlock;
import dev.dat4j.dat.layers.RelationalAttention;
import dev.dat4j.dat.layers.Rope;
import dev.dat4j.dat.symbols.SymbolRetriever;
import dev.dat4j.vecops.Backends;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every module case of the golden fixtures: built from the reference constructor keywords, loaded
 * with the fixture weights by name, run in eval mode; output and all gradients of
 * {@code loss = Σ y ⊙ R} must match the PyTorch reference to 1e-5 relative error.
 */
class ModuleGoldenTest {

    @TestFactory
    List<DynamicTest> modulesMatchTheReference() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Map<String, Object> c : Golden.cases()) {
            if (c.get("kind").equals("module")) tests.add(DynamicTest.dynamicTest((String) c.get("name"), () -> run(c)));
        }
        assertTrue(tests.size() >= 35, "module cases: " + tests.size());
        return tests;
    }

    /** A module under test and how to call it. */
    private record Built(Module module, Function<Map<String, Tensor>, Tensor> forward) {}

    static void run(Map<String, Object> c) {
        String name = (String) c.get("name");
        try (Scope _ = Scope.open(Backends.cpu())) {
            Map<String, Tensor> t = Golden.tensors(name + ".safetensors");
            Built built = build((String) c.get("cls"), Golden.map(c.get("kwargs")), Golden.map(c.get("call")), t);
            Golden.loadParams(built.module, t, name);
            built.module.eval();
            Map<String, Tensor> inputs = Golden.under(t, "input/");
            inputs.values().forEach(x -> x.requiresGrad_(true));
            Tensor y = built.forward.apply(inputs);
            Golden.assertClose(name + ": output", y, t.get("output/y"));
            y.mul(t.get("loss_weight/y")).sum().backward();
            Golden.checkParamGrads(built.module, t, name);
            Golden.under(t, "grad/input/").forEach((k, g) -> Golden.assertClose(name + ": grad of input " + k, inputs.get(k).grad(), g));
        }
    }

    static Built build(String cls, Map<String, Object> kw, Map<String, Object> call, Map<String, Tensor> t) {
        Generator gen = new Generator(0);
        boolean causal = Boolean.TRUE.equals(call.get("causal"));
        CodeEra era = CodeEra.of(kw.containsKey("code_era") ? ((Number) kw.remove("code_era")).intValue() : 2);
        switch (cls) {
            case "Attention" -> {
                int d = num(kw.remove("d_model")), h = num(kw.remove("n_heads"));
                double p = ((Number) kw.remove("dropout")).doubleValue();
                Object total = kw.remove("total_n_heads");
                int tot = total == null ? h : num(total);
                AttentionConfig opt = AttentionConfig.fromJson(kw, era);
                Attention m = new Attention(opt.resolve("kwargs", d, h, tot), opt, p, gen, null);
                Rope rope = rope(call, d / tot, t);
                return new Built(m, in -> m.forward(in.get("x"), in.getOrDefault("context", in.get("x")), rope, causal));
            }
            case "RelationalAttention" -> {
                int d = num(kw.remove("d_model")), h = num(kw.remove("n_heads"));
                Object pObj = kw.remove("dropout");
                double p = pObj == null ? 0 : ((Number) pObj).doubleValue();
                Object total = kw.remove("total_n_heads");
                int tot = total == null ? h : num(total);
                RelationalAttentionConfig opt = RelationalAttentionConfig.fromJson(kw, era, RaType.RELATIONAL_ATTENTION);
                RelationalAttention m = new RelationalAttention(opt.resolve("kwargs", d, h, tot, era), opt, p, gen);
                Rope rope = rope(call, d / tot, t);
                return new Built(m, in -> {
                    var r = m.forwardWithWeights(in.get("x"), in.get("symbols"), rope, causal);
                    int b = in.get("x").size(0), l = in.get("x").size(1);
                    Golden.assertClose("alpha", r.alpha().view(b, h, l, l), t.get("output/alpha"));
                    Golden.assertClose("relations", r.relations().permute(0, 2, 3, 1), t.get("output/relations"));
                    return r.output();
                });
            }
            case "SymbolicAttention", "PositionalSymbolRetriever", "PositionRelativeSymbolRetriever" -> {
                String kind = switch (cls) {
                    case "SymbolicAttention" -> "symbolic_attention";
                    case "PositionalSymbolRetriever" -> "positional_symbols";
                    default -> "position_relative";
                };
                SymbolRetriever m = SymbolRetriever.create(SymbolRetrieverConfig.fromJson(kind, kw), gen);
                return new Built(m, in -> m.forward(in.get("x")));
            }
            case "DualAttention" -> {
                int d = num(kw.remove("d_model")), sa = num(kw.remove("n_heads_sa")), ra = num(kw.remove("n_heads_ra"));
                double p = ((Number) kw.remove("dropout")).doubleValue();
                boolean share = Boolean.TRUE.equals(kw.remove("share_attn_params"));
                Object raTypeName = kw.remove("ra_type");
                RaType raType = raTypeName == null ? RaType.RELATIONAL_ATTENTION
                        : java.util.Arrays.stream(RaType.values()).filter(x -> x.jsonName.equals(raTypeName)).findFirst().orElseThrow();
                AttentionConfig saKw = AttentionConfig.fromJson(Golden.map(kw.remove("sa_kwargs")), era);
                RelationalAttentionConfig raKw = RelationalAttentionConfig.fromJson(Golden.map(kw.remove("ra_kwargs")), era, raType);
                assertTrue(kw.isEmpty(), "unused kwargs " + kw);
                DualAttention m = new DualAttention(d, sa, ra, p, saKw, raKw, share, era, gen);
                Rope rope = rope(call, d / (sa + ra), t);
                return new Built(m, in -> m.forward(in.get("x"), in.get("symbols"), rope, causal));
            }
            case "FeedForwardBlock" -> {
                int d = num(kw.remove("embed_dim"));
                Object dff = kw.remove("dff");
                Activation act = activation((String) kw.getOrDefault("activation", "relu"));
                kw.remove("activation");
                boolean bias = Boolean.TRUE.equals(kw.remove("use_bias"));
                assertTrue(kw.isEmpty(), "unused kwargs " + kw);
                int width = FeedForwardDims.dff(dff == null ? null : num(dff), act, d, era);
                FeedForwardBlock m = new FeedForwardBlock(d, width, act, bias, gen);
                return new Built(m, in -> m.forward(in.get("x")));
            }
            case "DualAttnEncoderBlock", "DualAttnDecoderBlock" -> {
                int d = num(kw.remove("d_model"));
                boolean decoder = cls.equals("DualAttnDecoderBlock");
                DualAttnBlockConfig bc = DualAttnBlockConfig.fromJson(kw, era, decoder);
                Rope rope = rope(call, d / bc.totalHeads(), t);
                if (decoder) {
                    DualAttnDecoderBlock m = new DualAttnDecoderBlock(d, bc, era, gen);
                    return new Built(m, in -> m.forward(in.get("x"), in.get("context"), in.get("symbols"), rope));
                }
                DualAttnEncoderBlock m = new DualAttnEncoderBlock(d, bc, era, gen);
                return new Built(m, in -> m.forward(in.get("x"), in.get("symbols"), rope));
            }
            case "EncoderBlock", "DecoderBlock" -> {
                int d = num(kw.remove("d_model"));
                boolean decoder = cls.equals("DecoderBlock");
                TransformerBlockConfig bc = TransformerBlockConfig.fromJson(kw, era, decoder);
                Rope rope = rope(call, d / bc.nHeads(), t);
                if (decoder) {
                    DecoderBlock m = new DecoderBlock(d, bc, era, gen);
                    return new Built(m, in -> m.forward(in.get("x"), in.get("context"), rope));
                }
                EncoderBlock m = new EncoderBlock(d, bc, era, gen);
                return new Built(m, in -> m.forward(in.get("x"), rope));
            }
            default -> throw new IllegalArgumentException("unknown module class " + cls);
        }
    }

    private static Rope rope(Map<String, Object> call, int headDim, Map<String, Tensor> t) {
        if (!Boolean.TRUE.equals(call.get("rope"))) return null;
        return Rope.tables(headDim, t.get("input/x").size(1));
    }

    private static Activation activation(String name) {
        for (Activation a : Activation.values()) if (a.jsonName.equals(name)) return a;
        throw new IllegalArgumentException(name);
    }

    private static int num(Object o) {
        return ((Number) o).intValue();
    }
}

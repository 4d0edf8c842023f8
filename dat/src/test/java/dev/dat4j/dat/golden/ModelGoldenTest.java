package dev.dat4j.dat.golden;

import dev.dat4j.autograd.F;
import dev.dat4j.autograd.Generator;
import dev.dat4j.autograd.Scope;
import dev.dat4j.autograd.Tensor;
import dev.dat4j.autograd.io.Json;
import dev.dat4j.autograd.nn.Module;
import dev.dat4j.dat.config.ModelConfig;
import dev.dat4j.dat.models.LanguageModel;
import dev.dat4j.dat.models.Models;
import dev.dat4j.dat.models.Seq2SeqDualAttnTransformer;
import dev.dat4j.dat.models.Seq2SeqTransformer;
import dev.dat4j.dat.models.VisionModel;
import dev.dat4j.vecops.Backends;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every model case of the golden fixtures (language models, seq2seq, vision; both code eras):
 * built from its JSON config, loaded by name, run in eval mode; logits, the cross-entropy and all
 * gradients of {@code CE + Σ logits ⊙ R} must match the PyTorch reference to 1e-5 relative error.
 */
class ModelGoldenTest {

    @TestFactory
    List<DynamicTest> modelsMatchTheReference() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Map<String, Object> c : Golden.cases()) {
            if (c.get("kind").equals("model")) tests.add(DynamicTest.dynamicTest((String) c.get("name"), () -> run(c)));
        }
        assertTrue(tests.size() >= 12, "model cases: " + tests.size());
        return tests;
    }

    static void run(Map<String, Object> c) {
        String name = (String) c.get("name");
        try (Scope _ = Scope.open(Backends.cpu())) {
            Map<String, Tensor> t = Golden.tensors(name + ".safetensors");
            Module model = Models.create(ModelConfig.parse(Json.write(c.get("kwargs"))), new Generator(1));
            assertEquals(((Number) c.get("n_params")).longValue(), model.numParameters(), name + ": parameter count");
            Golden.loadParams(model, t, name);
            model.eval();
            Map<String, Tensor> in = Golden.under(t, "input/");
            in.forEach((k, v) -> {
                if (v.dtype() == dev.dat4j.autograd.DType.F32) v.requiresGrad_(true);
            });
            Tensor logits = forward(model, in);
            Golden.assertClose(name + ": logits", logits, t.get("output/logits"));
            Tensor ce = F.crossEntropy(logits, in.get("targets"), -1);
            Golden.assertClose(name + ": cross-entropy", ce.reshape(1), t.get("output/loss"));
            ce.add(logits.mul(t.get("loss_weight/logits")).sum()).backward();
            List<String> checked = Golden.checkParamGrads(model, t, name);
            assertTrue(checked.size() > 5, name + ": gradients checked " + checked);
            Golden.under(t, "grad/input/").forEach((k, g) -> Golden.assertClose(name + ": grad of input " + k, in.get(k).grad(), g));
        }
    }

    static Tensor forward(Module model, Map<String, Tensor> in) {
        return switch (model) {
            case LanguageModel lm -> lm.forward(in.get("tokens"));
            case Seq2SeqDualAttnTransformer m -> m.forward(in.get("src"), in.get("tgt"));
            case Seq2SeqTransformer m -> m.forward(in.get("src"), in.get("tgt"));
            case VisionModel m -> m.forward(in.get("images"));
            default -> throw new IllegalArgumentException(model.getClass().getName());
        };
    }
}

package dev.dat4j.dat.models;

import dev.dat4j.autograd.Generator;
import dev.dat4j.autograd.Scope;
import dev.dat4j.autograd.Tensor;
import dev.dat4j.autograd.io.DType;
import dev.dat4j.autograd.io.SafetensorsFile;
import dev.dat4j.autograd.io.SafetensorsWriter;
import dev.dat4j.autograd.nn.Module;
import dev.dat4j.autograd.nn.Parameter;
import dev.dat4j.dat.config.DualAttnTransformerLMConfig;
import dev.dat4j.dat.config.ModelConfig;
import dev.dat4j.dat.io.Checkpoints;
import dev.dat4j.vecops.Backends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointAndInitTest {

    static Path golden(String name) throws Exception {
        return Path.of(CheckpointAndInitTest.class.getResource("/golden/" + name).toURI());
    }

    /** A PyTorch model exported by tools/reference/export_state_dict.py (tied output, shared retriever) loads by name. */
    @Test
    void loadsACheckpointExportedFromPyTorch() throws Exception {
        try (Scope _ = Scope.open(Backends.cpu()); Arena arena = Arena.ofConfined()) {
            Module model = Checkpoints.loadModel(golden("export_lm_dat_head.safetensors"), new Generator(5));
            SafetensorsFile fixture = SafetensorsFile.open(golden("lm_dat_head.safetensors"), arena);
            int n = 0;
            for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
                assertArrayEquals(fixture.readF32("param/" + e.getKey(), e.getValue().shape()), e.getValue().toFloatArray(), e.getKey());
                n++;
            }
            assertEquals(fixture.entries().stream().filter(x -> x.name().startsWith("param/")).count(), n);
            // the tied output layer and the shared retriever of layer 1 are the very same tensors
            Map<String, Tensor> sd = model.stateDict();
            assertSame(sd.get("layers.token_embedder.weight"), sd.get("layers.final_out.weight"));
            assertSame(sd.get("layers.symbol_retrievers.0.q_proj.weight"), sd.get("layers.symbol_retrievers.1.q_proj.weight"));
        }
    }

    @Test
    void savesAndReloadsWithAliasesAndRejectsMismatches(@TempDir Path dir) throws Exception {
        try (Scope _ = Scope.open(Backends.cpu())) {
            var config = ModelConfig.parse(ModelBehaviourTest.DAT_LM.formatted("symbolic_attention",
                    "{\"d_model\": 16, \"n_heads\": 2, \"n_symbols\": 5}", ", \"ra_kwargs\": {\"symmetric_rels\": true}"),
                    DualAttnTransformerLMConfig.class);
            var a = new DualAttnTransformerLM(config, new Generator(1));
            Path file = dir.resolve("m.safetensors");
            Checkpoints.save(a, config, file);
            try (Arena arena = Arena.ofConfined()) {
                SafetensorsFile f = SafetensorsFile.open(file, arena);
                assertEquals(a.namedParameters().size(), f.entries().size(), "each shared tensor once");
                assertTrue(f.metadata().get("aliases").contains("\"layers.final_out.weight\":\"layers.token_embedder.weight\""));
                assertTrue(f.metadata().get("aliases").contains("relational_attention.wk_rel.weight"));
            }
            Module b = Checkpoints.loadModel(file, new Generator(2));
            a.namedParameters().forEach((k, p) -> assertArrayEquals(p.toFloatArray(), b.namedParameters().get(k).toFloatArray(), k));

            var other = ModelConfig.parse(ModelBehaviourTest.DAT_LM.formatted("symbolic_attention",
                    "{\"d_model\": 16, \"n_heads\": 2, \"n_symbols\": 7}", ""), DualAttnTransformerLMConfig.class);
            String msg = assertThrows(IllegalArgumentException.class,
                    () -> Checkpoints.load(new DualAttnTransformerLM(other, new Generator(3)), file)).getMessage();
            assertTrue(msg.contains("m.safetensors") && msg.contains("template_features") && msg.contains("shape"), msg);
            Files.delete(file);
        }
    }

    /** Era-1 reference state dicts list the untied output layer under the embedder ("token_embedder.weights"). */
    @Test
    void loadsEra1OutputLayerNames(@TempDir Path dir) throws Exception {
        try (Scope _ = Scope.open(Backends.cpu())) {
            var config = ModelConfig.parse(ModelBehaviourTest.DAT_LM.formatted("positional_symbols",
                    "{\"symbol_dim\": 16, \"max_length\": 12}", ", \"code_era\": 1"), DualAttnTransformerLMConfig.class);
            var a = new DualAttnTransformerLM(config, new Generator(1));
            Map<String, SafetensorsWriter.Source> tensors = new java.util.LinkedHashMap<>();
            a.namedParameters().forEach((k, p) -> tensors.put(k.replace("layers.final_out.", "layers.token_embedder.weights."),
                    SafetensorsWriter.Source.of(DType.F32, p.shape(), p.toFloatArray())));
            assertTrue(tensors.containsKey("layers.token_embedder.weights.bias"));
            Path file = dir.resolve("era1.safetensors");
            SafetensorsWriter.write(file, tensors, Map.of());
            var b = new DualAttnTransformerLM(config, new Generator(2));
            Checkpoints.load(b, file);
            a.namedParameters().forEach((k, p) -> assertArrayEquals(p.toFloatArray(), b.namedParameters().get(k).toFloatArray(), k));
        }
    }

    /** Era 2 LM: GPT-2 init; era 1: PyTorch defaults (dat-spec §7.1, §7.5). */
    @Test
    void initialisationFollowsTheEra() {
        try (Scope _ = Scope.open(Backends.cpu())) {
            String big = ModelBehaviourTest.DAT_LM.replace("\"d_model\": 16", "\"d_model\": 64").replace("\"dff\": 32", "\"dff\": 256");
            var head = new DualAttnTransformerLM(ModelConfig.parse(big.formatted("symbolic_attention",
                    "{\"d_model\": 64, \"n_heads\": 2, \"n_symbols\": 50}", ""), DualAttnTransformerLMConfig.class), new Generator(7));
            Map<String, Parameter> p = head.namedParameters();
            assertStd(0.02, p.get("layers.token_embedder.weight"));
            assertStd(0.02, p.get("layers.blocks.0.dual_attn.self_attention.wq.weight"));
            assertStd(0.02, p.get("layers.blocks.0.dual_attn.relational_attention.wr"));
            assertStd(0.02 / Math.sqrt(4), p.get("layers.blocks.1.dual_attn.relational_attention.wo.weight"));
            assertStd(0.02 / Math.sqrt(4), p.get("layers.blocks.0.ff_block.linear2.weight"));
            assertStd(1.0, p.get("layers.symbol_retrievers.0.template_features"));
            assertStd(0.0, p.get("layers.blocks.0.ff_block.linear1.bias"));
            assertNull(p.get("layers.final_out.weight"), "tied: listed once, under the embedding");

            var era1 = new DualAttnTransformerLM(ModelConfig.parse(big.formatted("symbolic_attention",
                    "{\"d_model\": 64, \"n_heads\": 2, \"n_symbols\": 50}", ", \"code_era\": 1"), DualAttnTransformerLMConfig.class),
                    new Generator(7));
            Map<String, Parameter> q = era1.namedParameters();
            assertStd(1.0, q.get("layers.token_embedder.weight"));
            assertStd(1 / Math.sqrt(3 * 64), q.get("layers.blocks.0.dual_attn.self_attention.wq.weight")); // U(±1/√in)
            assertStd(1 / Math.sqrt(3 * 64), q.get("layers.final_out.bias"));
            assertEquals(2, q.get("layers.blocks.0.dual_attn.relational_attention.wr.weight").dim(), "era 1 W_r is a Linear");
            assertEquals(DType.F32.byteSize(), 4);
        }
    }

    private static void assertStd(double expected, Tensor t) {
        float[] v = t.toFloatArray();
        double sum = 0, sq = 0;
        for (float x : v) {
            sum += x;
            sq += x * x;
        }
        double mean = sum / v.length, std = Math.sqrt(sq / v.length - mean * mean);
        assertEquals(expected, std, expected == 0 ? 1e-9 : 0.15 * expected, "std of " + v.length + " values");
    }
}

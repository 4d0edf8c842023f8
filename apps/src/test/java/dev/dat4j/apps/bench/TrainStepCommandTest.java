package dev.dat4j.apps.bench;

import dev.dat4j.apps.testutil.Cli;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code dat4j bench train-step}: a tiny run, and the parameter counts of the reference configuration. */
class TrainStepCommandTest {

    @Test
    void tinyRunPrintsOneJsonLineAndAProfile() {
        Cli.Result r = Cli.run("bench", "train-step", "--model", "dat", "--d-model", "16", "--layers", "1", "--sa", "2", "--ra", "2",
                "--seq", "8", "--batch", "2", "--vocab", "32", "--steps", "2", "--warmup", "1", "--profile", "--threads", "1");
        assertEquals(0, r.code(), r.err());
        Map<String, Object> j = r.json();
        for (String key : new String[]{"tokens_per_s", "step_ms", "cpu_ms", "params", "peak_rss_mb", "native_mb", "loss"}) {
            assertTrue(j.containsKey(key), key + " in " + j);
        }
        assertTrue(((Number) j.get("tokens_per_s")).doubleValue() > 0);
        assertTrue(r.err().contains("step 2/2") && r.err().contains("gemm") && r.err().contains("(outside kernels)"), r.err());
        assertTrue(j.get("profile_ms_per_step") instanceof Map<?, ?>);
    }

    /**
     * The reference configuration builds the model bench/torch_train_step.py builds: parameter
     * counts of the reference code (Awni00/abstract_transformer b7da583, PyTorch 2.13) for d = 64,
     * 4 layers, vocab 4096, SwiGLU, RoPE, bias False, seq 16 (positional and position-relative symbol
     * tables grow with seq; nothing else depends on seq or batch).
     */
    @Test
    void referenceConfigurationHasTheReferenceParameterCounts() {
        String[][] cases = {
                {"dat", "4", "4", "symbolic_attention", "539408"},
                {"transformer", "8", "0", "symbolic_attention", "459392"},
                {"dat", "8", "0", "symbolic_attention", "530704"},
                {"dat", "4", "4", "positional_symbols", "470736"},
                {"dat", "4", "4", "position_relative", "471824"}};
        for (String[] c : cases) {
            Cli.Result r = Cli.run("bench", "train-step", "--model", c[0], "--sa", c[1], "--ra", c[2], "--symbol-retrieval", c[3],
                    "--seq", "16", "--batch", "1", "--steps", "1", "--warmup", "0");
            assertEquals(0, r.code(), r.err());
            assertEquals(Long.parseLong(c[4]), r.json().get("params"), String.join(" ", c));
        }
    }

    @Test
    void badOptionsEndWithOneLine() {
        Cli.Result r = Cli.run("bench", "train-step", "--model", "rnn");
        assertTrue(r.failedWithOneMessage(), r.err());
        assertTrue(r.err().contains("--model must be dat or transformer"), r.err());
        Cli.Result s = Cli.run("bench", "train-step", "--symbol-retrieval", "nope", "--seq", "4", "--batch", "1");
        assertTrue(s.err().contains("--symbol-retrieval must be"), s.err());
    }
}

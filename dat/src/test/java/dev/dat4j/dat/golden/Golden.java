package dev.dat4j.dat.golden;

import dev.dat4j.autograd.Tensor;
import dev.dat4j.autograd.io.DType;
import dev.dat4j.autograd.io.Json;
import dev.dat4j.autograd.io.SafetensorsFile;
import dev.dat4j.autograd.nn.Module;
import dev.dat4j.autograd.nn.Parameter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.URISyntaxException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The golden fixtures of {@code tools/reference/make_fixtures.py}: {@code index.json} describes each
 * case; {@code <case>.safetensors} holds param/, input/, output/, loss_weight/, grad/param/, grad/input/.
 */
final class Golden {
    /** fp32 against the float64 reference: max |a − b| ≤ TOL · max(max |b|, FLOOR). */
    static final double TOL = 1e-5;
    /**
     * Scale below which a tensor counts as zero: some gradients vanish exactly in exact arithmetic
     * (e.g. a key bias shifts every logit of a softmax row equally), where fp32 leaves noise of the
     * order of the other gradients' absolute errors: for attn_gqa_bias_causal, the key-bias gradient
     * is off by 4.2e-7 (GEMM, softmax, GEMM) or 5.1e-7 (fused CPU attention) from the reference's 1e-16,
     * while its weight gradients are off by 1–2e-6. Allowed: 1e-6.
     */
    static final double FLOOR = 0.1;

    private Golden() {}

    static Path dir() {
        try {
            return Path.of(Golden.class.getResource("/golden/index.json").toURI()).getParent();
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("golden fixtures not on the test class path", e);
        }
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> cases() {
        try {
            Map<String, Object> index = Json.parseObject(Files.readString(dir().resolve("index.json")));
            return (List<Map<String, Object>>) index.get("cases");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, Object> find(String name) {
        for (Map<String, Object> c : cases()) if (c.get("name").equals(name)) return c;
        throw new IllegalArgumentException("no golden case " + name);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return o == null ? new LinkedHashMap<>() : new LinkedHashMap<>((Map<String, Object>) o);
    }

    /** Every tensor of a case file, created in the current scope (F32 as float, I32 as int32). */
    static Map<String, Tensor> tensors(String file) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (Arena arena = Arena.ofConfined()) {
            SafetensorsFile f = SafetensorsFile.open(dir().resolve(file), arena);
            for (SafetensorsFile.Entry e : f.entries()) {
                int[] shape = e.shape();
                if (e.dtype() == DType.I32) {
                    MemorySegment raw = f.rawBytes(e.name(), DType.I32, shape);
                    int[] ints = raw.toArray(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN));
                    out.put(e.name(), Tensor.ofInts(ints, shape));
                } else {
                    out.put(e.name(), Tensor.of(f.readF32(e.name(), shape), shape));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Sub-map of the tensors under {@code prefix} (prefix removed). */
    static Map<String, Tensor> under(Map<String, Tensor> t, String prefix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        t.forEach((k, v) -> {
            if (k.startsWith(prefix)) out.put(k.substring(prefix.length()), v);
        });
        return out;
    }

    /** Loads param/* into the module; the module's parameter names must be exactly the fixture's. */
    static void loadParams(Module m, Map<String, Tensor> t, String what) {
        Map<String, Tensor> params = under(t, "param/");
        Map<String, Parameter> own = m.namedParameters();
        assertEquals(new TreeSet<>(params.keySet()), new TreeSet<>(own.keySet()), what + ": parameter names");
        own.forEach((name, p) -> {
            assertTrue(Arrays.equals(params.get(name).shape(), p.shape()),
                    what + ": shape of " + name + " " + Arrays.toString(p.shape()) + " vs " + Arrays.toString(params.get(name).shape()));
            p.copy_(params.get(name));
        });
    }

    /** Asserts max |actual − expected| ≤ TOL · max |expected| and returns the relative error. */
    static double assertClose(String what, Tensor actual, Tensor expected) {
        assertNotNull(actual, what + ": missing (no gradient?)");
        assertTrue(Arrays.equals(actual.shape(), expected.shape()),
                what + ": shape " + Arrays.toString(actual.shape()) + " vs expected " + Arrays.toString(expected.shape()));
        float[] a = actual.contiguous().toFloatArray(), e = expected.toFloatArray();
        double maxRef = 0, maxErr = 0;
        int worst = -1;
        for (int i = 0; i < e.length; i++) {
            maxRef = Math.max(maxRef, Math.abs(e[i]));
            double err = Math.abs(a[i] - e[i]);
            if (!(err <= maxErr)) {
                maxErr = err;
                worst = i;
            }
        }
        double rel = maxErr / Math.max(maxRef, FLOOR);
        if (!(rel <= TOL)) {
            fail(what + ": relative error " + rel + " > " + TOL + " (worst at flat index " + worst + ": " + a[worst]
                    + " vs " + e[worst] + ", max |expected| " + maxRef + ")");
        }
        return rel;
    }

    /** Checks every parameter gradient of the fixture (a parameter without one must have none, or zeros). */
    static List<String> checkParamGrads(Module m, Map<String, Tensor> t, String what) {
        Map<String, Tensor> grads = under(t, "grad/param/");
        List<String> checked = new ArrayList<>();
        m.namedParameters().forEach((name, p) -> {
            Tensor expected = grads.get(name);
            if (expected != null) {
                assertClose(what + ": grad of " + name, p.grad(), expected);
                checked.add(name);
            } else if (p.grad() != null) {
                for (float v : p.grad().toFloatArray()) assertEquals(0f, v, what + ": unexpected gradient for " + name);
            }
        });
        return checked;
    }
}

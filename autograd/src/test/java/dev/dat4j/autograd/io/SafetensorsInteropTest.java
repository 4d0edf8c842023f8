package dev.dat4j.autograd.io;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Interop with PyTorch's safetensors, both ways (see tools/interop/README.md):
 * reads every fixture under src/test/resources/interop/ (written by tools/interop/make_torch_fixture.py)
 * and writes target/interop/java_out.safetensors + .expected.json for tools/interop/check_java_file.py.
 */
class SafetensorsInteropTest {
    static final Path JAVA_OUT = Path.of("target", "interop");

    @Test
    void readsEveryPythonWrittenFixture() throws IOException, URISyntaxException {
        Path dir = Path.of(getClass().getResource("/interop").toURI());
        List<Path> fixtures;
        try (Stream<Path> s = Files.list(dir)) {
            fixtures = s.filter(p -> p.toString().endsWith(".safetensors")).sorted().toList();
        }
        assertFalse(fixtures.isEmpty(), "no fixtures in " + dir);
        for (Path fixture : fixtures) checkFixture(fixture);
    }

    @SuppressWarnings("unchecked")
    private static void checkFixture(Path file) throws IOException {
        String stem = file.getFileName().toString().replace(".safetensors", "");
        Path expectedFile = file.resolveSibling(stem + ".expected.json");
        Map<String, Object> expected = Json.parseObject(Files.readString(expectedFile, StandardCharsets.UTF_8));
        Map<String, Object> tensors = (Map<String, Object>) expected.get("tensors");
        try (Arena arena = Arena.ofConfined()) {
            SafetensorsFile f = SafetensorsFile.open(file, arena);
            assertEquals(expected.get("metadata"), f.metadata(), file + " metadata");
            assertEquals(tensors.keySet(), new java.util.HashSet<>(f.entries().stream().map(SafetensorsFile.Entry::name).toList()), file + " names");
            for (Map.Entry<String, Object> t : tensors.entrySet()) {
                String name = t.getKey();
                Map<String, Object> want = (Map<String, Object>) t.getValue();
                int[] shape = ((List<Object>) want.get("shape")).stream().mapToInt(o -> ((Long) o).intValue()).toArray();
                String where = file.getFileName() + " tensor " + name;
                assertEquals(want.get("dtype"), f.entry(name).dtype().name(), where);
                float[] got = f.readF32(name, shape);
                List<Object> values = (List<Object>) want.get("values");
                assertEquals(values.size(), got.length, where);
                for (int i = 0; i < got.length; i++) {
                    float w = asFloat(values.get(i));
                    if (Float.isNaN(w)) {
                        assertTrue(Float.isNaN(got[i]), where + " [" + i + "]");
                    } else {
                        assertEquals(Float.floatToRawIntBits(w), Float.floatToRawIntBits(got[i]),
                                where + " [" + i + "]: expected " + w + " got " + got[i]);
                    }
                }
            }
        }
    }

    /** A JSON number (integers exact: 2^53 and beyond) or "nan"/"inf"/"-inf", rounded to float. */
    private static float asFloat(Object v) {
        return switch (v) {
            case Long l -> (float) l;
            case Double d -> (float) (double) d;
            case String s when s.equals("nan") -> Float.NaN;
            case String s when s.equals("inf") -> Float.POSITIVE_INFINITY;
            case String s when s.equals("-inf") -> Float.NEGATIVE_INFINITY;
            default -> throw new IllegalArgumentException("unexpected expected value " + v);
        };
    }

    /** Float32 values the Java file stores: random weights, then rounding corner cases. */
    private static float[] source(SplittableRandom rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(-6, 6)));
        float[] corners = {1f + 0x1p-8f, 1f + 0x3p-8f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
                Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE, 65520f, 0x1p-25f, 0x1p-24f, 1e-40f};
        System.arraycopy(corners, 0, v, 0, Math.min(n, corners.length));
        return v;
    }

    @Test
    void writesJavaFileForPythonToCheck() throws IOException {
        SplittableRandom rnd = new SplittableRandom(2024);
        Map<String, SafetensorsWriter.Source> tensors = new LinkedHashMap<>();
        tensors.put("blocks.0.attn.wq.weight", SafetensorsWriter.Source.of(DType.BF16, new int[] {8, 16}, source(rnd, 128)));
        tensors.put("blocks.0.attn.wq.bias", SafetensorsWriter.Source.of(DType.F32, new int[] {16}, source(rnd, 16)));
        tensors.put("blocks.0.norm.weight", SafetensorsWriter.Source.of(DType.F16, new int[] {16}, source(rnd, 16)));
        tensors.put("blocks.1.mlp.w", SafetensorsWriter.Source.of(DType.BF16, new int[] {3, 5, 7}, source(rnd, 105)));
        tensors.put("blocks.1.mlp.h", SafetensorsWriter.Source.of(DType.F16, new int[] {7, 3}, source(rnd, 21)));
        tensors.put("scalar", SafetensorsWriter.Source.of(DType.F32, new int[0], new float[] {-2.75f}));
        tensors.put("empty", SafetensorsWriter.Source.of(DType.BF16, new int[] {0, 2}, new float[0]));
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "pt");
        metadata.put("producer", "dat4j SafetensorsInteropTest");
        metadata.put("note", "caf\u00e9 \"quoted\"");

        Files.createDirectories(JAVA_OUT);
        Path file = JAVA_OUT.resolve("java_out.safetensors");
        SafetensorsWriter.write(file, tensors, metadata);

        Map<String, Object> expectedTensors = new LinkedHashMap<>();
        for (Map.Entry<String, SafetensorsWriter.Source> e : tensors.entrySet()) {
            SafetensorsWriter.Source s = e.getValue();
            float[] values = s.data().toArray(java.lang.foreign.ValueLayout.JAVA_FLOAT);
            List<Long> bits = new ArrayList<>();
            for (float v : values) bits.add(Float.floatToRawIntBits(v) & 0xFFFFFFFFL);
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("dtype", s.dtype().name());
            t.put("shape", s.shape());
            t.put("f32_bits", bits);
            expectedTensors.put(e.getKey(), t);
        }
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("producer", "dat4j");
        expected.put("metadata", metadata);
        expected.put("tensors", expectedTensors);
        Files.writeString(JAVA_OUT.resolve("java_out.expected.json"), Json.write(expected) + "\n", StandardCharsets.UTF_8);

        // The file must at least read back here; Python does the independent check.
        try (Arena arena = Arena.ofConfined()) {
            SafetensorsFile f = SafetensorsFile.open(file, arena);
            assertEquals(metadata, f.metadata());
            assertEquals(List.of("blocks.0.attn.wq.bias", "scalar", "blocks.0.attn.wq.weight", "blocks.1.mlp.w", "empty",
                    "blocks.0.norm.weight", "blocks.1.mlp.h"), f.entries().stream().map(SafetensorsFile.Entry::name).toList());
            assertEquals(Arrays.toString(new int[] {3, 5, 7}), Arrays.toString(f.entry("blocks.1.mlp.w").shape()));
        }
    }
}

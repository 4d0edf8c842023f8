package dev.dat4j.autograd.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static dev.dat4j.autograd.io.SafetensorsReadTest.assertMessage;
import static org.junit.jupiter.api.Assertions.*;

/** Writer: exact layout, round trips of F32/F16/BF16, rounding, atomic replacement. */
class SafetensorsWriterTest {
    @TempDir
    Path dir;

    private static SafetensorsWriter.Source f32(int[] shape, float... v) {
        return SafetensorsWriter.Source.of(DType.F32, shape, v);
    }

    @Test
    void bytesMatchTheReferenceImplementation() throws IOException {
        // Expected bytes: the serialisation tests of huggingface/safetensors (tensor.rs).
        Path p = dir.resolve("a.safetensors");
        SafetensorsWriter.write(p, Map.of("attn.0", f32(new int[] {1, 2, 3}, 0, 1, 2, 3, 4, 5)), Map.of());
        String h = "{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}"; // 64 bytes, no padding
        assertArrayEquals(StBytes.file(h, StBytes.f32s(0, 1, 2, 3, 4, 5)), Files.readAllBytes(p));

        SafetensorsWriter.write(p, Map.of("attn0", f32(new int[] {1, 1, 2, 3}, 0, 1, 2, 3, 4, 5)), Map.of());
        h = "{\"attn0\":{\"dtype\":\"F32\",\"shape\":[1,1,2,3],\"data_offsets\":[0,24]}}" + " ".repeat(7); // 65 -> 72
        assertArrayEquals(StBytes.file(h, StBytes.f32s(0, 1, 2, 3, 4, 5)), Files.readAllBytes(p));

        SafetensorsWriter.write(p, Map.of(), Map.of());
        assertArrayEquals(StBytes.file("{}" + " ".repeat(6), new byte[0]), Files.readAllBytes(p));
        SafetensorsWriter.write(p, Map.of(), Map.of("framework", "pt"));
        assertArrayEquals(StBytes.file("{\"__metadata__\":{\"framework\":\"pt\"}}" + " ".repeat(5), new byte[0]), Files.readAllBytes(p));
    }

    @Test
    void ordersByDescendingAlignmentThenUtf8NameAndAlignsData() throws IOException {
        Map<String, SafetensorsWriter.Source> m = new LinkedHashMap<>();
        m.put("z.h", SafetensorsWriter.Source.of(DType.F16, new int[] {3}, new float[] {1, 2, 3}));
        m.put("b.bf", SafetensorsWriter.Source.of(DType.BF16, new int[] {1}, new float[] {1}));
        m.put("a.bf", SafetensorsWriter.Source.of(DType.BF16, new int[] {3}, new float[] {1, 2, 3}));
        m.put("y", f32(new int[] {1}, 1));
        m.put("\uFF21", f32(new int[] {1}, 2)); // U+FF21 sorts before U+1F600 in UTF-8 bytes, after it in UTF-16
        m.put("\uD83D\uDE00", f32(new int[] {1}, 3));
        Path p = dir.resolve("order.safetensors");
        SafetensorsWriter.write(p, m, Map.of("k", "v"));

        byte[] bytes = Files.readAllBytes(p);
        long n = MemorySegment.ofArray(bytes).get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
        assertEquals(0, n % 8);
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{\"__metadata__\":{\"k\":\"v\"},\"y\":"), header);
        try (Arena arena = Arena.ofConfined()) {
            SafetensorsFile f = SafetensorsFile.open(p, arena);
            List<String> names = f.entries().stream().map(SafetensorsFile.Entry::name).toList();
            assertEquals(List.of("y", "\uFF21", "\uD83D\uDE00", "a.bf", "b.bf", "z.h"), names);
            for (SafetensorsFile.Entry e : f.entries()) assertEquals(0, e.begin() % e.dtype().byteSize(), e.toString());
            assertArrayEquals(new float[] {3}, f.readF32("\uD83D\uDE00", 1));
            assertArrayEquals(new float[] {1, 2, 3}, f.readF32("z.h", 3));
        }
    }

    @Test
    void roundTripsF32ExactlyIncludingScalarsAndEmptyTensors() throws IOException {
        SplittableRandom rnd = new SplittableRandom(7);
        float[] big = new float[(1 << 18) + 3]; // > one 1 MiB conversion chunk
        for (int i = 0; i < big.length; i++) big[i] = Float.intBitsToFloat(rnd.nextInt());
        Map<String, SafetensorsWriter.Source> m = new LinkedHashMap<>();
        m.put("big", f32(new int[] {big.length}, big));
        m.put("scalar", f32(new int[0], -1.5f));
        m.put("empty", f32(new int[] {4, 0}));
        Map<String, String> meta = Map.of("step", "12", "note", "quote \" and é and \n newline");
        Path p = dir.resolve("f32.safetensors");
        SafetensorsWriter.write(p, m, meta);
        try (Arena arena = Arena.ofConfined()) {
            SafetensorsFile f = SafetensorsFile.open(p, arena);
            assertEquals(meta, f.metadata());
            float[] back = f.readF32("big", big.length);
            for (int i = 0; i < big.length; i++) assertEquals(Float.floatToRawIntBits(big[i]), Float.floatToRawIntBits(back[i]), "at " + i);
            assertArrayEquals(new float[] {-1.5f}, f.readF32("scalar"));
            assertArrayEquals(new float[0], f.readF32("empty", 4, 0));
            assertEquals(0, f.entry("empty").byteSize());
        }
    }

    @Test
    void roundTripsF16AndBf16WithRoundToNearestEven() throws IOException {
        SplittableRandom rnd = new SplittableRandom(11);
        float[] v = new float[300_001];
        for (int i = 0; i < v.length; i++) v[i] = Float.intBitsToFloat(rnd.nextInt());
        float[] special = {1f + 0x1p-8f, 1f + 0x1p-8f + 0x1p-7f, -0f, Float.MAX_VALUE, Float.NaN, 0x1p-140f, 65520f, 0x1p-25f};
        System.arraycopy(special, 0, v, 0, special.length);
        Path p = dir.resolve("half.safetensors");
        SafetensorsWriter.write(p, Map.of(
                "h", SafetensorsWriter.Source.of(DType.F16, new int[] {v.length}, v),
                "b", SafetensorsWriter.Source.of(DType.BF16, new int[] {v.length}, v)), Map.of());
        try (Arena arena = Arena.ofConfined()) {
            SafetensorsFile f = SafetensorsFile.open(p, arena);
            float[] h = f.readF32("h", v.length);
            float[] b = f.readF32("b", v.length);
            for (int i = 0; i < v.length; i++) {
                assertSameFloat(Float.float16ToFloat(Float.floatToFloat16(v[i])), h[i], "F16 of " + v[i]);
                assertSameFloat(bf16Reference(v[i]), b[i], "BF16 of " + v[i] + " (bits " + Integer.toHexString(Float.floatToRawIntBits(v[i])) + ")");
            }
            // Ties: 1 + 2^-8 lies halfway between bf16 1 and 1 + 2^-7 and rounds to the even one (1);
            // 1 + 3·2^-8 lies halfway between 1 + 2^-7 and 1 + 2^-6 and rounds up to the even one.
            assertEquals(1f, b[0]);
            assertEquals(1f + 0x1p-6f, b[1]);
            assertEquals(Float.POSITIVE_INFINITY, b[3]);
            assertEquals(Float.POSITIVE_INFINITY, h[6]); // 65520 rounds past the largest half (65504)
            assertEquals(0f, h[7]); // 2^-25: tie between 0 and the smallest subnormal half, even is 0
        }
    }

    /** BF16 rounding oracle in double arithmetic: the nearer of the two neighbours, ties to even. */
    private static float bf16Reference(float x) {
        if (Float.isNaN(x)) return Float.NaN;
        if (Float.isInfinite(x)) return x;
        int bits = Float.floatToRawIntBits(x);
        float down = Float.intBitsToFloat(bits & 0xFFFF0000);
        float up = Float.intBitsToFloat((bits & 0xFFFF0000) + 0x10000); // away from zero; may be inf
        double dDown = Math.abs((double) x - down);
        double dUp = Float.isInfinite(up) ? Math.abs((double) x - Math.copySign(0x1p128, x)) : Math.abs((double) x - up);
        if (dDown < dUp) return down;
        if (dUp < dDown) return up;
        return ((bits >>> 16) & 1) == 0 ? down : up;
    }

    private static void assertSameFloat(float expected, float actual, String what) {
        if (Float.isNaN(expected)) {
            assertTrue(Float.isNaN(actual), what);
        } else {
            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(actual), what + ": expected " + expected + " got " + actual);
        }
    }

    @Test
    void refusesBadSourcesBeforeWriting() {
        Path p = dir.resolve("x.safetensors");
        assertMessage(p, "tensor 'w': shape [2, 2] needs 16 bytes of floats but the data holds 12",
                () -> SafetensorsWriter.write(p, Map.of("w", f32(new int[] {2, 2}, 1, 2, 3)), Map.of()));
        assertMessage(p, "tensor 'w': negative dimension in shape [2, -1]",
                () -> SafetensorsWriter.write(p, Map.of("w", f32(new int[] {2, -1}, 1, 2)), Map.of()));
        assertMessage(p, "tensor 'w': shape [65536, 65536, 65536, 65536] is too large",
                () -> SafetensorsWriter.write(p, Map.of("w", f32(new int[] {65536, 65536, 65536, 65536}, 1)), Map.of()));
        assertMessage(p, "tensor 'w': cannot store as I64; writable dtypes are F32, F16, BF16",
                () -> SafetensorsWriter.write(p, Map.of("w", SafetensorsWriter.Source.of(DType.I64, new int[] {1}, new float[1])), Map.of()));
        assertMessage(p, "invalid tensor name '__metadata__'",
                () -> SafetensorsWriter.write(p, Map.of("__metadata__", f32(new int[] {1}, 1)), Map.of()));
        Map<String, String> nullValue = new java.util.HashMap<>();
        nullValue.put("step", null);
        assertMessage(p, "metadata entry step=null has a null key or value",
                () -> SafetensorsWriter.write(p, Map.of(), nullValue));
        assertFalse(Files.exists(p));
        Path missing = dir.resolve("no-such-dir").resolve("x.safetensors");
        IOException e = assertThrows(IOException.class, () -> SafetensorsWriter.write(missing, Map.of(), Map.of()));
        assertEquals(missing + ": directory " + missing.getParent() + " does not exist", e.getMessage());
    }

    @Test
    void failureMidwayLeavesTheOldFileAndNoTempFile() throws IOException {
        Path p = dir.resolve("ckpt.safetensors");
        SafetensorsWriter.write(p, Map.of("a", f32(new int[] {2}, 1, 2)), Map.of("step", "1"));
        byte[] before = Files.readAllBytes(p);

        // "b" comes after "a" in the file; its memory is already freed, so reading it fails after
        // the header and "a" (a big tensor: several chunks) have gone to the temporary file.
        MemorySegment freed;
        try (Arena gone = Arena.ofConfined()) {
            freed = gone.allocate(8);
        }
        Map<String, SafetensorsWriter.Source> m = new LinkedHashMap<>();
        m.put("a", f32(new int[] {600_000}, new float[600_000]));
        m.put("b", new SafetensorsWriter.Source(DType.F32, new int[] {2}, freed));
        assertThrows(IllegalStateException.class, () -> SafetensorsWriter.write(p, m, Map.of("step", "2")));

        assertArrayEquals(before, Files.readAllBytes(p));
        assertEquals(List.of(p), listDir());
    }

    @Test
    void replacesAtomicallyWhileTheOldFileIsMapped() throws IOException {
        Path p = dir.resolve("ckpt.safetensors");
        SafetensorsWriter.write(p, Map.of("a", f32(new int[] {2}, 1, 2)), Map.of());
        try (Arena arena = Arena.ofConfined()) {
            SafetensorsFile old = SafetensorsFile.open(p, arena);
            SafetensorsWriter.write(p, Map.of("a", f32(new int[] {3}, 7, 8, 9)), Map.of());
            // The rename gave the path a new file; the mapped old one is untouched.
            assertArrayEquals(new float[] {1, 2}, old.readF32("a", 2));
            assertArrayEquals(new float[] {7, 8, 9}, SafetensorsFile.open(p, arena).readF32("a", 3));
        }
        assertEquals(List.of(p), listDir());
    }

    private List<Path> listDir() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return new ArrayList<>(s.sorted().toList());
        }
    }
}

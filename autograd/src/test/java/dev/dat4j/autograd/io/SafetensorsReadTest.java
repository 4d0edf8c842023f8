package dev.dat4j.autograd.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Reading every dtype from hand-built files (not from our writer). */
class SafetensorsReadTest {
    @TempDir
    Path dir;

    private record Part(String name, String dtype, String shape, byte[] bytes) {}

    /** A file whose tensors lie in the given order (not the writer's), with an unpadded header. */
    private static byte[] build(String metadataJson, List<Part> parts) {
        StringBuilder h = new StringBuilder("{");
        if (metadataJson != null) h.append("\"__metadata__\":").append(metadataJson).append(',');
        List<byte[]> data = new ArrayList<>();
        long off = 0;
        for (Part p : parts) {
            h.append('"').append(p.name).append("\":{\"dtype\":\"").append(p.dtype).append("\",\"shape\":")
                    .append(p.shape).append(",\"data_offsets\":[").append(off).append(',')
                    .append(off + p.bytes.length).append("]},");
            off += p.bytes.length;
            data.add(p.bytes);
        }
        h.setLength(h.length() - 1);
        h.append('}');
        return StBytes.file(h.toString(), StBytes.concat(data.toArray(byte[][]::new)));
    }

    private static final List<Part> ALL_DTYPES = List.of(
            new Part("u8", "U8", "[3]", new byte[] {0, 7, (byte) 255}),
            new Part("mask", "BOOL", "[3]", new byte[] {1, 0, 1}),
            // F16: 1, -2, smallest subnormal 2^-24, +inf
            new Part("half", "F16", "[2,2]", StBytes.le16s(0x3C00, 0xC000, 0x0001, 0x7C00)),
            // BF16: 1, -5, 1/256 (0x3B80)
            new Part("brain", "BF16", "[3,1]", StBytes.le16s(0x3F80, 0xC0A0, 0x3B80)),
            new Part("ints", "I32", "[3]", StBytes.le32s(-7, 0, (1 << 24) + 1)),
            new Part("scalar", "F32", "[]", StBytes.f32s(3.5f)),
            new Part("doubles", "F64", "[3]", StBytes.f64s(0.1, -1e300, 2.5)),
            new Part("longs", "I64", "[1,2]", StBytes.le64s(-3, (1L << 40) + 1)),
            new Part("empty", "F32", "[0,3]", new byte[0]),
            new Part("floats", "F32", "[2,3]", StBytes.f32s(-0f, 1f, Float.NaN, 1e-45f, -3.25f, Float.MAX_VALUE)));

    @Test
    void readsEveryDtypeConvertedToF32() throws IOException {
        Path p = StBytes.write(dir, "all.safetensors", build("{\"format\":\"pt\",\"note\":\"é \\\"q\\\"\"}", ALL_DTYPES));
        try (Arena arena = Arena.ofConfined()) {
            SafetensorsFile f = SafetensorsFile.open(p, arena);
            assertEquals(Map.of("format", "pt", "note", "é \"q\""), f.metadata());
            assertEquals(ALL_DTYPES.stream().map(Part::name).toList(), f.entries().stream().map(SafetensorsFile.Entry::name).toList());
            assertArrayEquals(new float[] {0, 7, 255}, f.readF32("u8", 3));
            assertArrayEquals(new float[] {1, 0, 1}, f.readF32("mask", 3));
            assertArrayEquals(new float[] {1, -2, 0x1p-24f, Float.POSITIVE_INFINITY}, f.readF32("half", 2, 2));
            assertArrayEquals(new float[] {1, -5, 1f / 256}, f.readF32("brain", 3, 1));
            assertArrayEquals(new float[] {-7, 0, 16777216f}, f.readF32("ints", 3));
            assertArrayEquals(new float[] {3.5f}, f.readF32("scalar"));
            assertArrayEquals(new float[] {0.1f, Float.NEGATIVE_INFINITY, 2.5f}, f.readF32("doubles", 3));
            assertArrayEquals(new float[] {-3, (float) (1L << 40)}, f.readF32("longs", 1, 2));
            assertArrayEquals(new float[0], f.readF32("empty", 0, 3));
            float[] floats = f.readF32("floats", 2, 3);
            assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(floats[0]));
            assertArrayEquals(new float[] {-0f, 1f, Float.NaN, 1e-45f, -3.25f, Float.MAX_VALUE}, floats);

            SafetensorsFile.Entry half = f.entry("half");
            assertEquals(DType.F16, half.dtype());
            assertArrayEquals(new int[] {2, 2}, half.shape());
            assertEquals(4, half.numel());
            assertEquals(8, half.byteSize());
            assertEquals(1, f.entry("scalar").numel());
            assertEquals(0, f.entry("empty").numel());
            assertTrue(f.contains("empty"));
            assertFalse(f.contains("nope"));
        }
    }

    @Test
    void readsIntoCallerMemoryAndGivesRawBytes() throws IOException {
        Path p = StBytes.write(dir, "all.safetensors", build(null, ALL_DTYPES));
        try (Arena arena = Arena.ofConfined()) {
            SafetensorsFile f = SafetensorsFile.open(p, arena);
            assertEquals(Map.of(), f.metadata());
            MemorySegment dst = arena.allocate(4 * 4, 64);
            f.readF32("half", new int[] {2, 2}, dst);
            assertArrayEquals(new float[] {1, -2, 0x1p-24f, Float.POSITIVE_INFINITY}, dst.toArray(ValueLayout.JAVA_FLOAT));

            MemorySegment raw = f.rawBytes("ints", DType.I32, 3);
            assertTrue(raw.isReadOnly());
            assertArrayEquals(StBytes.le32s(-7, 0, (1 << 24) + 1), raw.toArray(ValueLayout.JAVA_BYTE));
        }
    }

    @Test
    void callerExpectationMismatchesNameFileAndTensor() throws IOException {
        Path p = StBytes.write(dir, "all.safetensors", build(null, ALL_DTYPES));
        try (Arena arena = Arena.ofConfined()) {
            SafetensorsFile f = SafetensorsFile.open(p, arena);
            assertMessage(p, "tensor 'half' has shape [2, 2] but [4] was expected", () -> f.readF32("half", 4));
            assertMessage(p, "tensor 'ints' has dtype I32 but I64 was expected", () -> f.rawBytes("ints", DType.I64, 3));
            assertMessage(p, "tensor 'ints' has shape [3] but [1, 3] was expected", () -> f.rawBytes("ints", DType.I32, 1, 3));
            assertMessage(p, "tensor 'floats' has 6 elements (24 bytes as F32) but the destination holds 28 bytes",
                    () -> f.readF32("floats", new int[] {2, 3}, arena.allocate(28)));
            assertMessage(p, "no tensor named 'nope' (the file has 10 tensors: u8, mask, half, brain, ints, scalar, doubles, longs, empty, floats)",
                    () -> f.entry("nope"));
        }
    }

    @Test
    void acceptsAnyTensorOrderAndEmptyFile() throws IOException {
        // Header tensors listed out of data order: entries() follows the data.
        String header = "{\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        Path p = StBytes.write(dir, "order.safetensors", StBytes.file(header, StBytes.f32s(1f, 2f)));
        Path empty = StBytes.write(dir, "empty.safetensors", StBytes.file("{}      ", new byte[0]));
        try (Arena arena = Arena.ofConfined()) {
            SafetensorsFile f = SafetensorsFile.open(p, arena);
            assertEquals(List.of("a", "b"), f.entries().stream().map(SafetensorsFile.Entry::name).toList());
            assertArrayEquals(new float[] {2f}, f.readF32("b", 1));
            assertEquals(0, SafetensorsFile.open(empty, arena).entries().size());
        }
    }

    static void assertMessage(Path file, String expected, Executable action) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action);
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }
}

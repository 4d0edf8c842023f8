package dev.dat4j.autograd.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static dev.dat4j.autograd.io.SafetensorsReadTest.assertMessage;

/** Every malformed file is refused at open() with a message naming the file (and the tensor). */
class SafetensorsValidationTest {
    @TempDir
    Path dir;

    private void assertRejected(byte[] bytes, String expected) {
        Path p = StBytes.write(dir, "bad.safetensors", bytes);
        assertMessage(p, expected, () -> {
            try (Arena arena = Arena.ofConfined()) {
                SafetensorsFile.open(p, arena);
            }
        });
    }

    private static String tensor(String name, String dtype, String shape, String offsets) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":" + offsets + "}";
    }

    @Test
    void fileShorterThanTheLengthPrefix() {
        assertRejected(new byte[5], "truncated: 5 bytes, but a safetensors file starts with an 8-byte header length");
    }

    @Test
    void headerLengthBeyondTheFile() {
        assertRejected(StBytes.concat(StBytes.le64(1000), "{}".getBytes()), "header length 1000 goes beyond the end of the file (10 bytes)");
        // A length with the top bit set (negative as a Java long) is reported as the unsigned number.
        assertRejected(StBytes.concat(StBytes.le64(-1), "{}".getBytes()), "header length 18446744073709551615 goes beyond");
    }

    @Test
    void headerLongerThanTheReferenceLimit() throws IOException {
        Path p = dir.resolve("huge.safetensors");
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.write(StBytes.le64(100_000_008L));
            f.setLength(100_000_100L); // sparse: costs no disk
        }
        assertMessage(p, "header length 100000008 exceeds the 100000000-byte limit", () -> {
            try (Arena arena = Arena.ofConfined()) {
                SafetensorsFile.open(p, arena);
            }
        });
    }

    @Test
    void headerNotUtf8OrNotJsonOrNotAnObject() {
        assertRejected(StBytes.concat(StBytes.le64(2), new byte[] {'{', (byte) 0xFF}), "header is not valid UTF-8");
        assertRejected(StBytes.file("{\"a\": ", new byte[0]), "malformed JSON header: invalid JSON at offset 6");
        assertRejected(StBytes.file("[1, 2]", new byte[0]), "malformed JSON header: expected a JSON object, got array");
    }

    @Test
    void badTensorFields() {
        assertRejected(StBytes.file("{\"w\": 3}", new byte[0]), "tensor 'w': expected an object, got number");
        assertRejected(StBytes.file("{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]),
                "tensor 'w': \"dtype\" must be a string, got null");
        assertRejected(StBytes.file("{" + tensor("w", "F8_E4M3", "[4]", "[0,4]") + "}", new byte[4]),
                "tensor 'w': unknown dtype \"F8_E4M3\" (supported: [BOOL, U8, F16, BF16, I32, F32, F64, I64])");
        assertRejected(StBytes.file("{" + tensor("w", "F32", "[2,-1]", "[0,4]") + "}", new byte[4]),
                "tensor 'w': \"shape\" must hold non-negative integers, got [2,-1]");
        assertRejected(StBytes.file("{" + tensor("w", "F32", "[1.5]", "[0,4]") + "}", new byte[4]),
                "tensor 'w': \"shape\" must hold non-negative integers");
        assertRejected(StBytes.file("{" + tensor("w", "F32", "\"2x2\"", "[0,16]") + "}", new byte[16]),
                "tensor 'w': \"shape\" must be an array of integers, got string");
        assertRejected(StBytes.file("{" + tensor("w", "F32", "[1]", "[0,4,8]") + "}", new byte[8]),
                "tensor 'w': \"data_offsets\" must be [begin, end], got 3 numbers");
        assertRejected(StBytes.file("{" + tensor("w", "F32", "[1]", "[8,4]") + "}", new byte[8]),
                "tensor 'w': data_offsets [8, 4] end before they begin");
        assertRejected(StBytes.file("{" + tensor("w", "F32", "[4294967296,4294967296,4294967296]", "[0,4]") + "}", new byte[4]),
                "tensor 'w': dimension 4294967296 is too large");
        assertRejected(StBytes.file("{" + tensor("w", "F32", "[2147483647,2147483647,2147483647]", "[0,4]") + "}", new byte[4]),
                "tensor 'w': shape [2147483647, 2147483647, 2147483647] overflows 64 bits");
    }

    @Test
    void byteRangeMustMatchShapeTimesItemSize() {
        assertRejected(StBytes.file("{" + tensor("w", "F32", "[2,2]", "[0,12]") + "}", new byte[12]),
                "tensor 'w': data_offsets [0, 12] span 12 bytes but F32 [2, 2] needs 4 x 4 bytes");
        assertRejected(StBytes.file("{" + tensor("s", "BF16", "[]", "[0,4]") + "}", new byte[4]),
                "tensor 's': data_offsets [0, 4] span 4 bytes but BF16 [] needs 1 x 2 bytes");
    }

    @Test
    void byteRangesMustTileTheDataSection() {
        assertRejected(StBytes.file("{" + tensor("a", "F32", "[2]", "[0,8]") + "," + tensor("b", "F32", "[2]", "[4,12]") + "}", new byte[12]),
                "tensor 'b' (data bytes [4, 12)) overlaps tensor 'a' (data bytes [0, 8))");
        assertRejected(StBytes.file("{" + tensor("a", "F32", "[1]", "[0,4]") + "," + tensor("b", "F32", "[1]", "[8,12]") + "}", new byte[12]),
                "data bytes [4, 8) belong to no tensor (gap before tensor 'b')");
        assertRejected(StBytes.file("{" + tensor("b", "F32", "[1]", "[4,8]") + "}", new byte[8]),
                "data bytes [0, 4) belong to no tensor (gap before tensor 'b')");
        assertRejected(StBytes.file("{" + tensor("a", "F32", "[4]", "[0,16]") + "}", new byte[8]),
                "tensor 'a' ends at data byte 16 but the file has only 8 data bytes: truncated file");
        assertRejected(StBytes.file("{" + tensor("a", "F32", "[1]", "[0,4]") + "}", new byte[7]),
                "the data section has 7 bytes but the tensors cover only 4 (3 trailing bytes belong to no tensor)");
    }

    @Test
    void metadataMustBeStrings() {
        assertRejected(StBytes.file("{\"__metadata__\":[1]}", new byte[0]), "\"__metadata__\" must be an object of strings, got array");
        assertRejected(StBytes.file("{\"__metadata__\":{\"step\":100}}", new byte[0]),
                "\"__metadata__\" value of 'step' must be a string, got number");
    }

    @Test
    void truncatedWriterOutputIsRefused() throws IOException {
        Path good = dir.resolve("good.safetensors");
        SafetensorsWriter.write(good, Map.of("w", SafetensorsWriter.Source.of(DType.F32, new int[] {4}, new float[] {1, 2, 3, 4})), Map.of());
        byte[] bytes = Files.readAllBytes(good);
        assertRejected(Arrays.copyOf(bytes, bytes.length - 3), "tensor 'w' ends at data byte 16 but the file has only 13 data bytes: truncated file");
        assertRejected(Arrays.copyOf(bytes, 20), "header length 56 goes beyond the end of the file (20 bytes)");
        byte[] corrupt = bytes.clone();
        corrupt[8] = '[';
        assertRejected(corrupt, "malformed JSON header");
    }
}

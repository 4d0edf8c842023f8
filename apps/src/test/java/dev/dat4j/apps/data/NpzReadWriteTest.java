package dev.dat4j.apps.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NpzReadWriteTest {
    @TempDir
    Path tmp;

    @Test
    void everyDtypeRoundTripsStoredAndDeflated() throws IOException {
        int[] values = {0, 1, 7, 128, 255, 3, 0};
        for (NpzWriter.Compression c : NpzWriter.Compression.values()) {
            Path f = tmp.resolve("all-" + c + ".npz");
            NpzWriter.write(f, c, npz -> {
                for (NpyDtype t : NpyDtype.values()) {
                    int[] v = t == NpyDtype.BOOL ? Arrays.stream(values).map(x -> x & 1).toArray() : values;
                    npz.addInts(t.name().toLowerCase(), t, new long[]{v.length}, v);
                }
                npz.addFloats("half", NpyDtype.FLOAT32, new long[]{2}, new float[]{0.5f, -1.25f});
            });
            try (ZipFile z = new ZipFile(f.toFile())) {
                int method = c == NpzWriter.Compression.STORED ? ZipEntry.STORED : ZipEntry.DEFLATED;
                z.stream().forEach(e -> assertEquals(method, e.getMethod(), e.getName()));
            }
            try (NpzFile npz = NpzFile.open(f)) {
                assertEquals(7, npz.names().size());
                for (NpyDtype t : NpyDtype.values()) {
                    int[] want = t == NpyDtype.BOOL ? Arrays.stream(values).map(x -> x & 1).toArray() : values;
                    String name = t.name().toLowerCase();
                    assertEquals(t, npz.header(name).dtype());
                    try (NpyInput in = npz.open(name)) {
                        assertArrayEquals(want, in.readAllInts(), name);
                    }
                    try (NpyInput in = npz.open(name)) {
                        byte[] b = new byte[want.length];
                        in.readUint8(b, 0, b.length);
                        for (int i = 0; i < want.length; i++) assertEquals(want[i], b[i] & 0xff);
                    }
                    try (NpyInput in = npz.open(name)) {
                        float[] fl = in.readAllFloats();
                        for (int i = 0; i < want.length; i++) assertEquals(want[i], fl[i]);
                    }
                }
                try (NpyInput in = npz.open("half")) {
                    assertArrayEquals(new float[]{0.5f, -1.25f}, in.readAllFloats());
                }
            }
        }
    }

    @Test
    void equalDataGivesByteIdenticalFiles() throws IOException {
        Path a = tmp.resolve("a.npz"), b = tmp.resolve("b.npz");
        for (Path p : List.of(a, b)) {
            NpzWriter.write(p, NpzWriter.Compression.DEFLATED,
                    npz -> npz.addInts("x", NpyDtype.INT64, new long[]{3, 1}, new int[]{1, 2, 3}));
        }
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    }

    @Test
    void plainNpyFilesReadAndWrite() {
        Path f = tmp.resolve("scores.npy");
        float[] v = new float[2 * 3 * 4 * 5];
        for (int i = 0; i < v.length; i++) v[i] = i * 0.25f;
        NpyOutput.writeFile(f, NpyDtype.FLOAT32, new long[]{2, 3, 4, 5}, out -> out.writeFloats(v, 0, v.length));
        try (NpyInput in = NpyInput.open(f)) {
            assertEquals("<f4 (2, 3, 4, 5)", in.header().toString());
            assertArrayEquals(v, in.readAllFloats());
            assertEquals(0, in.remaining());
        }
    }

    @Test
    void labelsAcceptFlatColumnAndOneHot() throws IOException {
        Path f = tmp.resolve("labels.npz");
        NpzWriter.write(f, NpzWriter.Compression.STORED, npz -> {
            npz.addInts("flat", NpyDtype.INT64, new long[]{3}, new int[]{1, 0, 1});
            npz.addInts("column", NpyDtype.INT64, new long[]{3, 1}, new int[]{1, 0, 1});
            npz.addFloats("onehot", NpyDtype.FLOAT32, new long[]{3, 2}, new float[]{0, 1, 1, 0, 0, 1});
            npz.addInts("bad", NpyDtype.UINT8, new long[]{2, 2}, new int[]{0, 1, 1, 1});
            npz.addInts("cube", NpyDtype.UINT8, new long[]{1, 1, 1}, new int[]{1});
        });
        try (NpzFile npz = NpzFile.open(f)) {
            for (String name : List.of("flat", "column", "onehot")) {
                try (NpyInput in = npz.open(name)) {
                    assertArrayEquals(new int[]{1, 0, 1}, Labels.read(in), name);
                }
            }
            try (NpyInput in = npz.open("bad")) {
                var e = assertThrows(NpyFormatException.class, () -> Labels.read(in));
                assertTrue(e.getMessage().contains("row 1") && e.getMessage().contains("bad.npy"), e.getMessage());
            }
            try (NpyInput in = npz.open("cube")) {
                var e = assertThrows(NpyFormatException.class, () -> Labels.read(in));
                assertTrue(e.getMessage().contains("(1, 1, 1)"), e.getMessage());
            }
            var missing = assertThrows(NpyFormatException.class, () -> npz.open("labels"));
            assertTrue(missing.getMessage().contains("no array 'labels'") && missing.getMessage().contains("flat"),
                    missing.getMessage());
        }
    }

    @Test
    void valuesThatDoNotFitAreReportedWithTheirIndex() throws IOException {
        Path f = tmp.resolve("px.npz");
        NpzWriter.write(f, NpzWriter.Compression.DEFLATED, npz -> {
            npz.addInts("images", NpyDtype.INT64, new long[]{4}, new int[]{0, 255, 256, 3});
            npz.addFloats("frac", NpyDtype.FLOAT32, new long[]{2}, new float[]{1f, 0.5f});
        });
        try (NpzFile npz = NpzFile.open(f); NpyInput in = npz.open("images")) {
            var e = assertThrows(NpyFormatException.class, () -> in.readUint8(new byte[4], 0, 4));
            assertTrue(e.getMessage().contains("entry 'images.npy'") && e.getMessage().contains("element 2")
                    && e.getMessage().contains("256"), e.getMessage());
        }
        try (NpzFile npz = NpzFile.open(f); NpyInput in = npz.open("frac")) {
            var e = assertThrows(NpyFormatException.class, in::readAllInts);
            assertTrue(e.getMessage().contains("element 1") && e.getMessage().contains("0.5"), e.getMessage());
        }
    }

    @Test
    void writerRefusesWrongElementCountsAndValues() {
        Path f = tmp.resolve("w.npz");
        var few = assertThrows(IllegalStateException.class, () -> NpzWriter.write(f, NpzWriter.Compression.DEFLATED,
                npz -> npz.addInts("x", NpyDtype.INT32, new long[]{3}, new int[]{1, 2})));
        assertTrue(few.getMessage().contains("needs 3 elements but 2"), few.getMessage());
        var range = assertThrows(IllegalArgumentException.class, () -> NpzWriter.write(f, NpzWriter.Compression.STORED,
                npz -> npz.addInts("x", NpyDtype.UINT8, new long[]{1}, new int[]{300})));
        assertTrue(range.getMessage().contains("300"), range.getMessage());
        assertFalse(Files.exists(f), "a failed write leaves no file");
    }

    @Test
    void truncatedAndCorruptFilesNameFileAndEntry() throws IOException {
        // an archive cut short has lost its central directory: not a ZIP any more
        Path good = tmp.resolve("good.npz");
        int[] big = new int[20000];
        for (int i = 0; i < big.length; i++) big[i] = (i * 7919) % 1000;
        NpzWriter.write(good, NpzWriter.Compression.DEFLATED,
                npz -> npz.addInts("images", NpyDtype.INT64, new long[]{big.length}, big));
        byte[] bytes = Files.readAllBytes(good);
        Path cut = tmp.resolve("cut.npz");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));
        var notZip = assertThrows(NpyFormatException.class, () -> NpzFile.open(cut));
        assertTrue(notZip.getMessage().contains("cut.npz") && notZip.getMessage().contains("not a valid .npz"), notZip.getMessage());

        // a valid ZIP whose array holds fewer bytes than its header promises
        Path shortData = tmp.resolve("short.npz");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(shortData))) {
            z.putNextEntry(new ZipEntry("labels.npy"));
            z.write(NpyHeader.encode(NpyDtype.INT64, new long[]{10}));
            z.write(new byte[5 * 8]);
            z.closeEntry();
        }
        try (NpzFile npz = NpzFile.open(shortData); NpyInput in = npz.open("labels")) {
            var e = assertThrows(NpyFormatException.class, in::readAllInts);
            assertTrue(e.getMessage().contains("short.npz") && e.getMessage().contains("'labels.npy'")
                    && e.getMessage().contains("truncated"), e.getMessage());
        }

        // corrupt deflate data inside an intact archive
        Path bad = tmp.resolve("bad.npz");
        byte[] corrupt = bytes.clone();
        for (int i = 200; i < 400; i++) corrupt[i] ^= (byte) 0x5a;
        Files.write(bad, corrupt);
        try (NpzFile npz = NpzFile.open(bad)) {
            var e = assertThrows(NpyFormatException.class, () -> {
                try (NpyInput in = npz.open("images")) {
                    in.readAllInts();
                }
            });
            assertTrue(e.getMessage().contains("bad.npz") && e.getMessage().contains("'images.npy'"), e.getMessage());
        }

        // not a ZIP at all
        Path text = tmp.resolve("text.npz");
        Files.writeString(text, "hello");
        assertThrows(NpyFormatException.class, () -> NpzFile.open(text));
        // a ZIP entry that is not an array
        Path notNpy = tmp.resolve("notnpy.npz");
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(raw)) {
            z.putNextEntry(new ZipEntry("labels.npy"));
            z.write("just text".getBytes());
            z.closeEntry();
        }
        Files.write(notNpy, raw.toByteArray());
        try (NpzFile npz = NpzFile.open(notNpy)) {
            var e = assertThrows(NpyFormatException.class, () -> npz.open("labels"));
            assertTrue(e.getMessage().contains("notnpy.npz, entry 'labels.npy'") && e.getMessage().contains("magic"), e.getMessage());
        }
    }
}

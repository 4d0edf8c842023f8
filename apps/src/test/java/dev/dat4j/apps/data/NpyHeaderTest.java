package dev.dat4j.apps.data;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NpyHeaderTest {

    /** A header as numpy would write it, with the given version and dict text. */
    static byte[] header(int version, String dict) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) version, 0});
        byte[] text = (dict + "\n").getBytes(version == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        int len = text.length;
        b.write(len & 0xff);
        b.write(len >>> 8 & 0xff);
        if (version > 1) {
            b.write(len >>> 16 & 0xff);
            b.write(len >>> 24 & 0xff);
        }
        b.writeBytes(text);
        return b.toByteArray();
    }

    private static NpyHeader parse(byte[] bytes) throws IOException {
        return NpyHeader.read(new ByteArrayInputStream(bytes), "file t.npy");
    }

    @Test
    void encodeThenParseKeepsDtypeAndShape() throws IOException {
        long[][] shapes = {{}, {5}, {5000, 1}, {5000, 36, 36, 3}};
        for (NpyDtype t : NpyDtype.values()) {
            for (long[] s : shapes) {
                byte[] h = NpyHeader.encode(t, s);
                assertEquals(0, h.length % 64, "numpy aligns the data to 64 bytes");
                assertEquals('\n', h[h.length - 1]);
                NpyHeader p = parse(h);
                assertEquals(t, p.dtype());
                assertArrayEquals(s, p.shape());
                assertEquals(1, p.version());
            }
        }
    }

    @Test
    void parsesNumpyStyleHeadersOfEveryVersion() throws IOException {
        String dict = "{'descr': '<i8', 'fortran_order': False, 'shape': (5000, 36, 36, 3), }          ";
        for (int v = 1; v <= 3; v++) {
            NpyHeader h = parse(header(v, dict));
            assertEquals(NpyDtype.INT64, h.dtype());
            assertEquals(5000L * 36 * 36 * 3, h.count());
            assertEquals(v, h.version());
            assertEquals("(5000, 36, 36, 3)", h.shapeString());
        }
        assertEquals("(7,)", parse(header(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (7,), }")).shapeString());
        assertEquals(1, parse(header(1, "{'shape': (), 'fortran_order': False, 'descr': '<f4'}")).count());
        // Fortran order is harmless for one dimension
        assertEquals(3, parse(header(1, "{'descr': '<f8', 'fortran_order': True, 'shape': (3,), }")).count());
    }

    @Test
    void rejectsFortranOrderBigEndianAndOddDtypesClearly() {
        var f = assertThrows(NpyFormatException.class,
                () -> parse(header(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }")));
        assertTrue(f.getMessage().contains("file t.npy") && f.getMessage().contains("Fortran"), f.getMessage());
        var be = assertThrows(NpyFormatException.class,
                () -> parse(header(1, "{'descr': '>i8', 'fortran_order': False, 'shape': (2,), }")));
        assertTrue(be.getMessage().contains("big-endian"), be.getMessage());
        var c = assertThrows(NpyFormatException.class,
                () -> parse(header(1, "{'descr': '<c16', 'fortran_order': False, 'shape': (2,), }")));
        assertTrue(c.getMessage().contains("unsupported dtype '<c16'"), c.getMessage());
        var st = assertThrows(NpyFormatException.class,
                () -> parse(header(1, "{'descr': [('a', '<i4')], 'fortran_order': False, 'shape': (2,), }")));
        assertTrue(st.getMessage().contains("structured"), st.getMessage());
    }

    @Test
    void rejectsBrokenHeadersClearly() {
        var magic = assertThrows(NpyFormatException.class, () -> parse("PK\3\4 not numpy".getBytes(StandardCharsets.ISO_8859_1)));
        assertTrue(magic.getMessage().contains("magic"), magic.getMessage());
        var version = assertThrows(NpyFormatException.class,
                () -> parse(header(4, "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }")));
        assertTrue(version.getMessage().contains("version 4"), version.getMessage());
        byte[] full = header(1, "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }");
        byte[] cut = java.util.Arrays.copyOf(full, 30);
        var truncated = assertThrows(NpyFormatException.class, () -> parse(cut));
        assertTrue(truncated.getMessage().contains("truncated"), truncated.getMessage());
        var dict = assertThrows(NpyFormatException.class,
                () -> parse(header(1, "{'descr': '<i8', 'fortran_order': False, 'shape': (2, x), }")));
        assertTrue(dict.getMessage().contains("malformed .npy header"), dict.getMessage());
        var missing = assertThrows(NpyFormatException.class, () -> parse(header(1, "{'descr': '<i8', 'fortran_order': False}")));
        assertTrue(missing.getMessage().contains("'shape'"), missing.getMessage());
    }
}

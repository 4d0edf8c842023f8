package dev.dat4j.apps.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The header of a {@code .npy} array: element type, shape and layout.
 *
 * <p>On disk: magic {@code \x93NUMPY}, major and minor version, the header length (u16 LE in v1,
 * u32 LE in v2/v3), then a Python dict literal such as
 * {@code {'descr': '<i8', 'fortran_order': False, 'shape': (5000, 36, 36, 3), }} padded with spaces
 * and ended by a newline. v3 only differs in allowing UTF-8 in that text.
 *
 * @param dtype element type
 * @param shape dimensions, outermost first ({@code ()} for a scalar)
 * @param version major format version (1, 2 or 3)
 */
public record NpyHeader(NpyDtype dtype, long[] shape, int version) {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** numpy pads headers so the data starts on a multiple of this. */
    private static final int ALIGN = 64;

    public NpyHeader {
        shape = shape.clone();
        for (long d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
        }
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of elements (product of the shape; 1 for a scalar). */
    public long count() {
        long n = 1;
        for (long d : shape) n = Math.multiplyExact(n, d);
        return n;
    }

    /** Size of the data in bytes. */
    public long dataBytes() {
        return Math.multiplyExact(count(), dtype.size);
    }

    /** Dimension {@code i}. */
    public long dim(int i) {
        return shape[i];
    }

    public int rank() {
        return shape.length;
    }

    /** The shape as numpy prints it, e.g. {@code (5000, 36, 36, 3)} or {@code (5,)}. */
    public String shapeString() {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append(shape[i]);
        }
        if (shape.length == 1) sb.append(',');
        return sb.append(')').toString();
    }

    @Override
    public String toString() {
        return dtype.descr + " " + shapeString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NpyHeader h && h.dtype == dtype && Arrays.equals(h.shape, shape) && h.version == version;
    }

    @Override
    public int hashCode() {
        return (dtype.hashCode() * 31 + Arrays.hashCode(shape)) * 31 + version;
    }

    // ---------------------------------------------------------------- reading

    /**
     * Reads and parses a header, leaving {@code in} at the first data byte.
     *
     * @param where names the file (and entry) for error messages
     */
    public static NpyHeader read(InputStream in, String where) throws IOException {
        byte[] pre = in.readNBytes(8);
        if (pre.length < 8 || !Arrays.equals(Arrays.copyOf(pre, 6), MAGIC)) {
            throw new NpyFormatException(where + ": not a .npy array (the magic string \\x93NUMPY is missing)");
        }
        int major = pre[6] & 0xff;
        if (major < 1 || major > 3) {
            throw new NpyFormatException(where + ": unsupported .npy format version " + major + "." + (pre[7] & 0xff)
                    + "; expected 1.0, 2.0 or 3.0");
        }
        long len;
        if (major == 1) {
            byte[] b = in.readNBytes(2);
            if (b.length < 2) throw truncatedHeader(where);
            len = (b[0] & 0xff) | (b[1] & 0xff) << 8;
        } else {
            byte[] b = in.readNBytes(4);
            if (b.length < 4) throw truncatedHeader(where);
            len = (b[0] & 0xffL) | (b[1] & 0xffL) << 8 | (b[2] & 0xffL) << 16 | (b[3] & 0xffL) << 24;
        }
        if (len > 1 << 24) throw new NpyFormatException(where + ": implausible header length " + len + " bytes");
        byte[] text = in.readNBytes((int) len);
        if (text.length < len) throw truncatedHeader(where);
        String dict = new String(text, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        return fromDict(dict, major, where);
    }

    private static NpyFormatException truncatedHeader(String where) {
        return new NpyFormatException(where + ": truncated .npy header");
    }

    private static NpyHeader fromDict(String dict, int version, String where) {
        Map<String, Object> m;
        try {
            m = new DictParser(dict.strip()).dict();
        } catch (IllegalArgumentException e) {
            throw new NpyFormatException(where + ": malformed .npy header " + quoteShort(dict) + ": " + e.getMessage());
        }
        Object descr = m.get("descr");
        Object fortran = m.get("fortran_order");
        Object shape = m.get("shape");
        if (!(descr instanceof String d)) {
            throw new NpyFormatException(where + ": .npy header has no string 'descr' (structured dtypes are not supported): "
                    + quoteShort(dict));
        }
        if (!(fortran instanceof Boolean f)) throw new NpyFormatException(where + ": .npy header has no 'fortran_order'");
        if (!(shape instanceof long[] s)) throw new NpyFormatException(where + ": .npy header has no 'shape' tuple");
        NpyDtype dtype = NpyDtype.parse(d, where);
        if (f && s.length > 1) {
            throw new NpyFormatException(where + ": array " + new NpyHeader(dtype, s, version).shapeString()
                    + " is stored in Fortran (column-major) order; only C order is supported "
                    + "(re-save it with numpy.ascontiguousarray)");
        }
        return new NpyHeader(dtype, s, version);
    }

    private static String quoteShort(String s) {
        String t = s.strip();
        return "'" + (t.length() > 120 ? t.substring(0, 120) + "..." : t) + "'";
    }

    /** Parser for the small Python-literal subset numpy writes: a dict of strings, booleans and int tuples. */
    private static final class DictParser {
        private final String s;
        private int pos;

        DictParser(String s) {
            this.s = s;
        }

        Map<String, Object> dict() {
            Map<String, Object> m = new LinkedHashMap<>();
            expect('{');
            while (true) {
                ws();
                if (peek() == '}') {
                    pos++;
                    break;
                }
                String key = string();
                ws();
                expect(':');
                ws();
                m.put(key, value());
                ws();
                if (peek() == ',') {
                    pos++;
                } else if (peek() != '}') {
                    throw new IllegalArgumentException("expected ',' or '}' at offset " + pos);
                }
            }
            ws();
            if (pos != s.length()) throw new IllegalArgumentException("unexpected text after the dict at offset " + pos);
            return m;
        }

        private Object value() {
            char c = peek();
            if (c == '\'' || c == '"') return string();
            if (c == '(') return tuple();
            if (s.startsWith("True", pos)) {
                pos += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("False", pos)) {
                pos += 5;
                return Boolean.FALSE;
            }
            if (c == '[') throw new IllegalArgumentException("structured dtypes (a list 'descr') are not supported");
            throw new IllegalArgumentException("unexpected value at offset " + pos);
        }

        private long[] tuple() {
            expect('(');
            List<Long> dims = new ArrayList<>();
            while (true) {
                ws();
                if (peek() == ')') {
                    pos++;
                    break;
                }
                int start = pos;
                while (pos < s.length() && Character.isDigit(s.charAt(pos))) pos++;
                if (start == pos) throw new IllegalArgumentException("expected a dimension at offset " + pos);
                dims.add(Long.parseLong(s.substring(start, pos)));
                if (pos < s.length() && s.charAt(pos) == 'L') pos++; // Python 2 long literal
                ws();
                if (peek() == ',') {
                    pos++;
                } else if (peek() != ')') {
                    throw new IllegalArgumentException("expected ',' or ')' at offset " + pos);
                }
            }
            return dims.stream().mapToLong(Long::longValue).toArray();
        }

        private String string() {
            char q = peek();
            if (q != '\'' && q != '"') throw new IllegalArgumentException("expected a quoted string at offset " + pos);
            int end = s.indexOf(q, pos + 1);
            if (end < 0) throw new IllegalArgumentException("unterminated string at offset " + pos);
            String v = s.substring(pos + 1, end);
            pos = end + 1;
            return v;
        }

        private void ws() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) pos++;
        }

        private char peek() {
            if (pos >= s.length()) throw new IllegalArgumentException("the header text ended early");
            return s.charAt(pos);
        }

        private void expect(char c) {
            if (peek() != c) throw new IllegalArgumentException("expected '" + c + "' at offset " + pos);
            pos++;
        }
    }

    // ---------------------------------------------------------------- writing

    /** The full header bytes (magic to newline) for a C-order array, v1 when it fits, else v2. */
    public static byte[] encode(NpyDtype dtype, long[] shape) {
        String dict = "{'descr': '" + dtype.descr + "', 'fortran_order': False, 'shape': "
                + new NpyHeader(dtype, shape, 1).shapeString() + ", }";
        for (int version = 1; version <= 2; version++) {
            int pre = version == 1 ? 10 : 12;
            int total = pre + dict.length() + 1;
            int padded = (total + ALIGN - 1) / ALIGN * ALIGN;
            int len = padded - pre;
            if (version == 1 && len > 0xffff) continue;
            byte[] out = new byte[padded];
            System.arraycopy(MAGIC, 0, out, 0, 6);
            out[6] = (byte) version;
            out[7] = 0;
            out[8] = (byte) len;
            out[9] = (byte) (len >>> 8);
            if (version == 2) {
                out[10] = (byte) (len >>> 16);
                out[11] = (byte) (len >>> 24);
            }
            byte[] text = dict.getBytes(StandardCharsets.ISO_8859_1);
            System.arraycopy(text, 0, out, pre, text.length);
            Arrays.fill(out, pre + text.length, padded - 1, (byte) ' ');
            out[padded - 1] = '\n';
            return out;
        }
        throw new IllegalArgumentException("shape too long for a .npy header: " + Arrays.toString(shape));
    }
}

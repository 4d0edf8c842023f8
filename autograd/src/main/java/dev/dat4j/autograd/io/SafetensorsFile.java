package dev.dat4j.autograd.io;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A safetensors file opened for reading: the header is parsed and checked once, tensor data is
 * read from a read-only memory map on demand.
 *
 * <p>Layout: 8-byte little-endian header length N, N bytes of UTF-8 JSON mapping each tensor name to
 * {@code {"dtype", "shape", "data_offsets": [begin, end]}} (offsets relative to the data section that
 * follows the header) plus an optional {@code "__metadata__"} string map, then the data, row-major
 * and little-endian. {@link #open} enforces what the reference implementation enforces: the tensors'
 * byte ranges tile the data section exactly (no overlap, no gap, nothing after the last tensor) and
 * each range holds exactly numel·itemsize bytes. Any violation, and any mismatch with what the caller
 * expects, is an {@link IllegalArgumentException} whose message names the file and the tensor.
 *
 * <pre>{@code
 * try (Arena arena = Arena.ofConfined()) {
 *     SafetensorsFile f = SafetensorsFile.open(Path.of("model.safetensors"), arena);
 *     for (SafetensorsFile.Entry e : f.entries()) System.out.println(e);
 *     float[] w = f.readF32("wq.weight", 64, 32);        // any dtype, converted to float
 *     f.readF32("wq.bias", new int[] {64}, biasSegment); // into caller memory (64 floats)
 * }                                                      // unmaps the file
 * }</pre>
 *
 * <p>The mapping lives as long as the caller's arena; do not use this object after closing it. Reads
 * from several threads need a shared arena ({@link Arena#ofShared()}); a confined one ties them to
 * its owner thread.
 */
public final class SafetensorsFile {
    /** The reference implementation refuses headers above 100 MB; so do we. */
    static final long MAX_HEADER_BYTES = 100_000_000L;
    static final String METADATA_KEY = "__metadata__";

    /**
     * One tensor of the file: its dtype, shape and byte range {@code [begin, end)} relative to the
     * start of the data section.
     */
    public record Entry(String name, DType dtype, int[] shape, long begin, long end) {
        public Entry {
            shape = shape.clone();
        }

        /** The shape (a copy). */
        @Override
        public int[] shape() {
            return shape.clone();
        }

        /** Number of elements (1 for a scalar of shape [], 0 when a dimension is 0). */
        public long numel() {
            long n = 1;
            for (int d : shape) n *= d; // cannot overflow: checked when the header was read
            return n;
        }

        /** Bytes of data: {@code end - begin}. */
        public long byteSize() {
            return end - begin;
        }

        @Override
        public String toString() {
            return name + " " + dtype + " " + Arrays.toString(shape) + " bytes [" + begin + ", " + end + ")";
        }
    }

    private final Path path;
    private final MemorySegment data; // the data section only
    private final Map<String, Entry> entries; // in data order
    private final Map<String, String> metadata;

    private SafetensorsFile(Path path, MemorySegment data, Map<String, Entry> entries, Map<String, String> metadata) {
        this.path = path;
        this.data = data;
        this.entries = entries;
        this.metadata = metadata;
    }

    /**
     * Maps {@code file} read-only into {@code arena} and checks its header.
     *
     * @throws IOException if the file cannot be opened or mapped
     * @throws IllegalArgumentException if it is not a valid safetensors file (message names the file)
     */
    public static SafetensorsFile open(Path file, Arena arena) throws IOException {
        MemorySegment all;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw bad(file, "truncated: " + size + " bytes, but a safetensors file starts with an 8-byte header length");
            }
            all = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
        }
        long size = all.byteSize();
        long n = all.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        if (n < 0 || n > size - 8) {
            throw bad(file, "header length " + Long.toUnsignedString(n) + " goes beyond the end of the file ("
                    + size + " bytes): truncated, or not a safetensors file");
        }
        if (n > MAX_HEADER_BYTES) {
            throw bad(file, "header length " + n + " exceeds the " + MAX_HEADER_BYTES + "-byte limit");
        }
        String json = decodeUtf8(file, all.asSlice(8, n).toArray(ValueLayout.JAVA_BYTE));
        Map<String, Object> header;
        try {
            header = Json.parseObject(json);
        } catch (IllegalArgumentException e) {
            throw bad(file, "malformed JSON header: " + e.getMessage());
        }
        MemorySegment data = all.asSlice(8 + n);
        Map<String, String> metadata = Map.of();
        List<Entry> list = new ArrayList<>();
        for (Map.Entry<String, Object> kv : header.entrySet()) {
            if (kv.getKey().equals(METADATA_KEY)) {
                metadata = parseMetadata(file, kv.getValue());
            } else {
                list.add(parseEntry(file, kv.getKey(), kv.getValue()));
            }
        }
        list.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        checkTiling(file, list, data.byteSize());
        Map<String, Entry> byName = new LinkedHashMap<>();
        for (Entry e : list) byName.put(e.name(), e);
        return new SafetensorsFile(file, data, Collections.unmodifiableMap(byName), metadata);
    }

    /** The file this was opened from. */
    public Path path() {
        return path;
    }

    /** All tensors, in the order of their data in the file. */
    public List<Entry> entries() {
        return List.copyOf(entries.values());
    }

    /** Whether the file holds a tensor named {@code name}. */
    public boolean contains(String name) {
        return entries.containsKey(name);
    }

    /** The tensor named {@code name}; an error naming the file and some of its tensors if absent. */
    public Entry entry(String name) {
        Entry e = entries.get(name);
        if (e != null) return e;
        List<String> names = entries.keySet().stream().limit(10).toList();
        throw bad(path, "no tensor named '" + name + "' (the file has " + entries.size() + " tensors"
                + (names.isEmpty() ? "" : ": " + String.join(", ", names) + (entries.size() > 10 ? ", ..." : "")) + ")");
    }

    /** The {@code __metadata__} string map (empty if the file has none). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * Reads tensor {@code name}, converted to float, into a new array.
     *
     * @param expectedShape the shape the caller expects; a different stored shape is an error
     */
    public float[] readF32(String name, int... expectedShape) {
        Entry e = checkShape(name, expectedShape);
        if (e.numel() > Integer.MAX_VALUE - 8) {
            throw bad(path, "tensor '" + name + "' has " + e.numel() + " elements, too many for a float[]; read it into a MemorySegment");
        }
        float[] out = new float[(int) e.numel()];
        e.dtype().toF32(data.asSlice(e.begin(), e.byteSize()), MemorySegment.ofArray(out), e.numel());
        return out;
    }

    /**
     * Reads tensor {@code name}, converted to float (native order), into {@code dst}, which must
     * hold exactly numel·4 bytes.
     */
    public void readF32(String name, int[] expectedShape, MemorySegment dst) {
        Entry e = checkShape(name, expectedShape);
        if (dst.byteSize() != e.numel() * 4) {
            throw bad(path, "tensor '" + name + "' has " + e.numel() + " elements (" + e.numel() * 4
                    + " bytes as F32) but the destination holds " + dst.byteSize() + " bytes");
        }
        e.dtype().toF32(data.asSlice(e.begin(), e.byteSize()), dst, e.numel());
    }

    /**
     * The stored bytes of tensor {@code name} (read-only, little-endian, no copy), after checking
     * that its dtype and shape are the expected ones.
     */
    public MemorySegment rawBytes(String name, DType expectedDtype, int... expectedShape) {
        Entry e = checkShape(name, expectedShape);
        if (e.dtype() != expectedDtype) {
            throw bad(path, "tensor '" + name + "' has dtype " + e.dtype() + " but " + expectedDtype + " was expected");
        }
        return data.asSlice(e.begin(), e.byteSize());
    }

    private Entry checkShape(String name, int[] expectedShape) {
        Entry e = entry(name);
        if (!Arrays.equals(e.shape(), expectedShape)) {
            throw bad(path, "tensor '" + name + "' has shape " + Arrays.toString(e.shape()) + " but "
                    + Arrays.toString(expectedShape) + " was expected");
        }
        return e;
    }

    // ---------------------------------------------------------------- header checks

    static IllegalArgumentException bad(Path file, String what) {
        return new IllegalArgumentException(file + ": " + what);
    }

    private static String decodeUtf8(Path file, byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw bad(file, "header is not valid UTF-8 (" + e.getMessage() + ")");
        }
    }

    private static Map<String, String> parseMetadata(Path file, Object value) {
        if (!(value instanceof Map<?, ?> m)) {
            throw bad(file, "\"" + METADATA_KEY + "\" must be an object of strings, got " + Json.kind(value));
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> kv : m.entrySet()) {
            if (!(kv.getValue() instanceof String s)) {
                throw bad(file, "\"" + METADATA_KEY + "\" value of '" + kv.getKey() + "' must be a string, got " + Json.kind(kv.getValue()));
            }
            out.put((String) kv.getKey(), s);
        }
        return Collections.unmodifiableMap(out);
    }

    private static Entry parseEntry(Path file, String name, Object value) {
        String where = "tensor '" + name + "': ";
        if (!(value instanceof Map<?, ?> m)) throw bad(file, where + "expected an object, got " + Json.kind(value));
        if (!(m.get("dtype") instanceof String dtypeName)) {
            throw bad(file, where + "\"dtype\" must be a string, got " + Json.kind(m.get("dtype")));
        }
        DType dtype = DType.fromHeaderName(dtypeName);
        if (dtype == null) {
            throw bad(file, where + "unknown dtype \"" + dtypeName + "\" (supported: " + DType.supportedNames() + ")");
        }
        long[] dims = longs(file, where, "shape", m.get("shape"));
        long[] offsets = longs(file, where, "data_offsets", m.get("data_offsets"));
        if (offsets.length != 2) {
            throw bad(file, where + "\"data_offsets\" must be [begin, end], got " + offsets.length + " numbers");
        }
        int[] shape = new int[dims.length];
        long numel = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] > Integer.MAX_VALUE) throw bad(file, where + "dimension " + dims[i] + " is too large");
            shape[i] = (int) dims[i];
            try {
                numel = Math.multiplyExact(numel, dims[i]);
            } catch (ArithmeticException overflow) {
                throw bad(file, where + "shape " + Arrays.toString(dims) + " overflows 64 bits");
            }
        }
        long begin = offsets[0], end = offsets[1];
        if (end < begin) throw bad(file, where + "data_offsets [" + begin + ", " + end + "] end before they begin");
        if (numel > Long.MAX_VALUE / dtype.byteSize() || end - begin != numel * dtype.byteSize()) {
            throw bad(file, where + "data_offsets [" + begin + ", " + end + "] span " + (end - begin) + " bytes but "
                    + dtype + " " + Arrays.toString(shape) + " needs " + numel + " x " + dtype.byteSize() + " bytes");
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    /** A JSON array of non-negative integers. */
    private static long[] longs(Path file, String where, String field, Object value) {
        if (!(value instanceof List<?> list)) {
            throw bad(file, where + "\"" + field + "\" must be an array of integers, got " + Json.kind(value));
        }
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(list.get(i) instanceof Long v) || v < 0) {
                throw bad(file, where + "\"" + field + "\" must hold non-negative integers, got " + Json.write(list));
            }
            out[i] = v;
        }
        return out;
    }

    /** Sorted by begin, the byte ranges must tile {@code [0, dataBytes)} exactly, as in the reference. */
    private static void checkTiling(Path file, List<Entry> sorted, long dataBytes) {
        long covered = 0;
        Entry previous = null;
        for (Entry e : sorted) {
            if (e.begin() < covered) {
                throw bad(file, "tensor '" + e.name() + "' (data bytes [" + e.begin() + ", " + e.end()
                        + ")) overlaps tensor '" + previous.name() + "' (data bytes [" + previous.begin() + ", " + previous.end() + "))");
            }
            if (e.begin() > covered) {
                throw bad(file, "data bytes [" + covered + ", " + e.begin() + ") belong to no tensor (gap before tensor '" + e.name() + "')");
            }
            covered = e.end();
            previous = e;
        }
        if (covered > dataBytes) {
            throw bad(file, "tensor '" + previous.name() + "' ends at data byte " + covered + " but the file has only "
                    + dataBytes + " data bytes: truncated file");
        }
        if (covered < dataBytes) {
            throw bad(file, "the data section has " + dataBytes + " bytes but the tensors cover only " + covered
                    + " (" + (dataBytes - covered) + " trailing bytes belong to no tensor)");
        }
    }
}

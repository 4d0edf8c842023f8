package dev.dat4j.apps.data;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipException;

/**
 * Streaming reader of one {@code .npy} array: the header is parsed up front, then elements are read
 * in order, in chunks, and converted straight into the caller's {@code byte[]}, {@code int[]},
 * {@code long[]} or {@code float[]}. Nothing is materialised in the file's own type, so a
 * 250,000-image int64 array (7.8 GB) can be read into 0.97 GB of bytes.
 *
 * <p>Conversions check every value: a pixel that is not an integer in 0..255 or a label that does
 * not fit in an int ends the read with a message naming the file, entry and element index.
 *
 * <pre>{@code
 * try (NpyInput in = NpyInput.open(Path.of("logits.npy"))) {       // float32 (N, C, H, W)
 *     long per = in.header().count() / in.header().dim(0);
 *     float[] one = new float[(int) per];
 *     for (long i = 0; i < in.header().dim(0); i++) in.readFloats(one, 0, one.length);
 * }
 * try (NpzFile npz = NpzFile.open(path); NpyInput in = npz.open("labels")) {
 *     int[] labels = Labels.read(in);                               // (N,), (N,1) or one-hot (N,C)
 * }
 * }</pre>
 */
public final class NpyInput implements Closeable {
    /** Bytes read from the stream per chunk (a multiple of every element size). */
    static final int CHUNK = 1 << 16;

    private final InputStream in;
    private final NpyHeader header;
    private final String where;
    private final byte[] buf = new byte[CHUNK];
    private final ByteBuffer bb = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
    private long position; // elements consumed so far
    private long chunkStart; // element index of buf[0], for error messages

    private NpyInput(InputStream in, NpyHeader header, String where) {
        this.in = in;
        this.header = header;
        this.where = where;
    }

    /**
     * Parses the header from {@code in} and returns a reader positioned at the first element. Takes
     * ownership of the stream (closing the reader closes it).
     *
     * @param where names the source in error messages, e.g. {@code file data.npz, entry 'images.npy'}
     */
    public static NpyInput open(InputStream in, String where) {
        try {
            return new NpyInput(in, NpyHeader.read(in, where), where);
        } catch (IOException e) {
            closeQuietly(in);
            throw new NpyFormatException(where + ": cannot read the .npy header: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(in);
            throw e;
        }
    }

    /** Opens a plain {@code .npy} file. */
    public static NpyInput open(Path file) {
        InputStream in;
        try {
            in = new BufferedInputStream(Files.newInputStream(file), CHUNK);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return open(in, "file " + file);
    }

    public NpyHeader header() {
        return header;
    }

    /** The source as named in error messages. */
    public String where() {
        return where;
    }

    /** Elements not yet read. */
    public long remaining() {
        return header.count() - position;
    }

    /** Reads {@code n} elements as unsigned bytes; each value must be an integer in 0..255. */
    public void readUint8(byte[] dst, int off, int n) {
        read(n, (k, base) -> {
            NpyDtype t = header.dtype();
            if (t == NpyDtype.UINT8 || t == NpyDtype.BOOL) {
                System.arraycopy(buf, 0, dst, off + base, k);
                return;
            }
            for (int i = 0; i < k; i++) {
                long v = integral(i);
                if (v < 0 || v > 255) throw badValue(i, element(i), "an integer in 0..255");
                dst[off + base + i] = (byte) v;
            }
        });
    }

    /** Reads {@code n} elements as ints; each value must be an integer in int range. */
    public void readInts(int[] dst, int off, int n) {
        read(n, (k, base) -> {
            for (int i = 0; i < k; i++) {
                long v = integral(i);
                if (v != (int) v) throw badValue(i, element(i), "an integer in int range");
                dst[off + base + i] = (int) v;
            }
        });
    }

    /** Reads {@code n} elements as longs; float values must be integers. */
    public void readLongs(long[] dst, int off, int n) {
        read(n, (k, base) -> {
            for (int i = 0; i < k; i++) dst[off + base + i] = integral(i);
        });
    }

    /** Reads {@code n} elements as floats (int64 and float64 values are rounded to the nearest float). */
    public void readFloats(float[] dst, int off, int n) {
        read(n, (k, base) -> {
            for (int i = 0; i < k; i++) dst[off + base + i] = (float) element(i);
        });
    }

    /** Skips {@code n} elements. */
    public void skip(long n) {
        while (n > 0) {
            int k = (int) Math.min(n, CHUNK / header.dtype().size);
            read(k, (kk, base) -> { });
            n -= k;
        }
    }

    /** All elements as ints (for small arrays such as labels). */
    public int[] readAllInts() {
        int[] out = new int[checkedLength()];
        readInts(out, 0, out.length);
        return out;
    }

    /** All elements as floats. */
    public float[] readAllFloats() {
        float[] out = new float[checkedLength()];
        readFloats(out, 0, out.length);
        return out;
    }

    private int checkedLength() {
        long r = remaining();
        if (r > Integer.MAX_VALUE - 8) {
            throw new NpyFormatException(where + ": array " + header + " has " + r + " elements, too many for one Java array");
        }
        return (int) r;
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------- chunked core

    /** Converts {@code k} elements now in {@code buf}; {@code base} is their offset within this read call. */
    private interface ChunkSink {
        void accept(int k, int base);
    }

    private void read(int n, ChunkSink sink) {
        if (n < 0) throw new IllegalArgumentException("negative count " + n);
        if (n > remaining()) {
            throw new IllegalArgumentException(where + ": asked for " + n + " elements but only " + remaining()
                    + " of " + header + " remain");
        }
        int size = header.dtype().size;
        int perChunk = CHUNK / size;
        int done = 0;
        while (done < n) {
            int k = Math.min(perChunk, n - done);
            fill(k * size);
            chunkStart = position;
            sink.accept(k, done);
            position += k;
            done += k;
        }
    }

    private void fill(int bytes) {
        int got;
        try {
            got = in.readNBytes(buf, 0, bytes);
        } catch (EOFException | ZipException e) {
            throw truncated(e.getMessage());
        } catch (IOException e) {
            throw new NpyFormatException(where + ": read error after " + position + " of " + header.count()
                    + " elements: " + e.getMessage(), e);
        }
        if (got < bytes) throw truncated(null);
    }

    private NpyFormatException truncated(String detail) {
        return new NpyFormatException(where + ": truncated or corrupt data: array " + header + " should hold "
                + header.dataBytes() + " bytes of data but it ends near element " + position
                + (detail == null ? "" : " (" + detail + ")"));
    }

    /** Element {@code i} of the current chunk as a double (exact for every supported type but large int64). */
    private double element(int i) {
        return switch (header.dtype()) {
            case BOOL, UINT8 -> buf[i] & 0xff;
            case INT32 -> bb.getInt(i * 4);
            case INT64 -> bb.getLong(i * 8);
            case FLOAT32 -> bb.getFloat(i * 4);
            case FLOAT64 -> bb.getDouble(i * 8);
        };
    }

    /** Element {@code i} of the current chunk as an exact integer (floats must hold integral values). */
    private long integral(int i) {
        return switch (header.dtype()) {
            case BOOL, UINT8 -> buf[i] & 0xff;
            case INT32 -> bb.getInt(i * 4);
            case INT64 -> bb.getLong(i * 8);
            case FLOAT32, FLOAT64 -> {
                double v = element(i);
                if (v != Math.rint(v) || Math.abs(v) > 0x1p62) throw badValue(i, v, "an integer value");
                yield (long) v;
            }
        };
    }

    /** Element {@code i} of the current chunk holds a value the target type cannot take. */
    private NpyFormatException badValue(int i, double value, String expected) {
        long index = chunkStart + i;
        String v = value == Math.rint(value) && Math.abs(value) < 1e18 ? Long.toString((long) value) : Double.toString(value);
        return new NpyFormatException(where + ": element " + index + " of " + header + " is " + v + "; expected " + expected);
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // already failing; the first error is the one to report
        }
    }
}

package dev.dat4j.apps.data;

import dev.dat4j.apps.run.AtomicFiles;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Writes the elements of one {@code .npy} array in order, converting from Java arrays to the
 * array's dtype chunk by chunk. {@link #finish()} checks that exactly {@code count()} elements came.
 */
public final class NpyOutput {
    private final OutputStream out;
    private final NpyHeader header;
    private final String name;
    private final byte[] buf = new byte[NpyInput.CHUNK];
    private final ByteBuffer bb = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
    private long written;

    /** Writes the header to {@code out} and returns a writer for the elements. */
    public static NpyOutput begin(OutputStream out, NpyDtype dtype, long[] shape, String name) throws IOException {
        out.write(NpyHeader.encode(dtype, shape));
        return new NpyOutput(out, new NpyHeader(dtype, shape, 1), name);
    }

    private NpyOutput(OutputStream out, NpyHeader header, String name) {
        this.out = out;
        this.header = header;
        this.name = name;
    }

    /** Produces the elements of an array (may be called more than once; must then write the same data). */
    @FunctionalInterface
    public interface Data {
        void writeTo(NpyOutput out) throws IOException;
    }

    /** Writes a plain {@code .npy} file atomically. */
    public static void writeFile(Path target, NpyDtype dtype, long[] shape, Data data) {
        AtomicFiles.write(target, os -> {
            NpyOutput o = begin(os, dtype, shape, target.getFileName().toString());
            data.writeTo(o);
            o.finish();
        });
    }

    public NpyHeader header() {
        return header;
    }

    /** Writes {@code n} values given as unsigned bytes. */
    public void writeUint8(byte[] src, int off, int n) throws IOException {
        if (header.dtype() == NpyDtype.UINT8) {
            advance(n);
            out.write(src, off, n);
            return;
        }
        write(n, (i, k) -> putLong(k, src[off + i] & 0xff));
    }

    public void writeInts(int[] src, int off, int n) throws IOException {
        write(n, (i, k) -> putLong(k, src[off + i]));
    }

    public void writeLongs(long[] src, int off, int n) throws IOException {
        write(n, (i, k) -> putLong(k, src[off + i]));
    }

    public void writeFloats(float[] src, int off, int n) throws IOException {
        write(n, (i, k) -> putDouble(k, src[off + i]));
    }

    /** Checks that every element was written. */
    public void finish() {
        if (written != header.count()) {
            throw new IllegalStateException("array '" + name + "' " + header + " needs " + header.count()
                    + " elements but " + written + " were written");
        }
    }

    private interface Put {
        /** Stores source element {@code i} of this call at position {@code k} of the chunk buffer. */
        void put(int i, int k);
    }

    private void write(int n, Put put) throws IOException {
        advance(n);
        int size = header.dtype().size;
        int perChunk = buf.length / size;
        for (int done = 0; done < n; ) {
            int k = Math.min(perChunk, n - done);
            for (int j = 0; j < k; j++) put.put(done + j, j);
            out.write(buf, 0, k * size);
            done += k;
        }
    }

    private void advance(int n) {
        if (n < 0 || written + n > header.count()) {
            throw new IllegalStateException("array '" + name + "' " + header + " holds " + header.count()
                    + " elements; writing " + n + " more after " + written + " is too many");
        }
        written += n;
    }

    private void putLong(int k, long v) {
        switch (header.dtype()) {
            case BOOL -> buf[k] = (byte) require(v, v == 0 || v == 1);
            case UINT8 -> buf[k] = (byte) require(v, v >= 0 && v <= 255);
            case INT32 -> bb.putInt(k * 4, (int) require(v, v == (int) v));
            case INT64 -> bb.putLong(k * 8, v);
            case FLOAT32 -> bb.putFloat(k * 4, v);
            case FLOAT64 -> bb.putDouble(k * 8, v);
        }
    }

    private void putDouble(int k, double v) {
        switch (header.dtype()) {
            case FLOAT32 -> bb.putFloat(k * 4, (float) v);
            case FLOAT64 -> bb.putDouble(k * 8, v);
            default -> {
                if (v != Math.rint(v)) {
                    throw new IllegalArgumentException("array '" + name + "' " + header + " cannot hold the non-integer " + v);
                }
                putLong(k, (long) v);
            }
        }
    }

    /** {@code v} when it fits the dtype, else a clear error. */
    private long require(long v, boolean fits) {
        if (!fits) throw new IllegalArgumentException("array '" + name + "' " + header + " cannot hold the value " + v);
        return v;
    }
}

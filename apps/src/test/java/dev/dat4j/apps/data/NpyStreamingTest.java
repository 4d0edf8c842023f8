package dev.dat4j.apps.data;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Large int64 arrays are converted chunk by chunk, never held in their own type. */
class NpyStreamingTest {

    /** Serves {@code count} little-endian int64 values {@code f(i)} lazily, recording the largest read request. */
    static final class LazyInt64 extends InputStream {
        final long count;
        final java.util.function.LongUnaryOperator f;
        long pos; // byte position
        int largestRequest;

        LazyInt64(long count, java.util.function.LongUnaryOperator f) {
            this.count = count;
            this.f = f;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            largestRequest = Math.max(largestRequest, len);
            long total = count * 8;
            if (pos >= total) return -1;
            int n = (int) Math.min(len, total - pos);
            for (int k = 0; k < n; k++, pos++) {
                long v = f.applyAsLong(pos / 8);
                b[off + k] = (byte) (v >>> (8 * (pos % 8)));
            }
            return n;
        }
    }

    private static NpyInput open(long[] shape, LazyInt64 data) {
        InputStream header = new ByteArrayInputStream(NpyHeader.encode(NpyDtype.INT64, shape));
        return NpyInput.open(new SequenceInputStream(header, data), "lazy");
    }

    @Test
    void quarterMillionInt64LabelsStreamIntoAnIntArray() {
        int n = 250_000;
        LazyInt64 data = new LazyInt64(n, i -> (i * 31) % 2);
        try (NpyInput in = open(new long[]{n, 1}, data)) {
            int[] labels = Labels.read(in);
            assertEquals(n, labels.length);
            for (int i = 0; i < n; i += 997) assertEquals((i * 31) % 2, labels[i]);
        }
        assertTrue(data.largestRequest <= NpyInput.CHUNK, "reads are chunked: " + data.largestRequest);
        assertEquals(n * 8L, data.pos);
    }

    @Test
    void int64ImagesConvertToBytesChunkByChunkAndSkip() throws IOException {
        int images = 600, per = 36 * 36 * 3;
        LazyInt64 data = new LazyInt64((long) images * per, i -> (i * 13 + i / per) % 256);
        try (NpyInput in = open(new long[]{images, 36, 36, 3}, data)) {
            byte[] one = new byte[per];
            in.skip(5L * per);
            in.readUint8(one, 0, per);
            for (int k = 0; k < per; k += 101) {
                long i = 5L * per + k;
                assertEquals((i * 13 + i / per) % 256, one[k] & 0xff);
            }
            byte[] rest = new byte[(images - 6) * per];
            in.readUint8(rest, 0, rest.length);
            assertEquals(0, in.remaining());
        }
        assertTrue(data.largestRequest <= NpyInput.CHUNK, "reads are chunked: " + data.largestRequest);
    }
}

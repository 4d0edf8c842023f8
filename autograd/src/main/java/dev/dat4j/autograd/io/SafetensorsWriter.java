package dev.dat4j.autograd.io;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes float tensors to a safetensors file, atomically: the bytes go to a temporary file in the
 * target's directory, which is flushed to disk and then renamed over the target. A crash or an
 * exception midway never leaves a half-written checkpoint, the previous file stays intact, and
 * readers that have the previous file memory-mapped keep seeing it.
 *
 * <p>The layout matches the reference implementation (huggingface/safetensors): tensors ordered by
 * descending dtype alignment, then by name; header JSON with {@code __metadata__} first, padded with
 * spaces to a multiple of 8 bytes so that the data of every tensor is aligned to its element size.
 *
 * <pre>{@code
 * Map<String, SafetensorsWriter.Source> tensors = new LinkedHashMap<>();
 * tensors.put("wq.weight", new SafetensorsWriter.Source(DType.BF16, new int[] {64, 32}, weightSegment));
 * tensors.put("wq.bias", SafetensorsWriter.Source.of(DType.F32, new int[] {64}, biasArray));
 * SafetensorsWriter.write(Path.of("run/step-100.safetensors"), tensors, Map.of("step", "100"));
 * }</pre>
 */
public final class SafetensorsWriter {
    /** Conversion scratch size: the bytes of one write call. */
    private static final int CHUNK_BYTES = 1 << 20;

    private SafetensorsWriter() {}

    /**
     * One tensor to store: float values in native order (row-major, exactly numel·4 bytes) and the
     * dtype to store them as (F32, F16 or BF16; F16/BF16 round to nearest, ties to even).
     */
    public record Source(DType dtype, int[] shape, MemorySegment data) {
        public Source {
            shape = shape.clone();
        }

        /** A source over a float array (no copy). */
        public static Source of(DType dtype, int[] shape, float[] values) {
            return new Source(dtype, shape, MemorySegment.ofArray(values));
        }

        /** The shape (a copy). */
        @Override
        public int[] shape() {
            return shape.clone();
        }

        long numel() {
            long n = 1;
            for (int d : shape) n *= d; // size checked by write() before use
            return n;
        }
    }

    /**
     * Writes {@code tensors} (any map order) with string {@code metadata} (may be empty; stored as
     * {@code __metadata__}) to {@code file}, replacing it atomically if it exists.
     *
     * @throws IllegalArgumentException for a bad name, shape, dtype or data size (nothing is written)
     * @throws IOException if writing fails (the target is unchanged, the temporary file removed)
     */
    public static void write(Path file, Map<String, Source> tensors, Map<String, String> metadata) throws IOException {
        List<Map.Entry<String, Source>> order = validatedOrder(file, tensors);
        for (Map.Entry<String, String> kv : metadata.entrySet()) {
            if (kv.getKey() == null || kv.getValue() == null) {
                throw SafetensorsFile.bad(file, "metadata entry " + kv.getKey() + "=" + kv.getValue() + " has a null key or value");
            }
        }
        byte[] header = header(order, metadata);
        if (header.length > SafetensorsFile.MAX_HEADER_BYTES) {
            throw SafetensorsFile.bad(file, "header of " + header.length + " bytes exceeds the "
                    + SafetensorsFile.MAX_HEADER_BYTES + "-byte limit of safetensors readers");
        }
        Path dir = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) throw new IOException(file + ": directory " + dir + " does not exist");
        Path tmp = dir.resolve("." + file.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        boolean renamed = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                 Arena scratch = Arena.ofConfined()) {
                ByteBuffer prefix = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN);
                prefix.putLong(header.length).put(header).flip();
                writeFully(ch, prefix);
                MemorySegment chunk = scratch.allocate(CHUNK_BYTES, 8);
                for (Map.Entry<String, Source> e : order) writeData(ch, e.getValue(), chunk);
                ch.force(true); // the data is on disk before the rename makes it visible
            }
            moveOver(tmp, file);
            renamed = true;
            syncDirectory(dir);
        } finally {
            if (!renamed) Files.deleteIfExists(tmp);
        }
    }

    /** Checks every entry before anything touches the disk; returns them in the reference's order. */
    private static List<Map.Entry<String, Source>> validatedOrder(Path file, Map<String, Source> tensors) {
        List<Map.Entry<String, Source>> order = new ArrayList<>(tensors.entrySet());
        for (Map.Entry<String, Source> e : order) {
            String name = e.getKey();
            Source s = e.getValue();
            if (name == null || name.equals(SafetensorsFile.METADATA_KEY)) {
                throw SafetensorsFile.bad(file, "invalid tensor name " + (name == null ? "null" : "'" + name + "'"));
            }
            String where = "tensor '" + name + "': ";
            if (s == null) throw SafetensorsFile.bad(file, where + "no data");
            if (!s.dtype().writable()) {
                throw SafetensorsFile.bad(file, where + "cannot store as " + s.dtype() + "; writable dtypes are F32, F16, BF16");
            }
            long numel = 1;
            for (int d : s.shape) {
                if (d < 0) throw SafetensorsFile.bad(file, where + "negative dimension in shape " + Arrays.toString(s.shape));
                if (d != 0 && numel > Long.MAX_VALUE / 8 / d) {
                    throw SafetensorsFile.bad(file, where + "shape " + Arrays.toString(s.shape) + " is too large");
                }
                numel *= d;
            }
            if (s.data().byteSize() != s.numel() * 4) {
                throw SafetensorsFile.bad(file, where + "shape " + Arrays.toString(s.shape) + " needs " + s.numel() * 4
                        + " bytes of floats but the data holds " + s.data().byteSize());
            }
        }
        // Descending alignment (DType declaration order), then name by UTF-8 bytes like Rust's str ordering.
        order.sort(Comparator.<Map.Entry<String, Source>>comparingInt(e -> -e.getValue().dtype().ordinal())
                .thenComparing((a, b) -> Arrays.compareUnsigned(utf8(a.getKey()), utf8(b.getKey()))));
        return order;
    }

    /** The header JSON, padded with spaces to a multiple of 8 bytes. */
    private static byte[] header(List<Map.Entry<String, Source>> order, Map<String, String> metadata) {
        Map<String, Object> json = new LinkedHashMap<>();
        if (!metadata.isEmpty()) json.put(SafetensorsFile.METADATA_KEY, new LinkedHashMap<>(metadata));
        long offset = 0;
        for (Map.Entry<String, Source> e : order) {
            Source s = e.getValue();
            long end = offset + s.numel() * s.dtype().byteSize();
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", s.dtype().name());
            info.put("shape", s.shape);
            info.put("data_offsets", new long[] {offset, end});
            json.put(e.getKey(), info);
            offset = end;
        }
        byte[] text = utf8(Json.write(json));
        byte[] padded = Arrays.copyOf(text, (text.length + 7) / 8 * 8);
        Arrays.fill(padded, text.length, padded.length, (byte) ' ');
        return padded;
    }

    /** Converts and writes one tensor's data, a chunk at a time. */
    private static void writeData(FileChannel ch, Source s, MemorySegment chunk) throws IOException {
        int outSize = s.dtype().byteSize();
        long perChunk = chunk.byteSize() / outSize;
        long numel = s.numel();
        for (long done = 0; done < numel; done += perChunk) {
            long count = Math.min(perChunk, numel - done);
            s.dtype().fromF32(s.data(), done * 4, chunk, count);
            writeFully(ch, chunk.asSlice(0, count * outSize).asByteBuffer());
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) ch.write(buf);
    }

    private static void moveOver(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException(target + ": the file system cannot rename atomically in " + tmp.getParent(), e);
        }
    }

    /** Makes the rename itself durable (POSIX); file systems that cannot open a directory skip it. */
    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException notSupported) {
            // Windows cannot open a directory as a channel; the rename is still atomic there.
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

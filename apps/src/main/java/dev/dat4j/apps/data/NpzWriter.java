package dev.dat4j.apps.data;

import dev.dat4j.apps.run.AtomicFiles;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.HashSet;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a numpy {@code .npz} archive, like {@code np.savez} (stored entries) or
 * {@code np.savez_compressed} (deflated). The file is written atomically, entries carry a fixed
 * timestamp so equal data gives byte-identical files, and ZIP64 records are added by
 * {@link ZipOutputStream} when an entry passes 4 GiB.
 *
 * <pre>{@code
 * NpzWriter.write(path, Compression.DEFLATED, npz -> {
 *     npz.add("images", NpyDtype.UINT8, new long[]{n, 36, 36, 3}, out -> out.writeUint8(pixels, 0, pixels.length));
 *     npz.add("labels", NpyDtype.INT64, new long[]{n, 1}, out -> out.writeInts(labels, 0, n));
 * });
 * }</pre>
 */
public final class NpzWriter {
    public enum Compression { STORED, DEFLATED }

    /** Adds the arrays of an archive. */
    @FunctionalInterface
    public interface Entries {
        void addTo(NpzWriter npz) throws IOException;
    }

    private static final LocalDateTime ZIP_EPOCH = LocalDateTime.of(1980, 1, 1, 0, 0);

    private final ZipOutputStream zip;
    private final Compression compression;
    private final Set<String> names = new HashSet<>();

    private NpzWriter(ZipOutputStream zip, Compression compression) {
        this.zip = zip;
        this.compression = compression;
    }

    /** Writes {@code target} atomically with the arrays that {@code entries} adds. */
    public static void write(Path target, Compression compression, Entries entries) {
        AtomicFiles.write(target, os -> {
            ZipOutputStream zip = new ZipOutputStream(os);
            entries.addTo(new NpzWriter(zip, compression));
            zip.finish();
        });
    }

    /**
     * Adds array {@code name} (stored as {@code name.npy}). For stored archives {@code data} runs
     * twice (ZIP needs the CRC and size before a stored entry), so it must write the same elements both times.
     */
    public void add(String name, NpyDtype dtype, long[] shape, NpyOutput.Data data) throws IOException {
        if (!names.add(name)) throw new IllegalArgumentException("array '" + name + "' added twice");
        ZipEntry e = new ZipEntry(name + ".npy");
        e.setTimeLocal(ZIP_EPOCH);
        if (compression == Compression.STORED) {
            CrcCounter probe = new CrcCounter();
            writeArray(probe, dtype, shape, name, data);
            e.setMethod(ZipEntry.STORED);
            e.setSize(probe.count);
            e.setCompressedSize(probe.count);
            e.setCrc(probe.crc.getValue());
        } else {
            e.setMethod(ZipEntry.DEFLATED);
        }
        zip.putNextEntry(e);
        writeArray(zip, dtype, shape, name, data);
        zip.closeEntry();
    }

    private static void writeArray(OutputStream os, NpyDtype dtype, long[] shape, String name, NpyOutput.Data data)
            throws IOException {
        NpyOutput out = NpyOutput.begin(os, dtype, shape, name);
        data.writeTo(out);
        out.finish();
    }

    /** Convenience: a whole array given as ints, written as {@code dtype}. */
    public void addInts(String name, NpyDtype dtype, long[] shape, int[] values) throws IOException {
        add(name, dtype, shape, out -> out.writeInts(values, 0, values.length));
    }

    /** Convenience: a whole array given as floats, written as {@code dtype}. */
    public void addFloats(String name, NpyDtype dtype, long[] shape, float[] values) throws IOException {
        add(name, dtype, shape, out -> out.writeFloats(values, 0, values.length));
    }

    /** Counts bytes and their CRC-32 without keeping them. */
    private static final class CrcCounter extends OutputStream {
        final CRC32 crc = new CRC32();
        long count;

        @Override
        public void write(int b) {
            crc.update(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            crc.update(b, off, len);
            count += len;
        }
    }
}

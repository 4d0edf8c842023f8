package dev.dat4j.apps.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A hand-built ZIP64 archive (every size and offset in ZIP64 extra fields, ZIP64 end records) reads
 * like any other: full pentos files pass 4 GiB and are written this way.
 */
class Zip64Test {
    @TempDir
    Path tmp;

    @Test
    void readsZip64Archives() throws IOException {
        int[] labels = {1, 0, 0, 1, 1};
        ByteArrayOutputStream npy = new ByteArrayOutputStream();
        npy.writeBytes(NpyHeader.encode(NpyDtype.INT64, new long[]{labels.length, 1}));
        ByteBuffer data = ByteBuffer.allocate(labels.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int l : labels) data.putLong(l);
        npy.writeBytes(data.array());
        Path f = tmp.resolve("zip64.npz");
        Files.write(f, zip64Stored("labels.npy", npy.toByteArray()));
        try (NpzFile npz = NpzFile.open(f); NpyInput in = npz.open("labels")) {
            assertEquals("<i8 (5, 1)", in.header().toString());
            assertArrayEquals(labels, Labels.read(in));
        }
    }

    /** One stored entry with ZIP64 local and central extra fields and ZIP64 end-of-directory records. */
    static byte[] zip64Stored(String name, byte[] content) {
        byte[] nm = name.getBytes(StandardCharsets.UTF_8);
        CRC32 crc = new CRC32();
        crc.update(content);
        ByteBuffer b = ByteBuffer.allocate(content.length + 512).order(ByteOrder.LITTLE_ENDIAN);
        // local file header with sizes in a ZIP64 extra field
        b.putInt(0x04034b50).putShort((short) 45).putShort((short) 0).putShort((short) 0).putShort((short) 0).putShort((short) 0x21)
                .putInt((int) crc.getValue()).putInt(-1).putInt(-1).putShort((short) nm.length).putShort((short) 20).put(nm)
                .putShort((short) 1).putShort((short) 16).putLong(content.length).putLong(content.length);
        b.put(content);
        int cenOffset = b.position();
        // central directory header: sizes and local-header offset in the ZIP64 extra field
        b.putInt(0x02014b50).putShort((short) 45).putShort((short) 45).putShort((short) 0).putShort((short) 0).putShort((short) 0)
                .putShort((short) 0x21).putInt((int) crc.getValue()).putInt(-1).putInt(-1).putShort((short) nm.length)
                .putShort((short) 28).putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(0).putInt(-1).put(nm)
                .putShort((short) 1).putShort((short) 24).putLong(content.length).putLong(content.length).putLong(0);
        int cenSize = b.position() - cenOffset;
        int zip64End = b.position();
        b.putInt(0x06064b50).putLong(44).putShort((short) 45).putShort((short) 45).putInt(0).putInt(0)
                .putLong(1).putLong(1).putLong(cenSize).putLong(cenOffset);
        b.putInt(0x07064b50).putInt(0).putLong(zip64End).putInt(1);
        b.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) -1).putShort((short) -1)
                .putInt(-1).putInt(-1).putShort((short) 0);
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }
}

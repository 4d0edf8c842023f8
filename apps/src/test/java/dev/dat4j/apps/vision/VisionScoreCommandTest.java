package dev.dat4j.apps.vision;

import dev.dat4j.apps.data.NpyDtype;
import dev.dat4j.apps.data.NpyHeader;
import dev.dat4j.apps.testutil.Cli;
import dev.dat4j.autograd.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code dat4j vision score} on a checkpoint trained by the reference code (fixtures made by
 * {@code tools/reference/score_check.py}): non-square 12×8 images in 3×4 patches, mean pooling.
 */
class VisionScoreCommandTest {
    private static final Path DIR = Cli.resource("score");
    private static final String CONFIG = DIR.resolve("vision.json").toString(),
            WEIGHTS = DIR.resolve("vision.safetensors").toString(),
            X = DIR.resolve("X.npy").toString(), Y = DIR.resolve("Y.npy").toString();

    @TempDir
    Path tmp;

    private static Cli.Result score(String images, String labels, String... more) {
        String[] base = {"vision", "score", "--config", CONFIG, "--weights", WEIGHTS, "--images", images, "--labels", labels};
        String[] args = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return Cli.run(args);
    }

    @Test
    @SuppressWarnings("unchecked")
    void reproducesTheReferenceLossAndAccuracy() throws IOException {
        Map<String, Object> ref = (Map<String, Object>) Json.parseObject(Files.readString(DIR.resolve("expected.json"))).get("vision");
        double wantLoss = ((Number) ref.get("loss")).doubleValue(), wantAcc = ((Number) ref.get("accuracy")).doubleValue();
        for (String batch : new String[]{"64", "4"}) {
            Cli.Result r = score(X, Y, "--batch-size", batch);
            assertEquals(0, r.code(), r.err());
            Map<String, Object> j = r.json();
            double loss = ((Number) j.get("loss")).doubleValue();
            assertTrue(Math.abs(loss - wantLoss) <= 1e-4 * wantLoss, "loss " + loss + " vs reference " + wantLoss);
            assertEquals(wantAcc, ((Number) j.get("accuracy")).doubleValue(), 1e-12);
            assertEquals(14L, j.get("images"));
        }
    }

    @Test
    void imagesOfAnotherShapeAreRejected() throws IOException {
        Path square = npy("sq.npy", NpyDtype.FLOAT32, new long[]{2, 3, 8, 8}, 2 * 3 * 8 * 8);
        Cli.Result r = score(square.toString(), Y);
        assertTrue(r.failedWithOneMessage(), r.err());
        assertTrue(r.err().contains("images have shape (2, 3, 8, 8), expected (N, 3, 12, 8) from the config's image_shape "
                + "[C, W, H] = [3, 8, 12]"), r.err());

        Path ints = npy("int.npy", NpyDtype.INT64, new long[]{2, 3, 12, 8}, 2 * 3 * 12 * 8);
        assertTrue(score(ints.toString(), Y).err().contains("expected float32"), "int images are rejected");
    }

    @Test
    void labelsMustMatchTheImagesAndClasses() throws IOException {
        Path few = npy("few.npy", NpyDtype.INT64, new long[]{3}, 3);
        Cli.Result r = score(X, few.toString());
        assertTrue(r.failedWithOneMessage(), r.err());
        assertTrue(r.err().contains("3 labels for 14 images"), r.err());

        Path big = npy("big.npy", NpyDtype.INT64, new long[]{14}, 14, 5L);
        Cli.Result range = score(X, big.toString());
        assertTrue(range.err().contains("label 0 is 5, outside 0..4 (num_classes 5"), range.err());
    }

    /** An .npy of zeros (or {@code fill}) with the given header. */
    private Path npy(String name, NpyDtype dtype, long[] shape, int count, long... fill) throws IOException {
        byte[] header = NpyHeader.encode(dtype, shape);
        ByteBuffer data = ByteBuffer.allocate(count * dtype.size).order(ByteOrder.LITTLE_ENDIAN);
        if (fill.length > 0) for (int i = 0; i < count; i++) data.putLong(fill[0]);
        byte[] all = new byte[header.length + data.capacity()];
        System.arraycopy(header, 0, all, 0, header.length);
        System.arraycopy(data.array(), 0, all, header.length, data.capacity());
        return Files.write(tmp.resolve(name), all);
    }
}

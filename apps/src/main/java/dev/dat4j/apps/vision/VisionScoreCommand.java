package dev.dat4j.apps.vision;

import dev.dat4j.apps.GlobalOptions;
import dev.dat4j.apps.data.Labels;
import dev.dat4j.apps.data.NpyDtype;
import dev.dat4j.apps.data.NpyInput;
import dev.dat4j.apps.model.CheckpointModel;
import dev.dat4j.apps.run.ProgressLine;
import dev.dat4j.autograd.F;
import dev.dat4j.autograd.GradMode;
import dev.dat4j.autograd.Scope;
import dev.dat4j.autograd.Tensor;
import dev.dat4j.autograd.io.Json;
import dev.dat4j.dat.config.VisionDualAttnTransformerConfig;
import dev.dat4j.dat.config.VisionGeometry;
import dev.dat4j.dat.config.VisionTransformerConfig;
import dev.dat4j.dat.models.VisionModel;
import dev.dat4j.vecops.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code dat4j vision score}: cross-entropy and accuracy of an image-classifier checkpoint. */
@Command(name = "score", mixinStandardHelpOptions = true,
        description = {"Evaluate an image-classifier checkpoint (eval mode, no gradients) on images X.npy,",
                "float32 (N, C, H, W), and labels Y.npy, integers (N,). Prints progress, then one JSON line",
                "with loss (mean cross-entropy), accuracy and images. Example:",
                "  dat4j vision score --config vit.json --weights vit.safetensors --images X.npy --labels Y.npy"})
public final class VisionScoreCommand implements Runnable {

    @Mixin
    GlobalOptions global;

    @Option(names = "--config", required = true, paramLabel = "C.json",
            description = "Model config (JSON with the reference's keyword names and \"model\").")
    Path config;

    @Option(names = "--weights", required = true, paramLabel = "W.safetensors",
            description = "Weights with the reference's state-dict names.")
    Path weights;

    @Option(names = "--images", required = true, paramLabel = "X.npy", description = "Images, float32 (N, C, H, W).")
    Path images;

    @Option(names = "--labels", required = true, paramLabel = "Y.npy", description = "Class labels, integers (N,).")
    Path labels;

    @Option(names = "--batch-size", defaultValue = "64", paramLabel = "B",
            description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Override
    public void run() {
        if (batchSize < 1) throw new IllegalArgumentException("--batch-size must be positive, got " + batchSize);
        Backend backend = global.backend();
        long start = System.nanoTime();
        try (Scope _ = Scope.open(backend); NpyInput x = NpyInput.open(images)) {
            CheckpointModel cm = CheckpointModel.load(config, weights, "vision model",
                    List.of(VisionDualAttnTransformerConfig.class, VisionTransformerConfig.class));
            VisionGeometry geo;
            int classes;
            switch (cm.config()) {
                case VisionDualAttnTransformerConfig c -> { geo = c.geometry(); classes = c.numClasses(); }
                case VisionTransformerConfig c -> { geo = c.geometry(); classes = c.numClasses(); }
                default -> throw new IllegalStateException("not a vision config: " + cm.config().modelName());
            }
            int n = checkImages(x, geo);
            int[] y = readLabels(n, classes);
            VisionModel model = (VisionModel) cm.model();
            model.eval();
            System.err.printf("vision score: %s (%d parameters) on %s, %d images, batch %d%n",
                    cm.config().modelName(), model.numParameters(), backend.name(), n, batchSize);

            ProgressLine progress = new ProgressLine("vision score", n, "images");
            int perImage = geo.channels() * geo.height() * geo.width();
            double lossSum = 0;
            long correct = 0;
            try (GradMode _ = GradMode.noGrad()) {
                for (int done = 0; done < n; ) {
                    int b = Math.min(batchSize, n - done);
                    float[] pixels = new float[b * perImage];
                    x.readFloats(pixels, 0, pixels.length);
                    int[] target = new int[b];
                    System.arraycopy(y, done, target, 0, b);
                    try (Scope _ = Scope.open()) {
                        Tensor logits = model.forward(Tensor.of(pixels, b, geo.channels(), geo.height(), geo.width()));
                        for (float l : F.crossEntropyLosses(logits, Tensor.ofInts(target), -1).toFloatArray()) lossSum += l;
                        int[] predicted = logits.argmax(1, false).toIntArray();
                        for (int i = 0; i < b; i++) if (predicted[i] == target[i]) correct++;
                    }
                    done += b;
                    progress.update(done, lossSum / done);
                }
            }
            progress.finish();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("loss", lossSum / n);
            out.put("accuracy", (double) correct / n);
            out.put("images", n);
            out.put("correct", correct);
            out.put("model", cm.config().modelName());
            out.put("device", backend.name());
            out.put("seconds", Math.round((System.nanoTime() - start) / 1e6) / 1e3);
            System.out.println(Json.write(out));
        }
    }

    /** Checks X against the config's image_shape; returns N. */
    private int checkImages(NpyInput x, VisionGeometry geo) {
        long[] s = x.header().shape();
        String expected = "(N, " + geo.channels() + ", " + geo.height() + ", " + geo.width() + ") from the config's image_shape "
                + "[C, W, H] = [" + geo.channels() + ", " + geo.width() + ", " + geo.height() + "]";
        if (s.length != 4 || s[1] != geo.channels() || s[2] != geo.height() || s[3] != geo.width()) {
            throw new IllegalArgumentException(images + ": images have shape " + x.header().shapeString() + ", expected " + expected);
        }
        NpyDtype t = x.header().dtype();
        if (t != NpyDtype.FLOAT32 && t != NpyDtype.FLOAT64) {
            throw new IllegalArgumentException(images + ": images have dtype " + t + ", expected float32 (N, C, H, W)");
        }
        if (s[0] < 1) throw new IllegalArgumentException(images + ": no images (N = 0)");
        return Math.toIntExact(s[0]);
    }

    /** Labels (N,) of the same N as the images, each a class index of the config. */
    private int[] readLabels(int n, int classes) {
        int[] y;
        try (NpyInput in = NpyInput.open(labels)) {
            if (in.header().rank() != 1) {
                throw new IllegalArgumentException(labels + ": labels have shape " + in.header().shapeString()
                        + ", expected (" + n + ",) (one class index per image)");
            }
            y = Labels.read(in);
        }
        if (y.length != n) {
            throw new IllegalArgumentException(labels + ": " + y.length + " labels for " + n + " images in " + images);
        }
        for (int i = 0; i < n; i++) {
            if (y[i] < 0 || y[i] >= classes) {
                throw new IllegalArgumentException(labels + ": label " + i + " is " + y[i] + ", outside 0.." + (classes - 1)
                        + " (num_classes " + classes + " in " + config + ")");
            }
        }
        return y;
    }
}

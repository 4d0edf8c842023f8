package dev.dat4j.apps.relgames;

import dev.dat4j.autograd.F;
import dev.dat4j.autograd.Generator;
import dev.dat4j.autograd.GradMode;
import dev.dat4j.autograd.Scope;
import dev.dat4j.autograd.Tensor;
import dev.dat4j.autograd.optim.Adam;
import dev.dat4j.dat.config.ModelConfig;
import dev.dat4j.dat.io.Checkpoints;
import dev.dat4j.dat.models.Models;
import dev.dat4j.dat.models.VisionModel;
import dev.dat4j.vecops.Backend;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trains one Relational Games model under a {@link Protocol} and evaluates the final model on named
 * sets (the in-distribution test subset and the out-of-distribution files).
 *
 * <p>Memory: parameters, gradients and Adam state live in one root scope for the whole run; every
 * training or evaluation batch runs in its own child scope, so native memory stays flat. Evaluation
 * runs in eval mode (no dropout) without recording a graph.
 */
public final class Trainer {
    private static final int IMAGE_C = Canvas.CHANNELS, IMAGE_H = Canvas.SIDE, IMAGE_W = Canvas.SIDE;
    /** Keeps the shuffling stream apart from the split's stream, which uses the bare seed. */
    private static final long SHUFFLE_SALT = 0x632BE59BD9B4E019L;

    private Trainer() {}

    /** One finished epoch: mean training loss and accuracy (dropout on, as logged while training). */
    public record Epoch(int epoch, int epochs, double loss, double trainAcc, double seconds, double samplesPerSecond) {
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("event", "epoch");
            m.put("epoch", epoch);
            m.put("epochs", epochs);
            m.put("loss", loss);
            m.put("train_acc", trainAcc);
            m.put("seconds", seconds);
            m.put("samples_per_s", samplesPerSecond);
            return m;
        }
    }

    /** Called after every epoch, e.g. to print a progress line and append to metrics.jsonl. */
    @FunctionalInterface
    public interface Listener {
        void epochDone(Epoch e);
    }

    /**
     * The outcome of a run.
     *
     * @param accuracies accuracy of the final model per evaluation set name
     */
    public record Result(List<Epoch> history, Map<String, Double> accuracies, double trainSeconds, double evalSeconds,
                         long parameters) {
        public Epoch last() {
            return history.getLast();
        }

        /**
         * The metrics of a learning-curve cell: {@code <set>_acc} per evaluation set, the last epoch's
         * {@code train_loss} and {@code train_acc}, {@code train_seconds}, {@code eval_seconds}, {@code params}.
         */
        public Map<String, Double> metrics() {
            Map<String, Double> m = new LinkedHashMap<>();
            accuracies.forEach((set, acc) -> m.put(set + "_acc", acc));
            m.put("train_loss", last().loss());
            m.put("train_acc", last().trainAcc());
            m.put("train_seconds", trainSeconds);
            m.put("eval_seconds", evalSeconds);
            m.put("params", (double) parameters);
            return m;
        }
    }

    /**
     * Trains {@code spec} on {@code train} and evaluates it on every set of {@code eval}.
     *
     * @param seed       model initialisation, dropout and shuffling
     * @param checkpoint where to save the final weights as safetensors (null: not saved)
     */
    public static Result run(RelgamesModel spec, RelgamesData train, Map<String, RelgamesData> eval, Protocol p, long seed,
                             Backend backend, Listener listener, Path checkpoint) {
        ModelConfig config = spec.config();
        try (Scope root = Scope.open(backend)) {
            Generator gen = new Generator(seed);
            VisionModel model = (VisionModel) Models.create(config, gen);
            Adam opt = new Adam(model.parameters(), (float) p.lr(), (float) p.beta1(), (float) p.beta2(), (float) p.eps(), 0f);
            Batches batches = new Batches(train, p.batchSize(), seed ^ SHUFFLE_SALT);
            List<Epoch> history = new ArrayList<>();
            long t0 = System.nanoTime();
            model.train();
            for (int epoch = 0; epoch < p.epochs(); epoch++) {
                long e0 = System.nanoTime();
                double lossSum = 0;
                long correct = 0;
                for (Iterator<Batches.Batch> it = batches.epoch(epoch); it.hasNext(); ) {
                    Batches.Batch b = it.next();
                    try (Scope step = Scope.open()) {
                        Tensor logits = model.forward(images(b));                     // (B, 2)
                        Tensor loss = F.crossEntropy(logits, Tensor.ofInts(b.y(), b.size()), -1);
                        loss.backward();
                        opt.step();
                        opt.zeroGrad();
                        lossSum += loss.item() * b.size();
                        correct += countCorrect(logits, b.y());
                    }
                }
                double secs = (System.nanoTime() - e0) / 1e9;
                Epoch e = new Epoch(epoch + 1, p.epochs(), lossSum / train.size(), correct / (double) train.size(), secs,
                        train.size() / secs);
                history.add(e);
                if (listener != null) listener.epochDone(e);
            }
            double trainSeconds = (System.nanoTime() - t0) / 1e9;

            long v0 = System.nanoTime();
            model.eval();
            Map<String, Double> acc = new LinkedHashMap<>();
            eval.forEach((name, data) -> acc.put(name, accuracy(model, data, p.batchSize())));
            double evalSeconds = (System.nanoTime() - v0) / 1e9;
            if (checkpoint != null) {
                try {
                    Checkpoints.save(model, config, checkpoint);
                } catch (IOException ex) {
                    throw new UncheckedIOException(ex);
                }
            }
            return new Result(history, acc, trainSeconds, evalSeconds, model.numParameters());
        }
    }

    /** Top-1 accuracy of {@code model} on {@code data}, in eval mode and without a graph. */
    static double accuracy(VisionModel model, RelgamesData data, int batchSize) {
        if (data.size() == 0) return Double.NaN;
        long correct = 0;
        try (GradMode noGrad = GradMode.noGrad()) {
            for (Iterator<Batches.Batch> it = new Batches(data, batchSize, 0).inOrder(); it.hasNext(); ) {
                Batches.Batch b = it.next();
                try (Scope step = Scope.open()) {
                    correct += countCorrect(model.forward(images(b)), b.y());
                }
            }
        }
        return correct / (double) data.size();
    }

    /** The batch's images as a (B, 3, 36, 36) tensor in the current scope. */
    private static Tensor images(Batches.Batch b) {
        return Tensor.of(b.x(), b.size(), IMAGE_C, IMAGE_H, IMAGE_W);
    }

    /** How many rows of logits (B, 2) have their maximum at the label. */
    private static long countCorrect(Tensor logits, int[] labels) {
        int[] pred = logits.argmax(1, false).toIntArray();
        long n = 0;
        for (int i = 0; i < labels.length; i++) if (pred[i] == labels[i]) n++;
        return n;
    }
}

package dev.dat4j.apps.lm;

import dev.dat4j.apps.GlobalOptions;
import dev.dat4j.apps.model.CheckpointModel;
import dev.dat4j.apps.run.ProgressLine;
import dev.dat4j.autograd.F;
import dev.dat4j.autograd.GradMode;
import dev.dat4j.autograd.Scope;
import dev.dat4j.autograd.Tensor;
import dev.dat4j.autograd.io.Json;
import dev.dat4j.dat.config.DualAttnTransformerLMConfig;
import dev.dat4j.dat.config.TransformerLMConfig;
import dev.dat4j.dat.models.LanguageModel;
import dev.dat4j.vecops.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code dat4j lm score}: mean next-token cross-entropy of a checkpoint on a file of token sequences. */
@Command(name = "score", mixinStandardHelpOptions = true,
        description = {"Evaluate a language-model checkpoint: mean next-token cross-entropy over every position",
                "of every sequence (eval mode, no gradients). Each line of the tokens file is one sequence",
                "of L+1 whitespace-separated token ids (all lines the same length); the model reads the",
                "first L and is scored on the last L. Prints progress, then one JSON line with loss,",
                "perplexity, tokens, sequences, seq_len. Example:",
                "  dat4j lm score --config lm.json --weights lm.safetensors --tokens val.txt"})
public final class LmScoreCommand implements Runnable {

    @Mixin
    GlobalOptions global;

    @Option(names = "--config", required = true, paramLabel = "C.json",
            description = "Model config (JSON with the reference's keyword names and \"model\").")
    Path config;

    @Option(names = "--weights", required = true, paramLabel = "W.safetensors",
            description = "Weights with the reference's state-dict names.")
    Path weights;

    @Option(names = "--tokens", required = true, paramLabel = "T.txt",
            description = "Token sequences, one per line (L+1 ids each).")
    Path tokens;

    @Option(names = "--batch-size", defaultValue = "16", paramLabel = "B",
            description = "Sequences per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Override
    public void run() {
        if (batchSize < 1) throw new IllegalArgumentException("--batch-size must be positive, got " + batchSize);
        Backend backend = global.backend();
        long start = System.nanoTime();
        try (Scope _ = Scope.open(backend)) {
            CheckpointModel cm = CheckpointModel.load(config, weights, "language model",
                    List.of(DualAttnTransformerLMConfig.class, TransformerLMConfig.class));
            LanguageModel lm = (LanguageModel) cm.model();
            TokenFile file = TokenFile.scan(tokens, lm.vocabSize());
            int seqLen = file.lineLength() - 1;
            if (seqLen > lm.maxBlockSize()) {
                throw new IllegalArgumentException(tokens + ": sequences of " + file.lineLength() + " ids give inputs of length "
                        + seqLen + ", more than the model's max_block_size " + lm.maxBlockSize() + " (" + config + ")");
            }
            lm.evalMode();
            System.err.printf("lm score: %s (%d parameters) on %s, %d sequences of %d tokens, batch %d%n",
                    cm.config().modelName(), cm.model().numParameters(), backend.name(), file.sequences(), seqLen, batchSize);
            double lossSum = score(lm, file, seqLen);
            long count = (long) file.sequences() * seqLen;
            double loss = lossSum / count;
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("loss", loss);
            out.put("perplexity", Math.exp(loss));
            out.put("tokens", count);
            out.put("sequences", file.sequences());
            out.put("seq_len", seqLen);
            out.put("model", cm.config().modelName());
            out.put("device", backend.name());
            out.put("seconds", Math.round((System.nanoTime() - start) / 1e6) / 1e3);
            System.out.println(Json.write(out));
        }
    }

    /** Sum over all sequences and positions of the next-token cross-entropy. */
    private double score(LanguageModel lm, TokenFile file, int seqLen) {
        ProgressLine progress = new ProgressLine("lm score", file.sequences(), "seqs");
        double sum = 0;
        int done = 0;
        try (GradMode _ = GradMode.noGrad(); TokenFile.Reader reader = file.reader()) {
            while (done < file.sequences()) {
                int b = Math.min(batchSize, file.sequences() - done);
                int[] input = new int[b * seqLen], target = new int[b * seqLen];
                for (int i = 0; i < b; i++) {
                    int[] row = reader.next();
                    System.arraycopy(row, 0, input, i * seqLen, seqLen);
                    System.arraycopy(row, 1, target, i * seqLen, seqLen);
                }
                double batchSum = 0;
                try (Scope _ = Scope.open()) {
                    Tensor logits = lm.forward(Tensor.ofInts(input, b, seqLen));
                    float[] losses = F.crossEntropyLosses(logits, Tensor.ofInts(target, b, seqLen), -1).toFloatArray();
                    for (float l : losses) batchSum += l;
                }
                sum += batchSum;
                done += b;
                progress.update(done, sum / ((long) done * seqLen));
            }
        }
        progress.finish();
        return sum;
    }
}

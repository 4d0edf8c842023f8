package dev.dat4j.apps.relgames;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The optimisation protocol of the learning curves (dat-spec §8.1): Adam (no weight decay, no
 * gradient clipping), constant learning rate 1e-3, betas (0.9, 0.99), eps 1e-8, batch 512,
 * shuffled every epoch, 50 epochs, no early stopping; the final model is evaluated.
 */
public record Protocol(int epochs, int batchSize, double lr, double beta1, double beta2, double eps) {
    public static final int PAPER_EPOCHS = 50;

    public Protocol {
        if (epochs < 1) throw new IllegalArgumentException("--epochs must be positive, got " + epochs);
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
    }

    /** The paper's protocol with {@code epochs} epochs (50 in the paper). */
    public static Protocol paper(int epochs) {
        return new Protocol(epochs, Batches.DEFAULT_BATCH, 1e-3, 0.9, 0.99, 1e-8);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("optimizer", "Adam");
        m.put("lr", lr);
        m.put("betas", List.of(beta1, beta2));
        m.put("eps", eps);
        m.put("weight_decay", 0.0);
        m.put("batch_size", batchSize);
        m.put("epochs", epochs);
        m.put("shuffle", true);
        return m;
    }
}

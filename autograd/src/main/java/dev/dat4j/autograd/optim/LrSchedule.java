package dev.dat4j.autograd.optim;

/**
 * Learning rate as a function of the optimizer step (counted from 0). Use:
 * {@code opt.setLr(schedule.lr(step)); opt.step();}
 */
@FunctionalInterface
public interface LrSchedule {
    float lr(long step);

    static LrSchedule constant(float lr) {
        return step -> lr;
    }

    /**
     * Linear warm-up from 0 to {@code peak} over {@code warmup} steps, then cosine decay to
     * {@code min} at {@code total} steps (held at {@code min} afterwards).
     */
    static LrSchedule warmupCosine(float peak, long warmup, long total, float min) {
        return step -> {
            if (step < warmup) return peak * (step + 1) / warmup;
            if (step >= total) return min;
            double progress = (double) (step - warmup) / Math.max(1, total - warmup);
            return (float) (min + 0.5 * (peak - min) * (1 + Math.cos(Math.PI * progress)));
        };
    }

    /** Changes only at epoch boundaries: lr(step) = epochSchedule.lr(step / stepsPerEpoch). */
    static LrSchedule perEpoch(LrSchedule epochSchedule, long stepsPerEpoch) {
        if (stepsPerEpoch <= 0) throw new IllegalArgumentException("stepsPerEpoch must be positive, got " + stepsPerEpoch);
        return step -> epochSchedule.lr(step / stepsPerEpoch);
    }

    /** lr·gamma^(epoch / every): PyTorch's StepLR, to combine with {@link #perEpoch}. */
    static LrSchedule stepDecay(float lr, float gamma, int every) {
        return epoch -> (float) (lr * Math.pow(gamma, epoch / every));
    }
}

package dev.dat4j.autograd;

/** Softmax, log-softmax and cross-entropy: fused kernels forward and backward, over the last dim. */
final class SoftmaxOps {
    private SoftmaxOps() {}

    static Tensor softmax(Tensor x, int dim, float scale, boolean causal) {
        Ops.checkFloat(x, "softmax");
        int d = Shapes.dim(dim, x.dim(), "softmax");
        if (d != x.dim() - 1) return softmax(x.transpose(d, -1), -1, scale, causal).transpose(d, -1);
        if (causal && x.dim() < 2) throw new IllegalArgumentException("softmax: causal needs (..., Tq, Tk) scores, got " + Shapes.str(x.shape));
        int cols = x.size(-1);
        int rows = Math.toIntExact(x.numel / Math.max(1, cols));
        int causalRows = causal ? x.size(-2) : 0;
        Tensor y = Ops.out(x.shape);
        x.backend.softmax(rows, cols, Ops.dense(x).buffer(), scale, causalRows, y.buffer());
        return Ops.record(y, "softmax", g -> {
            Tensor dx = Ops.out(y.shape);
            x.backend.softmaxBackward(rows, cols, y.buffer(), Ops.dense(g).buffer(), scale, dx.buffer());
            return new Tensor[] {dx};
        }, x);
    }

    static Tensor logSoftmax(Tensor x, int dim) {
        Ops.checkFloat(x, "logSoftmax");
        int d = Shapes.dim(dim, x.dim(), "logSoftmax");
        if (d != x.dim() - 1) return logSoftmax(x.transpose(d, -1), -1).transpose(d, -1);
        int cols = x.size(-1);
        int rows = Math.toIntExact(x.numel / Math.max(1, cols));
        Tensor y = Ops.out(x.shape);
        x.backend.logSoftmax(rows, cols, Ops.dense(x).buffer(), y.buffer());
        return Ops.record(y, "logSoftmax", g -> {
            Tensor dx = Ops.out(y.shape);
            x.backend.logSoftmaxBackward(rows, cols, y.buffer(), Ops.dense(g).buffer(), dx.buffer());
            return new Tensor[] {dx};
        }, x);
    }

    /** Per-row losses (reduction 'none'): logits (..., V), targets int32 (...) → (...). */
    static Tensor crossEntropyLosses(Tensor logits, Tensor targets, int ignoreIndex) {
        Ops.checkFloat(logits, "crossEntropy");
        Ops.checkInt(targets, "crossEntropy", "targets");
        int[] rowShape = java.util.Arrays.copyOf(logits.shape, Math.max(0, logits.dim() - 1));
        if (logits.dim() < 1 || !java.util.Arrays.equals(rowShape, targets.shape)) {
            throw new IllegalArgumentException("crossEntropy: logits " + Shapes.str(logits.shape) + " and targets " + Shapes.str(targets.shape)
                    + ": expected logits (..., V) and targets (...)");
        }
        int vocab = logits.size(-1);
        int rows = Math.toIntExact(targets.numel);
        Tensor ld = Ops.dense(logits), td = Ops.dense(targets);
        Tensor losses = Ops.out(rowShape);
        logits.backend.crossEntropy(rows, vocab, ld.buffer(), td.buffer(), ignoreIndex, losses.buffer());
        return Ops.record(losses, "crossEntropy", g -> {
            Tensor dl = Ops.out(logits.shape);
            logits.backend.crossEntropyBackward(rows, vocab, ld.buffer(), td.buffer(), ignoreIndex, losses.buffer(),
                    Ops.dense(g).buffer(), dl.buffer());
            return new Tensor[] {dl};
        }, logits);
    }

    /** Mean cross-entropy over the targets that are not {@code ignoreIndex} (NaN if all are ignored, as in PyTorch). */
    static Tensor crossEntropy(Tensor logits, Tensor targets, int ignoreIndex) {
        Tensor losses = crossEntropyLosses(logits, targets, ignoreIndex);
        int counted = 0;
        for (int t : targets.toIntArray()) if (t != ignoreIndex) counted++;
        return losses.sum().mul(counted == 0 ? Float.NaN : 1f / counted);
    }
}

package dev.dat4j.autograd;

import dev.dat4j.vecops.Backend;
import dev.dat4j.vecops.Buffer;
import dev.dat4j.vecops.CpuBuffer;
import dev.dat4j.vecops.UnaryOp;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * An n-dimensional array on a backend, with reverse-mode autodiff (PyTorch vocabulary).
 *
 * <p>A tensor is a view: shape + strides + offset over a storage {@link Buffer} owned by the
 * {@link Scope} that allocated it. View ops (reshape, permute, transpose, narrow, expand, ...) share
 * storage; ops that need dense input call {@link #contiguous()} (a copy only when the layout
 * requires one). Ops record a {@link Node} when gradient recording is on ({@link GradMode}) and an
 * input {@link #requiresGrad()}; {@link #backward()} then fills {@link #grad()} of the leaves.
 *
 * <p>Not final only so that {@code nn.Parameter} can extend it.
 */
public class Tensor {
    final Backend backend;
    /** The whole storage this tensor views. */
    final Buffer base;
    /** Owner of the storage; null for external memory (see {@link #wrap}). */
    final Scope scope;
    final DType dtype;
    final int[] shape;
    final long[] strides;
    final long offset;
    final long numel;
    final boolean contiguous;
    private Buffer dense;

    boolean requiresGrad;
    Tensor grad;
    Node gradFn;

    // Bookkeeping of one backward pass (see Autograd).
    Tensor pendingGrad;
    boolean pendingOwned;
    int visitMark;

    Tensor(Backend backend, Buffer base, Scope scope, DType dtype, int[] shape, long[] strides, long offset) {
        this.backend = backend;
        this.base = base;
        this.scope = scope;
        this.dtype = dtype;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
        this.numel = Shapes.numel(shape);
        this.contiguous = Shapes.isContiguous(shape, strides);
    }

    /** Shares {@code data}'s storage and layout (used by {@code nn.Parameter}). */
    protected Tensor(Tensor data) {
        this(data.backend, data.base, data.scope, data.dtype, data.shape, data.strides, data.offset);
    }

    // ================================================================ creation

    /** A new dense tensor in the current scope, contents undefined. */
    public static Tensor empty(DType dtype, int... shape) {
        return empty(Scope.current(), dtype, shape);
    }

    /** A new dense float tensor in the current scope, contents undefined. */
    public static Tensor empty(int... shape) {
        return empty(Scope.current(), DType.F32, shape);
    }

    /** A new dense tensor in {@code scope} (e.g. optimizer state in a parameter's scope), contents undefined. */
    public static Tensor empty(Scope scope, DType dtype, int... shape) {
        int[] s = Shapes.checkShape(shape);
        Buffer b = scope.allocate(Shapes.numel(s));
        return new Tensor(scope.backend(), b, scope, dtype, s, Shapes.contiguousStrides(s), 0);
    }

    /** Dense float tensor in the current scope, contents undefined, shaped like {@code t}. */
    static Tensor emptyLike(Tensor t) {
        return empty(Scope.current(), t.dtype, t.shape);
    }

    public static Tensor zeros(int... shape) {
        return full(0f, shape);
    }

    public static Tensor ones(int... shape) {
        return full(1f, shape);
    }

    public static Tensor full(float value, int... shape) {
        Tensor t = empty(shape);
        t.backend.fill(t.base, t.numel, value);
        return t;
    }

    public static Tensor zerosLike(Tensor t) {
        return zeros(t.shape);
    }

    public static Tensor onesLike(Tensor t) {
        return ones(t.shape);
    }

    /** A 0-dimensional float tensor. */
    public static Tensor scalar(float value) {
        return full(value, new int[0]);
    }

    /** Float tensor from host data (row-major), e.g. {@code Tensor.of(new float[]{1,2,3,4}, 2, 2)}. */
    public static Tensor of(float[] data, int... shape) {
        int[] s = shape.length == 0 && data.length != 1 ? new int[] {data.length} : shape;
        checkLength(data.length, s);
        Tensor t = empty(s);
        t.backend.write(t.base, data);
        return t;
    }

    /** Int32 tensor from host data (token ids, targets, indices). */
    public static Tensor ofInts(int[] data, int... shape) {
        int[] s = shape.length == 0 && data.length != 1 ? new int[] {data.length} : shape;
        checkLength(data.length, s);
        Tensor t = empty(DType.I32, s);
        t.backend.writeInts(t.base, data);
        return t;
    }

    private static void checkLength(int length, int[] shape) {
        if (Shapes.numel(shape) != length) {
            throw new IllegalArgumentException("data has " + length + " elements but shape " + Shapes.str(shape)
                    + " needs " + Shapes.numel(shape));
        }
    }

    /** Float tensor [0, 1, ..., end−1]. */
    public static Tensor arange(int end) {
        return arange(0, end, 1);
    }

    /** Float tensor [start, start+step, ...) up to end (exclusive). */
    public static Tensor arange(float start, float end, float step) {
        int n = (int) Math.max(0, Math.ceil((end - start) / step));
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = start + i * step;
        return of(v, n);
    }

    /** Standard normal samples drawn from {@code gen}. */
    public static Tensor randn(Generator gen, int... shape) {
        float[] v = new float[Math.toIntExact(Shapes.numel(shape))];
        for (int i = 0; i < v.length; i++) v[i] = (float) gen.nextGaussian();
        return of(v, shape);
    }

    /** Uniform samples in [0, 1) drawn from {@code gen}. */
    public static Tensor rand(Generator gen, int... shape) {
        float[] v = new float[Math.toIntExact(Shapes.numel(shape))];
        for (int i = 0; i < v.length; i++) v[i] = gen.nextFloat();
        return of(v, shape);
    }

    /** Int32 samples uniform in [low, high) drawn from {@code gen}. */
    public static Tensor randint(Generator gen, int low, int high, int... shape) {
        int[] v = new int[Math.toIntExact(Shapes.numel(shape))];
        for (int i = 0; i < v.length; i++) v[i] = low + gen.nextInt(high - low);
        return ofInts(v, shape);
    }

    /**
     * A dense tensor over memory the caller owns (e.g. a memory-mapped safetensors file); the
     * tensor must not be used after that memory is released.
     */
    public static Tensor wrap(Backend backend, Buffer buffer, DType dtype, int... shape) {
        int[] s = Shapes.checkShape(shape);
        if (buffer.length() < Shapes.numel(s)) {
            throw new IllegalArgumentException("buffer of " + buffer.length() + " elements is too small for shape " + Shapes.str(s));
        }
        return new Tensor(backend, buffer, null, dtype, s, Shapes.contiguousStrides(s), 0);
    }

    /** Concatenates along {@code dim} (shapes must agree elsewhere). */
    public static Tensor cat(List<Tensor> tensors, int dim) {
        return ViewOps.cat(tensors, dim);
    }

    /** Stacks equally shaped tensors along a new dimension {@code dim}. */
    public static Tensor stack(List<Tensor> tensors, int dim) {
        return ViewOps.stack(tensors, dim);
    }

    /** (n, n) float mask: 1 where column j &gt; row i (future positions), else 0. */
    public static Tensor causalMask(int n) {
        float[] m = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) m[i * n + j] = 1f;
        }
        return of(m, n, n);
    }

    // ================================================================ properties

    public int[] shape() {
        return shape.clone();
    }

    /** Size of dimension {@code dim} (negative counts from the end). */
    public int size(int dim) {
        return shape[Shapes.dim(dim, shape.length, "size")];
    }

    public int dim() {
        return shape.length;
    }

    public long numel() {
        return numel;
    }

    public DType dtype() {
        return dtype;
    }

    public long[] strides() {
        return strides.clone();
    }

    public long offset() {
        return offset;
    }

    public boolean isContiguous() {
        return contiguous;
    }

    public Backend backend() {
        return backend;
    }

    /** The scope owning this tensor's memory (null for wrapped external memory). */
    public Scope scope() {
        return scope;
    }

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Marks a leaf as needing a gradient (float tensors only); returns this. */
    public Tensor requiresGrad_(boolean value) {
        if (value && dtype != DType.F32) throw new IllegalArgumentException("only float tensors can require grad, got " + dtype);
        if (gradFn != null && !value) {
            throw new IllegalStateException("requiresGrad_(false) on a non-leaf tensor (produced by " + gradFn.op + "): use detach()");
        }
        requiresGrad = value;
        return this;
    }

    /** Accumulated gradient of a leaf after {@link #backward()}, or null. */
    public Tensor grad() {
        return grad;
    }

    /** Replaces the gradient (e.g. null to free it; shape must match). */
    public void setGrad(Tensor g) {
        if (g != null && !java.util.Arrays.equals(g.shape, shape)) {
            throw new IllegalArgumentException("setGrad: gradient shape " + Shapes.str(g.shape) + " != tensor shape " + Shapes.str(shape));
        }
        grad = g;
    }

    /** The node that produced this tensor, or null for a leaf. */
    public Node gradFn() {
        return gradFn;
    }

    public boolean isLeaf() {
        return gradFn == null;
    }

    // ================================================================ data access

    /** The elements as a dense buffer view (copying first would hide a bug, so non-dense throws). */
    public Buffer buffer() {
        checkAlive();
        if (!contiguous) throw new IllegalStateException("buffer() of a non-contiguous tensor " + Shapes.str(shape) + ": call contiguous() first");
        Buffer d = dense;
        if (d == null) dense = d = base.slice(offset, numel);
        return d;
    }

    /** The storage from this view's offset to its last reachable element (for strided kernels). */
    Buffer strided() {
        checkAlive();
        if (contiguous) return buffer();
        return base.slice(offset, Shapes.extent(shape, strides));
    }

    void checkAlive() {
        if (scope != null && !scope.isOpen()) {
            throw new IllegalStateException("tensor " + Shapes.str(shape) + " is used after its scope was closed");
        }
    }

    /** The dense elements of a CPU tensor as a memory segment (for I/O such as safetensors). */
    public MemorySegment segment() {
        return CpuBuffer.seg(buffer());
    }

    /** Copies the elements to the host (row-major). */
    public float[] toFloatArray() {
        if (dtype != DType.F32) throw new IllegalStateException("toFloatArray() of an " + dtype + " tensor: use toIntArray()");
        Tensor c = contiguousNoGrad();
        float[] out = new float[Math.toIntExact(numel)];
        backend.read(c.buffer(), out);
        return out;
    }

    /** Copies the elements of an int32 tensor to the host (row-major). */
    public int[] toIntArray() {
        if (dtype != DType.I32) throw new IllegalStateException("toIntArray() of an " + dtype + " tensor: use toFloatArray()");
        Tensor c = contiguousNoGrad();
        int[] out = new int[Math.toIntExact(numel)];
        backend.readInts(c.buffer(), out);
        return out;
    }

    /** The value of a one-element float tensor. */
    public float item() {
        if (numel != 1) throw new IllegalStateException("item() of a tensor with " + numel + " elements, shape " + Shapes.str(shape));
        return toFloatArray()[0];
    }

    private Tensor contiguousNoGrad() {
        if (contiguous) return this;
        try (var ng = GradMode.noGrad()) {
            return contiguous();
        }
    }

    // ================================================================ in-place (never recorded)

    /** Sets every element to {@code value}; returns this. */
    public Tensor fill_(float value) {
        backend.fill(buffer(), numel, value);
        return this;
    }

    /** Sets every element to 0; returns this. */
    public Tensor zero_() {
        return fill_(0f);
    }

    /** Copies {@code src} (same shape, or broadcastable to it; any backend) into this dense tensor; returns this. */
    public Tensor copy_(Tensor src) {
        if (src.dtype != dtype) throw new IllegalArgumentException("copy_: dtype " + src.dtype + " into " + dtype);
        Buffer dst = buffer();
        if (src.backend == backend) {
            if (!java.util.Arrays.equals(Shapes.broadcast(src.shape, shape, "copy_"), shape)) {
                throw new IllegalArgumentException("copy_: source shape " + Shapes.str(src.shape) + " does not broadcast to " + Shapes.str(shape));
            }
            if (src.contiguous && java.util.Arrays.equals(src.shape, shape)) backend.copy(src.buffer(), dst, numel);
            else backend.copyStrided(shape, src.strided(), Shapes.broadcastStrides(src.shape, src.strides, shape), dst);
        } else {
            if (!java.util.Arrays.equals(src.shape, shape)) {
                throw new IllegalArgumentException("copy_ across backends: shape " + Shapes.str(src.shape) + " != " + Shapes.str(shape));
            }
            if (dtype == DType.F32) backend.write(dst, src.toFloatArray());
            else backend.writeInts(dst, src.toIntArray());
        }
        return this;
    }

    // ================================================================ autograd

    /** Backpropagates from this scalar (gradient 1). */
    public void backward() {
        Autograd.backward(this, null);
    }

    /** Backpropagates {@code gradient} (same shape as this tensor). */
    public void backward(Tensor gradient) {
        Autograd.backward(this, gradient);
    }

    /** A tensor sharing this one's storage, cut from the graph. */
    public Tensor detach() {
        return new Tensor(backend, base, scope, dtype, shape, strides, offset);
    }

    // ================================================================ views and movement (ViewOps)

    public Tensor reshape(int... newShape) { return ViewOps.reshape(this, newShape); }
    /** Like {@link #reshape} but never copies (throws if the layout does not allow a view). */
    public Tensor view(int... newShape) { return ViewOps.view(this, newShape); }
    public Tensor flatten() { return reshape(-1); }
    /** Merges dimensions start..end (inclusive) into one. */
    public Tensor flatten(int start, int end) { return ViewOps.flatten(this, start, end); }
    public Tensor permute(int... dims) { return ViewOps.permute(this, dims); }
    public Tensor transpose(int dim0, int dim1) { return ViewOps.transpose(this, dim0, dim1); }
    /** Transpose of the last two dimensions. */
    public Tensor t() { return ViewOps.transpose(this, -2, -1); }
    public Tensor narrow(int dim, int start, int length) { return ViewOps.narrow(this, dim, start, length); }
    /** Index {@code index} of dimension {@code dim}, removing that dimension. */
    public Tensor select(int dim, int index) { return ViewOps.select(this, dim, index); }
    public Tensor unsqueeze(int dim) { return ViewOps.unsqueeze(this, dim); }
    public Tensor squeeze(int dim) { return ViewOps.squeeze(this, dim); }
    public Tensor expand(int... newShape) { return ViewOps.expand(this, newShape); }
    public Tensor contiguous() { return ViewOps.contiguous(this); }
    /** Splits along {@code dim} into pieces of {@code size} (the last may be smaller). */
    public List<Tensor> split(int size, int dim) { return ViewOps.split(this, size, dim); }
    /** Splits along {@code dim} into pieces of the given sizes. */
    public List<Tensor> split(int[] sizes, int dim) { return ViewOps.split(this, sizes, dim); }
    /** Splits along {@code dim} into {@code chunks} nearly equal pieces. */
    public List<Tensor> chunk(int chunks, int dim) { return ViewOps.chunk(this, chunks, dim); }

    // ================================================================ elementwise (PointwiseOps)

    public Tensor add(Tensor o) { return PointwiseOps.add(this, o); }
    public Tensor sub(Tensor o) { return PointwiseOps.sub(this, o); }
    public Tensor mul(Tensor o) { return PointwiseOps.mul(this, o); }
    public Tensor div(Tensor o) { return PointwiseOps.div(this, o); }
    public Tensor add(float s) { return PointwiseOps.affine(this, 1f, s, "add"); }
    public Tensor sub(float s) { return PointwiseOps.affine(this, 1f, -s, "sub"); }
    public Tensor mul(float s) { return PointwiseOps.affine(this, s, 0f, "mul"); }
    public Tensor div(float s) { return PointwiseOps.affine(this, 1f / s, 0f, "div"); }
    /** {@code s − this}. */
    public Tensor rsub(float s) { return PointwiseOps.affine(this, -1f, s, "rsub"); }
    public Tensor neg() { return PointwiseOps.unary(this, UnaryOp.NEG); }
    public Tensor abs() { return PointwiseOps.unary(this, UnaryOp.ABS); }
    public Tensor exp() { return PointwiseOps.unary(this, UnaryOp.EXP); }
    public Tensor log() { return PointwiseOps.unary(this, UnaryOp.LOG); }
    public Tensor sqrt() { return PointwiseOps.unary(this, UnaryOp.SQRT); }
    public Tensor rsqrt() { return PointwiseOps.unary(this, UnaryOp.RSQRT); }
    public Tensor square() { return PointwiseOps.unary(this, UnaryOp.SQUARE); }
    public Tensor reciprocal() { return PointwiseOps.unary(this, UnaryOp.RECIPROCAL); }
    public Tensor tanh() { return PointwiseOps.unary(this, UnaryOp.TANH); }
    public Tensor sigmoid() { return PointwiseOps.unary(this, UnaryOp.SIGMOID); }
    public Tensor relu() { return PointwiseOps.unary(this, UnaryOp.RELU); }
    /** GELU, tanh approximation (PyTorch {@code approximate='tanh'}). */
    public Tensor gelu() { return PointwiseOps.unary(this, UnaryOp.GELU_TANH); }
    public Tensor silu() { return PointwiseOps.unary(this, UnaryOp.SILU); }
    public Tensor pow(float p) { return PointwiseOps.pow(this, p); }
    /** 1.0 where equal, else 0.0 (no gradient). */
    public Tensor eq(Tensor o) { return PointwiseOps.compare(this, o, dev.dat4j.vecops.BinaryOp.EQ); }
    /** 1.0 where this &gt; o, else 0.0 (no gradient). */
    public Tensor gt(Tensor o) { return PointwiseOps.compare(this, o, dev.dat4j.vecops.BinaryOp.GT); }
    /** {@code value} where {@code mask} is non-zero, else this (mask broadcasts). */
    public Tensor maskedFill(Tensor mask, float value) { return PointwiseOps.maskedFill(this, mask, value); }
    /** {@code a} where {@code cond} is non-zero, else {@code b} (all three broadcast). */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) { return PointwiseOps.where(cond, a, b); }

    // ================================================================ reductions (ReduceOps)

    /** Sum of all elements (0-dimensional). */
    public Tensor sum() { return ReduceOps.sum(this, null, false); }
    public Tensor sum(int dim, boolean keepdim) { return ReduceOps.sum(this, new int[] {dim}, keepdim); }
    public Tensor sum(int[] dims, boolean keepdim) { return ReduceOps.sum(this, dims, keepdim); }
    public Tensor mean() { return ReduceOps.mean(this, null, false); }
    public Tensor mean(int dim, boolean keepdim) { return ReduceOps.mean(this, new int[] {dim}, keepdim); }
    public Tensor mean(int[] dims, boolean keepdim) { return ReduceOps.mean(this, dims, keepdim); }
    /** Maximum along {@code dim} (gradient flows to the first maximal element). */
    public Tensor max(int dim, boolean keepdim) { return ReduceOps.max(this, dim, keepdim); }
    /** Variance along {@code dim}; {@code unbiased} divides by n−1 (PyTorch's default). */
    public Tensor var(int dim, boolean unbiased, boolean keepdim) { return ReduceOps.var(this, dim, unbiased, keepdim); }
    /** Int32 index of the maximum along {@code dim}. */
    public Tensor argmax(int dim, boolean keepdim) { return ReduceOps.argmax(this, dim, keepdim); }

    // ================================================================ matmul, softmax, indexing

    /** Matrix product with batch broadcasting (PyTorch {@code matmul}). */
    public Tensor matmul(Tensor o) { return MatmulOps.matmul(this, o); }
    /** Softmax along {@code dim}. */
    public Tensor softmax(int dim) { return SoftmaxOps.softmax(this, dim, 1f, false); }
    /**
     * Softmax of {@code scale·this} over the last dim; with {@code causal}, the last two dims
     * (Tq, Tk) are attention scores and keys after query i (+ Tk − Tq) get probability 0.
     */
    public Tensor softmax(float scale, boolean causal) { return SoftmaxOps.softmax(this, -1, scale, causal); }
    public Tensor logSoftmax(int dim) { return SoftmaxOps.logSoftmax(this, dim); }
    /** Gathers along the last dim: out[..., j] = this[..., index[..., j]] ({@code index} int32). */
    public Tensor gather(int dim, Tensor index) { return IndexOps.gather(this, dim, index); }

    @Override
    public String toString() {
        return "Tensor(shape=" + Shapes.str(shape) + ", dtype=" + dtype
                + (gradFn != null ? ", grad_fn=" + gradFn : requiresGrad ? ", requires_grad" : "") + ")";
    }
}

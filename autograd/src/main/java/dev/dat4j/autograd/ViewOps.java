package dev.dat4j.autograd;

import dev.dat4j.vecops.Buffer;
import dev.dat4j.vecops.StridedCopy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Views and data movement: reshape, permute, narrow, expand, squeeze, contiguous, cat, split.
 * Views share storage and cost no kernel; their backward rules are the inverse view (or a sum
 * for expand, a zero-padded placement for narrow).
 */
final class ViewOps {
    private ViewOps() {}

    /** A view of {@code x}'s storage with another layout (graph recorded by the caller). */
    private static Tensor as(Tensor x, int[] shape, long[] strides, long offset) {
        return new Tensor(x.backend, x.base, x.scope, x.dtype, shape, strides, offset);
    }

    static Tensor reshape(Tensor x, int[] newShape) {
        int[] shape = Shapes.inferShape(newShape, x.numel, x.shape);
        long[] st = Shapes.viewStrides(x.shape, x.strides, shape);
        Tensor src = x;
        if (st == null) {
            src = Ops.dense(x);
            st = Shapes.contiguousStrides(shape);
        }
        return reshaped(x, as(src, shape, st, src.offset), "reshape");
    }

    static Tensor view(Tensor x, int[] newShape) {
        int[] shape = Shapes.inferShape(newShape, x.numel, x.shape);
        long[] st = Shapes.viewStrides(x.shape, x.strides, shape);
        if (st == null) {
            throw new IllegalArgumentException("view: shape " + Shapes.str(x.shape) + " with strides " + Arrays.toString(x.strides)
                    + " cannot be viewed as " + Shapes.str(newShape) + " without a copy: use reshape()");
        }
        return reshaped(x, as(x, shape, st, x.offset), "view");
    }

    private static Tensor reshaped(Tensor x, Tensor y, String op) {
        int[] inShape = x.shape;
        return Ops.record(y, op, g -> new Tensor[] {g.reshape(inShape)}, x);
    }

    static Tensor flatten(Tensor x, int start, int end) {
        int s = Shapes.dim(start, Math.max(1, x.dim()), "flatten"), e = Shapes.dim(end, Math.max(1, x.dim()), "flatten");
        if (x.dim() == 0) return reshape(x, new int[] {1});
        int[] shape = new int[x.dim() - (e - s)];
        for (int i = 0; i < s; i++) shape[i] = x.shape[i];
        shape[s] = (int) Ops.prod(x.shape, s, e + 1);
        for (int i = e + 1; i < x.dim(); i++) shape[i - (e - s)] = x.shape[i];
        return reshape(x, shape);
    }

    static Tensor permute(Tensor x, int[] dims) {
        int r = x.dim();
        if (dims.length != r) {
            throw new IllegalArgumentException("permute: " + dims.length + " dims " + Arrays.toString(dims) + " for a tensor of shape " + Shapes.str(x.shape));
        }
        int[] shape = new int[r], inverse = new int[r];
        long[] st = new long[r];
        boolean[] seen = new boolean[r];
        for (int i = 0; i < r; i++) {
            int d = Shapes.dim(dims[i], r, "permute");
            if (seen[d]) throw new IllegalArgumentException("permute: repeated dimension in " + Arrays.toString(dims));
            seen[d] = true;
            shape[i] = x.shape[d];
            st[i] = x.strides[d];
            inverse[d] = i;
        }
        return Ops.record(as(x, shape, st, x.offset), "permute", g -> new Tensor[] {g.permute(inverse)}, x);
    }

    static Tensor transpose(Tensor x, int d0, int d1) {
        int r = x.dim();
        int a = Shapes.dim(d0, r, "transpose"), b = Shapes.dim(d1, r, "transpose");
        int[] p = new int[r];
        for (int i = 0; i < r; i++) p[i] = i;
        p[a] = b;
        p[b] = a;
        return permute(x, p);
    }

    static Tensor narrow(Tensor x, int dim, int start, int length) {
        int d = Shapes.dim(dim, x.dim(), "narrow");
        if (start < 0 || length < 0 || start + length > x.shape[d]) {
            throw new IllegalArgumentException("narrow: range [" + start + ", " + (start + length) + ") is outside dimension " + d
                    + " of shape " + Shapes.str(x.shape));
        }
        int[] shape = x.shape.clone();
        shape[d] = length;
        int[] inShape = x.shape;
        return Ops.record(as(x, shape, x.strides, x.offset + start * x.strides[d]), "narrow",
                g -> new Tensor[] {assemble(inShape, d, List.of(g), new int[] {start})}, x);
    }

    static Tensor select(Tensor x, int dim, int index) {
        int d = Shapes.dim(dim, x.dim(), "select");
        return squeeze(narrow(x, d, index, 1), d);
    }

    static Tensor unsqueeze(Tensor x, int dim) {
        int r = x.dim() + 1;
        int d = Shapes.dim(dim, r, "unsqueeze");
        int[] shape = new int[r];
        long[] st = new long[r];
        for (int i = 0, j = 0; i < r; i++) {
            if (i == d) {
                shape[i] = 1;
                st[i] = j < x.dim() ? x.strides[j] * x.shape[j] : 1;
            } else {
                shape[i] = x.shape[j];
                st[i] = x.strides[j++];
            }
        }
        return reshaped(x, as(x, shape, st, x.offset), "unsqueeze");
    }

    static Tensor squeeze(Tensor x, int dim) {
        int d = Shapes.dim(dim, x.dim(), "squeeze");
        if (x.shape[d] != 1) return x;
        int r = x.dim() - 1;
        int[] shape = new int[r];
        long[] st = new long[r];
        for (int i = 0, j = 0; i < x.dim(); i++) {
            if (i == d) continue;
            shape[j] = x.shape[i];
            st[j++] = x.strides[i];
        }
        return reshaped(x, as(x, shape, st, x.offset), "squeeze");
    }

    /** Broadcast view: size-1 dims (and new leading dims) repeat with stride 0; -1 keeps a size. */
    static Tensor expand(Tensor x, int[] newShape) {
        int r = newShape.length, lead = r - x.dim();
        if (lead < 0) {
            throw new IllegalArgumentException("expand: target " + Shapes.str(newShape) + " has fewer dims than shape " + Shapes.str(x.shape));
        }
        int[] shape = new int[r];
        long[] st = new long[r];
        for (int i = 0; i < r; i++) {
            int src = i - lead >= 0 ? x.shape[i - lead] : 1;
            int want = newShape[i] == -1 && i >= lead ? src : newShape[i];
            if (src != want && src != 1) {
                throw new IllegalArgumentException("expand: shape " + Shapes.str(x.shape) + " cannot be expanded to " + Shapes.str(newShape));
            }
            shape[i] = want;
            st[i] = src == want && i >= lead ? x.strides[i - lead] : 0;
        }
        int[] inShape = x.shape;
        return Ops.record(as(x, shape, st, x.offset), "expand", g -> new Tensor[] {ReduceOps.sumTo(g, inShape)}, x);
    }

    static Tensor contiguous(Tensor x) {
        if (x.contiguous) return x;
        return Ops.record(Ops.dense(x), "contiguous", g -> new Tensor[] {g}, x);
    }

    static Tensor cat(List<Tensor> xs, int dim) {
        if (xs.isEmpty()) throw new IllegalArgumentException("cat: no tensors");
        Tensor first = xs.getFirst();
        int d = Shapes.dim(dim, first.dim(), "cat");
        int[] shape = first.shape.clone();
        int[] starts = new int[xs.size()];
        int total = 0;
        for (int i = 0; i < xs.size(); i++) {
            Tensor x = xs.get(i);
            boolean ok = x.dim() == first.dim() && x.dtype == first.dtype && x.backend == first.backend;
            for (int k = 0; ok && k < shape.length; k++) ok = k == d || x.shape[k] == shape[k];
            if (!ok) {
                throw new IllegalArgumentException("cat: tensor " + i + " has shape " + Shapes.str(x.shape) + " (" + x.dtype
                        + "), incompatible with " + Shapes.str(first.shape) + " (" + first.dtype + ") along dim " + d);
            }
            starts[i] = total;
            total += x.shape[d];
        }
        shape[d] = total;
        Tensor out = assemble(shape, d, xs, starts);
        Tensor[] inputs = xs.toArray(new Tensor[0]);
        return Ops.record(out, "cat", g -> {
            Tensor[] gs = new Tensor[inputs.length];
            for (int i = 0; i < gs.length; i++) gs[i] = g.narrow(d, starts[i], inputs[i].shape[d]);
            return gs;
        }, inputs);
    }

    static Tensor stack(List<Tensor> xs, int dim) {
        if (xs.isEmpty()) throw new IllegalArgumentException("stack: no tensors");
        int d = Shapes.dim(dim, xs.getFirst().dim() + 1, "stack");
        List<Tensor> us = new ArrayList<>(xs.size());
        for (Tensor x : xs) {
            if (!Arrays.equals(x.shape, xs.getFirst().shape)) {
                throw new IllegalArgumentException("stack: shapes " + Shapes.str(xs.getFirst().shape) + " and " + Shapes.str(x.shape) + " differ");
            }
            us.add(unsqueeze(x, d));
        }
        return cat(us, d);
    }

    static List<Tensor> split(Tensor x, int size, int dim) {
        int d = Shapes.dim(dim, x.dim(), "split");
        if (size <= 0) throw new IllegalArgumentException("split: size must be positive, got " + size);
        List<Tensor> out = new ArrayList<>();
        for (int s = 0; s < x.shape[d]; s += size) out.add(narrow(x, d, s, Math.min(size, x.shape[d] - s)));
        return out;
    }

    static List<Tensor> split(Tensor x, int[] sizes, int dim) {
        int d = Shapes.dim(dim, x.dim(), "split");
        int sum = 0;
        for (int s : sizes) sum += s;
        if (sum != x.shape[d]) {
            throw new IllegalArgumentException("split: sizes " + Arrays.toString(sizes) + " do not add up to dimension " + d + " of shape " + Shapes.str(x.shape));
        }
        List<Tensor> out = new ArrayList<>();
        int start = 0;
        for (int s : sizes) {
            out.add(narrow(x, d, start, s));
            start += s;
        }
        return out;
    }

    static List<Tensor> chunk(Tensor x, int chunks, int dim) {
        int d = Shapes.dim(dim, x.dim(), "chunk");
        return split(x, Math.max(1, (x.shape[d] + chunks - 1) / chunks), d);
    }

    /**
     * A tensor of {@code shape} whose slices [starts[i], starts[i] + piece.shape[dim]) along
     * {@code dim} hold the pieces, zero elsewhere (not recorded).
     *
     * <p>On a backend with {@link StridedCopy} (the CPU ones) the result is row-major and each
     * piece is copied into its slice. {@code Backend.copyStrided} writes only dense outputs, so
     * elsewhere the result is built with {@code dim} moved to the front, where every piece is one
     * dense block, and returned as a permuted view of that buffer (a dense tensor when dim is 0):
     * along the last dim a transposed layout, which consumers that need rows copy once more.
     */
    static Tensor assemble(int[] shape, int dim, List<Tensor> pieces, int[] starts) {
        if (dim != 0 && pieces.getFirst().backend instanceof StridedCopy copier) return assembleRows(shape, dim, pieces, starts, copier);
        int r = shape.length;
        int[] order = new int[r];
        order[0] = dim;
        for (int i = 0, j = 1; i < r; i++) if (i != dim) order[j++] = i;
        int[] front = new int[r];
        for (int i = 0; i < r; i++) front[i] = shape[order[i]];
        Tensor buf = Ops.out(pieces.getFirst().dtype, front);
        Buffer all = buf.buffer();
        long inner = shape[dim] == 0 ? 0 : buf.numel / shape[dim];
        var be = buf.backend;
        int covered = 0;
        for (int i = 0; i < pieces.size(); i++) {
            Tensor p = pieces.get(i);
            if (starts[i] > covered) be.fill(all.slice(covered * inner, (starts[i] - covered) * inner), (starts[i] - covered) * inner, 0f);
            int[] pShape = new int[r];
            long[] pStrides = new long[r];
            for (int k = 0; k < r; k++) {
                pShape[k] = p.shape[order[k]];
                pStrides[k] = p.strides[order[k]];
            }
            long n = (long) p.shape[dim] * inner;
            Buffer dst = all.slice(starts[i] * inner, n);
            if (p.contiguous && dim == 0) be.copy(p.buffer(), dst, n);
            else if (n > 0) be.copyStrided(pShape, p.strided(), pStrides, dst);
            covered = starts[i] + p.shape[dim];
        }
        if (covered < shape[dim]) be.fill(all.slice(covered * inner), (shape[dim] - covered) * inner, 0f);
        long[] st = new long[r];
        long[] frontStrides = Shapes.contiguousStrides(front);
        for (int i = 0; i < r; i++) st[order[i]] = frontStrides[i];
        return new Tensor(buf.backend, buf.base, buf.scope, buf.dtype, shape, st, 0);
    }

    /** {@link #assemble} into a row-major result: zeros first where the pieces leave gaps, then each piece into its slice. */
    private static Tensor assembleRows(int[] shape, int dim, List<Tensor> pieces, int[] starts, StridedCopy copier) {
        Tensor out = Ops.out(pieces.getFirst().dtype, shape);
        int covered = 0; // pieces laid end to end from 0 cover [0, covered)
        for (int i = 0; i < pieces.size() && starts[i] == covered; i++) covered += pieces.get(i).shape[dim];
        if (covered != shape[dim]) out.backend.fill(out.buffer(), out.numel, 0f);
        for (int i = 0; i < pieces.size(); i++) {
            Tensor p = pieces.get(i);
            if (p.numel == 0) continue;
            copier.copyStrided(p.shape, p.strided(), p.strides, out.buffer().slice(starts[i] * out.strides[dim]), out.strides);
        }
        return out;
    }
}

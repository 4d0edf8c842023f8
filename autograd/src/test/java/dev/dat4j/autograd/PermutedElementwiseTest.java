package dev.dat4j.autograd;

import dev.dat4j.vecops.Backends;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Elementwise ops on same-shape permuted views (copied densely first, outputs stay row-major) and
 * the backward pass's gradient sums (flat over a permuted operand's memory order): values, layouts
 * and gradients.
 */
class PermutedElementwiseTest {
    private Scope scope;
    private final Generator gen = new Generator(7);

    @BeforeEach
    void open() {
        scope = Scope.open(Backends.cpu());
    }

    @AfterEach
    void close() {
        scope.close();
    }

    /** The four binary ops on (a, b) equal the same ops on dense copies, for several layout pairs. */
    @Test
    void valuesMatchDenseOperands() {
        Tensor x = Tensor.randn(gen, 2, 5, 3, 4), y = Tensor.randn(gen, 2, 5, 3, 4);
        Tensor[][] pairs = {
                {x.permute(0, 2, 1, 3), y.permute(0, 2, 1, 3)},                      // same permuted layout
                {x.permute(0, 2, 1, 3), y.permute(0, 2, 1, 3).contiguous()},         // permuted + row-major
                {x.permute(0, 2, 1, 3).contiguous(), y.permute(0, 2, 1, 3)},         // row-major + permuted
                {x.permute(3, 1, 2, 0), Tensor.randn(gen, 2, 3, 4, 5).permute(2, 3, 1, 0)},  // two different orders
                {x.permute(0, 2, 1, 3), y.reshape(2, 3, 5, 4).transpose(-1, -2).transpose(-1, -2)},
                {x.narrow(1, 1, 3).permute(0, 2, 1, 3), y.narrow(1, 2, 3).permute(0, 2, 1, 3)},  // neither dense
        };
        for (Tensor[] p : pairs) {
            Tensor a = p[0], b = p[1];
            Tensor ad = a.contiguous(), bd = b.contiguous();
            assertArrayEquals(ad.add(bd).toFloatArray(), a.add(b).toFloatArray());
            assertArrayEquals(ad.sub(bd).toFloatArray(), a.sub(b).toFloatArray());
            assertArrayEquals(ad.mul(bd).toFloatArray(), a.mul(b).toFloatArray());
            assertArrayEquals(ad.div(bd).toFloatArray(), a.div(b).toFloatArray());
        }
    }

    @Test
    void forwardOutputsStayRowMajor() {
        Tensor a = Tensor.randn(gen, 2, 5, 3, 4).permute(0, 2, 1, 3), b = Tensor.randn(gen, 2, 5, 3, 4).permute(0, 2, 1, 3);
        assertTrue(a.add(b).isContiguous(), "views of the result keep working");
    }

    /** The backward pass sums gradients in a permuted operand's memory order, copying only the other one. */
    @Test
    void gradientSumsKeepAPermutedLayout() {
        Tensor a = Tensor.randn(gen, 2, 5, 3, 4).permute(0, 2, 1, 3);
        Tensor b = Tensor.randn(gen, 2, 3, 5, 4);
        Tensor sum = PointwiseOps.addAnyLayout(a, b);
        assertArrayEquals(a.strides, sum.strides);
        assertArrayEquals(a.contiguous().add(b).toFloatArray(), sum.toFloatArray());
        Tensor same = PointwiseOps.addAnyLayout(a, a);
        assertArrayEquals(a.strides, same.strides);
        assertArrayEquals(a.contiguous().mul(2f).toFloatArray(), same.toFloatArray());
        Tensor rowMajor = PointwiseOps.addAnyLayout(b, a);
        assertArrayEquals(b.strides, rowMajor.strides);
        assertArrayEquals(b.add(a.contiguous()).toFloatArray(), rowMajor.toFloatArray());
    }

    @Test
    void gradientsFlowThroughPermutedOperands() {
        Tensor a = Tensor.randn(gen, 2, 4, 3).requiresGrad_(true), b = Tensor.randn(gen, 2, 3, 4).requiresGrad_(true);
        Gradcheck.check("add(permuted, permuted)", (List<Tensor> in) -> in.get(0).transpose(1, 2).add(in.get(1)).mul(in.get(1)), a, b);
        Gradcheck.check("mul(permuted, same layout)", (List<Tensor> in) -> in.get(0).transpose(1, 2).mul(in.get(1).transpose(1, 2).contiguous().transpose(1, 2)), a, b);
    }
}

package dev.dat4j.dat.models;

import dev.dat4j.autograd.F;
import dev.dat4j.autograd.Generator;
import dev.dat4j.autograd.Tensor;
import dev.dat4j.autograd.nn.Init;
import dev.dat4j.autograd.nn.Layer;
import dev.dat4j.autograd.nn.LayerNorm;
import dev.dat4j.autograd.nn.Linear;
import dev.dat4j.autograd.nn.Module;
import dev.dat4j.autograd.nn.Parameter;
import dev.dat4j.dat.config.CodeEra;
import dev.dat4j.dat.config.NormType;
import dev.dat4j.dat.config.VisionGeometry;
import dev.dat4j.dat.layers.LayerDict;
import dev.dat4j.dat.layers.Norms;
import dev.dat4j.dat.layers.Rope;

import java.util.Arrays;
import java.util.List;

/**
 * The part shared by the two vision models (dat-spec §7.3): patch embedding
 * ({@code to_patch_embedding.1} LayerNorm(patch_dim), {@code .2} Linear, {@code .3} LayerNorm(d)),
 * {@code pos_embedding} and {@code cls_token} (both N(0, 1)), pooling and the classifier
 * {@code final_out}. Subclasses register their blocks between {@link #registerFront} and {@link #registerHead}.
 */
public abstract sealed class VisionModel extends Module permits VisionDualAttnTransformer, VisionTransformer {
    private final VisionGeometry geo;
    private final String pool;
    private final float dropout;
    private final Generator gen;
    private Layer patchNorm, patchLinear, embedNorm, headNorm, classifier;
    private Parameter posEmbedding, clsToken;
    protected final Rope rope;

    protected VisionModel(VisionGeometry geo, int d, double dropout, String pool, boolean useRope, int totalHeads,
                          Generator gen) {
        this.geo = geo;
        this.pool = pool;
        this.dropout = (float) dropout;
        this.gen = gen;
        this.rope = useRope ? Rope.tables(d / totalHeads, geo.numTokens()) : null;
    }

    protected final void registerFront(int d) {
        LayerDict patch = register("to_patch_embedding", new LayerDict());
        patchNorm = patch.put("1", new LayerNorm(geo.patchDim()));
        patchLinear = patch.put("2", new Linear(geo.patchDim(), d, true, gen));
        embedNorm = patch.put("3", new LayerNorm(d));
        posEmbedding = registerParameter("pos_embedding", Parameter.zeros(1, geo.numTokens(), d));
        Init.normal_(posEmbedding, 0, 1, gen);
        clsToken = registerParameter("cls_token", Parameter.zeros(1, 1, d));
        Init.normal_(clsToken, 0, 1, gen);
    }

    /** {@code final_out}: era 2 a Sequential [norm if final_norm, Linear]; era 1 a plain Linear. */
    protected final void registerHead(CodeEra era, boolean finalNorm, NormType normType, int d, int classes) {
        if (era.isEra1()) {
            classifier = register("final_out", new Linear(d, classes, true, gen));
            return;
        }
        LayerDict seq = register("final_out", new LayerDict());
        int i = 0;
        if (finalNorm) headNorm = seq.put(String.valueOf(i++), Norms.create(normType, d));
        classifier = seq.put(String.valueOf(i), new Linear(d, classes, true, gen));
    }

    /** images (B, C, H, W) → logits (B, num_classes). */
    public abstract Tensor forward(Tensor images);

    /** Mean cross-entropy against labels (B) int32 (−1 is ignored). */
    public Tensor loss(Tensor images, Tensor labels) {
        return F.crossEntropy(forward(images), labels, -1);
    }

    /** images (B, C, H, W) → tokens (B, 1 + patches, d): cls token first, positions added, dropout. */
    protected final Tensor tokens(Tensor images) {
        int[] s = images.shape();
        int ph = geo.patchHeight(), pw = geo.patchWidth();
        if (s.length != 4 || s[1] != geo.channels() || s[2] % ph != 0 || s[3] % pw != 0
                || (s[2] / ph) * (s[3] / pw) > geo.numPatches()) {
            throw new IllegalArgumentException("vision model: images of shape " + Arrays.toString(s)
                    + ", expected (B, " + geo.channels() + ", H, W) with H, W multiples of the patch size (" + ph + ", "
                    + pw + ") and at most " + geo.numPatches() + " patches");
        }
        int b = s[0], gh = s[2] / ph, gw = s[3] / pw, n = gh * gw;
        // patch order: grid row-major; inside a patch (row, column, channel), channel fastest
        Tensor patches = images.view(b, s[1], gh, ph, gw, pw).permute(0, 2, 4, 3, 5, 1).reshape(b, n, geo.patchDim());
        Tensor z = embedNorm.forward(patchLinear.forward(patchNorm.forward(patches)));
        Tensor cls = clsToken.expand(b, 1, z.size(2));
        Tensor x = Tensor.cat(List.of(cls, z), 1).add(posEmbedding.narrow(1, 0, n + 1));
        return F.dropout(x, dropout, isTraining(), gen);
    }

    /** Pooling (the cls token, or the mean over all tokens including cls), final norm, classifier. */
    protected final Tensor classify(Tensor x) {
        Tensor pooled = pool.equals("cls") ? x.select(1, 0) : x.mean(1, false);
        if (headNorm != null) pooled = headNorm.forward(pooled);
        return classifier.forward(pooled);
    }
}

package dev.dat4j.apps.relgames;

import dev.dat4j.autograd.io.Json;
import dev.dat4j.dat.config.ModelConfig;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A model of the Relational Games learning curves (dat-spec §7.4, §8.1; the v1 figure, code era 1):
 * a ViT over the 3×3 grid of 12×12 cells (9 patch tokens + cls = 10 tokens), d = 128, dff = 256,
 * 2 layers, SwiGLU, dropout 0.1, pre-norm, mean pooling, no block biases and a bare
 * {@code Linear(128 → 2)} classifier. The Transformer has {@code sa} heads; the DAT has {@code sa}
 * self-attention and {@code ra} relational heads with positional symbols (max_length 10), symmetric
 * relations, {@code n_relations = ra} and the era-1 {@code rel_proj_dim = d / n_relations}.
 *
 * <p>Names, as used on the command line and in result files: {@code transformer} (2 heads),
 * {@code transformer8} (8 heads), {@code dat11} (DAT (1,1)), {@code dat02} (DAT (0,2)); heads
 * of 10 or more are written {@code dat_sa10_ra2}.
 *
 * @param dat whether this is a DAT (else a Transformer)
 * @param sa  self-attention heads
 * @param ra  relational heads (0 for a Transformer)
 */
public record RelgamesModel(boolean dat, int sa, int ra) {
    public static final int D_MODEL = 128;
    public static final int DFF = 256;
    public static final int LAYERS = 2;
    public static final double DROPOUT = 0.1;
    /** Positional symbols cover the 10 tokens. */
    public static final int MAX_LENGTH = 10;

    private static final Pattern TRANSFORMER = Pattern.compile("transformer(\\d*)");
    private static final Pattern DAT_SHORT = Pattern.compile("dat(\\d)(\\d)");
    private static final Pattern DAT_LONG = Pattern.compile("dat_sa(\\d+)_ra(\\d+)");

    public RelgamesModel {
        if (sa < 0 || ra < 0) throw new IllegalArgumentException("head counts must not be negative, got sa " + sa + ", ra " + ra);
        if (!dat && (sa < 1 || ra != 0)) {
            throw new IllegalArgumentException("a transformer has --sa >= 1 self-attention heads and --ra 0, got sa " + sa + ", ra " + ra);
        }
        if (dat && ra < 1) throw new IllegalArgumentException("a DAT needs --ra >= 1 relational heads, got " + ra);
        if (D_MODEL % (sa + ra) != 0) {
            throw new IllegalArgumentException("the total head count " + (sa + ra) + " must divide d_model " + D_MODEL);
        }
    }

    /** The paper's Transformer (2, 0). */
    public static RelgamesModel transformer() {
        return new RelgamesModel(false, 2, 0);
    }

    /** The paper's DAT (sa, ra). */
    public static RelgamesModel dat(int sa, int ra) {
        return new RelgamesModel(true, sa, ra);
    }

    /** From {@code --model transformer|dat --sa A --ra B}; null head counts take the defaults (2,0) and (0,2). */
    public static RelgamesModel of(String kind, Integer sa, Integer ra) {
        return switch (kind.toLowerCase(Locale.ROOT)) {
            case "transformer" -> new RelgamesModel(false, sa == null ? 2 : sa, ra == null ? 0 : ra);
            case "dat" -> new RelgamesModel(true, sa == null ? 0 : sa, ra == null ? 2 : ra);
            default -> throw new IllegalArgumentException("unknown --model '" + kind + "'; expected transformer or dat");
        };
    }

    /** Parses a name such as {@code transformer}, {@code dat02} or {@code dat_sa1_ra1}. */
    public static RelgamesModel parse(String name) {
        String s = name.trim().toLowerCase(Locale.ROOT);
        Matcher m = TRANSFORMER.matcher(s);
        if (m.matches()) return new RelgamesModel(false, m.group(1).isEmpty() ? 2 : Integer.parseInt(m.group(1)), 0);
        m = DAT_SHORT.matcher(s);
        if (!m.matches()) m = DAT_LONG.matcher(s);
        if (m.matches()) return new RelgamesModel(true, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        throw new IllegalArgumentException("unknown model '" + name
                + "'; expected transformer, transformer<heads> (e.g. transformer8), dat<sa><ra> (e.g. dat11, dat02) or dat_sa<A>_ra<B>");
    }

    /** The canonical name, which {@link #parse} reads back. */
    public String name() {
        if (!dat) return sa == 2 ? "transformer" : "transformer" + sa;
        return sa < 10 && ra < 10 ? "dat" + sa + ra : "dat_sa" + sa + "_ra" + ra;
    }

    /** The paper's legend, e.g. {@code DAT (0,2)}. */
    public String label() {
        return (dat ? "DAT" : "Transformer") + " (" + sa + "," + ra + ")";
    }

    /** The model config, with the reference implementation's keyword names. */
    public ModelConfig config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", dat ? "VisionDualAttnTransformer" : "VisionTransformer");
        m.put("code_era", 1);
        m.put("image_shape", new int[] {Canvas.CHANNELS, Canvas.SIDE, Canvas.SIDE});
        m.put("patch_size", new int[] {Canvas.CELL, Canvas.CELL});
        m.put("num_classes", 2);
        m.put("d_model", D_MODEL);
        m.put("n_layers", LAYERS);
        m.put("dff", DFF);
        m.put("dropout_rate", DROPOUT);
        m.put("activation", "swiglu");
        m.put("norm_first", true);
        m.put("bias", false);
        m.put("pool", "mean");
        if (dat) {
            m.put("n_heads_sa", sa);
            m.put("n_heads_ra", ra);
            m.put("symbol_retrieval", "positional_symbols");
            m.put("symbol_retrieval_kwargs", Map.of("symbol_dim", D_MODEL, "max_length", MAX_LENGTH));
            m.put("ra_kwargs", Map.of("symmetric_rels", true, "n_relations", ra));
        } else {
            m.put("n_heads", sa);
        }
        return ModelConfig.parse(Json.write(m));
    }
}

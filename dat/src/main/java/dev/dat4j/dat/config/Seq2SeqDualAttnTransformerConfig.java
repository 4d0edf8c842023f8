package dev.dat4j.dat.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code Seq2SeqDualAttnTransformer} (dat-spec §7.2). Reference quirks kept: the model builds
 * {@code n_layers_enc} decoder blocks ({@code n_layers_dec} is ignored, see {@link #decoderDepth()}),
 * {@code tie_weights} has no effect, there is no final norm. {@code pos_enc_type}:
 * {@code "sinusoidal"} (×√d), {@code "learned"} (×√d) or {@code "RoPE"}.
 */
public record Seq2SeqDualAttnTransformerConfig(CodeEra codeEra, SequenceSpec inputSpec, SequenceSpec outputSpec,
                                               SymbolRetrieverConfig symbolRetrieval, int dModel, int outDim,
                                               int nLayersEnc, int nLayersDec, DualAttnBlockConfig encoder,
                                               DualAttnBlockConfig decoder, int inBlockSize, int outBlockSize,
                                               boolean updateSymbolsEachLayer, String posEncType, boolean tieWeights,
                                               int lossIgnoreIdx) implements ModelConfig {
    public static final String NAME = "Seq2SeqDualAttnTransformer";

    public Seq2SeqDualAttnTransformerConfig {
        encoder.check("encoder_kwargs", dModel, codeEra);
        decoder.check("decoder_kwargs", dModel, codeEra);
        Checks.symbols(symbolRetrieval, dModel, encoder, "encoder_kwargs");
        Checks.symbols(symbolRetrieval, dModel, decoder, "decoder_kwargs");
        if (posEncType.equals("RoPE")) {
            // the reference builds one table of width d / (encoder heads) for both stacks
            if (decoder.totalHeads() != encoder.totalHeads()) {
                throw new ConfigException("config field 'pos_enc_type': RoPE needs the same total head count in "
                        + "encoder_kwargs (" + encoder.totalHeads() + ") and decoder_kwargs (" + decoder.totalHeads() + ")");
            }
            Checks.ropeBlock("encoder_kwargs", dModel, encoder);
            Checks.ropeBlock("decoder_kwargs", dModel, decoder);
        }
    }

    public String modelName() {
        return NAME;
    }

    /** Number of decoder blocks actually built: {@code n_layers_enc} (reference quirk). */
    public int decoderDepth() {
        return nLayersEnc;
    }

    static Seq2SeqDualAttnTransformerConfig read(ConfigReader r) {
        CodeEra era = CodeEra.read(r);
        SequenceSpec in = SequenceSpec.read(r.requireObject("input_spec"));
        SequenceSpec out = SequenceSpec.read(r.requireObject("output_spec"));
        SymbolRetrieverConfig sym = SymbolRetrieverConfig.read(r, null);
        int d = r.requirePositiveInt("d_model");
        int outDim = r.requirePositiveInt("out_dim");
        int enc = r.requirePositiveInt("n_layers_enc");
        int dec = r.requirePositiveInt("n_layers_dec");
        DualAttnBlockConfig encoder = DualAttnBlockConfig.read(r.requireObject("encoder_kwargs"), era, false);
        DualAttnBlockConfig decoder = DualAttnBlockConfig.read(r.requireObject("decoder_kwargs"), era, true);
        int inBlock = r.requirePositiveInt("in_block_size");
        int outBlock = r.requirePositiveInt("out_block_size");
        boolean update = r.getBool("update_symbols_each_layer", true);
        era.requireAvailable(!update, "update_symbols_each_layer");
        String pos = r.getChoice("pos_enc_type", "sinusoidal", "sinusoidal", "learned", "RoPE");
        era.requireAvailable(!pos.equals("sinusoidal"), "pos_enc_type");
        boolean tie = r.getBool("tie_weights", true);
        int ignore = r.getInt("loss_ignore_idx", -1);
        r.finish();
        return new Seq2SeqDualAttnTransformerConfig(era, in, out, sym, d, outDim, enc, dec, encoder, decoder, inBlock,
                outBlock, update, pos, tie, ignore);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", NAME);
        m.put("code_era", codeEra.number);
        m.put("input_spec", inputSpec.toJson());
        m.put("output_spec", outputSpec.toJson());
        SymbolRetrieverConfig.write(symbolRetrieval, m);
        m.put("d_model", dModel);
        m.put("out_dim", outDim);
        m.put("n_layers_enc", nLayersEnc);
        m.put("n_layers_dec", nLayersDec);
        m.put("encoder_kwargs", encoder.toJson());
        m.put("decoder_kwargs", decoder.toJson());
        m.put("in_block_size", inBlockSize);
        m.put("out_block_size", outBlockSize);
        m.put("update_symbols_each_layer", updateSymbolsEachLayer);
        m.put("pos_enc_type", posEncType);
        m.put("tie_weights", tieWeights);
        m.put("loss_ignore_idx", lossIgnoreIdx);
        return m;
    }
}

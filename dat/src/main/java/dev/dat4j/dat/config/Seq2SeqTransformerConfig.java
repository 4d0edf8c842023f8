package dev.dat4j.dat.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code Seq2SeqTransformer} (dat-spec §7.2), the baseline encoder–decoder: {@code n_layers_dec}
 * decoder blocks, each cross-attending with {@code n_heads} heads; {@code tie_weights} has no effect.
 */
public record Seq2SeqTransformerConfig(CodeEra codeEra, SequenceSpec inputSpec, SequenceSpec outputSpec, int dModel,
                                       int outDim, int nLayersEnc, int nLayersDec, TransformerBlockConfig encoder,
                                       TransformerBlockConfig decoder, int inBlockSize, int outBlockSize,
                                       String posEncType, boolean tieWeights, int lossIgnoreIdx) implements ModelConfig {
    public static final String NAME = "Seq2SeqTransformer";

    public Seq2SeqTransformerConfig {
        encoder.check("encoder_kwargs", dModel, codeEra);
        decoder.check("decoder_kwargs", dModel, codeEra);
        if (posEncType.equals("RoPE")) {
            if (decoder.nHeads() != encoder.nHeads()) {
                throw new ConfigException("config field 'pos_enc_type': RoPE needs the same n_heads in encoder_kwargs ("
                        + encoder.nHeads() + ") and decoder_kwargs (" + decoder.nHeads() + ")");
            }
            Checks.rope("encoder_kwargs", dModel / encoder.nHeads(), encoder.attnKwargs().keyDim(), null);
        }
    }

    public String modelName() {
        return NAME;
    }

    static Seq2SeqTransformerConfig read(ConfigReader r) {
        CodeEra era = CodeEra.read(r);
        SequenceSpec in = SequenceSpec.read(r.requireObject("input_spec"));
        SequenceSpec out = SequenceSpec.read(r.requireObject("output_spec"));
        int d = r.requirePositiveInt("d_model");
        int outDim = r.requirePositiveInt("out_dim");
        int enc = r.requirePositiveInt("n_layers_enc");
        int dec = r.requirePositiveInt("n_layers_dec");
        TransformerBlockConfig encoder = TransformerBlockConfig.read(r.requireObject("encoder_kwargs"), era, false);
        TransformerBlockConfig decoder = TransformerBlockConfig.read(r.requireObject("decoder_kwargs"), era, true);
        int inBlock = r.requirePositiveInt("in_block_size");
        int outBlock = r.requirePositiveInt("out_block_size");
        String pos = r.getChoice("pos_enc_type", "sinusoidal", "sinusoidal", "learned", "RoPE");
        era.requireAvailable(!pos.equals("sinusoidal"), "pos_enc_type");
        boolean tie = r.getBool("tie_weights", true);
        int ignore = r.getInt("loss_ignore_idx", -1);
        r.finish();
        return new Seq2SeqTransformerConfig(era, in, out, d, outDim, enc, dec, encoder, decoder, inBlock, outBlock, pos,
                tie, ignore);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", NAME);
        m.put("code_era", codeEra.number);
        m.put("input_spec", inputSpec.toJson());
        m.put("output_spec", outputSpec.toJson());
        m.put("d_model", dModel);
        m.put("out_dim", outDim);
        m.put("n_layers_enc", nLayersEnc);
        m.put("n_layers_dec", nLayersDec);
        m.put("encoder_kwargs", encoder.toJson());
        m.put("decoder_kwargs", decoder.toJson());
        m.put("in_block_size", inBlockSize);
        m.put("out_block_size", outBlockSize);
        m.put("pos_enc_type", posEncType);
        m.put("tie_weights", tieWeights);
        m.put("loss_ignore_idx", lossIgnoreIdx);
        return m;
    }
}

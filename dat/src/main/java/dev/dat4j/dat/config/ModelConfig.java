package dev.dat4j.dat.config;

import dev.dat4j.autograd.io.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A model configuration: a JSON object whose keys are the reference constructor's keyword names,
 * plus {@code "model"} (the reference class) and {@code "code_era"} (see {@link CodeEra}). Unknown
 * keys and invalid combinations are rejected with a message naming the field.
 *
 * <pre>{@code {"model": "DualAttnTransformerLM", "vocab_size": 32000, "d_model": 64, "n_layers": 4,
 *  "n_heads_sa": 4, "n_heads_ra": 4, "symbol_retrieval": "symbolic_attention",
 *  "symbol_retrieval_kwargs": {"d_model": 64, "n_heads": 4, "n_symbols": 512}, "dff": null,
 *  "dropout_rate": 0.1, "activation": "swiglu", "norm_first": true, "max_block_size": 512,
 *  "pos_enc_type": "RoPE"}}</pre>
 */
public sealed interface ModelConfig permits DualAttnTransformerLMConfig, TransformerLMConfig,
        Seq2SeqDualAttnTransformerConfig, Seq2SeqTransformerConfig, VisionDualAttnTransformerConfig,
        VisionTransformerConfig {

    /** The reference class name, the JSON {@code "model"} value. */
    String modelName();

    CodeEra codeEra();

    int dModel();

    /** The JSON object (with {@code "model"} and {@code "code_era"}); parsing it gives an equal config. */
    Map<String, Object> toJson();

    default String toJsonString() {
        return Json.write(toJson());
    }

    /** Parses a config; the {@code "model"} key selects the class. */
    static ModelConfig parse(String json) {
        ConfigReader r = ConfigReader.parse(json);
        String model = r.getChoice("model", null, DualAttnTransformerLMConfig.NAME, TransformerLMConfig.NAME,
                Seq2SeqDualAttnTransformerConfig.NAME, Seq2SeqTransformerConfig.NAME,
                VisionDualAttnTransformerConfig.NAME, VisionTransformerConfig.NAME);
        return switch (model) {
            case DualAttnTransformerLMConfig.NAME -> DualAttnTransformerLMConfig.read(r);
            case TransformerLMConfig.NAME -> TransformerLMConfig.read(r);
            case Seq2SeqDualAttnTransformerConfig.NAME -> Seq2SeqDualAttnTransformerConfig.read(r);
            case Seq2SeqTransformerConfig.NAME -> Seq2SeqTransformerConfig.read(r);
            case VisionDualAttnTransformerConfig.NAME -> VisionDualAttnTransformerConfig.read(r);
            default -> VisionTransformerConfig.read(r);
        };
    }

    /** Parses a config file; errors name the file. */
    static ModelConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
        try {
            return parse(text);
        } catch (ConfigException e) {
            throw new ConfigException(file + ": " + e.getMessage());
        }
    }

    /** Parses a config that must be of class {@code type}. */
    static <T extends ModelConfig> T parse(String json, Class<T> type) {
        ModelConfig c = parse(json);
        if (!type.isInstance(c)) {
            throw new ConfigException("config field 'model': expected a " + type.getSimpleName().replace("Config", "")
                    + " config, got '" + c.modelName() + "'");
        }
        return type.cast(c);
    }
}

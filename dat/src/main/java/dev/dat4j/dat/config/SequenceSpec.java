package dev.dat4j.dat.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code input_spec} / {@code output_spec} of a seq2seq model: {@code {"type": "token", "vocab_size": V}}
 * (an Embedding) or {@code {"type": "vector", "dim": n}} (a Linear with bias).
 */
public record SequenceSpec(boolean tokens, int size) {

    static SequenceSpec read(ConfigReader r) {
        String type = r.getChoice("type", null, "token", "vector");
        SequenceSpec s = type.equals("token") ? new SequenceSpec(true, r.requirePositiveInt("vocab_size"))
                : new SequenceSpec(false, r.requirePositiveInt("dim"));
        r.finish();
        return s;
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", tokens ? "token" : "vector");
        m.put(tokens ? "vocab_size" : "dim", size);
        return m;
    }
}

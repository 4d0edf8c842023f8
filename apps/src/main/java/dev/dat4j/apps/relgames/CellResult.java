package dev.dat4j.apps.relgames;

import dev.dat4j.autograd.io.Json;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The outcome of one grid cell: named metrics such as {@code test_acc}, {@code hexos_acc},
 * {@code stripes_acc}, {@code train_seconds}.
 */
public record CellResult(GridCell cell, Map<String, Double> metrics) {
    public CellResult {
        metrics = new TreeMap<>(metrics);
    }

    /** The JSON object stored in the run directory. */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("task", cell.task());
        m.put("model", cell.model());
        m.put("train_size", cell.trainSize());
        m.put("seed", cell.seed());
        m.put("metrics", metrics);
        return Json.write(m);
    }

    /** Parses {@link #toJson()}; a malformed text is an error naming what is wrong. */
    public static CellResult fromJson(String text) {
        Map<String, Object> m = Json.parseObject(text);
        GridCell cell = new GridCell(str(m, "task"), str(m, "model"), num(m, "train_size").intValue(), num(m, "seed").intValue());
        if (!(m.get("metrics") instanceof Map<?, ?> raw)) throw new IllegalArgumentException("'metrics' must be an object");
        Map<String, Double> metrics = new TreeMap<>();
        raw.forEach((k, v) -> {
            if (!(v instanceof Number n)) throw new IllegalArgumentException("metric '" + k + "' must be a number");
            metrics.put(k.toString(), n.doubleValue());
        });
        return new CellResult(cell, metrics);
    }

    private static String str(Map<String, Object> m, String k) {
        if (!(m.get(k) instanceof String s)) throw new IllegalArgumentException("'" + k + "' must be a string");
        return s;
    }

    private static Number num(Map<String, Object> m, String k) {
        if (!(m.get(k) instanceof Number n)) throw new IllegalArgumentException("'" + k + "' must be a number");
        return n;
    }
}

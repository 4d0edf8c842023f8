package dev.dat4j.dat.config;

import dev.dat4j.autograd.io.Json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Typed, strict access to one JSON object of a config. Every getter records the key it read, so
 * {@link #finish()} can reject the keys nobody read (typos, options of another class) and list the
 * accepted ones. Errors name the full dotted path of the field, e.g. {@code ra_kwargs.rel_proj_dim}.
 */
final class ConfigReader {
    private final String path;
    private final Map<String, Object> map;
    private final Set<String> read = new LinkedHashSet<>();

    ConfigReader(Map<String, Object> map, String path) {
        this.map = map == null ? Map.of() : map;
        this.path = path;
    }

    /** Parses JSON text that must be one object. */
    static ConfigReader parse(String json) {
        try {
            return new ConfigReader(Json.parseObject(json), "");
        } catch (IllegalArgumentException e) {
            throw new ConfigException("config: " + e.getMessage());
        }
    }

    String field(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    ConfigException error(String key, String message) {
        return new ConfigException("config field '" + field(key) + "': " + message);
    }

    /** True if the key is present with a non-null value (marks it read). */
    boolean has(String key) {
        read.add(key);
        return map.get(key) != null;
    }

    private Object raw(String key) {
        read.add(key);
        return map.get(key);
    }

    private Object required(String key) {
        Object v = raw(key);
        if (v == null) throw error(key, map.containsKey(key) ? "must not be null" : "is required");
        return v;
    }

    private int toInt(String key, Object v) {
        if (v instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) return (int) (long) l;
        throw error(key, "expected an integer, got " + describe(v));
    }

    int requireInt(String key) {
        return toInt(key, required(key));
    }

    int getInt(String key, int def) {
        Object v = raw(key);
        return v == null ? def : toInt(key, v);
    }

    /** The integer, or null when absent or null (Python's None). */
    Integer optInt(String key) {
        Object v = raw(key);
        return v == null ? null : toInt(key, v);
    }

    /** A positive integer or null. */
    Integer optPositiveInt(String key) {
        Integer v = optInt(key);
        if (v != null && v <= 0) throw error(key, "must be positive, got " + v);
        return v;
    }

    int requirePositiveInt(String key) {
        int v = requireInt(key);
        if (v <= 0) throw error(key, "must be positive, got " + v);
        return v;
    }

    int requireNonNegativeInt(String key) {
        int v = requireInt(key);
        if (v < 0) throw error(key, "must be >= 0, got " + v);
        return v;
    }

    private double toDouble(String key, Object v) {
        if (v instanceof Number n) return n.doubleValue();
        throw error(key, "expected a number, got " + describe(v));
    }

    double requireDouble(String key) {
        return toDouble(key, required(key));
    }

    double getDouble(String key, double def) {
        Object v = raw(key);
        return v == null ? def : toDouble(key, v);
    }

    Double optDouble(String key) {
        Object v = raw(key);
        return v == null ? null : toDouble(key, v);
    }

    /** A probability in [0, 1). */
    double requireRate(String key) {
        return checkRate(key, requireDouble(key));
    }

    double getRate(String key, double def) {
        return checkRate(key, getDouble(key, def));
    }

    private double checkRate(String key, double p) {
        if (!(p >= 0 && p < 1)) throw error(key, "must be in [0, 1), got " + p);
        return p;
    }

    private boolean toBool(String key, Object v) {
        if (v instanceof Boolean b) return b;
        throw error(key, "expected true or false, got " + describe(v));
    }

    boolean requireBool(String key) {
        return toBool(key, required(key));
    }

    boolean getBool(String key, boolean def) {
        Object v = raw(key);
        return v == null ? def : toBool(key, v);
    }

    Boolean optBool(String key) {
        Object v = raw(key);
        return v == null ? null : toBool(key, v);
    }

    String requireString(String key) {
        Object v = required(key);
        if (v instanceof String s) return s;
        throw error(key, "expected a string, got " + describe(v));
    }

    String getString(String key, String def) {
        Object v = raw(key);
        if (v == null) return def;
        if (v instanceof String s) return s;
        throw error(key, "expected a string, got " + describe(v));
    }

    /** One of {@code allowed} (exact spelling, as the reference code compares strings). */
    String getChoice(String key, String def, String... allowed) {
        String v = def == null ? requireString(key) : getString(key, def);
        for (String a : allowed) if (a.equals(v)) return v;
        throw error(key, "expected one of " + String.join(", ", allowed) + ", got '" + v + "'");
    }

    /** A list of exactly {@code n} integers. */
    int[] requireInts(String key, int n) {
        Object v = required(key);
        if (v instanceof List<?> list && list.size() == n) {
            int[] out = new int[n];
            for (int i = 0; i < n; i++) out[i] = toInt(key + "[" + i + "]", list.get(i));
            return out;
        }
        throw error(key, "expected a list of " + n + " integers, got " + describe(v));
    }

    /** A nested object (an empty reader when absent or null). */
    ConfigReader object(String key) {
        Object v = raw(key);
        if (v == null) return new ConfigReader(Map.of(), field(key));
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> copy = new LinkedHashMap<>();
            m.forEach((k, val) -> copy.put(String.valueOf(k), val));
            return new ConfigReader(copy, field(key));
        }
        throw error(key, "expected an object, got " + describe(v));
    }

    /** A nested object that must be present. */
    ConfigReader requireObject(String key) {
        required(key);
        return object(key);
    }

    /** Rejects keys that were never read, listing the accepted ones. */
    void finish() {
        List<String> unknown = new ArrayList<>();
        for (String k : map.keySet()) if (!read.contains(k)) unknown.add(k);
        if (!unknown.isEmpty()) {
            String where = path.isEmpty() ? "the config" : "'" + path + "'";
            throw new ConfigException("config: unknown key" + (unknown.size() > 1 ? "s " : " ") + quoteAll(unknown)
                    + " in " + where + "; accepted keys: " + String.join(", ", read));
        }
    }

    private static String quoteAll(List<String> keys) {
        List<String> q = new ArrayList<>();
        for (String k : keys) q.add("'" + k + "'");
        return String.join(", ", q);
    }

    private static String describe(Object v) {
        return Json.kind(v) + (v instanceof String || v instanceof Number || v instanceof Boolean ? " " + Json.write(v) : "");
    }
}

package dev.dat4j.dat.io;

import dev.dat4j.autograd.Generator;
import dev.dat4j.autograd.Tensor;
import dev.dat4j.autograd.io.DType;
import dev.dat4j.autograd.io.Json;
import dev.dat4j.autograd.io.SafetensorsFile;
import dev.dat4j.autograd.io.SafetensorsWriter;
import dev.dat4j.autograd.nn.Module;
import dev.dat4j.autograd.nn.Parameter;
import dev.dat4j.dat.config.ConfigException;
import dev.dat4j.dat.config.ModelConfig;
import dev.dat4j.dat.models.Models;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Model weights as safetensors with the reference state-dict names, so a PyTorch checkpoint
 * exported by {@code tools/reference/export_state_dict.py} (or any safetensors file of a reference
 * state dict) loads directly, and ours load in PyTorch.
 *
 * <p>A tensor shared by several names (tied embedding and output, a retriever shared by all layers,
 * symmetric projections) is stored once; the other names go to the metadata entry {@code "aliases"}
 * ({alias: stored name}). Loading accepts a tensor under any of its names, through those aliases,
 * or through the era-1 names of the tied output layer ({@code layers.token_embedder.weights.*},
 * {@code layers.target_embedder.weights.*}). The config is stored as metadata {@code "config"}.
 */
public final class Checkpoints {
    /** Buffers the reference saves but dat4j recomputes. */
    private static final List<String> RECOMPUTED = List.of(".pe", "freqs_cos", "freqs_sin");
    private static final String[][] ERA1_ALIASES = {
            {"layers.token_embedder.weights.", "layers.final_out."},
            {"layers.target_embedder.weights.", "layers.final_out."}};

    private Checkpoints() {}

    /** Writes every distinct parameter once (first name), the aliases and the config. */
    public static void save(Module model, ModelConfig config, Path file) throws IOException {
        Map<String, SafetensorsWriter.Source> tensors = new LinkedHashMap<>();
        model.namedParameters().forEach((name, p) ->
                tensors.put(name, SafetensorsWriter.Source.of(DType.F32, p.shape(), p.toFloatArray())));
        Map<String, String> aliases = new LinkedHashMap<>();
        names(model).forEach((p, list) -> list.subList(1, list.size()).forEach(alias -> aliases.put(alias, list.get(0))));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("aliases", Json.write(aliases));
        if (config != null) meta.put("config", config.toJsonString());
        SafetensorsWriter.write(file, tensors, meta);
    }

    /**
     * Copies the weights of {@code file} into {@code model}. Every parameter must be found (under
     * one of its names or an alias) with the right shape; tensors of the file that belong to
     * nothing in the model are an error too. All problems are reported at once.
     */
    public static void load(Module model, Path file) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            SafetensorsFile f = SafetensorsFile.open(file, arena);
            Map<String, String> aliases = aliasesOf(f, file);
            Set<String> used = new HashSet<>();
            List<String> problems = new ArrayList<>();
            Map<Parameter, float[]> values = new LinkedHashMap<>();
            names(model).forEach((p, list) -> {
                String source = find(list, f, aliases);
                if (source == null) {
                    problems.add("missing tensor '" + list.get(0) + "'" + (list.size() > 1 ? " (or " + String.join(", ", list.subList(1, list.size())) + ")" : ""));
                    return;
                }
                used.add(source);
                used.addAll(list);
                try {
                    values.put(p, f.readF32(source, p.shape()));
                } catch (IllegalArgumentException e) {
                    problems.add(e.getMessage().replace(file + ": ", ""));
                }
            });
            List<String> unexpected = new ArrayList<>();
            for (SafetensorsFile.Entry e : f.entries()) {
                String n = e.name();
                if (used.contains(n) || used.contains(aliases.get(n)) || RECOMPUTED.stream().anyMatch(n::endsWith)) continue;
                unexpected.add(n);
            }
            if (!unexpected.isEmpty()) problems.add("tensors not in the model: " + String.join(", ", unexpected));
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(file + ": cannot load into " + model.getClass().getSimpleName() + ":\n  "
                        + String.join("\n  ", problems));
            }
            values.forEach((p, v) -> p.copy_(Tensor.of(v, p.shape())));
        }
    }

    /** Builds the model named by the checkpoint's config (metadata "config", else {@code <file>.json}) and loads it. */
    public static Module loadModel(Path file, Generator gen) throws IOException {
        ModelConfig config = config(file);
        Module model = Models.create(config, gen);
        load(model, file);
        return model;
    }

    /** The config stored with a checkpoint: metadata "config", else the sibling {@code .json} file. */
    public static ModelConfig config(Path file) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            String meta = SafetensorsFile.open(file, arena).metadata().get("config");
            if (meta != null) {
                try {
                    return ModelConfig.parse(meta);
                } catch (ConfigException e) {
                    throw new ConfigException(file + " (metadata 'config'): " + e.getMessage());
                }
            }
        }
        String base = file.getFileName().toString().replaceFirst("\\.safetensors$", "");
        Path json = file.resolveSibling(base + ".json");
        if (!Files.exists(json)) {
            throw new ConfigException(file + ": no 'config' metadata and no config file " + json);
        }
        return ModelConfig.load(json);
    }

    /** Every state-dict name of each distinct parameter, first (canonical) name first. */
    static Map<Parameter, List<String>> names(Module model) {
        Map<Parameter, List<String>> out = new IdentityHashMap<>();
        Map<Parameter, List<String>> ordered = new LinkedHashMap<>();
        model.namedParameters().forEach((name, p) -> {
            List<String> list = new ArrayList<>();
            list.add(name);
            out.put(p, list);
        });
        model.stateDict().forEach((name, t) -> {
            if (t instanceof Parameter p && out.containsKey(p) && !out.get(p).contains(name)) out.get(p).add(name);
        });
        model.namedParameters().forEach((name, p) -> ordered.put(p, out.get(p)));
        return ordered;
    }

    private static String find(List<String> names, SafetensorsFile f, Map<String, String> aliases) {
        for (String n : names) if (f.contains(n)) return n;
        for (String n : names) {
            String target = aliases.get(n);
            if (target != null && f.contains(target)) return target;
        }
        for (String n : names) {
            for (String[] rule : ERA1_ALIASES) {
                if (n.startsWith(rule[1])) {
                    String old = rule[0] + n.substring(rule[1].length());
                    if (f.contains(old)) return old;
                }
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> aliasesOf(SafetensorsFile f, Path file) {
        String text = f.metadata().get("aliases");
        if (text == null) return Map.of();
        try {
            Map<String, String> out = new LinkedHashMap<>();
            ((Map<String, Object>) (Map<?, ?>) Json.parseObject(text)).forEach((k, v) -> out.put(k, String.valueOf(v)));
            return out;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": metadata 'aliases' is not a JSON object: " + e.getMessage());
        }
    }
}

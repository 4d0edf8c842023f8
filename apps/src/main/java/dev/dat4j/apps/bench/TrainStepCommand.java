package dev.dat4j.apps.bench;

import dev.dat4j.apps.GlobalOptions;
import dev.dat4j.autograd.F;
import dev.dat4j.autograd.Generator;
import dev.dat4j.autograd.Scope;
import dev.dat4j.autograd.Tensor;
import dev.dat4j.autograd.io.Json;
import dev.dat4j.autograd.nn.Module;
import dev.dat4j.autograd.optim.AdamW;
import dev.dat4j.autograd.optim.ParamGroup;
import dev.dat4j.dat.config.ModelConfig;
import dev.dat4j.dat.models.LanguageModel;
import dev.dat4j.dat.models.Models;
import dev.dat4j.vecops.AcceleratorBackend;
import dev.dat4j.vecops.Backend;
import dev.dat4j.vecops.CpuMemoryScope;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code dat4j bench train-step}: full language-model training steps (forward, backward, AdamW) on
 * random tokens, in the configuration of {@code bench/torch_train_step.py} (its PyTorch twin, which
 * runs the reference code): era-2 models, SwiGLU with dff = None, dropout 0, bias False, RoPE,
 * AdamW(lr 1e-3, betas (0.9, 0.95), weight decay 0.1 on every parameter), no gradient clipping.
 */
@Command(name = "train-step", mixinStandardHelpOptions = true,
        description = {"Time full LM training steps (forward, backward, AdamW) on random tokens. Prints progress,",
                "then one JSON line: tokens_per_s, step_ms (median), params, peak_rss_mb, native_mb, ...",
                "Same model and optimizer as bench/torch_train_step.py (the PyTorch reference side). Example:",
                "  dat4j bench train-step --model dat --d-model 64 --layers 4 --sa 4 --ra 4 --seq 256 --batch 16 --vocab 4096"})
public final class TrainStepCommand implements Runnable {

    @Mixin
    GlobalOptions global;

    @Option(names = "--model", defaultValue = "dat", description = "dat (DualAttnTransformerLM) or transformer (TransformerLM).")
    String model;

    @Option(names = "--d-model", defaultValue = "64") int dModel;
    @Option(names = "--layers", defaultValue = "4") int layers;
    @Option(names = "--sa", defaultValue = "4", description = "Self-attention heads.") int sa;
    @Option(names = "--ra", defaultValue = "4", description = "Relational-attention heads (dat only).") int ra;
    @Option(names = "--seq", defaultValue = "256", description = "Tokens per sequence (also max_block_size).") int seq;
    @Option(names = "--batch", defaultValue = "16", description = "Sequences per step.") int batch;
    @Option(names = "--vocab", defaultValue = "4096") int vocab;

    @Option(names = "--symbol-retrieval", defaultValue = "symbolic_attention",
            description = "symbolic_attention (--symbols symbols, --symbol-heads heads), positional_symbols or position_relative.")
    String symbolRetrieval;

    @Option(names = "--symbols", defaultValue = "512", description = "Symbols of symbolic attention (default: ${DEFAULT-VALUE}).")
    int symbols;

    @Option(names = "--symbol-heads", defaultValue = "4", description = "Heads of symbolic attention (default: ${DEFAULT-VALUE}).")
    int symbolHeads;

    @Option(names = "--activation", defaultValue = "swiglu", description = "FFN activation, e.g. swiglu or gelu (default: ${DEFAULT-VALUE}).")
    String activation;

    @Option(names = "--warmup", defaultValue = "5",
            description = "Untimed steps first, for the JIT compiler to finish (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--steps", defaultValue = "5", description = "Timed steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--profile", arity = "0..1", fallbackValue = "kernels", paramLabel = "kernels|shapes",
            description = "Time every kernel call and print the time per kernel per step (shapes: GEMMs, binary ops and strided copies per shape).")
    String profile;

    @Option(names = "--print-config", description = "Print the model config JSON (stderr) before running.")
    boolean printConfig;

    @Override
    public void run() {
        if (steps < 1 || warmup < 0) throw new IllegalArgumentException("--steps must be positive and --warmup non-negative");
        ModelConfig config = ModelConfig.parse(Json.write(configJson()));
        Backend base = global.backend();
        if (profile != null && !profile.equals("kernels") && !profile.equals("shapes")) {
            throw new IllegalArgumentException("--profile takes kernels or shapes, got '" + profile + "'");
        }
        ProfilingBackend profiler = profile != null ? ProfilingBackend.wrap(base, profile.equals("shapes")) : null;
        Backend backend = profiler != null ? profiler : base;
        if (printConfig) System.err.println(config.toJsonString());
        try (Scope _ = Scope.open(backend)) {
            Module m = Models.create(config, new Generator(global.seed));
            LanguageModel lm = (LanguageModel) m;
            m.train();
            long params = m.numParameters();
            AdamW opt = new AdamW(List.of(new ParamGroup(m.parameters(), 0.1f)), 1e-3f, 0.9f, 0.95f, 1e-8f);
            SplittableRandom rnd = new SplittableRandom(global.seed);
            int[] x = new int[batch * seq], y = new int[batch * seq];
            for (int i = 0; i < x.length; i++) {
                x[i] = rnd.nextInt(vocab);
                y[i] = rnd.nextInt(vocab);
            }
            System.err.printf(Locale.ROOT, "dat4j %s (%d,%d) d=%d L=%d, %d params, %s, %d threads, batch %d x seq %d%n",
                    model, sa, model.equals("dat") ? ra : 0, dModel, layers, params, base.name(), global.effectiveThreads(),
                    batch, seq);
            for (int i = 0; i < warmup; i++) {
                double loss = step(lm, opt, x, y);
                System.err.printf(Locale.ROOT, "warm-up %d/%d: loss %.4f%n", i + 1, warmup, loss);
            }
            if (profiler != null) {
                profiler.reset(); // the parameter initialisation (writes, fills) is not part of a step
                profiler.setEnabled(true);
            }
            AcceleratorBackend device = base instanceof AcceleratorBackend a ? a : null;
            if (device != null) device.resetPeakMemory(); // like torch.cuda.reset_peak_memory_stats() after warm-up
            double[] ms = new double[steps], cpuMs = new double[steps];
            double loss = Double.NaN;
            for (int i = 0; i < steps; i++) {
                long t0 = System.nanoTime(), c0 = processCpuNanos();
                loss = step(lm, opt, x, y);
                ms[i] = (System.nanoTime() - t0) / 1e6;
                cpuMs[i] = (processCpuNanos() - c0) / 1e6;
                System.err.printf(Locale.ROOT, "step %d/%d: loss %.4f, %.1f ms (process CPU %.0f ms), native %.0f MB%n", i + 1,
                        steps, loss, ms[i], cpuMs[i], CpuMemoryScope.liveBytes() / 1048576.0);
            }
            Arrays.sort(cpuMs);
            double total = Arrays.stream(ms).sum();
            Arrays.sort(ms);
            double median = ms[steps / 2];
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("impl", "dat4j");
            out.put("model", model);
            out.put("sa", sa);
            out.put("ra", model.equals("dat") ? ra : 0);
            out.put("d_model", dModel);
            out.put("layers", layers);
            out.put("seq", seq);
            out.put("batch", batch);
            out.put("vocab", vocab);
            out.put("symbol_retrieval", model.equals("dat") ? symbolRetrieval : null);
            out.put("threads", global.effectiveThreads());
            out.put("device", base.name());
            out.put("params", params);
            out.put("step_ms", round(median));
            out.put("step_ms_min", round(ms[0]));
            out.put("tokens_per_s", round(batch * seq / (median / 1e3)));
            out.put("cpu_ms", round(cpuMs[steps / 2]));
            out.put("loss", round(loss));
            out.put("peak_rss_mb", peakRssMb());
            out.put("native_mb", round(CpuMemoryScope.liveBytes() / 1048576.0));
            out.put("activation", activation);
            if (device != null) {
                out.put("gemm", device.option("gemm"));
                out.put("peak_device_mb", round(device.peakMemoryBytes() / 1048576.0));
            }
            if (profiler != null) out.put("profile_ms_per_step", ProfileReport.print(profiler, steps, total));
            System.out.println(Json.write(out));
        }
    }

    /** One training step: zero grads, forward, loss, backward, AdamW. Returns the loss. */
    private static double step(LanguageModel lm, AdamW opt, int[] x, int[] y) {
        int b = x.length / lm.maxBlockSize(), t = lm.maxBlockSize();
        try (Scope _ = Scope.open()) {
            opt.zeroGrad();
            Tensor loss = F.crossEntropy(lm.forward(Tensor.ofInts(x, b, t)), Tensor.ofInts(y, b, t), -1);
            loss.backward();
            opt.step();
            return loss.item();
        }
    }

    /** The config of bench/torch_train_step.py, with the reference's keyword names. */
    Map<String, Object> configJson() {
        if (!model.equals("dat") && !model.equals("transformer")) {
            throw new IllegalArgumentException("--model must be dat or transformer, got '" + model + "'");
        }
        int heads = model.equals("dat") ? sa + ra : sa;
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("model", model.equals("dat") ? "DualAttnTransformerLM" : "TransformerLM");
        c.put("code_era", 2);
        c.put("vocab_size", vocab);
        c.put("d_model", dModel);
        c.put("n_layers", layers);
        if (model.equals("dat")) {
            c.put("n_heads_sa", sa);
            c.put("n_heads_ra", ra);
            c.put("symbol_retrieval", symbolRetrieval);
            c.put("symbol_retrieval_kwargs", switch (symbolRetrieval) {
                case "symbolic_attention" -> Map.of("d_model", dModel, "n_heads", symbolHeads, "n_symbols", symbols);
                case "positional_symbols" -> Map.of("symbol_dim", dModel, "max_length", seq);
                case "position_relative" -> Map.of("symbol_dim", dModel, "max_rel_pos", seq);
                default -> throw new IllegalArgumentException("--symbol-retrieval must be symbolic_attention, "
                        + "positional_symbols or position_relative, got '" + symbolRetrieval + "'");
            });
            c.put("sa_kwargs", Map.of());
            Map<String, Object> raKw = new LinkedHashMap<>();
            if (ra > 0) raKw.put("n_relations", ra);
            raKw.put("rel_activation", "identity");
            raKw.put("rel_proj_dim", dModel / heads);
            raKw.put("symmetric_rels", false);
            if (symbolRetrieval.equals("position_relative")) raKw.put("use_relative_positional_symbols", true);
            c.put("ra_kwargs", raKw);
        } else {
            c.put("n_heads", heads);
        }
        c.put("dff", null);
        c.put("dropout_rate", 0.0);
        c.put("activation", activation);
        c.put("norm_first", true);
        c.put("max_block_size", seq);
        c.put("pos_enc_type", "RoPE");
        c.put("bias", false);
        return c;
    }

    /**
     * CPU time of the whole process (all threads, JIT and GC included). On a busy machine a step's
     * CPU time varies much less than its wall time, so it is reported next to it.
     */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** VmHWM (peak resident set) of this process in MiB, or -1 where /proc is not available. */
    static double peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return round(Long.parseLong(line.replaceAll("\\D", "")) / 1024.0);
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}

package dev.dat4j.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The CUDA C kernels of {@code src/main/resources/dev/dat4j/cuda/kernels/}: one {@code .cu} file
 * per op family, compiled on first use by NVRTC for the device's compute capability, loaded as a
 * module, and looked up by function name.
 *
 * <p>Compiled images are cached by a SHA-256 of (source, options, architecture, NVRTC version):
 * in memory for the process, and on disk under {@code ~/.cache/dat4j/cuda-kernels} so later runs
 * skip NVRTC ({@code -Ddat4j.cuda.kernelCache=off} disables the disk cache, or names another
 * folder). Used only on the device's owner thread.
 */
final class KernelLibrary implements AutoCloseable {
    /** Folder for cached images, or "off". */
    static final String CACHE_PROPERTY = "dat4j.cuda.kernelCache";

    private static final String RESOURCES = "/dev/dat4j/cuda/kernels/";
    /**
     * {@code --fmad=false}: no fused multiply-adds, so elementwise kernels round exactly like the
     * Java reference (a·b + c rounded twice). These kernels are memory-bound; FMA buys nothing.
     */
    private static final List<String> OPTIONS = List.of("--fmad=false");

    private static final Map<String, Nvrtc.Image> COMPILED = new ConcurrentHashMap<>();

    private final int arch;
    private final Map<String, CudaDriver.Module> modules = new HashMap<>();
    private final Map<String, CudaDriver.Function> functions = new HashMap<>();

    KernelLibrary(int computeCapability) {
        this.arch = computeCapability;
    }

    /** Function {@code name} of {@code family}.cu, compiling and loading the file on first use. */
    CudaDriver.Function function(String family, String name) {
        String key = family + "/" + name;
        CudaDriver.Function f = functions.get(key);
        if (f == null) {
            CudaDriver.Module module = modules.get(family);
            if (module == null) {
                Nvrtc.Image image = image(family);
                module = CudaDriver.loadModule(image.bytes(), family + ".cu");
                modules.put(family, module);
            }
            f = CudaDriver.function(module, name);
            functions.put(key, f);
        }
        return f;
    }

    /** Source of {@code family}.cu: the shared prelude, then the file (with #line so logs point into it). */
    static String source(String family) {
        return resource("common.cuh") + "\n#line 1 \"" + family + ".cu\"\n" + resource(family + ".cu");
    }

    private Nvrtc.Image image(String family) {
        String source = source(family);
        String nvrtcVersion = Nvrtc.version();
        String hash = sha256(source + "\0" + OPTIONS + "\0sm_" + arch + "\0nvrtc " + nvrtcVersion);
        return COMPILED.computeIfAbsent(hash, h -> {
            Path dir = cacheFolder();
            Path cubin = dir == null ? null : dir.resolve(family + "-" + h + ".cubin");
            Path ptx = dir == null ? null : dir.resolve(family + "-" + h + ".ptx");
            try {
                if (cubin != null && Files.isRegularFile(cubin)) return new Nvrtc.Image(Files.readAllBytes(cubin), false);
                if (ptx != null && Files.isRegularFile(ptx)) return new Nvrtc.Image(Files.readAllBytes(ptx), true);
            } catch (IOException e) {
                // unreadable cache entry: recompile below
            }
            Nvrtc.Image image = Nvrtc.compile(source, family + ".cu", arch, OPTIONS);
            if (dir != null) store(dir, image.isPtx() ? ptx : cubin, image.bytes());
            return image;
        });
    }

    private static Path cacheFolder() {
        String setting = System.getProperty(CACHE_PROPERTY);
        if ("off".equalsIgnoreCase(setting)) return null;
        if (setting != null && !setting.isBlank()) return Path.of(setting);
        return Path.of(System.getProperty("user.home"), ".cache", "dat4j", "cuda-kernels");
    }

    /** Writes atomically (temp file + rename); a cache that cannot be written is simply skipped. */
    private static void store(Path dir, Path file, byte[] bytes) {
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            Files.write(tmp, bytes);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | UnsupportedOperationException e) {
            // read-only home or full disk: the in-memory cache still works
        }
    }

    private static String resource(String name) {
        try (InputStream in = KernelLibrary.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) throw new IllegalStateException("kernel source " + RESOURCES + name + " is missing from the class path");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read kernel source " + RESOURCES + name, e);
        }
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        for (CudaDriver.Module m : modules.values()) CudaDriver.unloadModule(m);
        modules.clear();
        functions.clear();
    }
}

package dev.dat4j.cuda;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Finds and loads the three CUDA libraries by soname before any generated binding class is touched.
 *
 * <p>The jextract classes open {@code libcuda.so.1}, {@code libnvrtc.so.13} and
 * {@code libcublas.so.13} by soname in their static initialisers. If the dynamic linker cannot find
 * them there, class initialisation fails with an unreadable error. So we probe a list of folders
 * first (explicit setting, {@code LD_LIBRARY_PATH}, the linker cache, toolkit and driver folders,
 * Python wheels) and load the library by absolute path; glibc then resolves the generated classes'
 * soname lookups to the library already loaded. When nothing loads, the result lists every path
 * tried and why each failed.
 */
public final class NativeLibraries {

    /** System property / environment variable naming extra library folders (path-separator list). */
    public static final String LIBDIR_PROPERTY = "dat4j.cuda.libdir";
    public static final String LIBDIR_ENV = "DAT4J_CUDA_LIBDIR";

    public static final String DRIVER = "libcuda.so.1";
    public static final String NVRTC = "libnvrtc.so.13";
    public static final String CUBLAS = "libcublas.so.13";

    /** Outcome of probing one library: the path it loaded from, or every attempt that failed. */
    public record Result(String soname, String loadedFrom, List<String> attempts) {
        public boolean loaded() {
            return loadedFrom != null;
        }

        /** "libx.so.1 not loadable; tried: ..." with one attempt per line. */
        public String failure() {
            return soname + " could not be loaded; tried:\n    " + String.join("\n    ", attempts);
        }
    }

    private static volatile Result driver, nvrtc, cublas;

    private NativeLibraries() {}

    /** The CUDA driver library (loaded once; later calls return the same result). */
    public static Result driver() {
        if (driver == null) {
            synchronized (NativeLibraries.class) {
                if (driver == null) driver = load(DRIVER, List.of());
            }
        }
        return driver;
    }

    /** NVRTC; its builtins library ({@code libnvrtc-builtins.so.13}) is preloaded from the same folder. */
    public static Result nvrtc() {
        if (nvrtc == null) {
            synchronized (NativeLibraries.class) {
                if (nvrtc == null) nvrtc = load(NVRTC, List.of("libnvrtc-builtins.so.13"));
            }
        }
        return nvrtc;
    }

    /** cuBLAS; its dependency {@code libcublasLt.so.13} is preloaded from the same folder. */
    public static Result cublas() {
        if (cublas == null) {
            synchronized (NativeLibraries.class) {
                if (cublas == null) cublas = load(CUBLAS, List.of("libcublasLt.so.13"));
            }
        }
        return cublas;
    }

    /** All three results, in load order. */
    public static List<Result> all() {
        return List.of(driver(), nvrtc(), cublas());
    }

    /** The folders searched, in order (without the dynamic linker's own search, tried third). */
    static List<Path> explicitFolders() {
        List<Path> dirs = new ArrayList<>();
        addPathList(dirs, System.getProperty(LIBDIR_PROPERTY));
        addPathList(dirs, System.getenv(LIBDIR_ENV));
        return dirs;
    }

    static List<Path> ldLibraryPathFolders() {
        List<Path> dirs = new ArrayList<>();
        addPathList(dirs, System.getenv("LD_LIBRARY_PATH"));
        return dirs;
    }

    /** Toolkit, driver and Python-wheel folders, newest toolkit first. */
    static List<Path> wellKnownFolders() {
        List<Path> dirs = new ArrayList<>();
        List<Path> toolkits = new ArrayList<>();
        toolkits.add(Path.of("/usr/local/cuda"));
        toolkits.addAll(children(Path.of("/usr/local"), "cuda-*").stream()
                .sorted(Comparator.comparing(NativeLibraries::versionKey).reversed()).toList());
        for (Path t : toolkits) {
            dirs.add(t.resolve("lib64"));
            dirs.add(t.resolve("targets/x86_64-linux/lib"));
        }
        dirs.add(Path.of("/usr/local/nvidia/lib64"));
        dirs.add(Path.of("/usr/lib/x86_64-linux-gnu"));
        dirs.add(Path.of("/usr/lib/wsl/lib"));
        dirs.addAll(wheelFolders());
        return dirs;
    }

    /** {@code site-packages/nvidia/*}{@code /lib} folders of the pip wheels (nvidia-cublas, nvidia-cuda-nvrtc, ...). */
    static List<Path> wheelFolders() {
        List<Path> dirs = new ArrayList<>();
        for (Path sitePackages : sitePackagesFolders()) {
            for (Path pkg : children(sitePackages.resolve("nvidia"), "*")) {
                dirs.add(pkg.resolve("lib"));
            }
        }
        return dirs;
    }

    /** Python site-packages folders of the active virtualenv/conda env, the user, and the system. */
    private static List<Path> sitePackagesFolders() {
        List<Path> roots = new ArrayList<>();
        for (String env : List.of("VIRTUAL_ENV", "CONDA_PREFIX")) {
            String v = System.getenv(env);
            if (v != null && !v.isBlank()) roots.add(Path.of(v));
        }
        roots.add(Path.of(System.getProperty("user.home"), ".local"));
        roots.add(Path.of("/usr/local"));
        roots.add(Path.of("/usr"));
        roots.addAll(children(Path.of("/opt"), "*").stream().map(p -> p.resolve(".venv")).toList());
        List<Path> result = new ArrayList<>();
        for (Path root : roots) {
            for (Path py : children(root.resolve("lib"), "python3*")) {
                result.add(py.resolve("site-packages"));
                result.add(py.resolve("dist-packages"));
            }
        }
        return result;
    }

    private static Result load(String soname, List<String> companions) {
        List<String> attempts = new ArrayList<>();
        Set<Path> seen = new LinkedHashSet<>();
        List<Path> first = new ArrayList<>(explicitFolders());
        if (first.isEmpty()) attempts.add("-D" + LIBDIR_PROPERTY + " / " + LIBDIR_ENV + ": not set");
        if (ldLibraryPathFolders().isEmpty()) attempts.add("LD_LIBRARY_PATH: not set");
        first.addAll(ldLibraryPathFolders());
        for (Path dir : first) {
            if (seen.add(dir) && tryFolder(dir, soname, companions, attempts)) return loaded(soname, dir, attempts);
        }
        // The dynamic linker's own search (ld.so.cache, RUNPATH): dlopen of the bare soname.
        try {
            SymbolLookup.libraryLookup(soname, Arena.global());
            return new Result(soname, soname + " (dynamic linker search)", attempts);
        } catch (IllegalArgumentException e) {
            attempts.add(soname + " via the dynamic linker cache: not found");
        }
        for (Path dir : wellKnownFolders()) {
            if (seen.add(dir) && tryFolder(dir, soname, companions, attempts)) return loaded(soname, dir, attempts);
        }
        if (wheelFolders().isEmpty()) {
            attempts.add("Python wheels (site-packages/nvidia/*/lib): none found under " + sitePackagesFolders().stream()
                    .filter(Files::isDirectory).map(Path::toString).toList());
        }
        return new Result(soname, null, List.copyOf(attempts));
    }

    private static Result loaded(String soname, Path dir, List<String> attempts) {
        return new Result(soname, dir.resolve(soname).toString(), List.copyOf(attempts));
    }

    /** Loads {@code dir/soname} (companions first, where present); records why it failed. */
    private static boolean tryFolder(Path dir, String soname, List<String> companions, List<String> attempts) {
        Path lib = dir.resolve(soname);
        if (!Files.exists(lib)) {
            attempts.add(lib + ": no such file");
            return false;
        }
        try {
            for (String c : companions) {
                Path companion = dir.resolve(c);
                if (Files.exists(companion)) System.load(companion.toAbsolutePath().toString());
            }
            System.load(lib.toAbsolutePath().toString());
            return true;
        } catch (UnsatisfiedLinkError e) {
            attempts.add(lib + ": " + e.getMessage());
            return false;
        }
    }

    private static void addPathList(List<Path> dirs, String list) {
        if (list == null || list.isBlank()) return;
        for (String part : list.split(java.io.File.pathSeparator)) {
            if (!part.isBlank()) dirs.add(Path.of(part.trim()));
        }
    }

    private static List<Path> children(Path dir, String glob) {
        if (!Files.isDirectory(dir)) return List.of();
        List<Path> result = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, glob)) {
            for (Path p : ds) if (Files.isDirectory(p)) result.add(p);
        } catch (IOException | SecurityException e) {
            return List.of();
        }
        result.sort(Comparator.naturalOrder());
        return result;
    }

    /** "cuda-12.10" sorts after "cuda-12.9": compare numeric components. */
    private static String versionKey(Path p) {
        String name = p.getFileName().toString();
        StringBuilder key = new StringBuilder();
        Stream.of(name.replaceAll("[^0-9.]", "").split("\\."))
                .filter(s -> !s.isEmpty())
                .forEach(s -> key.append(String.format("%06d.", Integer.parseInt(s.length() > 6 ? s.substring(0, 6) : s))));
        return key.toString();
    }
}

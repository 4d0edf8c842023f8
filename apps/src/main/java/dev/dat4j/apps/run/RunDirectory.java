package dev.dat4j.apps.run;

import dev.dat4j.autograd.io.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The output directory of one run (DESIGN.md "User-facing surface"):
 * <pre>
 *   config.json     the run's configuration
 *   metrics.jsonl   one JSON object per line, appended and flushed as the run goes
 *   results.csv     final results, one row per configuration
 *   report.html     self-contained page with charts and tables
 *   checkpoints/    *.safetensors, each written to a temporary file and renamed
 * </pre>
 * Every whole-file write is atomic ({@link AtomicFiles}); metrics lines are appended one write each.
 */
public final class RunDirectory {
    public static final String CONFIG = "config.json";
    public static final String METRICS = "metrics.jsonl";
    public static final String RESULTS = "results.csv";
    public static final String REPORT = "report.html";
    public static final String CHECKPOINTS = "checkpoints";

    private final Path dir;

    private RunDirectory(Path dir) {
        this.dir = dir;
    }

    /** Opens (creating if needed) a run directory. */
    public static RunDirectory open(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new RunDirectory(dir);
    }

    public Path path() {
        return dir;
    }

    /** A file inside the run directory. */
    public Path file(String name) {
        return dir.resolve(name);
    }

    public void writeConfig(Map<String, ?> config) {
        AtomicFiles.writeString(file(CONFIG), Json.write(config) + "\n");
    }

    /** The saved configuration, if any. */
    public Optional<Map<String, Object>> readConfig() {
        Path p = file(CONFIG);
        if (!Files.exists(p)) return Optional.empty();
        try {
            return Optional.of(Json.parseObject(Files.readString(p)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(p + ": " + e.getMessage(), e);
        }
    }

    /**
     * Appends one JSON object as a line of {@code metrics.jsonl}; the line is on disk when this
     * returns. An unfinished last line left by a crashed run is cut off first, so a resumed run
     * never glues its first line onto it.
     */
    public void appendMetrics(Map<String, ?> record) {
        byte[] line = (Json.write(record) + "\n").getBytes(StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(file(METRICS), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ, StandardOpenOption.DSYNC)) {
            long end = completeLinesEnd(ch);
            ch.truncate(end);
            ch.position(end);
            ByteBuffer b = ByteBuffer.wrap(line);
            while (b.hasRemaining()) ch.write(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The length of the file up to and including its last newline. */
    private static long completeLinesEnd(FileChannel ch) throws IOException {
        long size = ch.size();
        ByteBuffer b = ByteBuffer.allocate(4096);
        long pos = size;
        while (pos > 0) {
            int n = (int) Math.min(b.capacity(), pos);
            b.clear().limit(n);
            ch.read(b, pos - n);
            for (int i = n - 1; i >= 0; i--) {
                if (b.get(i) == '\n') return pos - n + i + 1;
            }
            pos -= n;
        }
        return 0;
    }

    /**
     * The lines of {@code metrics.jsonl}. A last line without its newline (the run died while
     * writing it) is skipped; any other bad line is an error naming its line number.
     */
    public List<Map<String, Object>> readMetrics() {
        Path p = file(METRICS);
        List<Map<String, Object>> out = new ArrayList<>();
        if (!Files.exists(p)) return out;
        String text;
        try {
            text = Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String[] lines = text.split("\n", -1);
        // the element after the last '\n' is "" for a complete file, else an unfinished line
        for (int i = 0; i < lines.length - 1; i++) {
            if (lines[i].isBlank()) continue;
            try {
                out.add(Json.parseObject(lines[i]));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(p + " line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** Writes {@code results.csv}. */
    public void writeResults(List<String> header, List<? extends List<?>> rows) {
        AtomicFiles.writeString(file(RESULTS), Csv.format(header, rows));
    }

    /** Writes {@code report.html}. */
    public void writeReport(String html) {
        AtomicFiles.writeString(file(REPORT), html);
    }

    /** Path of checkpoint {@code name} ({@code checkpoints/name.safetensors}); the folder is created. */
    public Path checkpoint(String name) {
        Path d = file(CHECKPOINTS);
        try {
            Files.createDirectories(d);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return d.resolve(name.endsWith(".safetensors") ? name : name + ".safetensors");
    }

    /** Writes any file of the run atomically (checkpoints included). */
    public void writeAtomically(Path target, AtomicFiles.Body body) {
        AtomicFiles.write(target, body);
    }
}

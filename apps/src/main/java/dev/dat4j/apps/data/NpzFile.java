package dev.dat4j.apps.data;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * A numpy {@code .npz} archive: a ZIP of {@code .npy} entries, stored or deflated, ZIP64 included
 * (all handled by {@link ZipFile}). Arrays are read by streaming one entry at a time, see
 * {@link NpyInput}; the entry order inside the archive does not matter.
 */
public final class NpzFile implements Closeable {
    private final Path path;
    private final ZipFile zip;
    private final List<String> names;

    private NpzFile(Path path, ZipFile zip) {
        this.path = path;
        this.zip = zip;
        List<String> n = new ArrayList<>();
        zip.stream().filter(e -> !e.isDirectory()).forEach(e -> n.add(arrayName(e.getName())));
        this.names = Collections.unmodifiableList(n);
    }

    /** Opens an archive; a missing file or one that is not a ZIP ends with a message naming it. */
    public static NpzFile open(Path path) {
        if (!Files.exists(path)) throw new UncheckedIOException(new NoSuchFileException(path.toString()));
        try {
            return new NpzFile(path, new ZipFile(path.toFile()));
        } catch (ZipException e) {
            throw new NpyFormatException("file " + path + " is not a valid .npz archive (a ZIP file was expected; "
                    + "it may be truncated): " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path path() {
        return path;
    }

    /** Array names in archive order, without the {@code .npy} suffix. */
    public List<String> names() {
        return names;
    }

    public boolean has(String name) {
        return names.contains(name);
    }

    /** Opens array {@code name} for streaming; the caller closes the returned reader. */
    public NpyInput open(String name) {
        ZipEntry e = zip.getEntry(name + ".npy");
        if (e == null) e = zip.getEntry(name);
        if (e == null) {
            throw new NpyFormatException("file " + path + " has no array '" + name + "' (it holds: "
                    + String.join(", ", names) + ")");
        }
        String where = "file " + path + ", entry '" + e.getName() + "'";
        InputStream in;
        try {
            in = new BufferedInputStream(zip.getInputStream(e), NpyInput.CHUNK);
        } catch (ZipException ex) {
            throw new NpyFormatException(where + ": unreadable ZIP entry: " + ex.getMessage(), ex);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return NpyInput.open(in, where);
    }

    /** The header of array {@code name} (reads only the first bytes of the entry). */
    public NpyHeader header(String name) {
        try (NpyInput in = open(name)) {
            return in.header();
        }
    }

    @Override
    public void close() {
        try {
            zip.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String arrayName(String entry) {
        return entry.endsWith(".npy") ? entry.substring(0, entry.length() - 4) : entry;
    }
}

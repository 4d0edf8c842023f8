package dev.dat4j.apps.lm;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A text file of token sequences: one sequence per line, token ids separated by whitespace, every
 * line of the same length L+1 (blank lines are skipped). The model reads the first L ids of a line
 * and is scored on predicting the last L.
 *
 * <p>{@link #scan} checks the whole file first (lengths, ids in range), so a bad line is reported
 * before any work is done; {@link #reader} then streams the sequences batch by batch.
 */
public final class TokenFile {
    private final Path file;
    private final int sequences;
    private final int length;

    private TokenFile(Path file, int sequences, int length) {
        this.file = file;
        this.sequences = sequences;
        this.length = length;
    }

    /** Sequences (non-blank lines) in the file. */
    public int sequences() {
        return sequences;
    }

    /** Ids per line, L+1. */
    public int lineLength() {
        return length;
    }

    /**
     * Reads the file once and checks it: at least one sequence, at least 2 ids per line, all lines
     * of the length of the first, every id an integer in [0, vocabSize).
     */
    public static TokenFile scan(Path file, int vocabSize) {
        int count = 0, length = -1, firstLine = 0;
        try (Reader r = new Reader(file)) {
            int[] row;
            while ((row = r.next()) != null) {
                if (length < 0) {
                    length = row.length;
                    firstLine = r.lineNumber;
                    if (length < 2) {
                        throw new IllegalArgumentException(file + ": line " + r.lineNumber + " has " + length
                                + " token id; each line needs at least 2 (input = first L ids, target = last L)");
                    }
                } else if (row.length != length) {
                    throw new IllegalArgumentException(file + ": line " + r.lineNumber + " has " + row.length
                            + " token ids, but line " + firstLine + " has " + length + "; all lines must have the same length");
                }
                for (int i = 0; i < row.length; i++) {
                    if (row[i] >= vocabSize) {
                        throw new IllegalArgumentException(file + ": line " + r.lineNumber + ", token " + (i + 1) + ": id "
                                + row[i] + " is out of range for vocab_size " + vocabSize + " (ids must be 0.." + (vocabSize - 1) + ")");
                    }
                }
                count++;
            }
        }
        if (count == 0) throw new IllegalArgumentException(file + ": no token sequences (the file is empty)");
        return new TokenFile(file, count, length);
    }

    /** Streams the sequences again, in file order. */
    public Reader reader() {
        return new Reader(file);
    }

    /** Line-by-line parser; {@link #next} gives the ids of the next non-blank line. */
    public static final class Reader implements AutoCloseable {
        private final Path file;
        private final BufferedReader in;
        private int lineNumber;

        Reader(Path file) {
            this.file = file;
            try {
                this.in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The ids of the next non-blank line, or null at the end of the file. */
        public int[] next() {
            String line;
            try {
                do {
                    line = in.readLine();
                    lineNumber++;
                } while (line != null && line.isBlank());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (line == null) return null;
            String[] parts = line.strip().split("\\s+");
            int[] ids = new int[parts.length];
            for (int i = 0; i < parts.length; i++) {
                try {
                    ids[i] = Integer.parseInt(parts[i]);
                } catch (NumberFormatException e) {
                    ids[i] = -1;
                }
                if (ids[i] < 0) {
                    throw new IllegalArgumentException(file + ": line " + lineNumber + ", token " + (i + 1) + ": '"
                            + parts[i] + "' is not a token id (a non-negative integer)");
                }
            }
            return ids;
        }

        @Override
        public void close() {
            try {
                in.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}

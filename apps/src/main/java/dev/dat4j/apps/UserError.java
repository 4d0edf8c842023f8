package dev.dat4j.apps;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;

/** Turns an exception into the one-line message a user sees (no stack trace). */
final class UserError {
    private UserError() {}

    static String describe(Throwable ex) {
        Throwable t = ex;
        if (t instanceof UncheckedIOException u && u.getCause() != null) t = u.getCause();
        if (t instanceof NoSuchFileException nf) return "file not found: " + nf.getFile();
        if (t instanceof IOException io) return "I/O error: " + io.getMessage();
        String msg = t.getMessage();
        return msg == null || msg.isBlank() ? t.getClass().getSimpleName() : msg;
    }
}

package dev.dat4j.apps.testutil;

import dev.dat4j.apps.Main;
import dev.dat4j.autograd.io.Json;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/** Runs the {@code dat4j} command line in-process and captures what it prints. */
public final class Cli {
    private Cli() {}

    /** Exit code, standard output and standard error (with picocli's error stream) of one run. */
    public record Result(int code, String out, String err) {
        /** The last line of standard output, parsed as a JSON object. */
        public Map<String, Object> json() {
            String[] lines = out.strip().split("\n");
            return Json.parseObject(lines[lines.length - 1]);
        }

        /** The error output of a failed run is one line, with no stack trace. */
        public boolean failedWithOneMessage() {
            return code == 2 && !err.contains("\tat ") && err.startsWith("dat4j: ");
        }
    }

    public static Result run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        StringWriter cliErr = new StringWriter();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            CommandLine cli = Main.commandLine();
            cli.setErr(new PrintWriter(cliErr, true));
            int code = cli.execute(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), cliErr + err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** A file of the test resources (on the test class path). */
    public static Path resource(String name) {
        try {
            return Path.of(Cli.class.getResource("/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("test resource " + name + " not found", e);
        }
    }
}

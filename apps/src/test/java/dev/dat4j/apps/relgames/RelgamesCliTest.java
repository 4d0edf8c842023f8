package dev.dat4j.apps.relgames;

import dev.dat4j.apps.Main;
import dev.dat4j.autograd.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code dat4j relgames generate} then {@code check}, through the real command line. */
class RelgamesCliTest {
    @TempDir
    Path tmp;

    private record Result(int code, String out, String err) {
        /** The last line of standard output, parsed. */
        Map<String, Object> json() {
            String[] lines = out.strip().split("\n");
            return Json.parseObject(lines[lines.length - 1]);
        }
    }

    private static Result run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        StringWriter cliErr = new StringWriter();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            CommandLine cli = Main.commandLine();
            cli.setErr(new PrintWriter(cliErr, true));
            int code = cli.execute(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8) + cliErr);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void generateThenCheck() {
        Path f = tmp.resolve("occurs_pentos.npz");
        Result gen = run("relgames", "generate", "--task", "occurs", "--objects", "pentos", "--n", "500", "--seed", "3",
                "--out", f.toString());
        assertEquals(0, gen.code(), gen.err());
        assertTrue(Files.exists(f));
        assertEquals(500L, gen.json().get("n"));
        assertTrue(gen.err().contains("500/500"), "progress is shown: " + gen.err());

        Result check = run("relgames", "check", "--data", f.toString());
        assertEquals(0, check.code(), check.err());
        Map<String, Object> j = check.json();
        assertEquals("occurs", j.get("task"));
        assertEquals("pentos", j.get("object_set"));
        for (String k : new String[]{"images", "rerender_exact", "label_agreement", "layout_ok"}) assertEquals(500L, j.get(k), k);
        assertEquals(gen.json().get("positives"), j.get("positives"));

        // the xoccurs rule disagrees with occurs labels where the top object occurs more than once
        Result wrong = run("relgames", "check", "--data", f.toString(), "--task", "xoccurs");
        assertEquals(500L, wrong.json().get("label_agreement"), "occurs positives hold exactly one copy, so xoccurs agrees");
        Result same = run("relgames", "check", "--data", f.toString(), "--task", "same");
        assertEquals(1, same.code());
        assertEquals(0L, same.json().get("layout_ok"));
        assertTrue(same.err().contains("problem: image 0: same expects 2 objects"), same.err());
    }

    @Test
    void badInputEndsWithOneClearLine() {
        Result missing = run("relgames", "check", "--data", tmp.resolve("nope.npz").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("file not found") && missing.err().contains("nope.npz"), missing.err());
        assertFalse(missing.err().contains("\tat "), "no stack trace");

        Result task = run("relgames", "generate", "--task", "bigger", "--objects", "pentos", "--n", "5", "--out",
                tmp.resolve("x.npz").toString());
        assertEquals(2, task.code());
        assertTrue(task.err().contains("unknown task 'bigger'"), task.err());

        Result noTask = run("relgames", "check", "--data", writeTiny(tmp.resolve("data.npz")).toString());
        assertEquals(2, noTask.code());
        assertTrue(noTask.err().contains("pass --task"), noTask.err());
    }

    private static Path writeTiny(Path p) {
        Generator.write(Generator.generate(Task.SAME, ObjectSet.HEXOS, 4, 0, null), p,
                dev.dat4j.apps.data.NpzWriter.Compression.DEFLATED, null);
        return p;
    }
}

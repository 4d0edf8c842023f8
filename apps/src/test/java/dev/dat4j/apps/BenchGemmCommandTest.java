package dev.dat4j.apps;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code dat4j bench gemm} on the CPU: the JSON line, and the GPU-only options refused with a clear message. */
class BenchGemmCommandTest {

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), progress = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(progress, true, StandardCharsets.UTF_8));
            var cli = Main.commandLine();
            cli.setErr(new PrintWriter(err, true));
            int exit = cli.execute(args);
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void printsOneJsonLineWithDtypeAndFill() {
        Run r = run("bench", "gemm", "--size", "9", "--k", "5", "--iters", "3", "--warmup", "1", "--fill", "constant", "--threads", "1");
        assertEquals(0, r.exit(), r.err());
        String json = r.out().strip();
        assertTrue(json.startsWith("{\"op\":\"gemm\"") && json.endsWith("}"), json);
        assertTrue(json.contains("\"dtype\":\"f32\"") && json.contains("\"fill\":\"constant\"")
                && json.contains("\"m\":9,\"n\":9,\"k\":5") && json.contains("\"calls_per_sample\":1")
                && json.contains("\"bf16_out\":false") && json.contains("\"c0\":0.625"), json); // 0.5 · 0.25 · k
        assertTrue(!json.contains("peak_device_mb"), "no device memory on the CPU: " + json);
    }

    @Test
    void gpuPrecisionsOnTheCpuAreRefused() {
        Run r = run("bench", "gemm", "--size", "4", "--dtype", "bf16");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--dtype bf16 needs a GPU"), r.err());
        r = run("bench", "gemm", "--size", "4", "--dtype", "f32", "--resident-bf16");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--resident-bf16 needs --dtype bf16"), r.err());
        r = run("bench", "gemm", "--size", "4", "--dtype", "tf32", "--bf16-out");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--bf16-out needs --dtype bf16"), r.err());
        r = run("bench", "gemm", "--size", "4", "--dtype", "fp8");
        assertTrue(r.err().contains("expected f32, tf32 or bf16"), r.err());
    }
}

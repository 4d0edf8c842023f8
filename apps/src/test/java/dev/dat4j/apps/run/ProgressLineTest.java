package dev.dat4j.apps.run;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressLineTest {
    private long now;

    @Test
    void plainLinesAreThrottledAndShowRateAndEta() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ProgressLine p = new ProgressLine("train", 1000, "samples", new PrintStream(buf, true, StandardCharsets.UTF_8),
                false, () -> now, 5);
        now = 1_000_000_000L; // 1 s in: 100 done
        p.update(100, 0.6931);
        now = 2_000_000_000L; // within 5 s of the last line: no output
        p.update(200, 0.5);
        now = 7_000_000_000L;
        p.update(700);
        now = 10_000_000_000L;
        p.update(1000, 0.25);
        p.finish();
        String[] lines = buf.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(3, lines.length, String.join("|", lines));
        assertEquals("train  100/1000   10.0%  loss 0.6931  100 samples/s  ETA 0:09", lines[0]);
        assertEquals("train  700/1000   70.0%  loss 0.5000  100 samples/s  ETA 0:03", lines[1]);
        assertEquals("train  1000/1000  100.0%  loss 0.2500  100 samples/s  done in 0:10", lines[2]);
    }

    @Test
    void terminalLinesRedrawInPlace() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ProgressLine p = new ProgressLine("gen", 0, "images", new PrintStream(buf, true, StandardCharsets.UTF_8),
                true, () -> now, 5);
        now = 500_000_000L;
        p.update(10);
        now = 1_000_000_000L;
        p.update(20);
        p.finish();
        String out = buf.toString(StandardCharsets.UTF_8);
        assertTrue(out.startsWith("\rgen  10  20.00 images/s"), out);
        assertTrue(out.endsWith("\n") && out.indexOf('\n') == out.length() - 1, "one newline, at the end");
        assertEquals("1:01:05", ProgressLine.clock(3665));
    }
}

package dev.dat4j.apps.relgames;

import dev.dat4j.apps.data.NpzFile;
import dev.dat4j.apps.data.NpzWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GeneratorTest {
    @TempDir
    Path tmp;

    @Test
    void everyTaskAndObjectSetPassesCheck() {
        for (Task task : Task.values()) {
            for (ObjectSet set : ObjectSet.values()) {
                Path f = tmp.resolve(task.label() + "_" + set.label() + ".npz");
                Generator.Dataset d = Generator.generate(task, set, 200, 11, null);
                Generator.write(d, f, NpzWriter.Compression.DEFLATED, null);
                Checker.Report r = Checker.check(f, null, null);
                String why = f.getFileName() + " " + r.toJson() + " " + r.problems();
                assertTrue(r.allGood(), why);
                assertEquals(200, r.labelAgreement(), why);
                assertEquals(set, r.objectSet(), why);
                assertTrue(r.positives() > 60 && r.positives() < 140, why);
            }
        }
    }

    @Test
    void filesHoldTheOriginalLayout() {
        Path f = tmp.resolve("cp.npz");
        Generator.write(Generator.generate(Task.COL_PATTS, ObjectSet.PENTOS, 300, 2, null), f, NpzWriter.Compression.STORED, null);
        try (NpzFile npz = NpzFile.open(f)) {
            assertEquals(List.of("images", "labels", "tasks"), npz.names());
            assertEquals("|u1 (300, 36, 36, 3)", npz.header("images").toString());
            assertEquals("<i8 (300, 1)", npz.header("labels").toString());
            assertEquals("<i8 (300, 1)", npz.header("tasks").toString());
        }
        RelgamesData data = RelgamesData.load(f, null);
        int[] perTask = new int[3];
        for (int i = 0; i < data.size(); i++) perTask[data.subtask(i)]++;
        for (int c : perTask) assertTrue(c > 60, Arrays.toString(perTask));
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherData() throws IOException {
        Path a = tmp.resolve("a.npz"), b = tmp.resolve("b.npz"), c = tmp.resolve("c.npz");
        Generator.write(Generator.generate(Task.XOCCURS, ObjectSet.HEXOS, 150, 5, null), a, NpzWriter.Compression.DEFLATED, null);
        Generator.write(Generator.generate(Task.XOCCURS, ObjectSet.HEXOS, 150, 5, null), b, NpzWriter.Compression.DEFLATED, null);
        Generator.write(Generator.generate(Task.XOCCURS, ObjectSet.HEXOS, 150, 6, null), c, NpzWriter.Compression.DEFLATED, null);
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        assertFalse(Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(c)));
    }

    /** The statistics of the real between files (datasets.md §B1), reproduced within sampling noise. */
    @Test
    void betweenCopiesTheMeasuredSampling() {
        for (ObjectSet set : List.of(ObjectSet.HEXOS, ObjectSet.STRIPES)) {
            Generator.Dataset d = Generator.generate(Task.BETWEEN, set, 5000, 3, null);
            int negatives = 0, nonCollinear = 0, middleRow = 0, topRow = 0;
            for (int i = 0; i < d.size(); i++) {
                List<Integer> occupied = new ArrayList<>();
                Glyph[] s = d.scene(i);
                for (int c = 0; c < 9; c++) if (s[c] != null) occupied.add(c);
                int[] line = Task.lineThrough(occupied);
                if (line == Task.LINES[1]) middleRow++;
                if (line == Task.LINES[0]) topRow++;
                if (d.labels()[i] == 0) {
                    negatives++;
                    if (line == null) nonCollinear++;
                }
            }
            double frac = nonCollinear / (double) negatives;
            double want = set == ObjectSet.HEXOS ? 542 / 2475.0 : 1170 / 2512.0; // real files
            assertEquals(want, frac, 0.04, set + " non-collinear share of negatives");
            assertEquals(2.0, middleRow / (double) topRow, 0.35, set + " middle row is twice as frequent");
        }
    }

    /** Distinct objects in 3task_col_patts hexos differ 1/3 by colour only, 1/3 by mask only, 1/3 by both (real file: 1291/1250/1233). */
    @Test
    void hardNegativesSplitAboutEvenly() {
        Generator.Dataset d = Generator.generate(Task.COL_PATTS, ObjectSet.HEXOS, 4000, 9, null);
        int sameColour = 0, sameMask = 0, both = 0;
        for (int i = 0; i < d.size(); i++) {
            Glyph[] s = d.scene(i);
            List<Integer> ids = new ArrayList<>();
            for (int c = 0; c < 9; c++) if (s[c] != null) ids.add(ObjectSet.HEXOS.id(s[c]));
            List<Integer> distinct = ids.stream().distinct().toList();
            if (distinct.size() != 2) continue;
            int a = distinct.get(0), b = distinct.get(1);
            if (a % 25 == b % 25) sameColour++;
            else if (a / 25 == b / 25) sameMask++;
            else both++;
        }
        int total = sameColour + sameMask + both;
        for (int k : new int[]{sameColour, sameMask, both}) assertEquals(1 / 3.0, k / (double) total, 0.05);
    }
}

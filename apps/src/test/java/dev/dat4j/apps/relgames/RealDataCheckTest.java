package dev.dat4j.apps.relgames;

import dev.dat4j.apps.testutil.SharedData;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The renderer and the task rules against DeepMind's real files (datasets.md §A7): every image must
 * re-render byte for byte from its decoded objects and every label must follow from the rule.
 */
class RealDataCheckTest {
    /** Positive labels per file, as counted in datasets.md §B1. */
    private static final Map<String, Long> POSITIVES = Map.of(
            "mini_between_hexos.npz", 2525L, "mini_between_stripes.npz", 2488L,
            "mini_3task_col_patts_hexos.npz", 2474L, "mini_3task_col_patts_stripes.npz", 2461L);

    @Test
    void allFourRealFilesRerenderExactlyAndFollowTheirRules() {
        Path dir = SharedData.relationalGamesDir();
        for (String name : SharedData.MINI_FILES) {
            Checker.Report r = Checker.check(dir.resolve(name), null, null);
            String why = name + ": " + r.toJson() + " " + r.problems();
            assertEquals(5000, r.images(), why);
            assertEquals(5000, r.rerenderExact(), why);
            assertEquals(5000, r.labelAgreement(), why);
            assertEquals(5000, r.layoutOk(), why);
            assertEquals(15000, r.objects(), why);
            assertEquals(15000, r.objectsInSet(), why);
            assertEquals(POSITIVES.get(name), r.positives(), why);
            assertEquals(name.contains("hexos") ? ObjectSet.HEXOS : ObjectSet.STRIPES, r.objectSet());
            assertEquals(name.contains("between") ? Task.BETWEEN : Task.COL_PATTS, r.task());
            assertTrue(r.allGood());
        }
    }

    @Test
    void aWrongTaskIsDetected() {
        Path f = SharedData.relationalGamesDir().resolve("mini_between_hexos.npz");
        Checker.Report r = Checker.check(f, Task.SAME, null);
        assertEquals(5000, r.rerenderExact());
        assertEquals(0, r.layoutOk(), "between scenes have 3 objects, same expects 2");
        assertTrue(r.problems().getFirst().contains("same expects 2 objects"), r.problems().toString());
    }

    @Test
    void loadingRowsMatchesLoadingEverything() {
        Path f = SharedData.relationalGamesDir().resolve("mini_3task_col_patts_stripes.npz");
        RelgamesData all = RelgamesData.load(f, null);
        assertEquals(5000, all.size());
        int[] rows = {4999, 3, 17, 3, 250};
        RelgamesData some = RelgamesData.load(f, rows, null);
        RelgamesData expected = all.select(rows);
        assertArrayEquals(expected.images(), some.images());
        for (int k = 0; k < rows.length; k++) {
            assertEquals(all.label(rows[k]), some.label(k));
            assertEquals(all.subtask(rows[k]), some.subtask(k));
        }
    }
}

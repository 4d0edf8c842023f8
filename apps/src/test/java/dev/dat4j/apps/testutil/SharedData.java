package dev.dat4j.apps.testutil;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Finds the real Relational Games files that tests may use but the project never ships: at
 * {@code ../shared/data/relational_games} relative to the repository root (the CI layout), at
 * {@code shared/data/relational_games} inside it, or wherever {@code DAT4J_RELGAMES_DATA} points.
 * Tests that need them are skipped, with the places searched as the reason, when they are absent.
 */
public final class SharedData {
    public static final List<String> MINI_FILES = List.of("mini_between_hexos.npz", "mini_between_stripes.npz",
            "mini_3task_col_patts_hexos.npz", "mini_3task_col_patts_stripes.npz");

    private SharedData() {}

    /** The repository root: the nearest ancestor of the working directory that holds {@code mvnw}. */
    public static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("mvnw"))) p = p.getParent();
        if (p == null) throw new IllegalStateException("no mvnw above " + Path.of("").toAbsolutePath());
        return p;
    }

    private static List<Path> candidates() {
        Path root = repoRoot();
        String env = System.getenv("DAT4J_RELGAMES_DATA");
        List<Path> c = new java.util.ArrayList<>();
        if (env != null && !env.isBlank()) c.add(Path.of(env));
        c.add(root.resolve("../shared/data/relational_games").normalize());
        c.add(root.resolve("shared/data/relational_games"));
        return c;
    }

    /** The directory holding all four mini files; skips the calling test when there is none. */
    public static Path relationalGamesDir() {
        for (Path d : candidates()) {
            if (MINI_FILES.stream().allMatch(f -> Files.isRegularFile(d.resolve(f)))) return d;
        }
        Assumptions.abort("the real Relational Games mini files are not available (looked in " + candidates()
                + "; set DAT4J_RELGAMES_DATA to their folder to run this test)");
        throw new AssertionError("unreachable");
    }
}

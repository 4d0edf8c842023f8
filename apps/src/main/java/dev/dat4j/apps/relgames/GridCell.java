package dev.dat4j.apps.relgames;

/**
 * One cell of a learning-curve grid: train {@code model} on {@code trainSize} samples of
 * {@code task} with {@code seed}.
 */
public record GridCell(String task, String model, int trainSize, int seed) {
    public GridCell {
        if (trainSize < 1) throw new IllegalArgumentException("train size must be positive, got " + trainSize);
        for (String s : new String[]{task, model}) {
            if (s.isEmpty() || !s.matches("[A-Za-z0-9._()+-]+")) {
                throw new IllegalArgumentException("task and model names may use letters, digits and . _ ( ) + - only: '" + s + "'");
            }
        }
    }

    /** A file-name-safe identifier, e.g. {@code between__dat_sa1_ra1__n250__s0}. */
    public String key() {
        return task + "__" + model + "__n" + trainSize + "__s" + seed;
    }
}

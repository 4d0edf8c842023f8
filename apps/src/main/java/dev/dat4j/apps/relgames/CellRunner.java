package dev.dat4j.apps.relgames;

import java.util.Map;

/** Runs one grid cell (trains and evaluates a model) and returns its metrics. */
@FunctionalInterface
public interface CellRunner {
    Map<String, Double> run(GridCell cell) throws Exception;
}

package dev.dat4j.apps.relgames;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cells of a learning-curve experiment: every (task, model, train size, seed). Cells are
 * ordered seed first, so an interrupted grid already holds whole curves for the first seeds.
 */
public record CurveGrid(List<String> tasks, List<String> models, List<Integer> sizes, List<Integer> seeds) {
    public CurveGrid {
        tasks = List.copyOf(tasks);
        models = List.copyOf(models);
        sizes = List.copyOf(sizes);
        seeds = List.copyOf(seeds);
        if (tasks.isEmpty() || models.isEmpty() || sizes.isEmpty() || seeds.isEmpty()) {
            throw new IllegalArgumentException("a grid needs at least one task, model, size and seed");
        }
    }

    /** The training-set sizes of the paper: 250..2,500 step 250, or 5,000..25,000 step 2,500 for match_patt. */
    public static List<Integer> paperSizes(Task task) {
        List<Integer> s = new ArrayList<>();
        if (task == Task.MATCH_PATT) {
            for (int n = 5000; n <= 25000; n += 2500) s.add(n);
        } else {
            for (int n = 250; n <= 2500; n += 250) s.add(n);
        }
        return s;
    }

    public List<GridCell> cells() {
        List<GridCell> out = new ArrayList<>();
        for (int seed : seeds) {
            for (String task : tasks) {
                for (String model : models) {
                    for (int size : sizes) out.add(new GridCell(task, model, size, seed));
                }
            }
        }
        return out;
    }

    /** The grid as saved in {@code config.json}. */
    public Map<String, Object> toConfig() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tasks", tasks);
        m.put("models", models);
        m.put("train_sizes", sizes);
        m.put("seeds", seeds);
        return m;
    }
}

package dev.dat4j.apps.model;

import dev.dat4j.autograd.Generator;
import dev.dat4j.autograd.Scope;
import dev.dat4j.autograd.nn.Module;
import dev.dat4j.dat.config.ModelConfig;
import dev.dat4j.dat.io.Checkpoints;
import dev.dat4j.dat.models.Models;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * A model built from a config file and filled with the weights of a safetensors checkpoint, for the
 * commands that evaluate a trained model ({@code lm score}, {@code vision score}).
 */
public record CheckpointModel(ModelConfig config, Module model) {

    /**
     * Reads {@code configFile}, checks that it describes one of {@code accepted} (the command's model
     * family, named {@code family} in errors), builds that model in the current scope and loads
     * {@code weights} strictly: every parameter must be present with its shape, nothing extra.
     */
    public static CheckpointModel load(Path configFile, Path weights, String family,
                              List<Class<? extends ModelConfig>> accepted) {
        requireFile(configFile, "--config");
        requireFile(weights, "--weights");
        ModelConfig config = ModelConfig.load(configFile);
        if (accepted.stream().noneMatch(t -> t.isInstance(config))) {
            throw new IllegalArgumentException(configFile + ": config field 'model' is '" + config.modelName()
                    + "', expected a " + family + " (" + String.join(" or ",
                    accepted.stream().map(t -> t.getSimpleName().replace("Config", "")).toList()) + ")");
        }
        Module model = Models.create(config, new Generator(0));
        // the temporary copies made while loading are freed at once, the parameters stay in the caller's scope
        try (Scope _ = Scope.open()) {
            Checkpoints.load(model, weights);
        } catch (IOException e) {
            throw new UncheckedIOException(weights + ": " + e.getMessage(), e);
        }
        return new CheckpointModel(config, model);
    }

    private static void requireFile(Path file, String option) {
        if (!Files.isRegularFile(file)) {
            throw new UncheckedIOException(new NoSuchFileException(file + " (" + option + ")"));
        }
    }
}

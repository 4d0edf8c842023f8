package dev.dat4j.dat.config;

/** A model configuration that cannot be used: the message names the field and what was expected. */
public final class ConfigException extends IllegalArgumentException {
    public ConfigException(String message) {
        super(message);
    }
}

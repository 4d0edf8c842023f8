package dev.dat4j.vecops;

/**
 * A backend found at run time through {@link java.util.ServiceLoader} (the CUDA backend of
 * {@code ffm-cuda} registers one), so that autograd and the models never depend on it at compile time.
 */
public interface BackendProvider {

    /** Device type this provider serves, e.g. {@code "cuda"}. */
    String deviceType();

    /**
     * Human-readable availability: the devices found, or exactly why none can be used
     * (library not found and the paths searched, driver error, ...).
     */
    String describe();

    /** Opens device {@code index}; throws {@link BackendUnavailableException} with the reason if it cannot. */
    Backend open(int index);
}

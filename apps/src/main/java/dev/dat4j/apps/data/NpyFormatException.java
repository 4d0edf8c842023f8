package dev.dat4j.apps.data;

/**
 * A malformed, truncated or unsupported {@code .npy}/{@code .npz} file. The message always names the
 * file (and the archive entry when there is one) and says what was expected, so it can be shown to a
 * user as is.
 */
public final class NpyFormatException extends RuntimeException {
    public NpyFormatException(String message) {
        super(message);
    }

    public NpyFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}

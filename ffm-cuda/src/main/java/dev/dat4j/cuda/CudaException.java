package dev.dat4j.cuda;

/**
 * A CUDA, NVRTC or cuBLAS call returned an error. The message names the call, the status code, its
 * symbolic name and the library's description, e.g.
 * {@code cuMemAlloc_v2(1073741824 bytes) failed: CUDA_ERROR_OUT_OF_MEMORY (2): out of memory}.
 */
public final class CudaException extends RuntimeException {
    private final int status;

    public CudaException(String call, int status, String name, String description) {
        super(call + " failed: " + name + " (" + status + ")" + (description.isEmpty() ? "" : ": " + description));
        this.status = status;
    }

    public CudaException(String message) {
        super(message);
        this.status = -1;
    }

    /** Wraps a failure reported later than it happened (an asynchronous op). */
    public CudaException(String message, RuntimeException cause) {
        super(message, cause);
        this.status = cause instanceof CudaException c ? c.status : -1;
    }

    /** The raw status code (CUresult, nvrtcResult or cublasStatus_t), or -1 for errors of our own. */
    public int status() {
        return status;
    }
}

package dev.dat4j.cuda;

import dev.dat4j.vecops.Buffer;

/**
 * A view of device memory: the device address of its first element and a length in 4-byte
 * elements. The address is a plain {@code long}, never a host-dereferenceable segment; the memory
 * belongs to the {@link CudaMemoryScope} that allocated it, and slices share it.
 *
 * <p>A bf16 buffer ({@link CudaBackend#bf16Copy}, {@link CudaBackend#bf16Buffer}) is a CudaBuffer
 * whose length and slices count 2-byte elements; {@link CudaBackend} accepts it only as A, B or C of
 * a GEMM and as the source of {@link CudaBackend#bf16ToFloat}.
 */
public final class CudaBuffer implements Buffer {
    private final CudaMemoryScope scope;
    private final long address;
    private final long length;
    private final boolean bf16;

    CudaBuffer(CudaMemoryScope scope, long address, long length, boolean bf16) {
        this.scope = scope;
        this.address = address;
        this.length = length;
        this.bf16 = bf16;
    }

    /** Whether the elements are bfloat16 (a GEMM operand or output) rather than 4-byte words. */
    boolean isBf16() {
        return bf16;
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public CudaBuffer slice(long offset, long length) {
        if (offset < 0 || length < 0 || offset + length > this.length) {
            throw new IndexOutOfBoundsException("slice [" + offset + ", " + (offset + length) + ") of a buffer of "
                    + this.length + " elements");
        }
        return new CudaBuffer(scope, address + (bf16 ? offset << 1 : offset << 2), length, bf16);
    }

    /** The device address of element 0, checking that the owning scope is still open. */
    long address() {
        scope.checkOpen();
        return address;
    }

    CudaMemoryScope scope() {
        return scope;
    }

    @Override
    public String toString() {
        return "CudaBuffer[" + length + (bf16 ? " bf16" : "") + " elements on " + scope.backendName() + "]";
    }
}

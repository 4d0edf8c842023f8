package dev.dat4j.cuda;

import dev.dat4j.vecops.Buffer;

/**
 * A view of device memory: the device address of its first element and a length in 4-byte
 * elements. The address is a plain {@code long}, never a host-dereferenceable segment; the memory
 * belongs to the {@link CudaMemoryScope} that allocated it, and slices share it.
 */
public final class CudaBuffer implements Buffer {
    private final CudaMemoryScope scope;
    private final long address;
    private final long length;

    CudaBuffer(CudaMemoryScope scope, long address, long length) {
        this.scope = scope;
        this.address = address;
        this.length = length;
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
        return new CudaBuffer(scope, address + (offset << 2), length);
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
        return "CudaBuffer[" + length + " elements on " + scope.backendName() + "]";
    }
}

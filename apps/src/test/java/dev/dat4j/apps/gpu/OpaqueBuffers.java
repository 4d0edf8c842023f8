package dev.dat4j.apps.gpu;

import dev.dat4j.vecops.Backend;
import dev.dat4j.vecops.Buffer;
import dev.dat4j.vecops.MemoryScope;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/**
 * A CPU backend whose buffers are opaque, like device memory: code that reaches into a buffer's host
 * memory (instead of going through {@link Backend#read}/{@link Backend#write}) fails here on the
 * machine without a GPU, as it would on the GPU.
 */
final class OpaqueBuffers {
    private OpaqueBuffers() {}

    /** A buffer that only this wrapper can unwrap. */
    private record Opaque(Buffer inner) implements Buffer {
        @Override
        public long length() {
            return inner.length();
        }

        @Override
        public Buffer slice(long offset, long length) {
            return new Opaque(inner.slice(offset, length));
        }
    }

    static Backend wrap(Backend cpu) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getName().equals("name") && method.getParameterCount() == 0) return "opaque(" + cpu.name() + ")";
            if (method.getName().equals("newScope")) return scope(cpu.newScope());
            Object[] unwrapped = args == null ? null : args.clone();
            if (unwrapped != null) {
                for (int i = 0; i < unwrapped.length; i++) {
                    if (unwrapped[i] instanceof Opaque o) unwrapped[i] = o.inner();
                    else if (unwrapped[i] instanceof Buffer b) {
                        throw new IllegalArgumentException(method.getName() + ": argument " + i + " is not a buffer of this backend: " + b);
                    }
                }
            }
            try {
                return method.invoke(cpu, unwrapped);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class}, handler);
    }

    private static MemoryScope scope(MemoryScope inner) {
        return new MemoryScope() {
            @Override
            public Buffer allocate(long length) {
                return new Opaque(inner.allocate(length));
            }

            @Override
            public void close() {
                inner.close();
            }
        };
    }
}

// Embedding lookup and gather, with their scatter-add backward passes. Indices outside their
// range are not read through: the smallest bad position is recorded in err (one u64, all ones =
// none) and the host throws. Backward passes accumulate with atomicAdd into a zeroed output, so
// the order of additions (and the last bits of a sum of several contributions) may vary.

// table: (vocab, dim); ids: int32 (n); out: (n, dim). out[i,:] = table[ids[i],:]
extern "C" __global__ void embedding_forward(const float* table, const int* ids, float* out,
                                             int n, int dim, int vocab, u64* err) {
    FOR_EACH(e, (i64)n * dim) {
        i64 i = e / dim, j = e % dim;
        int id = ids[i];
        if (id < 0 || id >= vocab) {
            report_bad(err, i);
            continue;
        }
        out[e] = table[(i64)id * dim + j];
    }
}

// dtable (vocab, dim), zeroed by the host: dtable[ids[i],:] += dout[i,:]
extern "C" __global__ void embedding_backward(const int* ids, const float* dout, float* dtable,
                                              int n, int dim, int vocab, u64* err) {
    FOR_EACH(e, (i64)n * dim) {
        i64 i = e / dim, j = e % dim;
        int id = ids[i];
        if (id < 0 || id >= vocab) {
            report_bad(err, i);
            continue;
        }
        atomicAdd(&dtable[(i64)id * dim + j], dout[e]);
    }
}

// x: (outer, n); idx: int32 (outer, k); y: (outer, k). y[o,j] = x[o, idx[o,j]]
extern "C" __global__ void gather_forward(const float* x, const int* idx, float* y, int outer, int n, int k, u64* err) {
    FOR_EACH(e, (i64)outer * k) {
        int c = idx[e];
        if (c < 0 || c >= n) {
            report_bad(err, e);
            continue;
        }
        y[e] = x[(e / k) * n + c];
    }
}

// dx (outer, n), zeroed by the host: dx[o, idx[o,j]] += dy[o,j]
extern "C" __global__ void gather_backward(const int* idx, const float* dy, float* dx, int outer, int n, int k, u64* err) {
    FOR_EACH(e, (i64)outer * k) {
        int c = idx[e];
        if (c < 0 || c >= n) {
            report_bad(err, e);
            continue;
        }
        atomicAdd(&dx[(e / k) * n + c], dy[e]);
    }
}

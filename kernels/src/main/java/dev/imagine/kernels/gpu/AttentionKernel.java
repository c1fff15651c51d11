package dev.imagine.kernels.gpu;

import com.aparapi.Range;
import com.aparapi.device.OpenCLDevice;

/**
 * softmax(q·kᵀ / sqrt(d))·v with an online softmax: the score matrix is never stored.
 *
 * <p>One work-item per (batch, head, query); a work-group holds {@link #QUERIES} queries of one (batch,
 * head) and walks the valid keys in tiles of {@link #KEYS}, staging each key and value tile in local
 * memory once for all its queries. Per tile a work-item computes its scores, raises its running max,
 * rescales its accumulator once, then adds the tile's values in key order — a fixed order, so the bits
 * depend only on the shapes. Keys at or past the item's valid length (padded prompts) are never read.
 *
 * <p>Keys and values may come from the query array (self-attention over packed qkv) or from a second
 * array (cross-attention to text), so one buffer is uploaded once however many roles it plays.
 */
final class AttentionKernel extends OpenClKernel {
    static final int QUERIES = 64;
    static final int KEYS = 32;
    /** Largest head dimension the private per-query registers hold (DiT-XL/PixArt use 72). */
    static final int MAX_HEAD_DIM = 128;

    float[] q = new float[1];
    float[] kv = new float[1];
    float[] out = new float[1];
    int[] kvLengths = new int[1];
    int hasLengths;
    int kFromQ;
    int vFromQ;
    int heads;
    int headDim;
    int qTokens;
    int kvTokens;
    int qStride;
    int qOffset;
    int kStride;
    int kOffset;
    int vStride;
    int vOffset;
    int queryBlocks;
    float scale;

    @Local final float[] kTile = new float[KEYS * MAX_HEAD_DIM];
    @Local final float[] vTile = new float[KEYS * MAX_HEAD_DIM];
    @PrivateMemorySpace(MAX_HEAD_DIM) final float[] qRow = new float[MAX_HEAD_DIM];
    @PrivateMemorySpace(MAX_HEAD_DIM) final float[] acc = new float[MAX_HEAD_DIM];
    @PrivateMemorySpace(KEYS) final float[] scores = new float[KEYS];

    AttentionKernel(OpenCLDevice device) {
        super(device);
    }

    Range range(int batch) {
        return range1D(batch * heads * queryBlocks * QUERIES, QUERIES);
    }

    @Override
    public void run() {
        int group = getGroupId();
        int lid = getLocalId();
        int block = group % queryBlocks;
        int bh = group / queryBlocks;
        int h = bh % heads;
        int b = bh / heads;
        int i = block * QUERIES + lid;
        int keys = kvTokens;
        if (hasLengths == 1) {
            keys = kvLengths[b];
        }
        int active = 0;
        if (i < qTokens) {
            active = 1;
            int qo = (b * qTokens + i) * qStride + qOffset + h * headDim;
            for (int d = 0; d < headDim; d++) {
                qRow[d] = q[qo];
                acc[d] = 0f;
                qo++;
            }
        }
        float max = -3.0e38f;
        float sum = 0f;
        int tileValues = KEYS * headDim;
        for (int j0 = 0; j0 < keys; j0 += KEYS) {
            for (int e = lid; e < tileValues; e += QUERIES) {
                int jj = e / headDim;
                int d = e % headDim;
                int j = j0 + jj;
                float kvK = 0f;
                float kvV = 0f;
                if (j < keys) {
                    int row = b * kvTokens + j;
                    kvK = load(kFromQ, row * kStride + kOffset + h * headDim + d);
                    kvV = load(vFromQ, row * vStride + vOffset + h * headDim + d);
                }
                kTile[e] = kvK;
                vTile[e] = kvV;
            }
            localBarrier();
            if (active == 1) {
                int count = min(KEYS, keys - j0);
                float tileMax = max;
                for (int jj = 0; jj < count; jj++) {
                    int ko = jj * headDim;
                    float dot = 0f;
                    for (int d = 0; d < headDim; d++) {
                        dot += qRow[d] * kTile[ko + d];
                    }
                    float s = dot * scale;
                    scores[jj] = s;
                    tileMax = max(tileMax, s);
                }
                float correction = exp(max - tileMax);
                sum *= correction;
                for (int d = 0; d < headDim; d++) {
                    acc[d] *= correction;
                }
                for (int jj = 0; jj < count; jj++) {
                    float p = exp(scores[jj] - tileMax);
                    sum += p;
                    int vo = jj * headDim;
                    for (int d = 0; d < headDim; d++) {
                        acc[d] += p * vTile[vo + d];
                    }
                }
                max = tileMax;
            }
            localBarrier();
        }
        if (active == 1) {
            float inv = 0f;
            if (sum > 0f) {
                inv = 1f / sum;
            }
            int o = (b * qTokens + i) * heads * headDim + h * headDim;
            for (int d = 0; d < headDim; d++) {
                out[o + d] = acc[d] * inv;
            }
        }
    }

    /** Element of k or v: from the query array when they are packed with it (self-attention). */
    private float load(int fromQ, int index) {
        float v = 0f;
        if (fromQ == 1) {
            v = q[index];
        } else {
            v = kv[index];
        }
        return v;
    }
}

package dev.imagine.kernels.cpu;

/**
 * out[m][n] = a[m][k] · w + bias over a grid of output tiles (a row block by up to {@value #PANELS_PER_TILE}
 * panels), each computed whole by one thread: panels outer, micro-tiles of rows inner, so a panel (k x 32 floats)
 * stays in L2 while the tile's A rows (also L2-resident) stream past it. The micro-tile and the row block come
 * from the CPU ({@link MatmulTiling}). Large tiles matter on two cores: each tile reads its A rows and panels once
 * from L3 or memory (about 40 FLOPs per byte; small tiles left two cores ~15% short, memory-bound). A deep k is cut
 * into slices (GotoBLAS' kc, sized so a full row block of A fits L2 rather than a panel slice L1): the tile runs
 * slice by slice, each FMA chain going on from C, so row blocks stay tall and each panel of B read from memory
 * serves them all. With the 14-row tile and n of 1,024 or more, A is packed first ({@link TallMicroKernel#pack}).
 *
 * <p>Determinism: every element is one FMA chain over k = 0 .. k-1 in order, started from the bias,
 * however the grid falls; the grid may follow the thread count and the CPU (smaller tiles when there are few
 * rows or panels), the bits do not.
 */
final class MatmulJob implements WorkerPool.Task {
    static final MatmulTiling TILING = MatmulTiling.HOST;
    static final int MR = TILING.microRows();
    static final int PANELS_PER_TILE = 12;
    /** Below this many multiply-adds the call runs on the calling thread. */
    static final long PARALLEL_MIN_MACS = 1L << 18;
    /**
     * Packing A costs one pass over it (a gather and a store per 14 values) for every call; against the
     * multiply-adds that is about 17 / n of the time, so it pays from this many panels (n = 1,024) up.
     */
    static final int PACK_MIN_PANELS = 32;
    /** Pack A where the CPU's tile can use it ({@code -Dimagine.kernels.packA=false} keeps A row-major). */
    static final boolean PACK_A = Boolean.parseBoolean(System.getProperty("imagine.kernels.packA", "true"));

    private final WorkerPool pool;
    private final MatmulTiling tiling;
    private final boolean packs;
    private final PackTask packTask;
    /** A of the last packed call, grown to the largest one; micro-tile t at t * MR * k. */
    private float[] packed = new float[0];
    private boolean packedCall;
    private float[] a;
    private int m;
    private PackedWeight w;
    private float[] bias;
    private float[] out;
    private int rowBlock;
    /** The depth of one pass over a tile ({@link MatmulTiling#depthSlice}); the FMA chains go on from C after the first. */
    private int depthSlice;
    private int panelsPerTile;
    private int rowBlocks;
    private int panelBlocks;
    /** Per-worker MR x NR tile for the last, narrower panel. */
    private final float[][] edge;

    MatmulJob(WorkerPool pool) {
        this(pool, PACK_A);
    }

    /** @param packA pack A where the 14-row tile runs on 512-bit vectors (elsewhere it is not); false keeps A row-major */
    MatmulJob(WorkerPool pool, boolean packA) {
        this(pool, packA, TILING);
    }

    /** @param tiling the host's, or one that differs from it in row blocks and depth slices (never in its tile) */
    MatmulJob(WorkerPool pool, boolean packA, MatmulTiling tiling) {
        if (tiling.microRows() != MR) {
            throw new IllegalArgumentException("the tile is the host's " + MR + " rows, not " + tiling.microRows());
        }
        this.tiling = tiling;
        this.pool = pool;
        this.packs = packA && TallMicroKernel.packs() && MR == TallMicroKernel.MR;
        this.packTask = new PackTask();
        this.edge = new float[pool.threads()][MR * MicroKernel.NR];
    }

    /** Whether calls with enough panels pack A. */
    boolean packs() {
        return packs;
    }

    void run(float[] a, int m, PackedWeight w, float[] bias, float[] out) {
        int k = w.rows();
        int n = w.cols();
        if (a.length < (long) m * k || out.length < (long) m * n || (bias != null && bias.length < n)) {
            throw new IllegalArgumentException("matmul " + m + "x" + k + " · " + k + "x" + n + ": a has " + a.length
                    + ", out " + out.length + (bias == null ? "" : ", bias " + bias.length) + " values");
        }
        if (m == 0) {
            return;
        }
        this.a = a;
        this.m = m;
        this.w = w;
        this.bias = bias;
        this.out = out;
        boolean parallel = (long) m * k * n >= PARALLEL_MIN_MACS && pool.threads() > 1;
        grid(m, k, w.panelCount(), parallel ? pool.threads() : 1);
        packedCall = packs && w.panelCount() >= PACK_MIN_PANELS;
        try {
            if (packedCall) {
                int microTiles = (m + MR - 1) / MR;
                long size = (long) microTiles * MR * k + MicroKernel.L;
                if (packed.length < size) {
                    packed = new float[Math.toIntExact(size)];
                }
                pool.run(microTiles, packTask, parallel);
            }
            int tiles = rowBlocks * panelBlocks;
            pool.run(tiles, this, parallel);
        } finally {
            this.a = null;
            this.w = null;
            this.bias = null;
            this.out = null;
        }
    }

    /** Full-size tiles, narrowed (panels first, then rows) until every thread has about 3 tiles. */
    private void grid(int m, int k, int panels, int threads) {
        depthSlice = tiling.depthSlice(k);
        rowBlock = tiling.rowBlock(depthSlice);
        panelsPerTile = PANELS_PER_TILE;
        while (tiles(m, panels) < 3 * threads && (panelsPerTile > 1 || rowBlock > MR)) {
            if (panelsPerTile > 1) {
                panelsPerTile = (panelsPerTile + 1) / 2;
            } else {
                rowBlock = Math.max(MR, rowBlock / 2 / MR * MR);
            }
        }
        rowBlocks = (m + rowBlock - 1) / rowBlock;
        panelBlocks = (panels + panelsPerTile - 1) / panelsPerTile;
    }

    private int tiles(int m, int panels) {
        return ((m + rowBlock - 1) / rowBlock) * ((panels + panelsPerTile - 1) / panelsPerTile);
    }

    @Override
    public void run(int tile, int worker) {
        int r0 = (tile / panelBlocks) * rowBlock;
        int r1 = Math.min(m, r0 + rowBlock);
        int p0 = (tile % panelBlocks) * panelsPerTile;
        int p1 = Math.min(w.panelCount(), p0 + panelsPerTile);
        int k = w.rows();
        int n = w.cols();
        int nr = MicroKernel.NR;
        float[] panels = w.panels();
        int full = Math.min(p1, n / nr);
        // Depth slices outermost: a slice of the row block's A stays in L2 while the slices of every panel stream past
        for (int k0 = 0; k0 < k; k0 += depthSlice) {
            int depth = Math.min(depthSlice, k - k0);
            for (int p = p0; p < full; p++) {
                int j0 = p * nr;
                int bOff = w.panelOffset(p) + k0 * nr;
                for (int r = r0; r < r1; r += MR) {
                    int rows = Math.min(MR, r1 - r);
                    int cOff = r * n + j0;
                    // The chain starts from the bias row (or zeros), read with row stride 0, and goes on from C.
                    float[] init = k0 > 0 ? out : bias == null ? MicroKernel.ZERO : bias;
                    int initOff = k0 > 0 ? cOff : bias == null ? 0 : j0;
                    int initLd = k0 > 0 ? n : 0;
                    if (packedCall) {
                        TallMicroKernel.packedPanel(packed, r * k + k0 * MR, rows, panels, bOff, depth, out, cOff, n,
                                init, initOff, initLd);
                    } else {
                        panel(a, r * k + k0, k, rows, panels, bOff, depth, out, cOff, n, init, initOff, initLd);
                    }
                }
            }
        }
        if (full < p1) {
            // Last, narrower panel, all of k at once: a full-width scratch tile, the valid columns copied out.
            int j0 = full * nr;
            int cols = n - j0;
            int bOff = w.panelOffset(full);
            float[] t = edge[worker];
            for (int r = r0; r < r1; r += MR) {
                int rows = Math.min(MR, r1 - r);
                fill(t, 0, nr, rows, cols, bias, j0);
                if (packedCall) {
                    TallMicroKernel.packedPanel(packed, r * k, rows, panels, bOff, k, t, 0, nr, t, 0, nr);
                } else {
                    panel(a, r * k, k, rows, panels, bOff, k, t, 0, nr, t, 0, nr);
                }
                for (int i = 0; i < rows; i++) {
                    System.arraycopy(t, i * nr, out, (r + i) * n + j0, cols);
                }
            }
        }
    }

    /** Packs A's micro-tile {@code index} (rows index * MR ..) for {@link TallMicroKernel#packedPanel}. */
    private final class PackTask implements WorkerPool.Task {
        private final int[][] maps = new int[pool.threads()][MicroKernel.L];

        @Override
        public void run(int index, int worker) {
            int k = w.rows();
            int r = index * MR;
            TallMicroKernel.pack(a, r * k, k, Math.min(MR, m - r), k, packed, r * k, maps[worker]);
        }
    }

    /** The CPU's micro-tile; MR is a constant, so C2 keeps one branch. */
    private static void panel(float[] a, int aOff, int lda, int rows, float[] b, int bOff, int kLen,
            float[] c, int cOff, int ldc, float[] init, int initOff, int initLd) {
        if (MR == TallMicroKernel.MR) {
            TallMicroKernel.panel(a, aOff, lda, rows, b, bOff, kLen, c, cOff, ldc, init, initOff, initLd);
        } else {
            MicroKernel.panel(a, aOff, lda, rows, b, bOff, kLen, c, cOff, ldc, init, initOff, initLd);
        }
    }

    /** Sets rows x cols of c (row stride ld) to bias[j0 ..] or zero: the start of every FMA chain. */
    private static void fill(float[] c, int off, int ld, int rows, int cols, float[] bias, int j0) {
        for (int i = 0; i < rows; i++) {
            if (bias == null) {
                java.util.Arrays.fill(c, off + i * ld, off + i * ld + cols, 0f);
            } else {
                System.arraycopy(bias, j0, c, off + i * ld, cols);
            }
        }
    }
}

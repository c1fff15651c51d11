package dev.imagine.kernels.cpu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * How the packed matmul cuts its work on this CPU. The micro-tile's rows come from the vector registers: 14 rows
 * (28 accumulators, {@link TallMicroKernel}) with 32 of them (AVX-512), 6 rows ({@link MicroKernel}) with 16 (AVX2),
 * where 14 would spill. A tile's rows come from the L2 size: its A rows (rows x k floats) take about half of L2, so
 * they stay there while each 32-column panel streams past them. On the Intel Xeon here (2 MiB L2) that is 224 rows
 * at k = 1,152 and 56 at k = 4,608 (a fixed 224 measured 0.81 of OpenBLAS at k = 4,608 against 0.91).
 *
 * <p>None of this changes a bit of the result: every element is one FMA chain over k in order whatever the tiling.
 * {@code -Dimagine.kernels.matmulRows=6|14} and {@code -Dimagine.kernels.l2Bytes=N} override the choice.
 */
record MatmulTiling(int microRows, long l2Bytes, long sliceDepth, String source) {
    /** The most micro-tiles in a row block: about 3 tiles per thread still leaves room to balance. */
    static final int MAX_GROUPS = 16;
    private static final long DEFAULT_L2 = 1L << 20;
    /** Shorter slices would reload the C tile too often for what they save. */
    static final int MIN_SLICE = 256;

    static final MatmulTiling HOST = detect();

    static MatmulTiling detect() {
        int registersRows = MicroKernel.S.vectorBitSize() >= 512 ? TallMicroKernel.MR : MicroKernel.MR;
        int rows = Integer.getInteger("imagine.kernels.matmulRows", registersRows);
        if (rows != MicroKernel.MR && rows != TallMicroKernel.MR) {
            throw new IllegalArgumentException("imagine.kernels.matmulRows must be " + MicroKernel.MR + " or "
                    + TallMicroKernel.MR + ", got " + rows);
        }
        Long forced = Long.getLong("imagine.kernels.l2Bytes");
        if (forced != null) {
            return new MatmulTiling(rows, forced, "-Dimagine.kernels.l2Bytes");
        }
        long l2 = l2FromSysfs(Path.of("/sys/devices/system/cpu/cpu0/cache"));
        return l2 > 0 ? new MatmulTiling(rows, l2, "sysfs") : new MatmulTiling(rows, DEFAULT_L2, "default");
    }

    /** The tiling with the depth slices that fit its L2 ({@link #fittingSlice}). */
    MatmulTiling(int microRows, long l2Bytes, String source) {
        this(microRows, l2Bytes, Long.getLong("imagine.kernels.kc", fittingSlice(microRows, l2Bytes)), source);
    }

    /** The most depth at which a full row block ({@link #MAX_GROUPS} micro-tiles) of A rows fits half of L2. */
    static long fittingSlice(int microRows, long l2Bytes) {
        return Math.max(MIN_SLICE, l2Bytes / 2 / (Float.BYTES * (long) MAX_GROUPS * microRows));
    }

    /**
     * The depth a tile's multiply-adds run over at a time: all of k up to twice {@link #sliceDepth}, else k cut into
     * equal slices no deeper than that. A deep A (k = 4,608 in DiT's MLP) would otherwise give row blocks of 2-4
     * micro-tiles, and every panel of B, read from memory once per row block, would serve only those few before it
     * is evicted. A k within twice the fit stays whole: cutting k = 1,152 in two on a 1 MiB L2 measured 0.97-0.98x
     * (fewer, larger tiles balance worse on two threads, and C is reloaded), while k = 4,608 in slices of 576 measured
     * even there, 0.97-1.04x (its unsliced tile is at 0.85-0.9 of peak); the slices are for 2 MiB-L2 Xeons, where a
     * deep or wide B cost one thread 25-30%. {@code -Dimagine.kernels.kc=N} sets the slice (0: never slice).
     */
    int depthSlice(int k) {
        if (sliceDepth <= 0 || k <= 2 * sliceDepth) {
            return k;
        }
        long slices = (k + sliceDepth - 1) / sliceDepth;
        return (int) ((k + slices - 1) / slices);
    }

    /** Rows of A per tile for a depth of k: about half of L2, whole micro-tiles, 1 to {@link #MAX_GROUPS} of them. */
    int rowBlock(int k) {
        long rows = l2Bytes / 2 / (Float.BYTES * (long) Math.max(1, k));
        long groups = Math.max(1, Math.min(MAX_GROUPS, rows / microRows));
        return (int) groups * microRows;
    }

    String describe() {
        String slices = sliceDepth > 0 ? ", k over " + 2 * sliceDepth + " in slices of up to " + sliceDepth : "";
        return String.format(Locale.ROOT, "%dx%d matmul tile, rows per block from L2 %d KiB (%s)%s", microRows,
                MicroKernel.NR, l2Bytes >> 10, source, slices);
    }

    /** The unified level-2 cache of cpu0, from Linux's sysfs ("2048K"); 0 when there is none to read. */
    static long l2FromSysfs(Path cacheDir) {
        for (int i = 0; i < 8; i++) {
            Path index = cacheDir.resolve("index" + i);
            try {
                if (!Files.isDirectory(index)) {
                    continue;
                }
                if (!Files.readString(index.resolve("level")).strip().equals("2")) {
                    continue;
                }
                return parseSize(Files.readString(index.resolve("size")).strip());
            } catch (IOException | NumberFormatException unreadable) {
                return 0;
            }
        }
        return 0;
    }

    static long parseSize(String text) {
        char unit = Character.toUpperCase(text.charAt(text.length() - 1));
        long scale = switch (unit) {
            case 'K' -> 1L << 10;
            case 'M' -> 1L << 20;
            case 'G' -> 1L << 30;
            default -> 1;
        };
        String digits = Character.isDigit(unit) ? text : text.substring(0, text.length() - 1);
        return Long.parseLong(digits) * scale;
    }
}

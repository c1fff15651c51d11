package dev.imagine.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link MicroKernel#panel} with {@value #MR} rows instead of 6: 28 accumulators, for CPUs with 32 vector registers
 * (AVX-512). Each k step is 14 broadcasts of A and two loads of B feeding 28 FMAs, twice the FMAs per B load of the
 * 6-row tile. On an Intel Xeon (Sapphire Rapids class) the 6-row tile stalls at 0.70-0.75 of the FMA ceiling on one
 * thread and this one reaches 0.92-0.94 (same panels, same shapes); with 16 registers (AVX2) it would spill, so
 * {@link MatmulTiling} picks it only where the registers are there. Same FMA chains, in the same order, as the 6-row
 * tile: the bits do not depend on which one runs. Generated code on purpose: one straight-line body that C2 keeps
 * in registers.
 */
final class TallMicroKernel {
    static final VectorSpecies<Float> S = MicroKernel.S;
    static final int L = MicroKernel.L;
    static final int MR = 14;
    static final int NR = MicroKernel.NR;
    /** The 14 lanes {@link #pack} gathers and stores (none where vectors are narrower: it is not used there). */
    private static final VectorMask<Float> PACK_LANES = VectorMask.fromLong(S, (1L << Math.min(MR, L)) - 1);

    private TallMicroKernel() {}

    /** As {@link MicroKernel#panel}: A rows of consecutive floats, B rows of exactly NR floats, rows 1..MR. */
    static void panel(float[] a, int aOff, int lda, int rows, float[] b, int bOff, int kLen,
            float[] c, int cOff, int ldc, float[] init, int initOff, int initLd) {
        int last = rows - 1;
        int a1 = aOff + Math.min(1, last) * lda;
        int a2 = aOff + Math.min(2, last) * lda;
        int a3 = aOff + Math.min(3, last) * lda;
        int a4 = aOff + Math.min(4, last) * lda;
        int a5 = aOff + Math.min(5, last) * lda;
        int a6 = aOff + Math.min(6, last) * lda;
        int a7 = aOff + Math.min(7, last) * lda;
        int a8 = aOff + Math.min(8, last) * lda;
        int a9 = aOff + Math.min(9, last) * lda;
        int a10 = aOff + Math.min(10, last) * lda;
        int a11 = aOff + Math.min(11, last) * lda;
        int a12 = aOff + Math.min(12, last) * lda;
        int a13 = aOff + Math.min(13, last) * lda;
        int i1 = initOff + Math.min(1, last) * initLd;
        int i2 = initOff + Math.min(2, last) * initLd;
        int i3 = initOff + Math.min(3, last) * initLd;
        int i4 = initOff + Math.min(4, last) * initLd;
        int i5 = initOff + Math.min(5, last) * initLd;
        int i6 = initOff + Math.min(6, last) * initLd;
        int i7 = initOff + Math.min(7, last) * initLd;
        int i8 = initOff + Math.min(8, last) * initLd;
        int i9 = initOff + Math.min(9, last) * initLd;
        int i10 = initOff + Math.min(10, last) * initLd;
        int i11 = initOff + Math.min(11, last) * initLd;
        int i12 = initOff + Math.min(12, last) * initLd;
        int i13 = initOff + Math.min(13, last) * initLd;
        FloatVector c00 = FloatVector.fromArray(S, init, initOff);
        FloatVector c01 = FloatVector.fromArray(S, init, initOff + L);
        FloatVector c10 = FloatVector.fromArray(S, init, i1);
        FloatVector c11 = FloatVector.fromArray(S, init, i1 + L);
        FloatVector c20 = FloatVector.fromArray(S, init, i2);
        FloatVector c21 = FloatVector.fromArray(S, init, i2 + L);
        FloatVector c30 = FloatVector.fromArray(S, init, i3);
        FloatVector c31 = FloatVector.fromArray(S, init, i3 + L);
        FloatVector c40 = FloatVector.fromArray(S, init, i4);
        FloatVector c41 = FloatVector.fromArray(S, init, i4 + L);
        FloatVector c50 = FloatVector.fromArray(S, init, i5);
        FloatVector c51 = FloatVector.fromArray(S, init, i5 + L);
        FloatVector c60 = FloatVector.fromArray(S, init, i6);
        FloatVector c61 = FloatVector.fromArray(S, init, i6 + L);
        FloatVector c70 = FloatVector.fromArray(S, init, i7);
        FloatVector c71 = FloatVector.fromArray(S, init, i7 + L);
        FloatVector c80 = FloatVector.fromArray(S, init, i8);
        FloatVector c81 = FloatVector.fromArray(S, init, i8 + L);
        FloatVector c90 = FloatVector.fromArray(S, init, i9);
        FloatVector c91 = FloatVector.fromArray(S, init, i9 + L);
        FloatVector c100 = FloatVector.fromArray(S, init, i10);
        FloatVector c101 = FloatVector.fromArray(S, init, i10 + L);
        FloatVector c110 = FloatVector.fromArray(S, init, i11);
        FloatVector c111 = FloatVector.fromArray(S, init, i11 + L);
        FloatVector c120 = FloatVector.fromArray(S, init, i12);
        FloatVector c121 = FloatVector.fromArray(S, init, i12 + L);
        FloatVector c130 = FloatVector.fromArray(S, init, i13);
        FloatVector c131 = FloatVector.fromArray(S, init, i13 + L);
        for (int kk = 0; kk < kLen; kk++) {
            int bo = bOff + kk * NR;
            FloatVector b0 = FloatVector.fromArray(S, b, bo);
            FloatVector b1 = FloatVector.fromArray(S, b, bo + L);
            FloatVector av = FloatVector.broadcast(S, a[aOff + kk]);
            c00 = b0.fma(av, c00);
            c01 = b1.fma(av, c01);
            av = FloatVector.broadcast(S, a[a1 + kk]);
            c10 = b0.fma(av, c10);
            c11 = b1.fma(av, c11);
            av = FloatVector.broadcast(S, a[a2 + kk]);
            c20 = b0.fma(av, c20);
            c21 = b1.fma(av, c21);
            av = FloatVector.broadcast(S, a[a3 + kk]);
            c30 = b0.fma(av, c30);
            c31 = b1.fma(av, c31);
            av = FloatVector.broadcast(S, a[a4 + kk]);
            c40 = b0.fma(av, c40);
            c41 = b1.fma(av, c41);
            av = FloatVector.broadcast(S, a[a5 + kk]);
            c50 = b0.fma(av, c50);
            c51 = b1.fma(av, c51);
            av = FloatVector.broadcast(S, a[a6 + kk]);
            c60 = b0.fma(av, c60);
            c61 = b1.fma(av, c61);
            av = FloatVector.broadcast(S, a[a7 + kk]);
            c70 = b0.fma(av, c70);
            c71 = b1.fma(av, c71);
            av = FloatVector.broadcast(S, a[a8 + kk]);
            c80 = b0.fma(av, c80);
            c81 = b1.fma(av, c81);
            av = FloatVector.broadcast(S, a[a9 + kk]);
            c90 = b0.fma(av, c90);
            c91 = b1.fma(av, c91);
            av = FloatVector.broadcast(S, a[a10 + kk]);
            c100 = b0.fma(av, c100);
            c101 = b1.fma(av, c101);
            av = FloatVector.broadcast(S, a[a11 + kk]);
            c110 = b0.fma(av, c110);
            c111 = b1.fma(av, c111);
            av = FloatVector.broadcast(S, a[a12 + kk]);
            c120 = b0.fma(av, c120);
            c121 = b1.fma(av, c121);
            av = FloatVector.broadcast(S, a[a13 + kk]);
            c130 = b0.fma(av, c130);
            c131 = b1.fma(av, c131);
        }
        // Row 0 last: a repeated row's copies land before the valid row's own store (same value anyway).
        int o13 = cOff + Math.min(13, last) * ldc;
        c130.intoArray(c, o13);
        c131.intoArray(c, o13 + L);
        int o12 = cOff + Math.min(12, last) * ldc;
        c120.intoArray(c, o12);
        c121.intoArray(c, o12 + L);
        int o11 = cOff + Math.min(11, last) * ldc;
        c110.intoArray(c, o11);
        c111.intoArray(c, o11 + L);
        int o10 = cOff + Math.min(10, last) * ldc;
        c100.intoArray(c, o10);
        c101.intoArray(c, o10 + L);
        int o9 = cOff + Math.min(9, last) * ldc;
        c90.intoArray(c, o9);
        c91.intoArray(c, o9 + L);
        int o8 = cOff + Math.min(8, last) * ldc;
        c80.intoArray(c, o8);
        c81.intoArray(c, o8 + L);
        int o7 = cOff + Math.min(7, last) * ldc;
        c70.intoArray(c, o7);
        c71.intoArray(c, o7 + L);
        int o6 = cOff + Math.min(6, last) * ldc;
        c60.intoArray(c, o6);
        c61.intoArray(c, o6 + L);
        int o5 = cOff + Math.min(5, last) * ldc;
        c50.intoArray(c, o5);
        c51.intoArray(c, o5 + L);
        int o4 = cOff + Math.min(4, last) * ldc;
        c40.intoArray(c, o4);
        c41.intoArray(c, o4 + L);
        int o3 = cOff + Math.min(3, last) * ldc;
        c30.intoArray(c, o3);
        c31.intoArray(c, o3 + L);
        int o2 = cOff + Math.min(2, last) * ldc;
        c20.intoArray(c, o2);
        c21.intoArray(c, o2 + L);
        int o1 = cOff + Math.min(1, last) * ldc;
        c10.intoArray(c, o1);
        c11.intoArray(c, o1 + L);
        c00.intoArray(c, cOff);
        c01.intoArray(c, cOff + L);
    }

    /**
     * {@link #panel} on A packed by {@link #pack}: the micro-tile's 14 values of each k step side by side, so a step's
     * broadcasts read one contiguous run instead of 14 rows a row stride apart. The pointer into the packed run is a
     * second induction variable (advanced by 14 each step, not computed as kk * 14, which left C2's range checks in
     * the loop and ran at half speed). Measured 1.08x the row-major kernel on one thread (Sapphire Rapids, k = 1,152
     * and 4,608). Same FMA chains in the same order: the same bits.
     */
    static void packedPanel(float[] ap, int apOff, int rows, float[] b, int bOff, int kLen,
            float[] c, int cOff, int ldc, float[] init, int initOff, int initLd) {
        int last = rows - 1;
        int i1 = initOff + Math.min(1, last) * initLd;
        int i2 = initOff + Math.min(2, last) * initLd;
        int i3 = initOff + Math.min(3, last) * initLd;
        int i4 = initOff + Math.min(4, last) * initLd;
        int i5 = initOff + Math.min(5, last) * initLd;
        int i6 = initOff + Math.min(6, last) * initLd;
        int i7 = initOff + Math.min(7, last) * initLd;
        int i8 = initOff + Math.min(8, last) * initLd;
        int i9 = initOff + Math.min(9, last) * initLd;
        int i10 = initOff + Math.min(10, last) * initLd;
        int i11 = initOff + Math.min(11, last) * initLd;
        int i12 = initOff + Math.min(12, last) * initLd;
        int i13 = initOff + Math.min(13, last) * initLd;
        FloatVector c00 = FloatVector.fromArray(S, init, initOff);
        FloatVector c01 = FloatVector.fromArray(S, init, initOff + L);
        FloatVector c10 = FloatVector.fromArray(S, init, i1);
        FloatVector c11 = FloatVector.fromArray(S, init, i1 + L);
        FloatVector c20 = FloatVector.fromArray(S, init, i2);
        FloatVector c21 = FloatVector.fromArray(S, init, i2 + L);
        FloatVector c30 = FloatVector.fromArray(S, init, i3);
        FloatVector c31 = FloatVector.fromArray(S, init, i3 + L);
        FloatVector c40 = FloatVector.fromArray(S, init, i4);
        FloatVector c41 = FloatVector.fromArray(S, init, i4 + L);
        FloatVector c50 = FloatVector.fromArray(S, init, i5);
        FloatVector c51 = FloatVector.fromArray(S, init, i5 + L);
        FloatVector c60 = FloatVector.fromArray(S, init, i6);
        FloatVector c61 = FloatVector.fromArray(S, init, i6 + L);
        FloatVector c70 = FloatVector.fromArray(S, init, i7);
        FloatVector c71 = FloatVector.fromArray(S, init, i7 + L);
        FloatVector c80 = FloatVector.fromArray(S, init, i8);
        FloatVector c81 = FloatVector.fromArray(S, init, i8 + L);
        FloatVector c90 = FloatVector.fromArray(S, init, i9);
        FloatVector c91 = FloatVector.fromArray(S, init, i9 + L);
        FloatVector c100 = FloatVector.fromArray(S, init, i10);
        FloatVector c101 = FloatVector.fromArray(S, init, i10 + L);
        FloatVector c110 = FloatVector.fromArray(S, init, i11);
        FloatVector c111 = FloatVector.fromArray(S, init, i11 + L);
        FloatVector c120 = FloatVector.fromArray(S, init, i12);
        FloatVector c121 = FloatVector.fromArray(S, init, i12 + L);
        FloatVector c130 = FloatVector.fromArray(S, init, i13);
        FloatVector c131 = FloatVector.fromArray(S, init, i13 + L);
        int ao = apOff;
        for (int kk = 0; kk < kLen; kk++, ao += MR) {
            int bo = bOff + kk * NR;
            FloatVector b0 = FloatVector.fromArray(S, b, bo);
            FloatVector b1 = FloatVector.fromArray(S, b, bo + L);
            FloatVector av = FloatVector.broadcast(S, ap[ao]);
            c00 = b0.fma(av, c00);
            c01 = b1.fma(av, c01);
            av = FloatVector.broadcast(S, ap[ao + 1]);
            c10 = b0.fma(av, c10);
            c11 = b1.fma(av, c11);
            av = FloatVector.broadcast(S, ap[ao + 2]);
            c20 = b0.fma(av, c20);
            c21 = b1.fma(av, c21);
            av = FloatVector.broadcast(S, ap[ao + 3]);
            c30 = b0.fma(av, c30);
            c31 = b1.fma(av, c31);
            av = FloatVector.broadcast(S, ap[ao + 4]);
            c40 = b0.fma(av, c40);
            c41 = b1.fma(av, c41);
            av = FloatVector.broadcast(S, ap[ao + 5]);
            c50 = b0.fma(av, c50);
            c51 = b1.fma(av, c51);
            av = FloatVector.broadcast(S, ap[ao + 6]);
            c60 = b0.fma(av, c60);
            c61 = b1.fma(av, c61);
            av = FloatVector.broadcast(S, ap[ao + 7]);
            c70 = b0.fma(av, c70);
            c71 = b1.fma(av, c71);
            av = FloatVector.broadcast(S, ap[ao + 8]);
            c80 = b0.fma(av, c80);
            c81 = b1.fma(av, c81);
            av = FloatVector.broadcast(S, ap[ao + 9]);
            c90 = b0.fma(av, c90);
            c91 = b1.fma(av, c91);
            av = FloatVector.broadcast(S, ap[ao + 10]);
            c100 = b0.fma(av, c100);
            c101 = b1.fma(av, c101);
            av = FloatVector.broadcast(S, ap[ao + 11]);
            c110 = b0.fma(av, c110);
            c111 = b1.fma(av, c111);
            av = FloatVector.broadcast(S, ap[ao + 12]);
            c120 = b0.fma(av, c120);
            c121 = b1.fma(av, c121);
            av = FloatVector.broadcast(S, ap[ao + 13]);
            c130 = b0.fma(av, c130);
            c131 = b1.fma(av, c131);
        }
        // Row 0 last: a repeated row's copies land before the valid row's own store (same value anyway).
        int o13 = cOff + Math.min(13, last) * ldc;
        c130.intoArray(c, o13);
        c131.intoArray(c, o13 + L);
        int o12 = cOff + Math.min(12, last) * ldc;
        c120.intoArray(c, o12);
        c121.intoArray(c, o12 + L);
        int o11 = cOff + Math.min(11, last) * ldc;
        c110.intoArray(c, o11);
        c111.intoArray(c, o11 + L);
        int o10 = cOff + Math.min(10, last) * ldc;
        c100.intoArray(c, o10);
        c101.intoArray(c, o10 + L);
        int o9 = cOff + Math.min(9, last) * ldc;
        c90.intoArray(c, o9);
        c91.intoArray(c, o9 + L);
        int o8 = cOff + Math.min(8, last) * ldc;
        c80.intoArray(c, o8);
        c81.intoArray(c, o8 + L);
        int o7 = cOff + Math.min(7, last) * ldc;
        c70.intoArray(c, o7);
        c71.intoArray(c, o7 + L);
        int o6 = cOff + Math.min(6, last) * ldc;
        c60.intoArray(c, o6);
        c61.intoArray(c, o6 + L);
        int o5 = cOff + Math.min(5, last) * ldc;
        c50.intoArray(c, o5);
        c51.intoArray(c, o5 + L);
        int o4 = cOff + Math.min(4, last) * ldc;
        c40.intoArray(c, o4);
        c41.intoArray(c, o4 + L);
        int o3 = cOff + Math.min(3, last) * ldc;
        c30.intoArray(c, o3);
        c31.intoArray(c, o3 + L);
        int o2 = cOff + Math.min(2, last) * ldc;
        c20.intoArray(c, o2);
        c21.intoArray(c, o2 + L);
        int o1 = cOff + Math.min(1, last) * ldc;
        c10.intoArray(c, o1);
        c11.intoArray(c, o1 + L);
        c00.intoArray(c, cOff);
        c01.intoArray(c, cOff + L);
    }

    /** Whether {@link #pack} can gather a micro-tile's column in one vector: 14 lanes need 16-lane (512-bit) vectors. */
    static boolean packs() {
        return L >= MR;
    }

    /**
     * Copies rows {@code 0 .. rows-1} (1..14) of A (row stride {@code lda}), columns {@code 0 .. kLen-1}, to
     * {@code ap} from {@code apOff} as kLen runs of 14: run kk holds A[0][kk] .. A[13][kk], rows past the last repeating
     * it (as {@link #panel} does). One masked gather and one masked store per run; {@code ap} needs {@code L - MR}
     * values of slack past the last run.
     */
    static void pack(float[] a, int aOff, int lda, int rows, int kLen, float[] ap, int apOff, int[] map) {
        int last = rows - 1;
        for (int i = 0; i < MR; i++) {
            map[i] = Math.min(i, last) * lda;
        }
        int d = apOff;
        for (int kk = 0; kk < kLen; kk++, d += MR) {
            FloatVector.fromArray(S, a, aOff + kk, map, 0, PACK_LANES).intoArray(ap, d, PACK_LANES);
        }
    }

}

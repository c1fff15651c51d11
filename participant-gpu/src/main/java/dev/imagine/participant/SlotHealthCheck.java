package dev.imagine.participant;

import dev.imagine.kernels.SplitMix64;
import dev.imagine.kernels.gpu.GpuCheck;
import dev.imagine.kernels.ops.AttentionShape;
import dev.imagine.kernels.ops.ScalarTensorOps;
import dev.imagine.kernels.ops.TensorOps;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The check that closes a slot's circuit breaker: a small matrix product and attention on the slot's own kernels
 * (its device, its backend), compared with the scalar reference on the same seeded inputs. It runs under the
 * slot's run lock, so a slot whose worker is still stuck in a hung kernel fails it ("busy").
 */
final class SlotHealthCheck {
    private static final double TOLERANCE = 1e-3;
    private static final int M = 48;
    private static final int K = 96;
    private static final int N = 80;

    record Outcome(boolean passed, String detail) {
    }

    private SlotHealthCheck() {
    }

    static Outcome run(SlotRuntime slot, long lockWaitMillis) {
        try {
            if (!slot.lock().tryLock(lockWaitMillis, TimeUnit.MILLISECONDS)) {
                return new Outcome(false, "slot busy: a run still holds it after " + lockWaitMillis + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(false, "interrupted");
        }
        try {
            return check(slot.ops());
        } catch (RuntimeException | Error e) {
            return new Outcome(false, "kernel error: " + e);
        } finally {
            slot.lock().unlock();
        }
    }

    static Outcome check(TensorOps ops) {
        float[] a = new SplitMix64(11).gaussians(M * K, 0.5);
        float[] w = new SplitMix64(12).gaussians(K * N, 0.5);
        float[] bias = new SplitMix64(13).gaussians(N, 0.5);
        float[] got = new float[M * N];
        float[] want = new float[M * N];
        ops.matmul(a, M, ops.prepare(w, K, N), bias, got);
        ScalarTensorOps.INSTANCE.matmul(a, M, ScalarTensorOps.INSTANCE.prepare(w, K, N), bias, want);
        double matmulError = GpuCheck.maxRelativeError(want, got, want.length);

        AttentionShape shape = AttentionShape.selfAttention(1, 32, 2, 16);
        float[] qkv = new SplitMix64(14).gaussians(32 * 3 * 32, 0.5);
        float[] gotAttention = new float[32 * 32];
        float[] wantAttention = new float[32 * 32];
        ops.attention(shape, qkv, qkv, qkv, gotAttention);
        ScalarTensorOps.INSTANCE.attention(shape, qkv, qkv, qkv, wantAttention);
        double attentionError = GpuCheck.maxRelativeError(wantAttention, gotAttention, wantAttention.length);

        boolean passed = matmulError <= TOLERANCE && attentionError <= TOLERANCE;
        return new Outcome(passed, String.format(Locale.ROOT, "matmul max rel err %.2g, attention %.2g (bound %.0e)",
                matmulError, attentionError, TOLERANCE));
    }
}

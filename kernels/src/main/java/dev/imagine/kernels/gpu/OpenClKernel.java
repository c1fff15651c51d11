package dev.imagine.kernels.gpu;

import com.aparapi.Kernel;
import com.aparapi.Range;
import com.aparapi.device.Device;
import com.aparapi.device.JavaDevice;
import com.aparapi.device.OpenCLDevice;
import com.aparapi.internal.kernel.KernelManager;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An Aparapi kernel that must run on one OpenCL device or not at all.
 *
 * <p>Aparapi silently falls back to Java (a thread pool) when code generation, the OpenCL compile or the
 * device fails. Here the only fallback it may take is {@link #executeFallbackAlgorithm}, which computes
 * nothing and records the fall; {@link #dispatch} then checks what really ran (OpenCL or not, which
 * device) and throws {@link OpenClFallbackException} naming the fallback, so a result computed anywhere
 * but on the device is never handed back. Buffers are managed explicitly: inputs are {@code put}, outputs
 * {@code get}, and nothing else moves.
 *
 * <p>Code reachable from {@code run()} is translated to OpenCL C: only primitive fields, 1-D primitive
 * arrays and Kernel's own math methods.
 */
abstract class OpenClKernel extends Kernel {
    /** Aparapi keeps device preferences per kernel class, so a class can serve one device per JVM. */
    private static final Map<Class<?>, OpenCLDevice> DEVICE_OF_CLASS = new ConcurrentHashMap<>();

    private final OpenCLDevice device;
    private boolean fellBack;

    OpenClKernel(OpenCLDevice device) {
        this.device = device;
        OpenCLDevice first = DEVICE_OF_CLASS.putIfAbsent(getClass(), device);
        if (first != null && first.getDeviceId() != device.getDeviceId()) {
            throw new IllegalStateException("Aparapi keeps one device per kernel class: " + getClass().getSimpleName()
                    + " already runs on '" + first.getName().trim() + "' in this JVM, cannot also use '"
                    + device.getName().trim() + "' (run one process per OpenCL device)");
        }
        setExplicit(true);
        // Preferences are per kernel class: the chosen device, then our no-op "alternative algorithm";
        // never Aparapi's Java thread pool.
        LinkedHashSet<Device> preferred = new LinkedHashSet<>(List.of(device, JavaDevice.ALTERNATIVE_ALGORITHM));
        KernelManager.instance().setPreferredDevices(this, preferred);
    }

    OpenCLDevice device() {
        return device;
    }

    // Ranges name no device: the per-class preferences do. A range bound to a device turns any fall
    // back into an AssertionError inside Aparapi instead of a call to executeFallbackAlgorithm.
    static Range range1D(int global, int local) {
        return Range.create(roundUp(global, local), local);
    }

    static Range range2D(int global0, int global1, int local0, int local1) {
        return Range.create2D(roundUp(global0, local0), roundUp(global1, local1), local0, local1);
    }

    static int roundUp(int value, int multiple) {
        return Math.max(1, (value + multiple - 1) / multiple) * multiple;
    }

    /** Runs the kernel and proves it ran as OpenCL on {@link #device()}; throws naming the fallback otherwise. */
    void dispatch(Range range) {
        fellBack = false;
        AparapiLog.clear();
        try {
            execute(range);
        } catch (RuntimeException | AssertionError e) {
            throw new OpenClFallbackException(failure("Aparapi failed: " + e), e);
        }
        Device target = getTargetDevice();
        if (fellBack || !isRunningCL() || target == null || target.getDeviceId() != device.getDeviceId()) {
            String where = fellBack ? "its Java fallback"
                    : !isRunningCL() ? "Java (" + (target == null ? "no device" : target.getShortDescription()) + ")"
                    : "another device: " + target.getShortDescription();
            throw new OpenClFallbackException(failure("Aparapi ran it on " + where
                    + "; no result from the fallback is used"), null);
        }
    }

    private String failure(String what) {
        String reason = AparapiLog.lastProblem();
        return getClass().getSimpleName() + " did not run on OpenCL device '" + device.getName().trim() + "': "
                + what + (reason == null ? "" : " (Aparapi: " + reason + ")");
    }

    @Override
    public boolean hasFallbackAlgorithm() {
        return true;
    }

    /** Aparapi calls this instead of running the kernel in Java: record it, compute nothing. */
    @Override
    public void executeFallbackAlgorithm(Range range, int passId) {
        fellBack = true;
    }
}

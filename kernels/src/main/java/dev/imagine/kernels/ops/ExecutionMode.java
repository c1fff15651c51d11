package dev.imagine.kernels.ops;

/**
 * Where a backend's kernels really run, as the backend observed it (Aparapi, for one, silently falls
 * back to a Java thread pool when it finds no OpenCL device: that must show here).
 *
 * @param device      e.g. "cpu", "OpenCL GPU: NVIDIA H200", "OpenCL CPU: pthread-cpu (PoCL)", "Java thread pool"
 * @param accelerated true when the kernels run on the device the backend is meant for
 * @param threads     host threads the backend uses
 * @param detail      anything else an operator needs, e.g. the vector width
 */
public record ExecutionMode(String device, boolean accelerated, int threads, String detail) {
    @Override
    public String toString() {
        return device + (accelerated ? "" : " (not accelerated)") + ", " + threads + " thread(s)"
                + (detail == null || detail.isEmpty() ? "" : ", " + detail);
    }
}

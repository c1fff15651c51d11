package dev.imagine.kernels.gpu;

import com.aparapi.device.OpenCLDevice;

/**
 * A kernel Aparapi translates into OpenCL C that does not compile (a variable declared without a value
 * and assigned in both branches comes out declared inside each branch), so Aparapi falls back.
 */
final class UntranslatableKernel extends OpenClKernel {
    float[] out = new float[4];
    int flag;

    UntranslatableKernel(OpenCLDevice device) {
        super(device);
    }

    @Override
    public void run() {
        int i = getGlobalId();
        float v;
        if (flag == 1) {
            v = 1f;
        } else {
            v = 2f;
        }
        out[i] = v;
    }
}

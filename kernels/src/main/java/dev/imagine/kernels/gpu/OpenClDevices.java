package dev.imagine.kernels.gpu;

import com.aparapi.device.Device;
import com.aparapi.device.OpenCLDevice;
import com.aparapi.internal.opencl.OpenCLLoader;
import com.aparapi.internal.opencl.OpenCLPlatform;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * What OpenCL Aparapi can see here, and which device the backend uses: the one named by
 * {@code imagine.aparapi.device} (a case-insensitive substring of the device name) if set, else the
 * biggest GPU or accelerator, else the biggest CPU device (PoCL). Never throws: a missing OpenCL library
 * or driver is a finding, reported in {@link #summary()}.
 */
record OpenClDevices(List<Found> devices, String problem) {
    static final String DEVICE_PROPERTY = "imagine.aparapi.device";

    /** One OpenCL device and the platform that serves it. */
    record Found(OpenCLDevice device, String platform, String platformVersion) {
        boolean gpu() {
            return device.getType() == Device.TYPE.GPU || device.getType() == Device.TYPE.ACC;
        }

        /** e.g. "OpenCL GPU: NVIDIA H100 80GB HBM3 (NVIDIA CUDA)". */
        String describe() {
            return "OpenCL " + device.getType() + ": " + device.getName().trim() + " (" + platform.trim() + ")";
        }

        String details() {
            return device.getMaxComputeUnits() + " compute units, " + device.getGlobalMemSize() / (1 << 20)
                    + " MiB global, " + device.getLocalMemSize() / 1024 + " KiB local, work-groups up to "
                    + device.getMaxWorkGroupSize() + ", " + shortVersion();
        }

        /** "OpenCL 3.0 PoCL 3.1+debian  Linux, None+Asserts, ..." → "OpenCL 3.0 PoCL 3.1+debian". */
        private String shortVersion() {
            String version = platformVersion.trim();
            int cut = version.indexOf("  ");
            return cut > 0 ? version.substring(0, cut) : version;
        }
    }

    private static volatile OpenClDevices cached;

    /** Discovered once per JVM: Aparapi itself caches the platform list. */
    static OpenClDevices discover() {
        OpenClDevices found = cached;
        if (found == null) {
            found = scan();
            cached = found;
        }
        return found;
    }

    private static OpenClDevices scan() {
        try {
            if (!OpenCLLoader.isOpenCLAvailable()) {
                return new OpenClDevices(List.of(), "Aparapi's native library or libOpenCL.so.1 could not be loaded"
                        + " (install ocl-icd-libopencl1 and an OpenCL driver: a GPU vendor's, or pocl-opencl-icd)");
            }
            List<Found> devices = new ArrayList<>();
            for (OpenCLPlatform platform : new OpenCLPlatform().getOpenCLPlatforms()) {
                for (OpenCLDevice device : platform.getOpenCLDevices()) {
                    devices.add(new Found(device, platform.getName(), platform.getVersion()));
                }
            }
            return new OpenClDevices(List.copyOf(devices), devices.isEmpty()
                    ? "the OpenCL loader found no platform (no ICD under /etc/OpenCL/vendors: install a GPU driver's"
                            + " OpenCL or pocl-opencl-icd)"
                    : null);
        } catch (LinkageError | RuntimeException e) {
            return new OpenClDevices(List.of(), "Aparapi could not query OpenCL: " + e);
        }
    }

    boolean anyGpu() {
        return devices.stream().anyMatch(Found::gpu);
    }

    /** The device the backend should use, or null (then {@link #whyNone()} says why). */
    Found chosen() {
        String wanted = System.getProperty(DEVICE_PROPERTY, "").trim().toLowerCase(Locale.ROOT);
        if (!wanted.isEmpty()) {
            return devices.stream()
                    .filter(d -> d.device().getName().toLowerCase(Locale.ROOT).contains(wanted))
                    .findFirst().orElse(null);
        }
        Comparator<Found> bigger = Comparator.<Found>comparingInt(d -> d.gpu() ? 1 : 0)
                .thenComparingLong(d -> d.device().getGlobalMemSize())
                .thenComparingInt(d -> d.device().getMaxComputeUnits());
        return devices.stream().max(bigger).orElse(null);
    }

    String whyNone() {
        if (problem != null) {
            return problem;
        }
        return "no OpenCL device matches -D" + DEVICE_PROPERTY + "=" + System.getProperty(DEVICE_PROPERTY)
                + " among: " + devices.stream().map(Found::describe).toList();
    }

    /** Everything found, one line, for probe() and logs. */
    String summary() {
        if (devices.isEmpty()) {
            return "no OpenCL: " + problem;
        }
        List<String> lines = devices.stream().map(Found::describe).toList();
        return devices.size() + " OpenCL device(s): " + String.join("; ", lines);
    }
}

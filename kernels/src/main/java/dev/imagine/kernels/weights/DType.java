package dev.imagine.kernels.weights;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The safetensors element types this engine reads; weights are widened to F32 on load. */
public enum DType {
    F32(4), F16(2), BF16(2), I32(4);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }

    public static DType parse(String name, String tensor) {
        for (DType type : values()) {
            if (type.name().equals(name)) {
                return type;
            }
        }
        throw new WeightsException("tensor '" + tensor + "' has dtype " + name + ", which this engine cannot read; supported: "
                + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", ")));
    }
}

package dev.imagine.kernels.weights;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes safetensors files: tensors in name order, the header padded to 8 bytes, so the same tensors
 * always give the same bytes. Writes to a temporary file and renames it into place.
 */
public final class SafeTensorsWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Entry(DType dtype, long[] shape, float[] floats, int[] ints) {
        long bytes() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n * dtype.bytes();
        }
    }

    private final Map<String, Entry> tensors = new TreeMap<>();
    private final Map<String, String> metadata = new TreeMap<>();

    public SafeTensorsWriter put(String name, float[] values, DType dtype, long... shape) {
        if (dtype == DType.I32) {
            throw new IllegalArgumentException("use putInts for I32 tensor " + name);
        }
        check(name, values.length, shape);
        tensors.put(name, new Entry(dtype, shape.clone(), values, null));
        return this;
    }

    public SafeTensorsWriter put(String name, float[] values, long... shape) {
        return put(name, values, DType.F32, shape);
    }

    public SafeTensorsWriter putInts(String name, int[] values, long... shape) {
        check(name, values.length, shape);
        tensors.put(name, new Entry(DType.I32, shape.clone(), null, values));
        return this;
    }

    public SafeTensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    private static void check(String name, int length, long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n != length) {
            throw new IllegalArgumentException("tensor " + name + " has " + length + " values for shape "
                    + java.util.Arrays.toString(shape));
        }
    }

    public void write(Path file) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, Entry> e : tensors.entrySet()) {
            ObjectNode node = header.putObject(e.getKey());
            node.put("dtype", e.getValue().dtype().name());
            var shape = node.putArray("shape");
            for (long d : e.getValue().shape()) {
                shape.add(d);
            }
            node.putArray("data_offsets").add(offset).add(offset + e.getValue().bytes());
            offset += e.getValue().bytes();
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName().toString(), ".tmp");
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
            out.write(json);
            out.write(" ".repeat(padded - json.length).getBytes(StandardCharsets.US_ASCII));
            for (Entry entry : tensors.values()) {
                writeData(out, entry);
            }
        }
        try {
            // createTempFile makes it owner-only; checkpoints are meant to be shared like any model file.
            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException notPosix) {
            // keep the default
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void writeData(OutputStream out, Entry entry) throws IOException {
        int n = entry.floats() != null ? entry.floats().length : entry.ints().length;
        ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact((long) n * entry.dtype().bytes())).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            switch (entry.dtype()) {
                case F32 -> buffer.putFloat(entry.floats()[i]);
                case F16 -> buffer.putShort(Float.floatToFloat16(entry.floats()[i]));
                case BF16 -> buffer.putShort(toBf16(entry.floats()[i]));
                case I32 -> buffer.putInt(entry.ints()[i]);
            }
        }
        out.write(buffer.array());
    }

    /** Round-to-nearest-even truncation of an F32 to its top 16 bits, as PyTorch does. */
    static short toBf16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int rounding = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }
}

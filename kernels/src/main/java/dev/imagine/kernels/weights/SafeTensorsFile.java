package dev.imagine.kernels.weights;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A safetensors file, memory-mapped (FileChannel → MemorySegment): an 8-byte little-endian header
 * length, a JSON header naming each tensor's dtype, shape and byte range, then the raw data. Tensors
 * are read straight from the mapping; F16 and BF16 are widened to F32. Every error names the file and
 * the tensor, and for shapes the expected and the found one.
 */
public final class SafeTensorsFile implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final long MAX_HEADER = 100L << 20;

    /** One tensor's header entry; offsets are relative to the start of the data section. */
    public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {
        public long elements() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    private final Path path;
    private final Arena arena;
    private final MemorySegment data;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafeTensorsFile(Path path, Arena arena, MemorySegment data, Map<String, TensorInfo> tensors,
                            Map<String, String> metadata) {
        this.path = path;
        this.arena = arena;
        this.data = data;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    public static SafeTensorsFile open(Path path) {
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < 8) {
                throw new WeightsException(path + " is " + size + " bytes: too short to be a safetensors file");
            }
            MemorySegment file = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            long headerLength = file.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
            if (headerLength <= 0 || headerLength > MAX_HEADER || 8 + headerLength > size) {
                throw new WeightsException(path + " does not start with a safetensors header (header length "
                        + headerLength + " in a " + size + "-byte file); is it a .safetensors file?");
            }
            byte[] header = file.asSlice(8, headerLength).toArray(ValueLayout.JAVA_BYTE);
            MemorySegment data = file.asSlice(8 + headerLength);
            Map<String, String> metadata = new LinkedHashMap<>();
            Map<String, TensorInfo> tensors = parseHeader(path, new String(header, StandardCharsets.UTF_8), data.byteSize(), metadata);
            return new SafeTensorsFile(path, arena, data, Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata));
        } catch (IOException e) {
            arena.close();
            throw new WeightsException("cannot read " + path + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static Map<String, TensorInfo> parseHeader(Path path, String header, long dataSize, Map<String, String> metadata)
            throws IOException {
        JsonNode root = JSON.readTree(header);
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String name = entry.getKey();
            JsonNode node = entry.getValue();
            if (name.equals("__metadata__")) {
                node.fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            DType dtype = DType.parse(node.path("dtype").asText(), name);
            long[] shape = new long[node.path("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = node.path("shape").get(i).asLong();
            }
            long begin = node.path("data_offsets").path(0).asLong(-1);
            long end = node.path("data_offsets").path(1).asLong(-1);
            TensorInfo info = new TensorInfo(name, dtype, shape, begin, end);
            if (begin < 0 || end < begin || end > dataSize || end - begin != info.elements() * dtype.bytes()) {
                throw new WeightsException(path + ": tensor '" + name + "' claims bytes [" + begin + ", " + end
                        + ") for shape " + Arrays.toString(shape) + " of " + dtype + " in a data section of " + dataSize
                        + " bytes; the file is truncated or corrupt");
            }
            tensors.put(name, info);
        }
        return tensors;
    }

    public Path path() {
        return path;
    }

    public Set<String> names() {
        return tensors.keySet();
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    public TensorInfo info(String name) {
        TensorInfo info = tensors.get(name);
        if (info == null) {
            throw new WeightsException(path + " has no tensor '" + name + "' (it has " + tensors.size() + " tensors"
                    + (tensors.isEmpty() ? "" : ", e.g. '" + tensors.keySet().iterator().next() + "'") + ")");
        }
        return info;
    }

    /** The tensor widened to F32, after checking it has exactly {@code expectedShape}. */
    public float[] floats(String name, long... expectedShape) {
        TensorInfo info = checkShape(name, expectedShape);
        int n = Math.toIntExact(info.elements());
        float[] out = new float[n];
        MemorySegment bytes = data.asSlice(info.begin(), info.end() - info.begin());
        switch (info.dtype()) {
            case F32 -> MemorySegment.copy(bytes, F32, 0, out, 0, n);
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = Float.float16ToFloat(bytes.getAtIndex(U16, i));
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = Float.intBitsToFloat((bytes.getAtIndex(U16, i) & 0xffff) << 16);
                }
            }
            case I32 -> throw new WeightsException(path + ": tensor '" + name + "' is I32; a float tensor was expected");
        }
        return out;
    }

    public int[] ints(String name, long... expectedShape) {
        TensorInfo info = checkShape(name, expectedShape);
        if (info.dtype() != DType.I32) {
            throw new WeightsException(path + ": tensor '" + name + "' is " + info.dtype() + "; I32 was expected");
        }
        int n = Math.toIntExact(info.elements());
        int[] out = new int[n];
        MemorySegment.copy(data.asSlice(info.begin(), info.end() - info.begin()), I32, 0, out, 0, n);
        return out;
    }

    private TensorInfo checkShape(String name, long[] expectedShape) {
        TensorInfo info = info(name);
        if (expectedShape.length > 0 && !Arrays.equals(info.shape(), expectedShape)) {
            throw new WeightsException(path + ": tensor '" + name + "' has shape " + Arrays.toString(info.shape())
                    + ", expected " + Arrays.toString(expectedShape));
        }
        return info;
    }

    @Override
    public void close() {
        arena.close();
    }
}

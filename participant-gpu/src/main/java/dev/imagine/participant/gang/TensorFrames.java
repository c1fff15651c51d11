package dev.imagine.participant.gang;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * One tensor as one Arrow IPC stream (schema with the header as custom metadata, one record batch of a single
 * float32 column, end of stream), written straight into a Netty buffer and read straight out of one. Copies: the
 * floats into Arrow's buffer and Arrow's buffer into Netty's on send; Netty's into Arrow's and Arrow's into the
 * caller's array on receipt: what the IPC format and a heap float[] compute path need, nothing more.
 */
final class TensorFrames {
    private static final Field VALUES = new Field("values",
            FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)), null);

    private TensorFrames() {
    }

    /** Appends the frame's IPC bytes to {@code out}; returns how many payload bytes it carries. */
    static long encode(BufferAllocator allocator, FrameHeader header, float[] data, ByteBuf out) {
        Schema schema = new Schema(List.of(VALUES), header.toMetadata());
        try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
            Float4Vector vector = (Float4Vector) root.getVector(0);
            long bytes = 4L * data.length;
            // the values go into a buffer that is not zeroed first (allocateNew would, only for them to be overwritten);
            // with no nulls, the vector makes its own all-set validity buffer
            try (ArrowBuf values = allocator.buffer(bytes)) {
                values.nioBuffer(0, (int) bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(data);
                vector.loadFieldBuffers(new ArrowFieldNode(data.length, 0), List.of(allocator.getEmpty(), values));
            }
            vector.setValueCount(data.length);
            root.setRowCount(data.length);
            try (ArrowStreamWriter writer = new ArrowStreamWriter(root, new DictionaryProvider.MapDictionaryProvider(),
                    new ByteBufChannel(out))) {
                writer.start();
                writer.writeBatch();
                writer.end();
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + header.tag(), e);
        }
    }

    /** Reads one frame; the caller closes it once it copied the values out. */
    static Received decode(BufferAllocator allocator, ByteBuf in) {
        ArrowStreamReader reader = new ArrowStreamReader(new ByteBufChannel(in), allocator);
        try {
            FrameHeader header = FrameHeader.fromMetadata(reader.getVectorSchemaRoot().getSchema().getCustomMetadata());
            if (!reader.loadNextBatch()) {
                throw new IllegalArgumentException("frame for " + header.tag() + " has no record batch");
            }
            Float4Vector vector = (Float4Vector) reader.getVectorSchemaRoot().getVector(0);
            if (vector.getValueCount() != header.values()) {
                throw new IllegalArgumentException("frame for " + header.tag() + " says " + header.values()
                        + " values and holds " + vector.getValueCount());
            }
            return new Received(header, reader, vector);
        } catch (IOException | RuntimeException e) {
            try {
                reader.close();
            } catch (IOException ignored) {
                // the decode error is what counts
            }
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    /** A decoded tensor still in Arrow's memory. */
    record Received(FrameHeader header, ArrowStreamReader reader, Float4Vector vector) implements AutoCloseable {
        void copyTo(float[] target) {
            vector.getDataBuffer().nioBuffer(0, 4 * header.values()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer()
                    .get(target, 0, header.values());
        }

        long bytes() {
            return 4L * header.values();
        }

        @Override
        public void close() {
            try {
                reader.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Arrow's IPC writer and reader over a Netty buffer, without an intermediate byte[]. */
    private static final class ByteBufChannel implements WritableByteChannel, ReadableByteChannel {
        private final ByteBuf buf;

        ByteBufChannel(ByteBuf buf) {
            this.buf = buf;
        }

        @Override
        public int write(ByteBuffer src) {
            int n = src.remaining();
            buf.writeBytes(src);
            return n;
        }

        @Override
        public int read(ByteBuffer dst) {
            if (!buf.isReadable()) {
                return -1;
            }
            int n = Math.min(dst.remaining(), buf.readableBytes());
            ByteBuffer slice = dst.slice().limit(n);
            buf.readBytes(slice);
            dst.position(dst.position() + n);
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }
}

package dev.imagine.participant.gang;

import dev.imagine.kernels.parallel.ExchangeTag;
import dev.imagine.kernels.parallel.GangException;
import dev.imagine.kernels.parallel.SequenceExchange;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One rank's end of a gang over the network: frames to every peer through its own connection, frames from every
 * peer out of the local {@link GangServer}'s inbox, each wait bounded by the gang's timeout. A frame is handed to
 * Netty and the rank waits for its peers' frames at once; a connection past its high water mark makes the next send
 * wait for the previous frame (so a slow peer slows its senders instead of filling memory). A peer that is gone (a
 * failed write, a closed connection: the wait ends then) or silent past the timeout is a {@link GangException}, and
 * the run stops.
 */
public final class NettyExchange implements SequenceExchange, AutoCloseable {
    private final GangServer local;
    private final String job;
    private final int attempt;
    private final int rank;
    private final List<InetSocketAddress> peers;
    private final Duration timeout;
    private final Channel[] channels;
    private final ChannelFuture[] lastWrites;
    /** The first failed write or lost connection, set from Netty's threads. */
    private volatile String failure;
    private volatile boolean closed;
    private long bytesSent;
    private long payloadSent;
    private long waitNanos;
    private long exchanges;

    /**
     * @param peers every rank's tensor endpoint, this rank's included, in rank order
     */
    public NettyExchange(GangServer local, String job, int attempt, int rank, List<InetSocketAddress> peers,
                         Duration timeout) {
        this.local = local;
        this.job = job;
        this.attempt = attempt;
        this.rank = rank;
        this.peers = List.copyOf(peers);
        this.timeout = timeout;
        this.channels = new Channel[peers.size()];
        this.lastWrites = new ChannelFuture[peers.size()];
        local.inbox().open(job, attempt, peers.size(), rank);
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int size() {
        return peers.size();
    }

    @Override
    public void exchange(ExchangeTag tag, float[][] send, float[][] receive) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        try {
            throwIfFailed();
            for (int to = 0; to < size(); to++) {
                if (to != rank) {
                    send(to, tag, send[to], deadline);
                }
            }
            for (int from = 0; from < size(); from++) {
                if (from == rank) {
                    continue;
                }
                TensorFrames.Received r = local.inbox().take(job, attempt, rank, from,
                        Math.max(0, deadline - System.nanoTime()), () -> failure != null);
                if (r == null) {
                    throwIfFailed();
                    throw new GangException("rank " + from + " sent nothing for " + tag + " of job " + job + " attempt "
                            + attempt + " within " + timeout);
                }
                try (r) {
                    if (!r.header().tag().equals(tag)) {
                        throw new GangException("rank " + from + " sent " + r.header().tag() + " while rank " + rank
                                + " expects " + tag);
                    }
                    if (r.header().values() != receive[from].length) {
                        throw new GangException("rank " + from + " sent " + r.header().values() + " values for " + tag
                                + "; expected " + receive[from].length);
                    }
                    r.copyTo(receive[from]);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GangException("interrupted during " + tag, e);
        } finally {
            waitNanos += System.nanoTime() - start;
            exchanges++;
        }
    }

    /**
     * Hands one frame to Netty without waiting for it to be written: the rank goes on to wait for its peers' frames
     * at once, which saves a wake-up per exchange. A failed write is recorded and wakes that wait. Buffers stay
     * bounded: over the connection's high water mark the rank waits for its previous frame to leave first.
     */
    private void send(int to, ExchangeTag tag, float[] values, long deadline) throws InterruptedException {
        Channel ch = channel(to);
        if (!ch.isWritable() && lastWrites[to] != null) {
            ChannelFuture last = lastWrites[to];
            if (!last.await(Math.max(1, (deadline - System.nanoTime()) / 1_000_000))) {
                throw new GangException("rank " + rank + " could not send " + tag + " to rank " + to + " at "
                        + peers.get(to) + " within " + timeout + ": the peer is not reading");
            }
            throwIfFailed();
        }
        ByteBuf out = ch.alloc().buffer(4 * values.length + 1024);
        try {
            payloadSent += TensorFrames.encode(local.allocator(),
                    new FrameHeader(job, attempt, tag, rank, to, values.length), values, out);
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
        bytesSent += out.readableBytes() + 4;
        ChannelFuture write = ch.writeAndFlush(out);
        lastWrites[to] = write;
        write.addListener(done -> {
            if (!done.isSuccess()) {
                fail("rank " + rank + " could not send " + tag + " to rank " + to + " at " + peers.get(to)
                        + (done.cause() == null ? "" : ": " + done.cause().getMessage()));
            }
        });
    }

    /** Records the first failure of this rank's connections and wakes a rank waiting for frames. */
    private void fail(String why) {
        if (failure == null && !closed) {
            failure = why;
            local.inbox().wake();
        }
    }

    private void throwIfFailed() {
        String why = failure;
        if (why != null) {
            throw new GangException(why);
        }
    }

    private Channel channel(int to) throws InterruptedException {
        Channel ch = channels[to];
        if (ch == null || !ch.isActive()) {
            if (ch != null) {
                throw new GangException("connection to rank " + to + " at " + peers.get(to) + " was lost");
            }
            ch = local.connect(peers.get(to), timeout);
            channels[to] = ch;
            // a peer's participant gone (its endpoint closed) ends a wait for its frames now, not at the timeout
            ch.closeFuture().addListener(closed -> fail("connection to rank " + to + " at " + peers.get(to) + " was lost"));
        }
        return ch;
    }

    @Override
    public TransferStats stats() {
        return new TransferStats(bytesSent, payloadSent, waitNanos, exchanges);
    }

    /**
     * Ends this rank's run. A frame still being written (the last one may be tens of MiB, and its peer may be waiting
     * for it) is let finish first: its connection closes once the write is done, or after the timeout at the latest.
     */
    @Override
    public void close() {
        closed = true;
        for (int to = 0; to < channels.length; to++) {
            Channel ch = channels[to];
            ChannelFuture last = lastWrites[to];
            if (ch == null) {
                continue;
            }
            if (last == null || last.isDone()) {
                ch.close();
            } else {
                last.addListener(ChannelFutureListener.CLOSE);
                var deadline = ch.eventLoop().schedule(() -> ch.close(), timeout.toMillis(), TimeUnit.MILLISECONDS);
                ch.closeFuture().addListener(closedNow -> deadline.cancel(false));
            }
        }
        local.inbox().close(job, attempt, rank);
    }
}

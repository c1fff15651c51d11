package dev.imagine.participant.gang;

import dev.imagine.kernels.parallel.ExchangeTag;
import dev.imagine.kernels.parallel.GangException;
import dev.imagine.kernels.parallel.SequenceExchange;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One rank's end of a gang over the network: frames to every peer through its own connection, frames from every
 * peer out of the local {@link GangServer}'s inbox, each wait bounded by the gang's timeout. A send waits until
 * Netty has written the frame (so a slow peer slows its senders instead of filling memory); a peer that is gone
 * or silent past the timeout is a {@link GangException}, and the run stops.
 */
public final class NettyExchange implements SequenceExchange, AutoCloseable {
    private final GangServer local;
    private final String job;
    private final int attempt;
    private final int rank;
    private final List<InetSocketAddress> peers;
    private final Duration timeout;
    private final Channel[] channels;
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
        try {
            List<ChannelFuture> writes = new ArrayList<>();
            for (int to = 0; to < size(); to++) {
                if (to == rank) {
                    continue;
                }
                Channel ch = channel(to);
                ByteBuf out = ch.alloc().buffer(4 * send[to].length + 1024);
                try {
                    payloadSent += TensorFrames.encode(local.allocator(),
                            new FrameHeader(job, attempt, tag, rank, to, send[to].length), send[to], out);
                } catch (RuntimeException e) {
                    out.release();
                    throw e;
                }
                bytesSent += out.readableBytes() + 4;
                writes.add(ch.writeAndFlush(out));
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            for (ChannelFuture write : writes) {
                if (!write.await(Math.max(1, (deadline - System.nanoTime()) / 1_000_000)) || !write.isSuccess()) {
                    throw new GangException("rank " + rank + " could not send " + tag + " to " + write.channel().remoteAddress()
                            + " within " + timeout + (write.cause() == null ? "" : ": " + write.cause().getMessage()));
                }
            }
            for (int from = 0; from < size(); from++) {
                if (from == rank) {
                    continue;
                }
                TensorFrames.Received r = local.inbox().take(job, attempt, rank, from, Math.max(0, deadline - System.nanoTime()));
                if (r == null) {
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

    private Channel channel(int to) throws InterruptedException {
        Channel ch = channels[to];
        if (ch == null || !ch.isActive()) {
            if (ch != null) {
                throw new GangException("connection to rank " + to + " at " + peers.get(to) + " was lost");
            }
            ch = local.connect(peers.get(to), timeout);
            channels[to] = ch;
        }
        return ch;
    }

    @Override
    public TransferStats stats() {
        return new TransferStats(bytesSent, payloadSent, waitNanos, exchanges);
    }

    @Override
    public void close() {
        for (Channel ch : channels) {
            if (ch != null) {
                ch.close();
            }
        }
        local.inbox().close(job, attempt, rank);
    }
}

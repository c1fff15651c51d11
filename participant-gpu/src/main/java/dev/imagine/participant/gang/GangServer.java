package dev.imagine.participant.gang;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A participant's tensor endpoint: a Netty server that receives the gang's Arrow frames (length-prefixed, at most
 * {@link #MAX_FRAME_BYTES} each) into the {@link GangInbox}, and the client side its {@link NettyExchange}s dial
 * peers with. Its address goes in the participant's Helix instance config, so a gang's ranks find each other.
 */
public final class GangServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GangServer.class);
    /** A frame larger than this is a protocol error (XL at 1,024 tokens sends ~28 MiB per peer per phase). */
    static final int MAX_FRAME_BYTES = 256 << 20;
    /** Bytes of frames queued for runs before the server stops reading. */
    static final long MAX_QUEUED_BYTES = 512L << 20;
    /** Freed frame buffers kept for the next frames of their sizes. */
    static final long MAX_CACHED_BYTES = 256L << 20;

    /**
     * Pooled direct buffers in 64 MiB chunks: a frame of a few MiB (XL sends ~7 MiB per peer per phase at 256 tokens)
     * is then reused from the pool instead of allocated, zeroed by the JDK and freed each time, as Netty's default
     * does for anything above its 4 MiB chunks (that cost most of the transfer time).
     */
    private static final PooledByteBufAllocator BUFFERS = new PooledByteBufAllocator(true, 0, 2, 8192, 13, 0, 0, true);

    /**
     * Epoll where the native transport loads (Linux), else NIO. A gang step waits on a chain of thread wake-ups
     * (sender to its event loop, the receiver's loop to its rank); epoll's made a 16-float exchange on loopback about
     * a third cheaper here. {@code -Dimagine.gang.nio=true} forces NIO.
     */
    static final boolean EPOLL = !Boolean.getBoolean("imagine.gang.nio") && Epoll.isAvailable();

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final FrameMemory memory = new FrameMemory(MAX_CACHED_BYTES);
    private final BufferAllocator allocator;
    private final GangInbox inbox = new GangInbox(MAX_QUEUED_BYTES);
    private final Channel server;
    private final String advertised;
    /** Every connection peers opened to this endpoint, closed with it (see {@link #close}). */
    private final ChannelGroup accepted = new DefaultChannelGroup("gang-accepted", GlobalEventExecutor.INSTANCE);
    private volatile boolean closing;

    private GangServer(String host, int port, String advertised) throws InterruptedException {
        this.advertised = advertised;
        boss = new MultiThreadIoEventLoopGroup(1, ioHandlers());
        workers = new MultiThreadIoEventLoopGroup(2, ioHandlers());
        allocator = new RootAllocator(RootAllocator.configBuilder().maxAllocation(2L << 30)
                .allocationManagerFactory(memory).build());
        server = new ServerBootstrap().group(boss, workers).channel(serverChannel())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOCATOR, BUFFERS)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        // added before closing is read, closing set before the group is closed: close() sees the
                        // connection, or the connection sees close()
                        accepted.add(ch);
                        if (closing) {
                            ch.close();
                            return;
                        }
                        LengthFieldBasedFrameDecoder frames = new LengthFieldBasedFrameDecoder(MAX_FRAME_BYTES, 0, 4, 0, 4);
                        // a frame is the reads it arrived in, not a buffer regrown and copied as it fills
                        frames.setCumulator(ByteToMessageDecoder.COMPOSITE_CUMULATOR);
                        ch.pipeline().addLast(frames, new FrameHandler());
                    }
                })
                .bind(host, port).sync().channel();
        LOG.info("Gang tensor endpoint on {} ({})", server.localAddress(), transport());
    }

    public static GangServer start(String host, int port) throws InterruptedException {
        return new GangServer(host, port, host);
    }

    /**
     * @param bindHost   where to listen ("0.0.0.0" on a cluster node)
     * @param advertised the name peers on other nodes reach it by (the node's host name)
     */
    public static GangServer start(String bindHost, int port, String advertised) throws InterruptedException {
        return new GangServer(bindHost, port, advertised);
    }

    private static IoHandlerFactory ioHandlers() {
        return EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    private static Class<? extends ServerChannel> serverChannel() {
        return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /** "epoll" or "nio": the transport the gang's frames travel on. */
    public static String transport() {
        return EPOLL ? "epoll" : "nio";
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    /** "host:port", as it goes in the Helix instance config. */
    public String endpoint() {
        return advertised + ":" + address().getPort();
    }

    GangInbox inbox() {
        return inbox;
    }

    BufferAllocator allocator() {
        return allocator;
    }

    /** Frames refused because they belonged to a superseded attempt. */
    public long refusedFrames() {
        return inbox.refused();
    }

    Channel connect(InetSocketAddress peer, Duration timeout) throws InterruptedException {
        var connect = new Bootstrap().group(workers).channel(EPOLL ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.ALLOCATOR, BUFFERS)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(8 << 20, 64 << 20))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new LengthFieldPrepender(4));
                    }
                })
                .connect(peer);
        if (!connect.await(timeout.toMillis()) || !connect.isSuccess()) {
            connect.channel().close();
            throw new dev.imagine.kernels.parallel.GangException("cannot reach gang peer " + peer + " within " + timeout
                    + (connect.cause() == null ? "" : ": " + connect.cause().getMessage()), connect.cause());
        }
        return connect.channel();
    }

    /**
     * Stops accepting, closes every accepted connection, then the event loops. A connection accepted as the server
     * closes may be registered on a worker loop after that loop closed its channels on shutdown: it would stay open,
     * and the peer waiting on it would wait out its whole timeout instead of seeing this participant go. Hence the
     * explicit group close, and the closing flag for a connection that is still being set up.
     */
    @Override
    public void close() {
        closing = true;
        server.close().syncUninterruptibly();
        boss.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        accepted.close().awaitUninterruptibly(2_000);
        workers.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        inbox.closeAll();
        try {
            allocator.close();
        } catch (IllegalStateException leaked) {
            // an exchange still open on another thread holds a frame; the memory goes with the process
            LOG.warn("Gang endpoint closed with tensor memory still held: {}", leaked.getMessage());
        }
        memory.close();
    }

    private final class FrameHandler extends SimpleChannelInboundHandler<ByteBuf> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            TensorFrames.Received received;
            try {
                received = TensorFrames.decode(allocator, frame);
            } catch (RuntimeException bad) {
                LOG.warn("Dropped a connection from {} that sent a malformed tensor frame: {}", ctx.channel().remoteAddress(),
                        bad.getMessage());
                ctx.close();
                return;
            }
            Channel ch = ctx.channel();
            inbox.deliver(received, () -> ch.config().setAutoRead(false), () -> ch.eventLoop().execute(() -> {
                ch.config().setAutoRead(true);
                ch.read();
            }));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.warn("Gang connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }
}

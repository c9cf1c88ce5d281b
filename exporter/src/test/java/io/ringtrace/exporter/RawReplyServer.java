package io.ringtrace.exporter;

import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A gRPC server on 127.0.0.1 that serves {@code TraceService/Export} with raw bytes in both
 * directions: it records each request body as it arrived and answers every call with the reply
 * messages and the status it was given, whatever they are. The official receiver cannot send a body
 * that is not a valid {@code ExportTraceServiceResponse}; this one sends exactly what a broken proxy
 * or receiver would.
 */
final class RawReplyServer implements AutoCloseable {

    private static final MethodDescriptor.Marshaller<byte[]> RAW = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    /** Streaming on this side (the type never goes on the wire), so that gRPC lets it send several replies. */
    private static final MethodDescriptor<byte[], byte[]> EXPORT = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
            .setFullMethodName(ExportMethod.FULL_METHOD_NAME)
            .setRequestMarshaller(RAW)
            .setResponseMarshaller(RAW)
            .build();

    private final EventLoopGroup bossGroup =
            new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("raw-reply-boss", true), NioIoHandler.newFactory());
    private final EventLoopGroup workerGroup =
            new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("raw-reply-worker", true), NioIoHandler.newFactory());
    private final ExecutorService executor = Executors.newSingleThreadExecutor(new DefaultThreadFactory("raw-reply-executor", true));
    private final Server server;
    /**
     * gRPC loggers that report, at INFO and WARNING, the stream the client resets when a reply is
     * over its limit: expected here, so quiet while this server runs (strong references keep the
     * levels set).
     */
    private final List<Logger> quieted = List.of(
            Logger.getLogger("io.grpc.netty.shaded.io.grpc.netty.NettyServerHandler"),
            Logger.getLogger("io.grpc.internal.AbstractClientStream"));
    private final List<Level> quietedLevels = new ArrayList<>();
    private final List<byte[]> requests = new ArrayList<>();
    private volatile List<byte[]> replyMessages = List.of();
    private volatile Status replyStatus = Status.OK;

    private RawReplyServer() {
        for (Logger logger : quieted) {
            quietedLevels.add(logger.getLevel());
            logger.setLevel(Level.SEVERE);
        }
        ServerServiceDefinition service = ServerServiceDefinition.builder(EXPORT.getServiceName())
                .addMethod(EXPORT, new ReplyAsScripted())
                .build();
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), InsecureServerCredentials.create())
                .bossEventLoopGroup(bossGroup)
                .workerEventLoopGroup(workerGroup)
                .channelType(NioServerSocketChannel.class)
                .executor(executor)
                .addService(service)
                .build();
        try {
            server.start();
        } catch (IOException e) {
            close();
            throw new UncheckedIOException(e);
        }
    }

    /** @return a server answering every call with OK and no message until told otherwise */
    static RawReplyServer start() {
        return new RawReplyServer();
    }

    /**
     * Every later call is answered with these messages, in order, then {@code status}.
     *
     * @param status the call's final status
     * @param messages the reply messages' bodies, sent as they are
     * @return this server
     */
    RawReplyServer reply(Status status, byte[]... messages) {
        replyMessages = List.of(messages);
        replyStatus = status;
        return this;
    }

    /** @return the endpoint to give the exporter */
    String endpoint() {
        return "http://127.0.0.1:" + server.getPort();
    }

    /** @return the request bodies received, in order */
    List<byte[]> requests() {
        synchronized (requests) {
            return new ArrayList<>(requests);
        }
    }

    @Override
    public void close() {
        server.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        executor.shutdownNow();
        bossGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workerGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        bossGroup.terminationFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
        workerGroup.terminationFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
        for (int i = 0; i < quieted.size(); i++) {
            quieted.get(i).setLevel(quietedLevels.get(i));
        }
    }

    /** Records the request, then sends the scripted messages and status. */
    private final class ReplyAsScripted implements ServerCallHandler<byte[], byte[]> {
        @Override
        public ServerCall.Listener<byte[]> startCall(ServerCall<byte[], byte[]> call, Metadata headers) {
            call.request(1);
            return new ServerCall.Listener<>() {
                @Override
                public void onMessage(byte[] request) {
                    synchronized (requests) {
                        requests.add(request);
                    }
                    List<byte[]> messages = replyMessages;
                    try {
                        call.sendHeaders(new Metadata());
                        for (byte[] message : messages) {
                            call.sendMessage(message);
                        }
                        call.close(replyStatus, new Metadata());
                    } catch (RuntimeException clientWentAway) {
                        // the client may reset the stream while a large reply is still being sent
                    }
                }
            };
        }
    }
}

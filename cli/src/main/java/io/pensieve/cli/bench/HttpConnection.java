package io.pensieve.cli.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.net.ConnectException;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * One kept-alive HTTP/1.1 connection to a node, carrying one request at a time. It connects on
 * its first request, and again after the node closed it. A request not answered within the
 * timeout fails and closes the connection: a late answer could be taken for the next one's.
 */
// Netty's close() futures are not waited on: a close's outcome arrives as channelInactive
@SuppressWarnings("FutureReturnValueIgnored")
final class HttpConnection {
  /** How a request ended: the response, or why there is none. Told exactly once. */
  interface Answer {
    void response(int status, byte[] body);

    void failure(String errorKind);
  }

  /** Room for a value at the ceiling, in JSON. */
  private static final int MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

  private final Bootstrap bootstrap;
  private final long timeoutNanos;
  private final AtomicReference<Request> inFlight = new AtomicReference<>();
  private volatile Channel channel;

  /**
   * @param bootstrap the event loops, the channel type and the node's address
   * @param tls when the node serves HTTPS; its certificate must name {@code host}
   */
  HttpConnection(Bootstrap bootstrap, Optional<SslContext> tls, String host, int port,
      long timeoutNanos) {
    this.timeoutNanos = timeoutNanos;
    this.bootstrap = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
      @Override
      protected void initChannel(SocketChannel channel) {
        tls.ifPresent(context -> channel.pipeline()
            .addLast(tlsHandler(context, channel, host, port)));
        channel.pipeline().addLast(new HttpClientCodec(),
            new HttpObjectAggregator(MAX_RESPONSE_BYTES), new Responses());
      }
    });
  }

  private static SslHandler tlsHandler(SslContext context, SocketChannel channel, String host,
      int port) {
    SSLEngine engine = context.newEngine(channel.alloc(), host, port);
    SSLParameters parameters = engine.getSSLParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    engine.setSSLParameters(parameters);
    return new SslHandler(engine);
  }

  /** Sends {@code request}; the caller sends no other until {@code answer} has been told. */
  void send(FullHttpRequest request, Answer answer) {
    Channel open = channel;
    if (open != null && open.isActive()) {
      write(open, request, answer);
      return;
    }
    ChannelFuture connecting = bootstrap.connect();
    channel = connecting.channel();
    connecting.addListener(connected -> {
      if (connected.isSuccess()) {
        write(connecting.channel(), request, answer);
      } else {
        request.release();
        answer.failure(errorKind(connected.cause()));
      }
    });
  }

  private void write(Channel to, FullHttpRequest request, Answer answer) {
    Request sent = new Request(answer);
    inFlight.set(sent);
    sent.timer = to.eventLoop().schedule(() -> {
      if (inFlight.compareAndSet(sent, null)) {
        to.close();
        answer.failure("timeout");
      }
    }, timeoutNanos, TimeUnit.NANOSECONDS);
    to.writeAndFlush(request).addListener(written -> {
      if (!written.isSuccess()) {
        fail(errorKind(written.cause()));
        to.close();
      }
    });
  }

  /** The request in flight, for whoever ends it first; its timer stopped. */
  private Request take() {
    Request request = inFlight.getAndSet(null);
    if (request != null && request.timer != null) {
      request.timer.cancel(false);
    }
    return request;
  }

  private void fail(String errorKind) {
    Request request = take();
    if (request != null) {
      request.answer.failure(errorKind);
    }
  }

  void close() {
    Channel open = channel;
    if (open != null) {
      open.close();
    }
  }

  static String errorKind(Throwable failure) {
    if (failure instanceof ConnectException) {
      return "io/connect_failed";
    }
    if (failure instanceof SSLException) {
      return "io/tls_failed";
    }
    return "io/" + failure.getClass().getSimpleName();
  }

  /** A request on the wire and its timer. */
  private static final class Request {
    final Answer answer;
    volatile ScheduledFuture<?> timer;

    Request(Answer answer) {
      this.answer = answer;
    }
  }

  /** Hands each response to the request in flight; a connection that closes fails it. */
  private final class Responses extends SimpleChannelInboundHandler<FullHttpResponse> {
    private String closedBecause = "io/connection_closed";

    @Override
    protected void channelRead0(ChannelHandlerContext context, FullHttpResponse response) {
      Request request = take();
      if (!HttpUtil.isKeepAlive(response)) {
        // the node closes after this answer: the next request opens a new connection
        context.close();
      }
      if (request != null) {
        byte[] body = new byte[response.content().readableBytes()];
        response.content().readBytes(body);
        request.answer.response(response.status().code(), body);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
      closedBecause = errorKind(cause);
      context.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
      fail(closedBecause);
    }
  }
}

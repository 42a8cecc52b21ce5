package io.flotilla.api.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * Turns a request line of an HTTP version other than 1.0 and 1.1 ({@code HTTP/9.9}, {@code FOO/1.1}) into a request
 * the decoder rejected. Netty decodes any {@code name/major.minor}; Vert.x would then answer such a request itself,
 * with a bare {@code 501 Not Implemented} (in {@code Http1xServerRequestHandler}, before any handler of ours runs).
 * Marked as a decoder failure, it reaches the server's invalid-request handler instead, which answers it in the API's
 * error shape ({@link UnsupportedHttpVersion}: 505). Sits right after Netty's HTTP decoder in each HTTP/1.x
 * connection's pipeline.
 */
final class HttpVersionGuard extends ChannelInboundHandlerAdapter {
  static final String NAME = "flotilla-http-version";
  private static final String DECODER = "httpDecoder";

  /** Adds the guard to an HTTP/1.x connection (HTTP/2 connections have no such request line). */
  static void install(HttpConnection connection) {
    if (connection instanceof ConnectionBase base) {
      ChannelPipeline pipeline = base.channel().pipeline();
      if (pipeline.get(DECODER) != null && pipeline.get(NAME) == null) {
        pipeline.addAfter(DECODER, NAME, new HttpVersionGuard());
      }
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest request && request.decoderResult().isSuccess()
        && !HttpVersion.HTTP_1_1.equals(request.protocolVersion())
        && !HttpVersion.HTTP_1_0.equals(request.protocolVersion())) {
      String version = request.protocolVersion().text();
      request.setProtocolVersion(HttpVersion.HTTP_1_1); // the version the error is answered in
      request.setDecoderResult(DecoderResult.failure(new UnsupportedHttpVersion(version)));
    }
    ctx.fireChannelRead(msg);
  }

  /** The request line named an HTTP version the server does not speak. */
  static final class UnsupportedHttpVersion extends RuntimeException {
    UnsupportedHttpVersion(String version) {
      super("HTTP version " + version + " is not supported: send HTTP/1.1 (or HTTP/1.0).", null, false, false);
    }
  }
}

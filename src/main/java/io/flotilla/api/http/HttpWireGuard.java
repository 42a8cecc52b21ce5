package io.flotilla.api.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * What Vert.x would answer outside the API's error shape, or not at all, at the HTTP/1.x wire level:
 * <ul>
 *   <li>A request line of an HTTP version other than 1.0 and 1.1 ({@code HTTP/9.9}, {@code FOO/1.1}). Netty decodes
 *       any {@code name/major.minor}; Vert.x would then answer such a request itself, with a bare
 *       {@code 501 Not Implemented} (in {@code Http1xServerRequestHandler}, before any handler of ours runs). Marked as
 *       a decoder failure, it reaches the server's invalid-request handler instead, which answers it in the API's
 *       error shape ({@link UnsupportedHttpVersion}: 505).</li>
 *   <li>A body the decoder cannot read (a chunk size that is not hexadecimal, a chunk too large): Vert.x closes the
 *       connection without a word (its request handler has the head already, so the invalid-request handler is not
 *       called). Unless an answer to that request has begun, this guard answers 400 {@code BadRequest} in the error
 *       shape first.</li>
 * </ul>
 * Sits right after Netty's HTTP encoder in each HTTP/1.x connection's pipeline: inbound it sees decoded requests
 * before Vert.x, outbound the responses before they are encoded.
 */
final class HttpWireGuard extends ChannelDuplexHandler {
  static final String NAME = "flotilla-http-guard";
  private static final String ENCODER = "httpEncoder";
  private static final String DECODER = "httpDecoder";

  /** Whether the request being read has been answered (or began to be). */
  private boolean answered = true;

  /** Adds the guard to an HTTP/1.x connection (HTTP/2 connections have no such request line). */
  static void install(HttpConnection connection) {
    if (connection instanceof ConnectionBase base) {
      ChannelPipeline pipeline = base.channel().pipeline();
      if (pipeline.get(DECODER) != null && pipeline.get(NAME) == null) {
        pipeline.addAfter(pipeline.get(ENCODER) != null ? ENCODER : DECODER, NAME, new HttpWireGuard());
      }
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest request) {
      answered = false;
      if (request.decoderResult().isSuccess()
          && !HttpVersion.HTTP_1_1.equals(request.protocolVersion())
          && !HttpVersion.HTTP_1_0.equals(request.protocolVersion())) {
        String version = request.protocolVersion().text();
        request.setProtocolVersion(HttpVersion.HTTP_1_1); // the version the error is answered in
        request.setDecoderResult(DecoderResult.failure(new UnsupportedHttpVersion(version)));
      }
    } else if (msg instanceof HttpContent content && content.decoderResult().isFailure()) {
      // Vert.x would close the connection at once, without an answer, and even drop one it has written but not yet
      // flushed. Instead: the error (unless an answer has begun), everything flushed, then the connection closed. The
      // request in Vert.x ends with the connection, so the failed content goes no further.
      io.netty.util.ReferenceCountUtil.release(msg);
      Object last = io.netty.buffer.Unpooled.EMPTY_BUFFER;
      if (!answered) {
        answered = true;
        String id = UUID.randomUUID().toString();
        byte[] body = ErrorMapper.body("BadRequest", "The request body is not valid HTTP/1.1 framing (chunked "
            + "encoding or length).", id).getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
            HttpResponseStatus.BAD_REQUEST, Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8")
            .set(HttpHeaderNames.CONTENT_LENGTH, body.length).set(HttpHeaderNames.CONNECTION, "close")
            .set("x-ms-request-id", id).set("x-ms-error-code", "BadRequest");
        last = response;
      }
      ctx.writeAndFlush(last).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
    if (msg instanceof HttpResponse r && r.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
      answered = true; // a "100 Continue" is not the answer: the request's body still has to be read
    }
    super.write(ctx, msg, promise);
  }

  /** The request line named an HTTP version the server does not speak. */
  static final class UnsupportedHttpVersion extends RuntimeException {
    UnsupportedHttpVersion(String version) {
      super("HTTP version " + version + " is not supported: send HTTP/1.1 (or HTTP/1.0).", null, false, false);
    }
  }
}

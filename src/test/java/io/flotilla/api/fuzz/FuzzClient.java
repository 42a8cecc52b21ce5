package io.flotilla.api.fuzz;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The fuzzer's HTTP client: the Vert.x HTTP/1.1 client on one kept-alive connection (so a case costs one round trip,
 * not a connection), and a raw socket for requests no well-behaved client would send (raw non-UTF-8 bytes in the
 * request line, duplicate headers, odd versions). Every call has a deadline: a request the server does not answer in
 * time is reported as a hang.
 */
final class FuzzClient implements AutoCloseable {
  /** How long one request may take before it counts as a hang. */
  static final long DEADLINE_MS = 15_000;

  private final Vertx vertx;
  private final HttpClientAgent client;
  private final int port;

  FuzzClient(int port) {
    this.port = port;
    this.vertx = Vertx.vertx();
    this.client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
            .setKeepAlive(true).setMaxInitialLineLength(64 * 1024).setMaxHeaderSize(64 * 1024)
            .setDecompressionSupported(false),
        new PoolOptions().setHttp1MaxSize(1));
  }

  /** An answer as the fuzzer judges it. */
  record Answer(int status, Map<String, String> headers, byte[] body, long nanos) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** Thrown when the server did not answer within {@link #DEADLINE_MS}. */
  static final class Hang extends RuntimeException {
    Hang(String what) {
      super(what);
    }
  }

  /** Sends one request on the shared connection. {@code uri} goes on the request line as given. */
  Answer send(HttpMethod method, String uri, Map<String, String> headers, byte[] body) {
    long start = System.nanoTime();
    RequestOptions options = new RequestOptions().setMethod(method).setURI(uri).setIdleTimeout(DEADLINE_MS);
    var future = client.request(options).compose(req -> {
      headers.forEach(req::putHeader);
      var sent = body == null ? req.send() : req.send(Buffer.buffer(body));
      return sent.compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(), lower(resp.headers()),
          decoded(resp.getHeader("content-encoding"), b.getBytes()), System.nanoTime() - start)));
    });
    try {
      return future.toCompletionStage().toCompletableFuture().get(DEADLINE_MS + 1000, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new Hang(method + " " + abbreviate(uri) + " got no answer in " + DEADLINE_MS + " ms");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof java.util.concurrent.TimeoutException
          || String.valueOf(e.getCause()).contains("timeout")) {
        throw new Hang(method + " " + abbreviate(uri) + " got no answer in " + DEADLINE_MS + " ms: " + e.getCause());
      }
      throw new IllegalStateException(method + " " + abbreviate(uri) + " failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Sends {@code request} (a whole HTTP/1.x request, as bytes) on a new connection and reads the answer until the
   * server closes it ({@code Connection: close} belongs in the request). Answers null when the server closed the
   * connection without a word (allowed only for requests that are not HTTP at all).
   */
  Answer sendRaw(byte[] request) {
    long start = System.nanoTime();
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      socket.setSoTimeout((int) DEADLINE_MS);
      OutputStream out = socket.getOutputStream();
      // Written by another thread while this one reads: a server that answers and closes before it read the whole
      // request (a body past Content-Length, a request it rejected early) must not make the write block or fail the
      // read of its answer.
      Thread writer = new Thread(() -> {
        try {
          out.write(request);
          out.flush();
        } catch (IOException closedEarly) {
          // judged by the answer
        }
      }, "fuzz-raw-writer");
      writer.setDaemon(true);
      writer.start();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      byte[] buf = new byte[16 * 1024];
      int n;
      try {
        while ((n = in.read(buf)) >= 0) {
          all.write(buf, 0, n);
        }
      } catch (java.net.SocketException reset) {
        // a reset after the answer was written is fine; judged by what arrived
      }
      return parse(all.toByteArray(), System.nanoTime() - start);
    } catch (SocketTimeoutException e) {
      throw new Hang("raw request got no (complete) answer in " + DEADLINE_MS + " ms");
    } catch (IOException e) {
      throw new IllegalStateException("raw request failed: " + e, e);
    }
  }

  private static Answer parse(byte[] raw, long nanos) {
    // Interim answers (100 Continue to an Expect header) come before the final one.
    while (raw.length > 12 && raw[9] == '1' && new String(raw, 0, 5, StandardCharsets.ISO_8859_1).equals("HTTP/")) {
      int end = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0);
      if (end < 0) {
        break;
      }
      raw = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
    }
    if (raw.length == 0) {
      return null;
    }
    int headEnd = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0);
    if (headEnd < 0) {
      throw new IllegalStateException("raw answer without a complete head: "
          + abbreviate(new String(raw, StandardCharsets.ISO_8859_1)));
    }
    String[] lines = new String(raw, 0, headEnd, StandardCharsets.ISO_8859_1).split("\r\n");
    String[] statusLine = lines[0].split(" ", 3);
    int status = Integer.parseInt(statusLine[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
      }
    }
    byte[] body = java.util.Arrays.copyOfRange(raw, headEnd + 4, raw.length);
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      body = dechunk(body);
    } else if (headers.containsKey("content-length")) {
      int length = Integer.parseInt(headers.get("content-length"));
      body = java.util.Arrays.copyOf(body, Math.min(length, body.length));
    }
    return new Answer(status, headers, decoded(headers.get("content-encoding"), body), nanos);
  }

  private static byte[] dechunk(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int pos = 0;
    while (pos < body.length) {
      int lineEnd = indexOf(body, "\r\n".getBytes(StandardCharsets.US_ASCII), pos);
      if (lineEnd < 0) {
        break;
      }
      int size = Integer.parseInt(new String(body, pos, lineEnd - pos, StandardCharsets.US_ASCII).split(";")[0].trim(),
          16);
      if (size == 0) {
        break;
      }
      out.write(body, lineEnd + 2, size);
      pos = lineEnd + 2 + size + 2;
    }
    return out.toByteArray();
  }

  private static int indexOf(byte[] haystack, byte[] needle, int from) {
    outer:
    for (int i = from; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** The body as sent before the server compressed it (a case may ask for gzip). */
  private static byte[] decoded(String encoding, byte[] body) {
    if (encoding == null || body.length == 0) {
      return body;
    }
    try {
      InputStream in = switch (encoding.trim().toLowerCase(Locale.ROOT)) {
        case "gzip", "x-gzip" -> new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(body));
        case "deflate" -> new java.util.zip.InflaterInputStream(new java.io.ByteArrayInputStream(body));
        default -> null;
      };
      return in == null ? body : in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException("cannot decode a " + encoding + " body", e);
    }
  }

  private static Map<String, String> lower(MultiMap headers) {
    Map<String, String> out = new LinkedHashMap<>();
    headers.forEach(e -> out.putIfAbsent(e.getKey().toLowerCase(Locale.ROOT), e.getValue()));
    return out;
  }

  static String abbreviate(String s) {
    return s == null || s.length() <= 300 ? s : s.substring(0, 300) + "...(" + s.length() + " chars)";
  }

  @Override
  public void close() {
    client.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }
}

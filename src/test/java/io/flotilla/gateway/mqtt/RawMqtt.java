package io.flotilla.gateway.mqtt;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * An MQTT 3.1.1 client on a plain socket (or TLS, trusting anything) that sends whatever bytes a test builds, valid or
 * not, and reads the server's packets back one by one: for fuzzing the device gateway below any client library.
 */
final class RawMqtt implements AutoCloseable {
  /** One control packet the server sent: its first byte (type and flags) and the bytes after the remaining length. */
  record Packet(int header, byte[] body) {
    int type() {
      return (header >> 4) & 0x0f;
    }

    /** CONNACK's return code. */
    int returnCode() {
      return body.length >= 2 ? body[1] & 0xff : -1;
    }

    /** The packet id of a PUBACK, SUBACK or UNSUBACK. */
    int packetId() {
      return ((body[0] & 0xff) << 8) | (body[1] & 0xff);
    }
  }

  static final int CONNACK = 2;
  static final int PUBLISH = 3;
  static final int PUBACK = 4;
  static final int SUBACK = 9;
  static final int UNSUBACK = 11;
  static final int PINGRESP = 13;

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private RawMqtt(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  static RawMqtt plain(int port) {
    try {
      Socket s = new Socket();
      s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      s.setTcpNoDelay(true);
      return new RawMqtt(s);
    } catch (IOException e) {
      throw new AssertionError("cannot connect to " + port, e);
    }
  }

  /** A TLS connection whose handshake is done (the server's certificate is not checked: the gateway is the target). */
  static RawMqtt tls(int port) {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
          return new X509Certificate[0];
        }
      }}, new SecureRandom());
      SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket();
      s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      s.setSoTimeout(10_000);
      s.startHandshake();
      return new RawMqtt(s);
    } catch (Exception e) {
      throw new AssertionError("no TLS connection to " + port, e);
    }
  }

  /** Sends bytes; false when the server has closed the connection already. */
  boolean send(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The next packet within {@code timeout}; null when the server closed the connection; throws on a timeout. */
  Packet read(Duration timeout) throws SocketTimeoutException {
    try {
      socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
      int header = in.read();
      if (header < 0) {
        return null;
      }
      int length = 0;
      for (int shift = 0; ; shift += 7) {
        int b = in.read();
        if (b < 0 || shift > 21) {
          throw new AssertionError("the server sent a malformed remaining length");
        }
        length |= (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          break;
        }
      }
      byte[] body = in.readNBytes(length);
      if (body.length < length) {
        throw new EOFException("truncated packet from the server");
      }
      return new Packet(header, body);
    } catch (SocketTimeoutException e) {
      throw e;
    } catch (IOException e) {
      return null; // reset by the server: closed
    }
  }

  /** The next packet, failing the test when none comes or the connection closes. */
  Packet expect(int type, Duration timeout) {
    try {
      Packet p = read(timeout);
      if (p == null) {
        throw new AssertionError("the server closed the connection; expected packet type " + type);
      }
      if (p.type() != type) {
        throw new AssertionError("expected packet type " + type + ", got " + p.type());
      }
      return p;
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no packet of type " + type + " within " + timeout);
    }
  }

  /**
   * Whether the server closes the connection within {@code timeout}, reading (and checking the framing of) whatever
   * it sends before.
   */
  boolean closedWithin(Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = end - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      try {
        if (read(Duration.ofNanos(left)) == null) {
          return true;
        }
      } catch (SocketTimeoutException e) {
        return false;
      }
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing
    }
  }

  // ---- packet builders (MQTT 3.1.1, section 3) ----

  /** A CONNECT: level 4, clean session, the given keep-alive; null fields are left out (flags cleared). */
  static byte[] connect(String clientId, String username, String password, int keepAlive) {
    return connect("MQTT", 4, clientId, username, password, keepAlive, null, null, 0);
  }

  static byte[] connect(String protocol, int level, String clientId, String username, String password, int keepAlive,
                        String willTopic, byte[] willPayload, int extraFlags) {
    ByteArrayOutputStream v = new ByteArrayOutputStream();
    string(v, protocol);
    v.write(level);
    int flags = 0x02 | extraFlags;
    if (username != null) {
      flags |= 0x80;
    }
    if (password != null) {
      flags |= 0x40;
    }
    if (willTopic != null) {
      flags |= 0x04;
    }
    v.write(flags);
    v.write(keepAlive >> 8);
    v.write(keepAlive & 0xff);
    string(v, clientId);
    if (willTopic != null) {
      string(v, willTopic);
      binary(v, willPayload);
    }
    if (username != null) {
      string(v, username);
    }
    if (password != null) {
      string(v, password);
    }
    return packet(0x10, v.toByteArray());
  }

  static byte[] publish(String topic, byte[] payload, int qos, boolean retain, int packetId) {
    ByteArrayOutputStream v = new ByteArrayOutputStream();
    string(v, topic);
    if (qos > 0) {
      v.write(packetId >> 8);
      v.write(packetId & 0xff);
    }
    v.writeBytes(payload);
    return packet(0x30 | (qos << 1) | (retain ? 1 : 0), v.toByteArray());
  }

  static byte[] subscribe(int packetId, String topic, int qos) {
    ByteArrayOutputStream v = new ByteArrayOutputStream();
    v.write(packetId >> 8);
    v.write(packetId & 0xff);
    string(v, topic);
    v.write(qos);
    return packet(0x82, v.toByteArray());
  }

  static byte[] unsubscribe(int packetId, String... topics) {
    ByteArrayOutputStream v = new ByteArrayOutputStream();
    v.write(packetId >> 8);
    v.write(packetId & 0xff);
    for (String t : topics) {
      string(v, t);
    }
    return packet(0xa2, v.toByteArray());
  }

  static byte[] puback(int packetId) {
    return new byte[] {0x40, 0x02, (byte) (packetId >> 8), (byte) packetId};
  }

  static byte[] pingreq() {
    return new byte[] {(byte) 0xc0, 0x00};
  }

  static byte[] disconnect() {
    return new byte[] {(byte) 0xe0, 0x00};
  }

  /** A fixed header (first byte, remaining length) followed by {@code body}. */
  static byte[] packet(int first, byte[] body) {
    ByteArrayOutputStream p = new ByteArrayOutputStream(body.length + 5);
    p.write(first);
    remainingLength(p, body.length);
    p.writeBytes(body);
    return p.toByteArray();
  }

  static void remainingLength(ByteArrayOutputStream p, int length) {
    do {
      int b = length % 128;
      length /= 128;
      p.write(length > 0 ? b | 0x80 : b);
    } while (length > 0);
  }

  private static void string(ByteArrayOutputStream v, String s) {
    binary(v, s.getBytes(StandardCharsets.UTF_8));
  }

  private static void binary(ByteArrayOutputStream v, byte[] b) {
    v.write(b.length >> 8);
    v.write(b.length & 0xff);
    v.writeBytes(b);
  }
}

package io.flotilla.gateway.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flotilla.testing.ApiClient;
import io.flotilla.testing.TestServer;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MQTT fuzzing of the device gateway (issue 16): raw TCP and TLS clients send malformed and truncated packets,
 * oversized remaining lengths, wrong protocol levels, CONNECT floods, other devices' topics, QoS 2, retained and will
 * messages, 256 KB+ payloads, unsubscribes of unknown topics, PUBACK storms, slow-loris bytes, and thousands of
 * randomly mutated packets (seed {@code flotilla.mqttfuzz.seed}, count {@code flotilla.mqttfuzz.cases}). Properties:
 * the server answers as MQTT 3.1.1 and docs/devices.md say, or closes the connection; a control device's command
 * round trip through the REST API keeps working throughout; a bystander session stays connected; heap and open file
 * descriptors come back to where they were. Figures go to {@code target/fuzz/mqtt-fuzz.txt}.
 */
class MqttFuzzTest {
  private static final Duration ANSWER = Duration.ofSeconds(5);
  /** For a slow client's answer: after its seconds of dribbling, on a loaded machine, the server may be behind. */
  private static final Duration PATIENT = Duration.ofSeconds(20);
  private static final int DEVICES = 48;
  private static final long SEED = Long.getLong("flotilla.mqttfuzz.seed", 1616);
  private static final int MUTATIONS = Integer.getInteger("flotilla.mqttfuzz.cases", 3000);
  /** The mutation lanes stop after this long even if fewer cases ran (a loaded machine): the run stays near a minute. */
  private static final Duration MUTATION_BUDGET = Duration.ofSeconds(Long.getLong("flotilla.mqttfuzz.seconds", 40));

  private static TestServer server;
  private static ApiClient api;
  private static int plainPort;
  private static int tlsPort;
  private static final Map<String, String> KEYS = new ConcurrentHashMap<>();
  private static final AtomicInteger NEXT_DEVICE = new AtomicInteger();
  private static final Vertx VERTX = Vertx.vertx();

  @BeforeAll
  static void start() {
    server = TestServer.start();
    api = server.api();
    plainPort = GatewayFixture.await(GatewayFixture.gateway(server).gateway().loopbackPlainPort());
    tlsPort = server.server().mqttPort();
    GatewayFixture.template(server);
    List<String> ids = new ArrayList<>(List.of("control", "bystander"));
    for (int i = 0; i < DEVICES; i++) {
      ids.add(String.format("fuzz-%02d", i));
    }
    ids.parallelStream().forEach(id -> KEYS.put(id, GatewayFixture.device(server, id, GatewayFixture.TEMPLATE_ID)));
  }

  @AfterAll
  static void stop() {
    VERTX.close().toCompletionStage().toCompletableFuture().join();
    server.close();
  }

  // ---- credentials ----

  private static String username(String id) {
    return "127.0.0.1/" + id + "/?api-version=2021-04-12";
  }

  private static String password(String id) {
    return SasToken.create("127.0.0.1/devices/" + id, KEYS.get(id), Instant.now().plusSeconds(3600), false);
  }

  private static byte[] validConnect(String id) {
    return RawMqtt.connect(id, username(id), password(id), 60);
  }

  /** A device no other case uses at the same time (a new CONNECT of a device replaces its older session). */
  private static String freshDevice() {
    return String.format("fuzz-%02d", NEXT_DEVICE.getAndIncrement() % DEVICES);
  }

  /** A session of {@code id} that the server accepted. */
  private static RawMqtt session(String id, boolean tls) {
    RawMqtt c = tls ? RawMqtt.tls(tlsPort) : RawMqtt.plain(plainPort);
    c.send(validConnect(id));
    assertThat(c.expect(RawMqtt.CONNACK, ANSWER).returnCode()).as("CONNACK of %s", id).isZero();
    return c;
  }

  private static void assertClosed(RawMqtt c, String what) {
    assertThat(c.closedWithin(ANSWER)).as("the server closes the connection after %s", what).isTrue();
  }

  private static void assertAlive(RawMqtt c, String what) {
    assertThat(c.send(RawMqtt.pingreq())).as("still open after %s", what).isTrue();
    c.expect(RawMqtt.PINGRESP, ANSWER);
  }

  // ---- the cases a person would think of, each with the answer MQTT 3.1.1 (or docs/devices.md) prescribes ----

  private final Map<String, Runnable> cases = new java.util.LinkedHashMap<>();

  private void cases() {
    cases.put("bytes that are no MQTT packet", () -> {
      try (RawMqtt c = RawMqtt.plain(plainPort)) {
        c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertClosed(c, "an HTTP request");
      }
    });
    cases.put("PUBLISH before CONNECT", () -> {
      try (RawMqtt c = RawMqtt.plain(plainPort)) {
        c.send(RawMqtt.publish("devices/fuzz-00/messages/events/", "{}".getBytes(), 0, false, 0));
        assertClosed(c, "a PUBLISH as first packet");
      }
    });
    cases.put("SUBSCRIBE, PINGREQ, DISCONNECT before CONNECT", () -> {
      for (byte[] first : List.of(RawMqtt.subscribe(1, "$iothub/methods/POST/#", 0), RawMqtt.pingreq(),
          RawMqtt.disconnect(), RawMqtt.puback(7))) {
        try (RawMqtt c = RawMqtt.plain(plainPort)) {
          c.send(first);
          assertClosed(c, "packet type " + ((first[0] >> 4) & 0xf) + " before CONNECT");
        }
      }
    });
    cases.put("a wrong protocol name", () -> {
      String id = freshDevice();
      try (RawMqtt c = RawMqtt.plain(plainPort)) {
        c.send(RawMqtt.connect("MQTX", 4, id, username(id), password(id), 60, null, null, 0));
        assertClosed(c, "protocol name MQTX"); // 3.1.2.1: the server MAY disconnect
      }
    });
    cases.put("unacceptable protocol levels", () -> {
      for (int level : new int[] {0, 1, 2, 6, 7, 99, 255}) {
        String id = freshDevice();
        try (RawMqtt c = RawMqtt.plain(plainPort)) {
          c.send(RawMqtt.connect("MQTT", level, id, username(id), password(id), 60, null, null, 0));
          RawMqtt.Packet p = readOrClosed(c);
          if (p != null) { // 3.1.2.2: CONNACK 0x01, then disconnect
            assertThat(p.type()).as("level %d", level).isEqualTo(RawMqtt.CONNACK);
            assertThat(p.returnCode()).as("level %d", level).isEqualTo(1);
          }
          assertClosed(c, "protocol level " + level);
        }
      }
    });
    cases.put("MQTT 5 (level 5) is refused", () -> {
      String id = freshDevice();
      try (RawMqtt c = RawMqtt.plain(plainPort)) {
        // an MQTT 5 CONNECT: the same header plus an empty property length after the keep-alive
        byte[] v311 = RawMqtt.connect("MQTT", 5, id, username(id), password(id), 60, null, null, 0);
        byte[] body = Arrays.copyOfRange(v311, remainingStart(v311), v311.length);
        byte[] withProps = new byte[body.length + 1];
        System.arraycopy(body, 0, withProps, 0, 10);
        withProps[10] = 0;
        System.arraycopy(body, 10, withProps, 11, body.length - 10);
        c.send(RawMqtt.packet(0x10, withProps));
        RawMqtt.Packet p = readOrClosed(c);
        if (p != null) {
          assertThat(p.type()).isEqualTo(RawMqtt.CONNACK);
          assertThat(p.returnCode()).as("an MQTT 5 CONNACK reason code of refusal").isGreaterThanOrEqualTo(0x80);
        }
        assertClosed(c, "an MQTT 5 CONNECT");
      }
    });
    cases.put("MQTT 3.1 (MQIsdp, level 3) is served", () -> {
      String id = freshDevice();
      try (RawMqtt c = RawMqtt.plain(plainPort)) {
        c.send(RawMqtt.connect("MQIsdp", 3, id, username(id), password(id), 60, null, null, 0));
        assertThat(c.expect(RawMqtt.CONNACK, ANSWER).returnCode()).isZero();
        assertAlive(c, "an MQTT 3.1 CONNECT");
      }
    });
    cases.put("the reserved CONNECT flag", () -> {
      String id = freshDevice();
      try (RawMqtt c = RawMqtt.plain(plainPort)) {
        c.send(RawMqtt.connect("MQTT", 4, id, username(id), password(id), 60, null, null, 0x01));
        RawMqtt.Packet p = readOrClosed(c);
        assertThat(p == null || p.returnCode() != 0).as("no session for a malformed CONNECT").isTrue();
        assertClosed(c, "the reserved flag set"); // 3.1.2.3: MUST disconnect
      }
    });
    cases.put("truncated CONNECTs", () -> {
      byte[] connect = validConnect(freshDevice());
      for (int cut : new int[] {1, 2, 5, 12, connect.length / 2, connect.length - 1}) {
        try (RawMqtt c = RawMqtt.plain(plainPort)) {
          c.send(Arrays.copyOf(connect, cut));
        } // the client goes away mid-packet: nothing must be left behind (descriptors are counted at the end)
      }
    });
    cases.put("remaining lengths beyond the limit or malformed", () -> {
      for (byte[] header : List.of(new byte[] {0x10, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f},
          new byte[] {0x10, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01},
          new byte[] {0x10, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80})) {
        try (RawMqtt c = RawMqtt.plain(plainPort)) {
          c.send(header);
          c.send(new byte[4096]);
          assertClosed(c, "remaining length " + Arrays.toString(header));
        }
      }
      String id = freshDevice();
      try (RawMqtt c = session(id, false)) {
        c.send(new byte[] {0x30, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f, 0, 1, 'a'});
        assertClosed(c, "a PUBLISH announcing 256 MB");
      }
    });
    cases.put("payloads of 256 KB and more", () -> {
      String id = freshDevice();
      try (RawMqtt c = session(id, false)) {
        byte[] fits = ("{\"temperature\": 1, \"pad\": \"" + "x".repeat(200 * 1024) + "\"}").getBytes();
        c.send(RawMqtt.publish("devices/" + id + "/messages/events/", fits, 1, false, 11));
        assertThat(c.expect(RawMqtt.PUBACK, ANSWER).packetId()).isEqualTo(11);
        c.send(RawMqtt.publish("devices/" + id + "/messages/events/", new byte[256 * 1024 + 1], 1, false, 12));
        assertClosed(c, "a 256 KB + 1 payload");
      }
      try (RawMqtt c = session(freshDevice(), true)) {
        c.send(RawMqtt.publish("devices/x/messages/events/", new byte[2 * 1024 * 1024], 0, false, 0));
        assertClosed(c, "a 2 MB PUBLISH over TLS");
      }
    });
    cases.put("other devices' topics", () -> {
      for (byte[] bad : List.of(RawMqtt.publish("devices/control/messages/events/", "{}".getBytes(), 1, false, 1),
          RawMqtt.subscribe(2, "devices/control/messages/devicebound/#", 1), RawMqtt.subscribe(3, "#", 0),
          RawMqtt.subscribe(4, "$iothub/#", 0), RawMqtt.subscribe(5, "$dps/registrations/res/#", 0),
          RawMqtt.publish("$dps/registrations/PUT/iotdps-register/?$rid=1", "{}".getBytes(), 0, false, 0),
          RawMqtt.publish("devices/+/messages/events/", "{}".getBytes(), 0, false, 0),
          RawMqtt.publish("devices/x/modules/m/messages/events/", "{}".getBytes(), 0, false, 0))) {
        try (RawMqtt c = session(freshDevice(), false)) {
          c.send(bad);
          RawMqtt.Packet p = readOrClosed(c);
          if (p != null && p.type() == RawMqtt.PUBACK) {
            throw new AssertionError("a publish on a foreign topic was acknowledged");
          }
          assertThat(p).as("no SUBACK for a foreign filter").isNull();
        }
      }
      try (RawMqtt c = session(freshDevice(), false)) { // an answer to a request never sent: dropped
        c.send(RawMqtt.publish("$iothub/methods/res/200/?$rid=1", "{}".getBytes(), 1, false, 9));
        assertThat(c.expect(RawMqtt.PUBACK, ANSWER).packetId()).isEqualTo(9);
        assertAlive(c, "a method response nobody waits for");
      }
    });
    cases.put("QoS 2", () -> {
      String id = freshDevice();
      try (RawMqtt c = session(id, false)) {
        c.send(RawMqtt.subscribe(21, "$iothub/methods/POST/#", 2));
        RawMqtt.Packet ack = c.expect(RawMqtt.SUBACK, ANSWER);
        assertThat(ack.packetId()).isEqualTo(21);
        assertThat(ack.body()[2]).as("QoS 2 granted as QoS 1").isEqualTo((byte) 1);
        c.send(RawMqtt.publish("devices/" + id + "/messages/events/", "{}".getBytes(), 2, false, 22));
        assertClosed(c, "a QoS 2 PUBLISH");
      }
      try (RawMqtt c = session(freshDevice(), false)) {
        c.send(RawMqtt.publish("devices/x/messages/events/", "{}".getBytes(), 3, false, 1));
        assertClosed(c, "QoS 3 (malformed)");
      }
    });
    cases.put("retained messages are taken but not stored", () -> {
      String id = freshDevice();
      try (RawMqtt c = session(id, false)) {
        c.send(RawMqtt.publish("devices/" + id + "/messages/events/", "{\"temperature\": 7}".getBytes(), 1, true,
            31));
        assertThat(c.expect(RawMqtt.PUBACK, ANSWER).packetId()).isEqualTo(31);
        c.send(RawMqtt.subscribe(32, "devices/" + id + "/messages/devicebound/#", 1));
        c.expect(RawMqtt.SUBACK, ANSWER);
        assertNothingWithin(c, Duration.ofMillis(500), "a retained message replayed");
      }
    });
    cases.put("will messages", () -> {
      String id = freshDevice();
      try (RawMqtt c = RawMqtt.plain(plainPort)) {
        c.send(RawMqtt.connect("MQTT", 4, id, username(id), password(id), 60, "devices/control/messages/events/",
            "{\"temperature\": -1}".getBytes(), 0));
        RawMqtt.Packet p = readOrClosed(c);
        assertThat(p).as("a will on another device's topic is refused").isNotNull();
        assertThat(p.returnCode()).isEqualTo(5);
        assertClosed(c, "the refusal");
      }
      String own = freshDevice();
      RawMqtt c = RawMqtt.plain(plainPort);
      c.send(RawMqtt.connect("MQTT", 4, own, username(own), password(own), 60, "devices/" + own
          + "/messages/events/", "{\"temperature\": 42.5}".getBytes(), 0x10 /* will QoS 2 */));
      assertThat(c.expect(RawMqtt.CONNACK, ANSWER).returnCode()).isZero();
      c.close(); // no DISCONNECT: the will is sent as the device's telemetry
      await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/api/devices/" + own + "/telemetry/temperature")
          .status() == 200 && api.get("/api/devices/" + own + "/telemetry/temperature").json().get("value")
          .asDouble() == 42.5);
    });
    cases.put("unsubscribing unknown topics", () -> {
      try (RawMqtt c = session(freshDevice(), false)) {
        c.send(RawMqtt.unsubscribe(41, "never/subscribed", "devices/other/messages/devicebound/#", "#"));
        assertThat(c.expect(RawMqtt.UNSUBACK, ANSWER).packetId()).isEqualTo(41);
        c.send(RawMqtt.packet(0xa2, new byte[] {0, 42}));
        assertClosed(c, "an UNSUBSCRIBE without topics"); // 3.10.3: a protocol violation
      }
    });
    cases.put("a PUBACK storm", () -> {
      try (RawMqtt c = session(freshDevice(), false)) {
        byte[] storm = new byte[4 * 20_000];
        for (int i = 0; i < 20_000; i++) {
          System.arraycopy(RawMqtt.puback(i % 65_535 + 1), 0, storm, i * 4, 4);
        }
        assertThat(c.send(storm)).isTrue();
        assertAlive(c, "20,000 PUBACKs of nothing");
      }
    });
    cases.put("a second CONNECT on a session", () -> {
      String id = freshDevice();
      try (RawMqtt c = session(id, false)) {
        c.send(validConnect(id));
        assertClosed(c, "a second CONNECT"); // 3.1.0-2: a protocol violation
      }
    });
    cases.put("reserved packet types and flags", () -> {
      for (byte[] bad : List.of(new byte[] {0x00, 0x00}, new byte[] {(byte) 0xf0, 0x00},
          new byte[] {(byte) 0x80, 0x06, 0, 1, 0, 1, 'a', 0} /* SUBSCRIBE without flag 0x02 */,
          new byte[] {(byte) 0x82, 0x02, 0, 1} /* SUBSCRIBE without topics */,
          new byte[] {(byte) 0x82, 0x06, 0, 1, 0, 1, 'a', 3} /* requested QoS 3 */,
          new byte[] {0x30, 0x05, 0, 3, (byte) 0xc3, 0x28, 'x'} /* invalid UTF-8 topic */,
          new byte[] {0x30, 0x03, 0, 9, 'a'} /* topic longer than the packet */)) {
        try (RawMqtt c = session(freshDevice(), false)) {
          c.send(bad);
          // The decoder reads a length field as far as it says, into the next packets: more bytes make it fail
          c.send(new byte[16]);
          assertClosed(c, "malformed " + Arrays.toString(bad));
        }
      }
    });
    cases.put("a CONNECT flood", () -> {
      ExecutorService flood = Executors.newFixedThreadPool(16);
      try {
        List<Future<Integer>> codes = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
          int n = i;
          codes.add(flood.submit(() -> {
            String id = n % 4 == 0 ? "nobody-" + n : String.format("fuzz-%02d", n % DEVICES);
            String pass = n % 4 == 0 ? SasToken.create("127.0.0.1/devices/" + id, KEYS.get("control"),
                Instant.now().plusSeconds(60), false)
                : n % 4 == 1 ? "SharedAccessSignature sig=AAAA&se=9999999999&sr=127.0.0.1/devices/" + id
                : n % 4 == 2 ? "garbage" : password(id);
            try (RawMqtt c = n % 10 == 3 ? RawMqtt.tls(tlsPort) : RawMqtt.plain(plainPort)) {
              c.send(RawMqtt.connect(id, username(id), pass, 60));
              RawMqtt.Packet p = readOrClosed(c);
              return p == null ? -1 : p.returnCode();
            }
          }));
        }
        for (int i = 0; i < codes.size(); i++) {
          int code = codes.get(i).get(30, TimeUnit.SECONDS);
          switch (i % 4) {
            case 0, 1 -> assertThat(code).as("flood %d", i).isEqualTo(5);
            case 2 -> assertThat(code).as("flood %d", i).isIn(4, 5);
            default -> assertThat(code).as("flood %d", i).isZero();
          }
        }
      } catch (Exception e) {
        throw new AssertionError(e);
      } finally {
        flood.shutdownNow();
      }
    });
    cases.put("slow loris before CONNECT", () -> {
      String id = freshDevice();
      byte[] connect = validConnect(id);
      try (RawMqtt c = RawMqtt.plain(plainPort)) {
        long start = System.nanoTime();
        boolean closed = false;
        for (int i = 0; i < connect.length - 1 && !closed; i++) {
          closed = !c.send(new byte[] {connect[i]}) || c.closedWithin(Duration.ofSeconds(1));
        }
        assertThat(closed).as("a CONNECT sent one byte a second is given up on").isTrue();
        // by the 10 s CONNECT timeout, not before; after it by as long as a loaded machine may delay the timer
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofSeconds(9))
            .isLessThan(Duration.ofSeconds(60));
      }
    });
    cases.put("slow loris after CONNECT (a PUBLISH one byte a second)", () -> {
      String id = freshDevice();
      try (RawMqtt c = session(id, false)) {
        byte[] pub = RawMqtt.publish("devices/" + id + "/messages/events/", "{\"temperature\":3}".getBytes(), 1,
            false, 51);
        for (int i = 0; i < 6; i++) {
          assertThat(c.send(new byte[] {pub[i]})).isTrue();
          assertNothingWithin(c, Duration.ofSeconds(1), "half a packet answered");
        }
        c.send(Arrays.copyOfRange(pub, 6, pub.length));
        assertThat(c.expect(RawMqtt.PUBACK, PATIENT).packetId()).isEqualTo(51);
      }
    });
    cases.put("TLS: plain MQTT, garbage and silence on the TLS port", () -> {
      try (RawMqtt c = RawMqtt.plain(tlsPort)) {
        c.send(validConnect(freshDevice()));
        assertClosed(c, "plain MQTT on the TLS port");
      }
      try (RawMqtt c = RawMqtt.tls(tlsPort)) {
        c.send(new byte[] {(byte) 0xff, (byte) 0xff, 1, 2, 3});
        assertClosed(c, "garbage inside TLS");
      }
      try (RawMqtt c = RawMqtt.tls(tlsPort)) {
        String id = freshDevice();
        byte[] connect = validConnect(id);
        c.send(Arrays.copyOf(connect, connect.length / 2));
      }
    });
    cases.put("DPS: wrong scope, hub topics, malformed registrations", () -> {
      try (RawMqtt c = RawMqtt.plain(plainPort)) {
        c.send(RawMqtt.connect("reg-1", "0ne00000000/registrations/reg-1/api-version=2019-03-31",
            "SharedAccessSignature sig=a&se=9999999999&sr=0ne00000000%2Fregistrations%2Freg-1", 60));
        RawMqtt.Packet p = readOrClosed(c);
        assertThat(p == null || p.returnCode() != 0).as("no DPS session for a wrong scope").isTrue();
      }
    });
  }

  private static int remainingStart(byte[] packet) {
    int i = 1;
    while ((packet[i] & 0x80) != 0) {
      i++;
    }
    return i + 1;
  }

  private static RawMqtt.Packet readOrClosed(RawMqtt c) {
    try {
      return c.read(ANSWER);
    } catch (SocketTimeoutException e) {
      throw new AssertionError("neither an answer nor a close within " + ANSWER);
    }
  }

  private static void assertNothingWithin(RawMqtt c, Duration d, String what) {
    try {
      RawMqtt.Packet p = c.read(d);
      throw new AssertionError(what + ": got " + (p == null ? "a close" : "packet type " + p.type()));
    } catch (SocketTimeoutException expected) {
      // silence, as it should be
    }
  }

  // ---- random mutations of valid packets ----

  /** Whether the last {@link #answerOrClose} saw the connection close (per fuzzing thread). */
  private static final ThreadLocal<Boolean> LAST_CLOSED = ThreadLocal.withInitial(() -> false);

  /** What one mutated packet led to. */
  enum Outcome { ANSWERED, CLOSED, AWAITING_MORE_BYTES }

  private Outcome mutated(Random random, String id, RawMqtt[] holder) {
    if (holder[0] == null) {
      holder[0] = session(id, random.nextInt(8) == 0);
    }
    RawMqtt c = holder[0];
    byte[] seed = switch (random.nextInt(7)) {
      case 0 -> RawMqtt.publish("devices/" + id + "/messages/events/$.ct=application%2Fjson",
          "{\"temperature\": 21.5}".getBytes(), random.nextInt(2), random.nextBoolean(), random.nextInt(65_535) + 1);
      case 1 -> RawMqtt.publish("$iothub/twin/PATCH/properties/reported/?$rid=" + random.nextInt(99),
          "{\"serial\": \"x\"}".getBytes(), random.nextInt(2), false, random.nextInt(65_535) + 1);
      case 2 -> RawMqtt.publish("$iothub/twin/GET/?$rid=" + random.nextInt(99), new byte[0], 0, false, 0);
      case 3 -> RawMqtt.subscribe(random.nextInt(65_535) + 1, "$iothub/twin/res/#", random.nextInt(3));
      case 4 -> RawMqtt.unsubscribe(random.nextInt(65_535) + 1, "$iothub/methods/POST/#");
      case 5 -> RawMqtt.publish("$iothub/methods/res/200/?$rid=" + random.nextInt(99), "{}".getBytes(), 0, false, 0);
      default -> validConnect(id);
    };
    byte[] bad = mutate(random, seed);
    c.send(bad);
    c.send(RawMqtt.pingreq());
    if (answerOrClose(c)) {
      if (LAST_CLOSED.get()) {
        holder[0] = null;
        return Outcome.CLOSED;
      }
      return Outcome.ANSWERED;
    }
    // Silence: the server still reads the packet the mutation announced (a remaining length, or a length field
    // inside it that runs past the packet into the next ones). Enough bytes complete it; zeros after it are packet
    // type 0, which is reserved: the connection must close now.
    c.send(new byte[DeviceSession.MAX_MESSAGE_BYTES + 16 * 1024]);
    assertThat(c.closedWithin(ANSWER)).as("closed once %s was followed by enough bytes",
        Arrays.toString(Arrays.copyOf(bad, Math.min(bad.length, 40)))).isTrue();
    c.close();
    holder[0] = null;
    return Outcome.AWAITING_MORE_BYTES;
  }

  /** Reads until a PINGRESP (true), a close (true) or 300 ms of silence (false: the caller then checks why). */
  private boolean answerOrClose(RawMqtt c) {
    long end = System.nanoTime() + Duration.ofMillis(300).toNanos();
    try {
      while (System.nanoTime() < end) {
        RawMqtt.Packet p = c.read(Duration.ofNanos(Math.max(1, end - System.nanoTime())));
        if (p == null) {
          c.close();
          LAST_CLOSED.set(true);
          return true;
        }
        if (p.type() == RawMqtt.PINGRESP) {
          LAST_CLOSED.set(false);
          return true;
        }
        if (p.type() == RawMqtt.CONNACK) {
          // A second CONNECT with an unacceptable protocol level is refused (0x01) before the close, by Vert.x
          assertThat(p.returnCode()).as("a CONNACK on a session refuses").isNotZero();
          assertClosed(c, "a refusing CONNACK");
          c.close();
          LAST_CLOSED.set(true);
          return true;
        }
        assertThat(p.type()).as("a packet the server may send a device").isIn(RawMqtt.PUBACK, RawMqtt.SUBACK,
            RawMqtt.UNSUBACK, RawMqtt.PUBLISH);
      }
    } catch (SocketTimeoutException e) {
      // silence
    }
    return false;
  }

  private static byte[] mutate(Random random, byte[] seed) {
    byte[] b = seed.clone();
    switch (random.nextInt(6)) {
      case 0 -> b[random.nextInt(b.length)] = (byte) random.nextInt(256);
      case 1 -> b = Arrays.copyOf(b, 1 + random.nextInt(b.length));
      case 2 -> b[0] = (byte) random.nextInt(256);
      case 3 -> b[1] = (byte) random.nextInt(256);
      case 4 -> {
        int at = random.nextInt(b.length);
        byte[] longer = new byte[b.length + 1 + random.nextInt(8)];
        System.arraycopy(b, 0, longer, 0, at);
        for (int i = at; i < at + longer.length - b.length; i++) {
          longer[i] = (byte) random.nextInt(256);
        }
        System.arraycopy(b, at, longer, longer.length - (b.length - at), b.length - at);
        b = longer;
      }
      default -> {
        for (int i = 0; i < 1 + random.nextInt(4); i++) {
          b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
        }
      }
    }
    return b;
  }

  // ---- the test ----

  @Test
  void malformedHostileAndSlowClientsAreAnsweredPerTheSpecAndHurtNobodyElse() throws Exception {
    ControlDevice control = new ControlDevice();
    RawMqtt bystander = session("bystander", true);
    bystander.send(RawMqtt.subscribe(1, "$iothub/twin/res/#", 0));
    bystander.expect(RawMqtt.SUBACK, ANSWER);
    control.roundTrip();
    long heapBefore = usedHeapAfterGc();
    long fdsBefore = openDescriptors();

    AtomicBoolean running = new AtomicBoolean(true);
    ConcurrentLinkedQueue<String> controlFailures = new ConcurrentLinkedQueue<>();
    AtomicInteger roundTrips = new AtomicInteger();
    Thread loop = new Thread(() -> {
      while (running.get()) {
        try {
          control.roundTrip();
          roundTrips.incrementAndGet();
        } catch (AssertionError | RuntimeException e) {
          controlFailures.add(e.toString());
        }
      }
    }, "control-round-trips");
    loop.start();

    long start = System.nanoTime();
    cases();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    Map<String, Future<?>> running1 = new java.util.LinkedHashMap<>();
    Map<String, Long> caseMillis = new ConcurrentHashMap<>();
    cases.forEach((name, body) -> running1.put(name, pool.submit(() -> {
      long t0 = System.nanoTime();
      body.run();
      caseMillis.put(name, (System.nanoTime() - t0) / 1_000_000);
    })));
    Map<Outcome, AtomicInteger> outcomes = new ConcurrentHashMap<>();
    List<Future<?>> fuzzers = new ArrayList<>();
    int lanes = 4;
    for (int lane = 0; lane < lanes; lane++) {
      Random random = new Random(SEED + lane);
      String id = String.format("fuzz-%02d", DEVICES - 1 - lane);
      fuzzers.add(pool.submit(() -> {
        RawMqtt[] holder = new RawMqtt[1];
        long deadline = System.nanoTime() + MUTATION_BUDGET.toNanos();
        try {
          for (int i = 0; i < MUTATIONS / lanes && System.nanoTime() < deadline; i++) {
            outcomes.computeIfAbsent(mutated(random, id, holder), k -> new AtomicInteger()).incrementAndGet();
          }
        } finally {
          if (holder[0] != null) {
            holder[0].close();
          }
        }
      }));
    }
    List<String> failed = new ArrayList<>();
    for (Map.Entry<String, Future<?>> e : running1.entrySet()) {
      try {
        e.getValue().get(90, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException ex) {
        failed.add(e.getKey() + ": " + ex.getCause());
      }
    }
    for (Future<?> f : fuzzers) {
      try {
        f.get(120, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException ex) {
        failed.add("mutation: " + ex.getCause());
      }
    }
    pool.shutdownNow();
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    running.set(false);
    loop.join();

    assertThat(failed).as("cases that failed").isEmpty();
    assertThat(controlFailures).as("the control device's command round trips").isEmpty();
    assertThat(roundTrips.get()).isGreaterThan(10);
    assertAlive(bystander, "the whole fuzz run");
    assertThat(server.api().get("/healthz").status()).isEqualTo(200);
    bystander.close();
    control.close();
    await().atMost(Duration.ofSeconds(20)).until(() -> openDescriptors() <= fdsBefore + 8);
    long fdsAfter = openDescriptors();
    long heapAfter = usedHeapAfterGc();
    assertThat(heapAfter - heapBefore).as("heap growth (bytes)").isLessThan(64L << 20);
    int total = outcomes.values().stream().mapToInt(AtomicInteger::get).sum();
    assertThat(total).as("mutated packets tried").isGreaterThanOrEqualTo(Math.min(MUTATIONS, 400));
    report(took, total, outcomes, roundTrips.get(), fdsBefore, fdsAfter, heapBefore, heapAfter, caseMillis);
  }

  private void report(Duration took, int mutations, Map<Outcome, AtomicInteger> outcomes, int roundTrips,
                      long fdsBefore, long fdsAfter, long heapBefore, long heapAfter, Map<String, Long> caseMillis)
      throws IOException {
    Path dir = Path.of("target", "fuzz");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("mqtt-fuzz.txt"), String.format("""
        seed %d, %d named cases, %d mutated packets in %d s
        mutation outcomes %s
        control command round trips %d, all answered 200
        open descriptors before %d, after %d; used heap after GC before %d MB, after %d MB
        named cases (ms): %s
        """, SEED, cases.size(), mutations, took.toSeconds(), outcomes, roundTrips, fdsBefore, fdsAfter,
        heapBefore >> 20, heapAfter >> 20, caseMillis));
  }

  private static long openDescriptors() {
    try (var s = Files.list(Path.of("/proc/self/fd"))) {
      return s.count();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** A well-behaved device answering commands, and the REST call that runs one on it. */
  private static final class ControlDevice implements AutoCloseable {
    private final MqttClient client;

    ControlDevice() {
      client = MqttClient.create(VERTX, new MqttClientOptions().setClientId("control")
          .setUsername(username("control")).setPassword(password("control")).setAutoKeepAlive(true));
      client.publishHandler(m -> {
        String topic = m.topicName();
        String rid = topic.substring(topic.indexOf("?$rid=") + 6);
        client.publish("$iothub/methods/res/200/?$rid=" + rid, Buffer.buffer("{\"ok\": true}"),
            MqttQoS.AT_MOST_ONCE, false, false);
      });
      client.connect(plainPort, "127.0.0.1").compose(ack -> client.subscribe("$iothub/methods/POST/#", 0))
          .toCompletionStage().toCompletableFuture().join();
    }

    void roundTrip() {
      ApiClient.Response r = api.post("/api/devices/control/commands/reboot",
          "{\"request\": 1, \"responseTimeout\": 10}");
      if (r.status() != 201 || r.json().get("responseCode").asInt() != 200) {
        throw new AssertionError("command round trip: " + r);
      }
    }

    @Override
    public void close() {
      client.disconnect().toCompletionStage().toCompletableFuture().join();
    }
  }
}

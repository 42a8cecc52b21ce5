package io.flotilla.gateway.mqtt;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MQTT over secure WebSockets (device-protocol.md 1.1): {@code wss://host:port/$iothub/websocket} (and {@code /mqtt}, where
 * the DPS Java client goes), subprotocol {@code mqtt}, as IoT Hub and DPS serve it on port 443 for devices behind
 * firewalls. Vert.x's MQTT server only
 * serves WebSockets on the fixed path {@code /mqtt}, so this listener does the WebSocket handshake itself and carries
 * the MQTT bytes of each connection, unchanged and with back-pressure both ways, to the gateway's loopback MQTT
 * listener: the very same endpoint handler then admits the session (SAS check, limits, twin, methods, C2D, DPS). One
 * instance runs on each event loop of its deployment, all sharing the port.
 */
final class WebSocketListener extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(WebSocketListener.class);
  /** The path IoT Hub and DPS serve MQTT over WebSockets on (a query such as {@code iothub-no-client-cert} is ignored). */
  static final String PATH = "/$iothub/websocket";
  /** The DPS Java client opens {@code wss://host:443} with no path, which its MQTT client (Paho) sends as {@code /mqtt}. */
  static final java.util.Set<String> PATHS = java.util.Set.of(PATH, "/mqtt");
  static final String SUBPROTOCOL = "mqtt";
  /** How long the loopback connection may take before the WebSocket is closed. */
  private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

  private final HttpServerOptions options;
  private final int mqttPort;
  private final AtomicInteger bound;
  private NetClient loopback;

  /**
   * @param options TLS, host and port of the listener
   * @param mqttPort the gateway's plain MQTT port on {@link MqttGateway#LOOPBACK}
   * @param bound set to the port actually bound
   */
  WebSocketListener(HttpServerOptions options, int mqttPort, AtomicInteger bound) {
    this.options = options;
    this.mqttPort = mqttPort;
    this.bound = bound;
  }

  /** The listener's options: the WebSocket frame and message limits follow the MQTT message limit. */
  static HttpServerOptions options(String bind, int port) {
    int max = DeviceSession.MAX_MESSAGE_BYTES + 8 * 1024;
    return new HttpServerOptions().setHost(bind).setPort(port).setWebSocketSubProtocols(List.of(SUBPROTOCOL))
        .setMaxWebSocketFrameSize(max).setMaxWebSocketMessageSize(max);
  }

  @Override
  public Future<?> start() {
    loopback = vertx.createNetClient(new NetClientOptions().setConnectTimeout(CONNECT_TIMEOUT_MILLIS)
        .setTcpNoDelay(true));
    HttpServer server = vertx.createHttpServer(options)
        .webSocketHandshakeHandler(this::handshake)
        .webSocketHandler(this::bridge)
        .requestHandler(request -> request.response().setStatusCode(PATHS.contains(request.path()) ? 400 : 404)
            .putHeader("content-type", "text/plain")
            .end("MQTT over WebSockets: open a WebSocket on " + PATH + " with subprotocol " + SUBPROTOCOL + ".\n"))
        .exceptionHandler(e -> LOG.debug("MQTT WebSocket listener: {}", e.toString()));
    return server.listen().onSuccess(s -> bound.set(s.actualPort()));
  }

  /** Only {@link #PATHS} (404 elsewhere), and only for a client offering the {@code mqtt} subprotocol (400). */
  private void handshake(ServerWebSocketHandshake handshake) {
    if (!PATHS.contains(handshake.path())) {
      handshake.reject(404);
    } else if (!offersMqtt(handshake.headers().getAll("sec-websocket-protocol"))) {
      handshake.reject(400);
    } else {
      handshake.accept();
    }
  }

  static boolean offersMqtt(List<String> headers) {
    return headers.stream().flatMap(h -> java.util.Arrays.stream(h.split(",")))
        .anyMatch(p -> p.trim().equalsIgnoreCase(SUBPROTOCOL));
  }

  private void bridge(ServerWebSocket ws) {
    ws.pause();
    loopback.connect(mqttPort, MqttGateway.LOOPBACK).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("MQTT over WebSockets: the gateway's loopback listener is out of reach ({})", ar.cause().toString());
        ws.close((short) 1011, "unavailable");
        return;
      }
      var socket = ar.result();
      // Each side's end or failure ends the other: MQTT closing the session closes the WebSocket and vice versa.
      ws.pipeTo(socket);
      socket.pipeTo(ws);
    });
  }

  @Override
  public Future<?> stop() {
    return loopback == null ? Future.succeededFuture() : loopback.close();
  }
}

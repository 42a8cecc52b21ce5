package io.flotilla.gateway.mqtt;

import io.flotilla.domain.device.DevicePresence;
import io.flotilla.domain.device.TelemetryService;
import io.flotilla.domain.device.TwinService;
import io.flotilla.domain.device.ExportEvents;
import io.flotilla.domain.device.Device;
import io.flotilla.domain.provisioning.CandidateKey;
import io.flotilla.domain.provisioning.CertificateChain;
import io.flotilla.domain.provisioning.ProvisioningService;
import io.flotilla.domain.provisioning.ProvisioningService.Admission;
import io.flotilla.gateway.mqtt.ConnectUsername.DpsUsername;
import io.flotilla.gateway.mqtt.ConnectUsername.HubUsername;
import io.flotilla.gateway.mqtt.ConnectUsername.ModuleUsername;
import io.flotilla.domain.device.ModuleId;
import io.flotilla.domain.device.ModuleService;
import io.flotilla.gateway.mqtt.SasAuthenticator.Verdict;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.KeyCertOptions;
import io.netty.handler.ssl.OpenSslCachingX509KeyManagerFactory;
import io.vertx.mqtt.MqttEndpoint;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.VerticleBase;
import io.vertx.mqtt.MqttServer;
import io.vertx.mqtt.MqttServerOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device listeners: TLS MQTT (TLS 1.2 and 1.3) and an optional plain one, serving IoT Hub device sessions and
 * DPS registrations told apart by the CONNECT username (P-1), with the CONNACK codes of P-4. A CONNECT without
 * password whose TLS handshake carried a client certificate authenticates by X.509 ({@link ClientCertificates}).
 */
public final class MqttGateway {
  private static final Logger LOG = LoggerFactory.getLogger(MqttGateway.class);
  private static final long SWEEP_MILLIS = 1000;
  private static final int TIMEOUT_ON_CONNECT_SECONDS = 10;
  /** The protocol level of MQTT 3.1.1, the newest this gateway serves. */
  private static final int MQTT_3_1_1 = 4;
  /** The host in-process clients connect to. */
  public static final String LOOPBACK = "127.0.0.1";

  private final Vertx vertx;
  private final SessionServices services;
  private final SessionRegistry registry;
  private final MqttDeviceChannel channel;
  private volatile io.flotilla.domain.provisioning.HubAssignment hubs;
  private final SasAuthenticator authenticator;
  private final List<String> deployments = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile int tlsPort = -1;
  private volatile int plainPort = -1;
  private volatile int webSocketPort = -1;
  private volatile String webSocketState = "off";
  private MqttServer loopback;
  private String plainBind;
  private long sweeper = -1;
  private volatile ModuleService modules;

  /** The listener settings: where to listen and the TLS certificate (PEM files). */
  public record Listeners(String bind, int tlsPort, int plainPort, Path certificate, Path privateKey) {
  }

  /**
   * @param hostName the host devices are told to connect to after DPS ({@code assignedHub})
   * @param idScope the ID scope DPS usernames must name
   */
  public MqttGateway(Vertx vertx, TwinService twins, TelemetryService telemetry, ProvisioningService provisioning,
                     MeterRegistry meters, Clock clock, String hostName, String idScope) {
    this(vertx, twins, telemetry, provisioning, meters, clock, hostName, idScope, ExportEvents.NONE);
  }

  /** @param exports told when device sessions start and end (data export of device connectivity) */
  public MqttGateway(Vertx vertx, TwinService twins, TelemetryService telemetry, ProvisioningService provisioning,
                     MeterRegistry meters, Clock clock, String hostName, String idScope, ExportEvents exports) {
    GatewayMetrics metrics = new GatewayMetrics(meters);
    this.vertx = vertx;
    this.hubs = io.flotilla.domain.provisioning.HubAssignment.fixed(hostName);
    this.services = new SessionServices(twins, telemetry, provisioning, metrics, clock, hostName, idScope,
        deviceId -> hubs.hubFor(deviceId));
    this.registry = new SessionRegistry(vertx, exports, clock);
    this.channel = new MqttDeviceChannel(vertx, registry, metrics);
    this.authenticator = new SasAuthenticator(clock);
    metrics.sessions(meters, registry::size);
  }

  /** The channel the domain uses to reach sessions; usable before {@link #start}. */
  public MqttDeviceChannel channel() {
    return channel;
  }

  /** Which hub DPS assigns devices to (by default this gateway's host name). */
  public void hubs(io.flotilla.domain.provisioning.HubAssignment hubs) {
    this.hubs = hubs;
  }

  /** Who is told when a session opens or closes here (the cluster's session directory). */
  public void directory(io.flotilla.domain.device.SessionDirectory directory) {
    registry.directory(directory);
  }

  /** Who is told when a device becomes reachable for commands (the job engine). */
  public void presence(DevicePresence listener) {
    registry.presence(listener);
  }

  /** Where module sessions' twins and telemetry go; until set, modules are refused (CONNACK 0x05). */
  public void modules(ModuleService modules) {
    this.modules = modules;
  }

  /** Sessions connected now. */
  public int sessionCount() {
    return registry.size();
  }

  /** Starts the listeners and the token-expiry sweep. */
  public Future<Void> start(Listeners listeners) {
    MqttServerOptions tlsOptions;
    try {
      tlsOptions = secured(options(listeners.bind(), listeners.tlsPort()), listeners);
      ClientCertificates.request(tlsOptions);
    } catch (Exception e) {
      return Future.failedFuture(e);
    }
    Future<?> started = listenOnEveryLoop(tlsOptions, true);
    if (listeners.plainPort() >= 0) {
      plainBind = listeners.bind();
      started = started.compose(x -> listenOnEveryLoop(options(listeners.bind(), listeners.plainPort()), false));
    }
    return started.map(x -> {
      sweeper = vertx.setPeriodic(SWEEP_MILLIS, t -> {
        int closed = registry.sweep(services.clock().instant());
        if (closed > 0) {
          LOG.debug("Closed {} sessions whose SAS token expired", closed);
        }
      });
      LOG.info("Device gateway listening: MQTT over TLS ({}) on {}:{}{}",
          OpenSSLEngineOptions.isAvailable() ? "BoringSSL" : "JDK TLS", listeners.bind(), tlsPort,
          plainPort < 0 ? "" : ", plain MQTT on port " + plainPort);
      return null;
    });
  }

  /** TLS 1.2 and 1.3 with the listeners' certificate (BoringSSL when available). */
  private <O extends io.vertx.core.net.NetServerOptions> O secured(O options, Listeners listeners) throws Exception {
    options.setSsl(true);
    options.setKeyCertOptions(keyCertificate(listeners));
    options.setEnabledSecureTransportProtocols(java.util.Set.of("TLSv1.2", "TLSv1.3"));
    if (OpenSSLEngineOptions.isAvailable()) {
      options.setSslEngineOptions(new OpenSSLEngineOptions());
    }
    return options;
  }

  /**
   * Starts MQTT over secure WebSockets ({@link WebSocketListener}) on {@code port} of the listeners' address, with
   * their certificate: 0 picks a free port, a negative one leaves it off. It never fails the server's start: a port
   * that cannot be bound (443 needs root or CAP_NET_BIND_SERVICE) leaves the listener off with a warning, which
   * {@link #webSocketState} tells. Call after {@link #start}.
   *
   * @return the port bound, or -1 when off
   */
  public Future<Integer> startWebSockets(Listeners listeners, int port) {
    if (port < 0) {
      webSocketState = "off";
      return Future.succeededFuture(-1);
    }
    io.vertx.core.http.HttpServerOptions options;
    try {
      options = secured(WebSocketListener.options(listeners.bind(), port), listeners);
    } catch (Exception e) {
      return Future.failedFuture(e);
    }
    int loops = Math.max(1, Runtime.getRuntime().availableProcessors());
    java.util.concurrent.atomic.AtomicInteger bound = new java.util.concurrent.atomic.AtomicInteger(-1);
    return loopbackPlainPort().compose(mqtt -> vertx.deployVerticle(() -> new WebSocketListener(options, mqtt, bound),
        new DeploymentOptions().setInstances(loops))).map(id -> {
          deployments.add(id);
          webSocketPort = bound.get();
          webSocketState = "listening";
          LOG.info("Device gateway listening: MQTT over secure WebSockets on {}:{}{}", listeners.bind(), webSocketPort,
              WebSocketListener.PATH);
          return webSocketPort;
        }).recover(e -> {
          webSocketState = "off: cannot listen on " + listeners.bind() + ":" + port + " (" + e.getMessage() + ")";
          LOG.warn("Device gateway: MQTT over WebSockets is off, port {} cannot be bound ({}). Port 443 needs root "
              + "or CAP_NET_BIND_SERVICE; choose another with --mqtt-ws-port, or -1 to turn it off.", port,
              e.toString());
          return Future.succeededFuture(-1);
        });
  }

  /** The MQTT-over-WebSockets port, or -1 when the listener is off. */
  public int webSocketPort() {
    return webSocketPort;
  }

  /** {@code listening}, {@code off}, or why it is off (a port that could not be bound). */
  public String webSocketState() {
    return webSocketState;
  }

  /**
   * The listener's certificate and key. With BoringSSL the key manager is wrapped so the key material is converted
   * to its native form once, not on every handshake (Netty otherwise re-encodes and re-parses the private key for
   * each connection: 8 % of the event loops' time in a connect storm).
   */
  private KeyCertOptions keyCertificate(Listeners listeners) throws Exception {
    PemKeyCertOptions pem = new PemKeyCertOptions().setCertPath(listeners.certificate().toString())
        .setKeyPath(listeners.privateKey().toString());
    if (!OpenSSLEngineOptions.isAvailable()) {
      return pem;
    }
    return KeyCertOptions.wrap(new OpenSslCachingX509KeyManagerFactory(pem.getKeyManagerFactory(vertx)));
  }

  /**
   * A plain MQTT port on {@value #LOOPBACK} for in-process clients (simulated devices): the configured plain listener
   * when it listens on all interfaces or on loopback, otherwise one opened on a free loopback port for this purpose
   * only. It serves the same sessions as the other listeners (same SAS check, same registry); being reachable from
   * this host only, it adds no exposure a local process could not already get from the TLS port.
   */
  public Future<Integer> loopbackPlainPort() {
    if (plainPort > 0 && ("0.0.0.0".equals(plainBind) || LOOPBACK.equals(plainBind) || "localhost".equals(plainBind))) {
      return Future.succeededFuture(plainPort);
    }
    if (loopback == null) {
      loopback = MqttServer.create(vertx, options(LOOPBACK, 0)).endpointHandler(this::onConnect)
          .exceptionHandler(e -> LOG.debug("MQTT loopback listener: {}", e.toString()));
      return loopback.listen().map(s -> {
        LOG.info("Device gateway: plain MQTT for simulated devices on {}:{}", LOOPBACK, s.actualPort());
        return s.actualPort();
      });
    }
    return Future.succeededFuture(loopback.actualPort());
  }

  public int tlsPort() {
    return tlsPort;
  }

  public int plainPort() {
    return plainPort;
  }

  /**
   * One MQTT server per event loop, all on the same port (Vert.x spreads accepted connections over them), so TLS
   * handshakes and sessions use every core. The first binds (port 0 picks a free one); the others share its port.
   */
  private Future<Void> listenOnEveryLoop(MqttServerOptions options, boolean secure) {
    int loops = Math.max(1, Runtime.getRuntime().availableProcessors());
    java.util.concurrent.atomic.AtomicInteger bound = new java.util.concurrent.atomic.AtomicInteger();
    return vertx.deployVerticle(() -> new Listener(options, bound), new DeploymentOptions().setInstances(loops))
        .map(id -> {
          deployments.add(id);
          if (secure) {
            tlsPort = bound.get();
          } else {
            plainPort = bound.get();
          }
          return null;
        });
  }

  /** One listener on the event loop of its deployment. */
  private final class Listener extends VerticleBase {
    private final MqttServerOptions options;
    private final java.util.concurrent.atomic.AtomicInteger bound;

    Listener(MqttServerOptions options, java.util.concurrent.atomic.AtomicInteger bound) {
      this.options = options;
      this.bound = bound;
    }

    @Override
    public Future<?> start() {
      return UsernameWithoutPassword.keep(MqttServer.create(vertx, options)).endpointHandler(MqttGateway.this::onConnect)
          .exceptionHandler(e -> LOG.debug("MQTT listener: {}", e.toString()))
          .listen().onSuccess(server -> bound.set(server.actualPort()));
    }
  }

  public Future<Void> close() {
    if (sweeper >= 0) {
      vertx.cancelTimer(sweeper);
    }
    List<Future<Void>> closing = new ArrayList<>();
    for (String id : deployments) {
      closing.add(vertx.undeploy(id));
    }
    if (loopback != null) {
      closing.add(loopback.close());
    }
    return Future.join(closing).mapEmpty();
  }

  private static MqttServerOptions options(String bind, int port) {
    MqttServerOptions o = new MqttServerOptions();
    o.setHost(bind);
    o.setPort(port);
    o.setMaxMessageSize(DeviceSession.MAX_MESSAGE_BYTES + 8 * 1024);
    o.setTimeoutOnConnect(TIMEOUT_ON_CONNECT_SECONDS);
    o.setMaxClientIdLength(256);
    return o;
  }

  private void onConnect(MqttEndpoint endpoint) {
    if (endpoint.protocolVersion() > MQTT_3_1_1) {
      // IoT Hub speaks MQTT 3.1 and 3.1.1 (device-protocol.md 1.1); an MQTT 5 client is told so, then closed.
      refuse(endpoint, MqttConnectReturnCode.CONNECTION_REFUSED_UNSUPPORTED_PROTOCOL_VERSION);
      return;
    }
    ConnectUsername username;
    try {
      username = ConnectUsername.parse(endpoint.auth() == null ? null : endpoint.auth().getUsername());
    } catch (MalformedCredentials e) {
      refuse(endpoint, MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD);
      return;
    }
    String password = endpoint.auth() == null ? null : endpoint.auth().getPassword();
    Optional<CertificateChain> certificate = password == null || password.isEmpty()
        ? ClientCertificates.presented(endpoint) : Optional.empty();
    if (certificate.isPresent() && !username.clientId().equals(endpoint.clientIdentifier())) {
      refuse(endpoint, MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD);
      return;
    }
    if (username instanceof HubUsername hub && certificate.isPresent()) {
      services.provisioning().certificateAdmission(hub.deviceId(), certificate.get()).onComplete(ar -> {
        if (ar.failed()) {
          unavailable(endpoint, ar.cause());
        } else if (ar.result().isEmpty() || !ar.result().get().verdict().accepted()) {
          refuseCertificate(endpoint, hub.deviceId(), ar.result().map(a -> a.verdict().reason()).orElse("unknown"));
        } else {
          openSession(endpoint, hub, ar.result().get().device(), certificate.get().notAfter());
        }
      });
    } else if (username instanceof HubUsername hub) {
      services.provisioning().admission(hub.deviceId()).onComplete(ar -> {
        if (ar.failed()) {
          unavailable(endpoint, ar.cause());
        } else {
          admitDevice(endpoint, hub, password, ar.result());
        }
      });
    } else if (username instanceof ModuleUsername module) {
      services.provisioning().admission(module.deviceId()).onComplete(ar -> {
        if (ar.failed()) {
          unavailable(endpoint, ar.cause());
        } else {
          admitModule(endpoint, module, password, ar.result());
        }
      });
    } else if (username instanceof DpsUsername dps) {
      if (!dps.idScope().equalsIgnoreCase(services.idScope())) {
        refuse(endpoint, MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED);
        return;
      }
      if (certificate.isPresent()) {
        services.provisioning().certificateRegistration(dps.registrationId(), certificate.get()).onComplete(ar -> {
          if (ar.failed()) {
            unavailable(endpoint, ar.cause());
          } else if (!ar.result().accepted()) {
            refuseCertificate(endpoint, dps.registrationId(), ar.result().reason());
          } else {
            accept(endpoint, new DpsSession(vertx, endpoint, dps.registrationId(), ar.result().groupId(), services)::start);
          }
        });
        return;
      }
      services.provisioning().registrationKeys(dps.registrationId()).onComplete(ar -> {
        if (ar.failed()) {
          unavailable(endpoint, ar.cause());
        } else {
          admitRegistration(endpoint, dps, password, ar.result());
        }
      });
    }
  }

  private void admitDevice(MqttEndpoint endpoint, HubUsername username, String password, Optional<Admission> admission) {
    List<String> keys = admission.map(a -> keys(a.keys())).orElse(List.of());
    Verdict verdict = authenticator.verify(username, endpoint.clientIdentifier(), password, keys);
    if (verdict != Verdict.ACCEPTED) {
      refuse(endpoint, code(verdict));
      return;
    }
    openSession(endpoint, username, admission.get().device(), SasToken.parse(password).expiry());
  }

  /**
   * A device whose credentials are good: CONNACK 0x03 when blocked, else a session until {@code expiry} (the SAS
   * token's, or the client certificate's end of validity).
   */
  private void openSession(MqttEndpoint endpoint, HubUsername username, Device device, Instant expiry) {
    if (!device.enabled()) {
      refuse(endpoint, MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE);
      return;
    }
    if (!DeviceSession.willAllowed(endpoint.will(), username.deviceId())) {
      // A will may only be the device's own telemetry (device-protocol.md 1.2), as any publish.
      refuse(endpoint, MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED);
      return;
    }
    DeviceSession session = new DeviceSession(endpoint, username.deviceId(), expiry, registry, channel, services);
    if (!accept(endpoint, session::start)) {
      return;
    }
    registry.register(session);
    if (!device.provisioned()) {
      services.provisioning().connected(username.deviceId());
    }
  }

  /**
   * A module connects with a token signed by its key, derived from its device's primary or secondary key
   * ({@link ModuleService#moduleKey}); the device must be enabled. Its first connection makes the module known.
   */
  private void admitModule(MqttEndpoint endpoint, ModuleUsername username, String password,
                           Optional<Admission> admission) {
    ModuleService known = modules;
    List<String> keys = known == null ? List.of() : admission.map(a -> keys(a.keys()).stream()
        .map(k -> ModuleService.moduleKey(k, username.moduleId())).toList()).orElse(List.of());
    Verdict verdict = authenticator.verify(username, endpoint.clientIdentifier(), password, keys);
    if (verdict != Verdict.ACCEPTED) {
      refuse(endpoint, code(verdict));
      return;
    }
    ModuleId id = new ModuleId(username.deviceId(), username.moduleId());
    if (!admission.get().device().enabled()) {
      refuse(endpoint, MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE);
      return;
    }
    if (!ModuleId.valid(id.moduleId()) || !DeviceSession.willAllowed(endpoint.will(), id.key())) {
      refuse(endpoint, MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED);
      return;
    }
    known.connected(id).onComplete(ar -> {
      if (ar.failed()) {
        unavailable(endpoint, ar.cause());
      } else if (!ar.result()) { // the device is gone, or has as many modules as it may
        refuse(endpoint, MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED);
      } else {
        DeviceSession session = new DeviceSession(endpoint, id.key(), SasToken.parse(password).expiry(), registry,
            channel, services, known.twins(), known.telemetry());
        if (accept(endpoint, session::start)) {
          registry.register(session);
        }
      }
    });
  }

  private void admitRegistration(MqttEndpoint endpoint, DpsUsername username, String password,
                                 List<CandidateKey> candidates) {
    Verdict verdict = authenticator.verify(username, endpoint.clientIdentifier(), password, keys(candidates));
    if (verdict != Verdict.ACCEPTED) {
      refuse(endpoint, code(verdict));
      return;
    }
    SasToken token = SasToken.parse(password);
    String groupId = candidates.stream().filter(k -> token.signatureMatches(k.key())).findFirst()
        .map(CandidateKey::groupId).orElse(null);
    DpsSession session = new DpsSession(vertx, endpoint, username.registrationId(), groupId, services);
    accept(endpoint, session::start);
  }

  /** A certificate that proves nothing for this identity: CONNACK 0x05, not authorized (as a wrong SAS key). */
  private void refuseCertificate(MqttEndpoint endpoint, String identity, String reason) {
    LOG.debug("Refused {}'s client certificate: {}", identity, reason);
    refuse(endpoint, MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED);
  }

  private boolean accept(MqttEndpoint endpoint, Runnable start) {
    try {
      start.run();
      services.metrics().connectsAccepted.increment();
      return true;
    } catch (IllegalStateException closedMeanwhile) {
      LOG.debug("Connection closed before CONNACK: {}", closedMeanwhile.toString());
      return false;
    }
  }

  /**
   * The device's credentials could not be looked up (the database is out of reach): CONNACK 0x03, server
   * unavailable, which device clients retry with backoff — never 0x05, which they take as a wrong key and give up on.
   */
  private void unavailable(MqttEndpoint endpoint, Throwable cause) {
    LOG.warn("Refused a CONNECT: credentials could not be read ({})", cause.toString());
    refuse(endpoint, MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE);
  }

  private void refuse(MqttEndpoint endpoint, MqttConnectReturnCode code) {
    services.metrics().connectsRefused.increment();
    try {
      endpoint.reject(code);
    } catch (IllegalStateException closedMeanwhile) {
      LOG.debug("Connection closed before CONNACK: {}", closedMeanwhile.toString());
    }
  }

  private static MqttConnectReturnCode code(Verdict verdict) {
    return verdict == Verdict.MALFORMED ? MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD
        : MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED;
  }

  private static List<String> keys(List<CandidateKey> candidates) {
    return candidates.stream().map(CandidateKey::key).toList();
  }
}

package io.flotilla.loadgen;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code flotilla loadgen}: a separate process that drives a running server over REST and MQTT only, runs the chosen
 * scenarios in order and reports them. Scenario code runs on the calling thread and waits on futures; device sessions
 * and HTTP run on the load generator's own event loops.
 */
public final class LoadGenerator {
  /** Scenario names in the order {@code all} runs them ({@code all} leaves out telemetry-history). */
  static final Map<String, Scenario> SCENARIOS = new LinkedHashMap<>();

  static {
    for (Scenario s : List.of(new ConnectStorm(), new CommandJob(), new CommandJobSeries(), new CommandJobWait(),
        new PropertyJob(), new JobDevicesPaging(), new Telemetry(), new TelemetryHistoryLoad(), new MosquittoBaseline(),
        new Failover())) {
      SCENARIOS.put(s.name(), s);
    }
  }

  private final LoadOptions options;

  public LoadGenerator(LoadOptions options) {
    this.options = options;
  }

  /** Which scenarios a {@code --scenario} value names, in run order. */
  static List<Scenario> selected(String spec) {
    List<Scenario> chosen = new ArrayList<>();
    for (String part : spec.split(",")) {
      String name = part.trim();
      if (name.equals("all")) {
        // failover kills a node, telemetry-history runs a minute at 10,000 devices: only when named
        return SCENARIOS.values().stream().filter(sc -> !(sc instanceof Failover || sc instanceof TelemetryHistoryLoad))
            .toList();
      }
      Scenario s = SCENARIOS.get(name);
      if (s == null) {
        throw new IllegalArgumentException("unknown scenario " + name + "; one of " + SCENARIOS.keySet() + " or all");
      }
      chosen.add(s);
    }
    return chosen;
  }

  /** Vert.x logs every MQTT client connection at INFO; thousands of them drown the results. */
  private static void quietClientLogs() {
    if (org.slf4j.LoggerFactory.getLogger("io.vertx.mqtt") instanceof ch.qos.logback.classic.Logger l) {
      l.setLevel(ch.qos.logback.classic.Level.WARN);
    }
  }

  public int run() throws IOException {
    if (!options.prefix.matches("[A-Za-z][A-Za-z0-9]{0,31}")) {
      throw new IllegalArgumentException("--prefix must be a letter followed by letters or digits");
    }
    List<Scenario> scenarios = selected(options.scenario);
    String token = options.token;
    if (token == null && options.tokenFile != null) {
      token = Files.readString(options.tokenFile).trim();
    }
    if (token == null) {
      throw new IllegalArgumentException("give --token or --token-file");
    }
    if (options.ca == null && options.tokenFile != null) {
      Path guess = options.tokenFile.toAbsolutePath().getParent().resolve("certs").resolve("server-cert.pem");
      options.ca = Files.exists(guess) ? guess : null;
    }
    quietClientLogs();
    Vertx vertx = Vertx.vertx(new VertxOptions().setBlockedThreadCheckInterval(10_000));
    Report report = new Report(options);
    try (FlotillaApi api = new FlotillaApi(vertx, URI.create(options.api), token, Math.max(8, options.createConcurrency));
         Rig rig = new Rig(options, vertx, api)) {
      rig.prepareTemplate();
      for (Scenario s : scenarios) {
        if (s instanceof MosquittoBaseline) {
          Rig.await(rig.fleet().close(options.rampConcurrency));
        }
        System.out.println("== " + s.name());
        ServerWatch watch = ServerWatch.start(rig);
        ScenarioResult r;
        try {
          r = s.run(rig);
        } catch (RuntimeException e) {
          r = new ScenarioResult(s.name()).note("error: " + e);
          e.printStackTrace();
        }
        r.put("server", watch.stop());
        rig.setup().forEach(report::add);
        rig.setup().clear();
        report.add(r);
        System.out.println("   " + r.metrics());
      }
      report.addRatios();
    } finally {
      report.write(options.out);
      report.print(System.out);
      System.out.println("Results written to " + options.out.toAbsolutePath());
      vertx.close().toCompletionStage().toCompletableFuture().join();
    }
    return 0;
  }
}

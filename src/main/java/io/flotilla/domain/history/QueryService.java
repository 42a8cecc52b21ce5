package io.flotilla.domain.history;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.history.query.QueryParser;
import io.flotilla.domain.history.query.TelemetryQuery;
import io.flotilla.domain.history.query.TelemetryQuery.Aggregate;
import io.flotilla.domain.history.query.TelemetryQuery.Function;
import io.flotilla.domain.history.query.TelemetryQuery.TelemetryRef;
import io.flotilla.domain.template.CapabilityModel;
import io.flotilla.domain.template.PrimitiveSchema;
import io.flotilla.domain.template.Telemetry;
import io.flotilla.domain.template.TemplateService;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Answers IoT Central's telemetry queries ({@code POST /query}) from the telemetry history: parses the text, checks
 * every name against the template, and runs at most {@code maxRunning} queries at once (more are refused with
 * {@code TooManyRequests}).
 */
public final class QueryService {
  /** The range of a query without {@code WITHIN_WINDOW}, as in IoT Central. */
  public static final Duration DEFAULT_RANGE = Duration.ofDays(30);
  private static final Set<PrimitiveSchema> NUMERIC = Set.of(PrimitiveSchema.DOUBLE, PrimitiveSchema.FLOAT,
      PrimitiveSchema.INTEGER, PrimitiveSchema.LONG);

  private final HistoryRepository repository;
  private final TemplateService templates;
  private final Clock clock;
  private final int maxRunning;
  private final AtomicInteger running = new AtomicInteger();

  public QueryService(HistoryRepository repository, TemplateService templates, Clock clock, int maxRunning) {
    this.repository = repository;
    this.templates = templates;
    this.clock = clock;
    this.maxRunning = maxRunning;
  }

  /**
   * The records of {@code text}. Fails with {@code Invalid} for a query that does not parse, names an unknown template
   * or a name that is no telemetry of it, and with {@code Unavailable} (code {@code TooManyRequests}) when
   * {@code maxRunning} queries are running.
   */
  public Future<List<ObjectNode>> run(String text) {
    TelemetryQuery query;
    try {
      query = QueryParser.parse(text);
    } catch (FlotillaException e) {
      return Future.failedFuture(e);
    }
    if (running.incrementAndGet() > maxRunning) {
      running.decrementAndGet();
      return Future.failedFuture(new FlotillaException.Unavailable("TooManyRequests",
          "Too many queries are running; try again shortly."));
    }
    return templates.find(query.templateId()).compose(template -> {
      CapabilityModel model = template.orElseThrow(() -> new FlotillaException.Invalid(
          "Invalid query: there is no device template \"" + query.templateId() + "\".")).model();
      check(query, model);
      Instant now = clock.instant();
      Instant from = query.window() == null ? now.minus(DEFAULT_RANGE) : query.window().from(now);
      Instant to = query.window() == null ? now.plusNanos(1000) : query.window().to(now);
      int limit = query.top() == null ? QueryParser.MAX_RECORDS : query.top();
      return repository.query(query, from, to, limit);
    }).onComplete(ar -> running.decrementAndGet());
  }

  private static void check(TelemetryQuery query, CapabilityModel model) {
    for (TelemetryRef ref : query.telemetry()) {
      Optional<Telemetry> telemetry = ref.component() != null && model.component(ref.component()).isEmpty()
          ? Optional.empty() : model.telemetry(ref.component(), ref.name());
      if (telemetry.isEmpty()) {
        boolean property = ref.component() == null || model.component(ref.component()).isPresent()
            ? model.property(ref.component(), ref.name()).isPresent() : false;
        throw new FlotillaException.Invalid("Invalid query: \"" + ref.path() + "\" is "
            + (property ? "a property; Flotilla answers telemetry queries only (IoT Central's property queries are "
            + "deprecated)" : "no telemetry of device template \"" + query.templateId() + "\"") + ".");
      }
    }
    for (TelemetryQuery.SelectItem item : query.items()) {
      if (item.expression() instanceof Aggregate a && a.function() != Function.COUNT) {
        Telemetry t = model.telemetry(a.of().component(), a.of().name()).orElseThrow();
        if (!(t.schema() instanceof PrimitiveSchema p) || !NUMERIC.contains(p)) {
          throw new FlotillaException.Invalid("Invalid query: " + a.function() + "(" + a.of().path()
              + ") needs a numeric telemetry (double, float, integer or long); COUNT takes any.");
        }
      }
    }
  }
}

package io.flotilla.domain.export;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How deliveries went, per export and destination, as IoT Central shows it on exports and destinations:
 * {@code status}, {@code errors} and {@code lastExportTime}, plus Flotilla's {@code errorCount} (failed attempts).
 * Kept in memory since the server started (a restart starts over from {@code starting} / {@code waiting}).
 */
public final class ExportHealth {
  /** An export's or destination's health as shown. */
  public record Status(String status, List<Error> errors, Instant lastExportTime, long errorCount) {
  }

  /** The last error of a failing route. */
  public record Error(String code, String message) {
  }

  private static final class Route {
    Instant lastExport;
    Instant lastAttempt;
    Error lastError;
    boolean failing;
    long errorCount;
  }

  private record Key(String exportId, String destinationId) {
  }

  private final Map<Key, Route> routes = new ConcurrentHashMap<>();

  void delivered(String exportId, String destinationId, Instant at) {
    Route r = routes.computeIfAbsent(new Key(exportId, destinationId), k -> new Route());
    synchronized (r) {
      r.lastExport = r.lastExport == null || at.isAfter(r.lastExport) ? at : r.lastExport;
      r.lastAttempt = at;
      r.failing = false;
    }
  }

  void failed(String exportId, String destinationId, Instant at, Error error) {
    Route r = routes.computeIfAbsent(new Key(exportId, destinationId), k -> new Route());
    synchronized (r) {
      r.lastAttempt = at;
      r.lastError = error;
      r.failing = true;
      r.errorCount++;
    }
  }

  /** Forgets an export or destination that was deleted. */
  void forget(String exportId, String destinationId) {
    routes.keySet().removeIf(k -> k.exportId().equals(exportId) || k.destinationId().equals(destinationId));
  }

  /** A destination's health: {@code waiting} before any attempt, then {@code healthy} or {@code error}. */
  public Status destination(String destinationId) {
    return of(routes.entrySet().stream().filter(e -> e.getKey().destinationId().equals(destinationId))
        .map(Map.Entry::getValue).toList(), "waiting");
  }

  /**
   * An export's health: {@code notStarted} while disabled, {@code starting} before any attempt, then {@code healthy}
   * or {@code error}.
   */
  public Status export(String exportId, boolean enabled) {
    Status s = of(routes.entrySet().stream().filter(e -> e.getKey().exportId().equals(exportId))
        .map(Map.Entry::getValue).toList(), "starting");
    return enabled ? s : new Status("notStarted", s.errors(), s.lastExportTime(), s.errorCount());
  }

  private static Status of(Collection<Route> rs, String before) {
    Instant last = null;
    long count = 0;
    boolean attempted = false;
    List<Error> errors = new ArrayList<>();
    for (Route r : rs) {
      synchronized (r) {
        attempted |= r.lastAttempt != null;
        count += r.errorCount;
        if (r.lastExport != null && (last == null || r.lastExport.isAfter(last))) {
          last = r.lastExport;
        }
        if (r.failing && r.lastError != null && !errors.contains(r.lastError)) {
          errors.add(r.lastError);
        }
      }
    }
    String status = !attempted ? before : errors.isEmpty() ? "healthy" : "error";
    return new Status(status, List.copyOf(errors), last, count);
  }
}

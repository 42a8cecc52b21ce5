package io.flotilla.domain.export;

import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.common.Ids;
import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.vertx.core.Future;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Creates, reads, changes and deletes data-export destinations and exports (docs/api.md "Data export"); every change
 * reloads what the emitting side ({@link DataExports}) and the delivery side ({@link ExportDispatcher}) route by.
 */
public final class ExportService {
  /** Destination types IoT Central knows; only {@code webhook@v1} is delivered to by Flotilla. */
  private static final Set<String> OTHER_TYPES = Set.of("blobstorage@v1", "dataexplorer@v1", "eventhubs@v1",
      "servicebusqueue@v1", "servicebustopic@v1");
  private static final Pattern TOKEN = Pattern.compile("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$");
  private static final Set<String> RESERVED_HEADERS = Set.of("content-type", "content-length", "host",
      "transfer-encoding", "connection");
  private static final int MIN_SECRET = 16;
  private static final int MAX_SECRET = 255;

  private final ExportRepository repository;
  private final DataExports exports;
  private final ExportDispatcher dispatcher;

  public ExportService(ExportRepository repository, DataExports exports, ExportDispatcher dispatcher) {
    this.repository = repository;
    this.exports = exports;
    this.dispatcher = dispatcher;
  }

  /** A destination as written: {@code generatedSecret} is the signing secret Flotilla made for it, shown once. */
  public record PutDestination(ExportDestination destination, String generatedSecret) {
  }

  /**
   * Creates or replaces a destination. Fields left out of a replace keep their stored secrets: the signing secret, a
   * secret customization's value, a header authorization's value. Fails with {@code Invalid}.
   */
  public Future<PutDestination> putDestination(String id, ExportDestination d) {
    Ids.groupOrJobId("destination id", id);
    return repository.destination(id).compose(existing -> {
      ExportDestination old = existing.orElse(null);
      String secret = d.signingSecret() != null ? d.signingSecret() : old != null ? old.signingSecret() : null;
      String generated = secret == null ? Signatures.newSecret() : null;
      ExportDestination.Authorization auth = d.authorization();
      if ("header".equals(auth.type()) && auth.value() == null && old != null
          && "header".equals(old.authorization().type())) {
        auth = old.authorization();
      }
      ExportDestination full = new ExportDestination(id, d.displayName(), d.type(), d.url(),
          keepSecrets("queryCustomizations", d.queryCustomizations(), old == null ? Map.of() : old.queryCustomizations()),
          keepSecrets("headerCustomizations", d.headerCustomizations(),
              old == null ? Map.of() : old.headerCustomizations()), auth, generated != null ? generated : secret);
      check(full);
      return repository.putDestination(full).compose(v -> reload()).map(v -> new PutDestination(full, generated));
    });
  }

  public Future<ExportDestination> destination(String id) {
    return repository.destination(id).map(d -> d.orElseThrow(() -> notFound("Destination", id)));
  }

  public Future<Page<ExportDestination>> destinations(PageRequest page) {
    return repository.destinations(page);
  }

  /** Deletes a destination no export sends to (else {@code Conflict}), with its undelivered messages. */
  public Future<Void> deleteDestination(String id) {
    return repository.exportsTo(id, PageRequest.first(5)).compose(using -> {
      if (!using.items().isEmpty()) {
        throw new FlotillaException.Conflict("Destination \"" + id + "\" is used by export(s) "
            + String.join(", ", using.items().stream().map(e -> "\"" + e.id() + "\"").toList())
            + "; remove it from them first.");
      }
      return repository.deleteDestination(id);
    }).compose(found -> {
      if (!found) {
        throw notFound("Destination", id);
      }
      dispatcher.forget("", id);
      return reload();
    });
  }

  /** Creates or replaces an export; its destinations must exist. Fails with {@code Invalid}. */
  public Future<DataExport> putExport(String id, DataExport e) {
    Ids.groupOrJobId("export id", id);
    if (e.displayName() == null || e.displayName().isBlank()) {
      throw new FlotillaException.Invalid("\"displayName\" is required.");
    }
    if (Set.copyOf(e.destinations()).size() != e.destinations().size()) {
      throw new FlotillaException.Invalid("\"destinations\" names a destination twice.");
    }
    DataExport full = new DataExport(id, e.displayName(), e.enabled(), e.source(), e.enrichments(), e.destinations());
    Future<Void> checked = Future.succeededFuture();
    for (String d : e.destinations()) {
      checked = checked.compose(v -> repository.destination(d)).map(found -> {
        if (found.isEmpty()) {
          throw new FlotillaException.Invalid("Destination \"" + d + "\" does not exist.");
        }
        return null;
      });
    }
    return checked.compose(v -> repository.putExport(full)).compose(v -> reload()).map(full);
  }

  public Future<DataExport> export(String id) {
    return repository.export(id).map(e -> e.orElseThrow(() -> notFound("Export", id)));
  }

  public Future<Page<DataExport>> exports(PageRequest page) {
    return repository.exports(page);
  }

  /** The exports sending to destination {@code id} (which must exist). */
  public Future<Page<DataExport>> exportsTo(String id, PageRequest page) {
    return destination(id).compose(d -> repository.exportsTo(id, page));
  }

  /** The destinations of export {@code id}, in its order. */
  public Future<List<ExportDestination>> destinationsOf(String id) {
    return export(id).compose(e -> {
      Future<List<ExportDestination>> out = Future.succeededFuture(List.of());
      for (String d : e.destinations()) {
        out = out.compose(list -> repository.destination(d).map(found -> {
          List<ExportDestination> next = new java.util.ArrayList<>(list);
          found.ifPresent(next::add);
          return List.copyOf(next);
        }));
      }
      return out;
    });
  }

  /** Deletes an export with its undelivered messages. */
  public Future<Void> deleteExport(String id) {
    return repository.deleteExport(id).compose(found -> {
      if (!found) {
        throw notFound("Export", id);
      }
      dispatcher.forget(id, "");
      return reload();
    });
  }

  public ExportHealth.Status status(ExportDestination d) {
    return dispatcher.health().destination(d.id());
  }

  public ExportHealth.Status status(DataExport e) {
    return dispatcher.health().export(e.id(), e.enabled());
  }

  /**
   * Delivers only to the destinations {@code mine} accepts (several nodes: each destination is one node's); see
   * {@link ExportDispatcher#deliverOnly}.
   */
  public void deliverOnly(java.util.function.Predicate<String> mine) {
    dispatcher.deliverOnly(mine);
  }

  /** Reads exports and destinations again (after a change made here, or on another node) and delivers what is due. */
  public Future<Void> reload() {
    return exports.reload().compose(v -> dispatcher.reload()).onSuccess(v -> dispatcher.wake());
  }

  private static Map<String, ExportDestination.Customization> keepSecrets(String field,
      Map<String, ExportDestination.Customization> given, Map<String, ExportDestination.Customization> stored) {
    Map<String, ExportDestination.Customization> out = new HashMap<>();
    given.forEach((name, c) -> {
      if (c.value() == null) {
        ExportDestination.Customization old = stored.get(name);
        if (!c.secret() || old == null) {
          throw new FlotillaException.Invalid("\"" + field + "." + name + ".value\" is required.");
        }
        out.put(name, new ExportDestination.Customization(old.value(), true));
      } else {
        out.put(name, c);
      }
    });
    return out;
  }

  private static void check(ExportDestination d) {
    if (d.displayName() == null || d.displayName().isBlank()) {
      throw new FlotillaException.Invalid("\"displayName\" is required.");
    }
    if (d.type() == null) {
      throw new FlotillaException.Invalid("\"type\" is required.");
    }
    if (!ExportDestination.WEBHOOK.equals(d.type())) {
      throw new FlotillaException.Invalid(OTHER_TYPES.contains(d.type())
          ? "Destination type \"" + d.type() + "\" is not supported by Flotilla; use webhook@v1."
          : "\"type\" must be webhook@v1.");
    }
    if (d.url() == null) {
      throw new FlotillaException.Invalid("\"url\" is required for a webhook@v1 destination.");
    }
    try {
      URI u = new URI(d.url());
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null) {
        throw new FlotillaException.Invalid("\"url\" must be an absolute http or https URL.");
      }
    } catch (java.net.URISyntaxException e) {
      throw new FlotillaException.Invalid("\"url\" is not a valid URL: " + e.getReason() + ".");
    }
    for (String name : d.headerCustomizations().keySet()) {
      String lower = name.toLowerCase(Locale.ROOT);
      if (!TOKEN.matcher(name).matches() || RESERVED_HEADERS.contains(lower) || lower.startsWith("x-flotilla-")
          || (lower.equals("authorization") && "header".equals(d.authorization().type()))) {
        throw new FlotillaException.Invalid("Header \"" + name + "\" cannot be customized.");
      }
    }
    String auth = d.authorization().type();
    if (!"none".equals(auth) && !"header".equals(auth)) {
      throw new FlotillaException.Invalid("\"authorization.type\" must be none or header"
          + ("oauth".equals(auth) ? " (oauth is not supported by Flotilla)." : "."));
    }
    if ("header".equals(auth) && (d.authorization().value() == null || d.authorization().value().isBlank())) {
      throw new FlotillaException.Invalid("\"authorization.value\" is required for authorization type header.");
    }
    String s = d.signingSecret();
    if (s.length() < MIN_SECRET || s.length() > MAX_SECRET) {
      throw new FlotillaException.Invalid("\"signingSecret\" must be " + MIN_SECRET + " to " + MAX_SECRET
          + " characters.");
    }
  }

  static FlotillaException.NotFound notFound(String what, String id) {
    return new FlotillaException.NotFound(what + " \"" + id + "\" not found.");
  }
}

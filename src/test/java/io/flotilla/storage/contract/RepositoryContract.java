package io.flotilla.storage.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.flotilla.storage.sql.Database;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;

/**
 * Base of the repository contract suites: one {@link Database} per test class (from {@link #database()}, H2 or
 * PostgreSQL in the concrete subclasses), emptied before every test. The desired-version sequence is never reset, as in
 * production.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RepositoryContract {
  static final ObjectMapper JSON = new ObjectMapper();
  /** Unicode outside the BMP, combining marks, CJK, RTL and characters JSON must escape. */
  static final String UNICODE = "Čerpadlo 🚀 東京 שלום e\u0301 \"quoted\" \\ back\nslash\t";

  /** Tables in an order that respects foreign keys. */
  private static final List<String> TABLES = List.of("module_telemetry", "module_commands", "device_modules", "device_telemetry", "device_commands", "device_property_values",
      "device_twins", "desired_overlays", "overlay_versions", "export_outbox", "data_export_routes", "data_exports", "export_destinations", "job_events",
      "job_devices", "job_dispatch", "job_leases", "job_device_waits", "job_device_attempts", "job_batches", "jobs", "scheduled_jobs", "device_relationships", "devices", "device_templates", "device_groups",
      "api_tokens", "enrollment_groups", "application", "audit_log", "users", "organization_tree", "organizations");

  protected Vertx vertx;
  protected Database db;

  /** Opens the database under test (called once per test class; {@link #vertx} is set). */
  protected abstract Database database();

  @BeforeAll
  void openDatabase() {
    vertx = Vertx.vertx();
    db = database();
  }

  @AfterAll
  void closeDatabase() throws Exception {
    if (db != null) {
      db.close();
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void emptyTables() throws SQLException {
    try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
      for (String table : TABLES) {
        s.executeUpdate("DELETE FROM " + table);
      }
    }
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(cause);
    } catch (InterruptedException | TimeoutException e) {
      throw new IllegalStateException(e);
    }
  }

  static ObjectNode json(String text) {
    try {
      return (ObjectNode) JSON.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  /**
   * {@code o} as a JSON tree read back from text, so that values compare as stored (an in-memory {@code LongNode 5}
   * and the {@code IntNode 5} parsed from storage are the same JSON).
   */
  static JsonNode tree(Object o) {
    try {
      return JSON.readTree(JSON.writeValueAsString(o));
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  static JsonNode value(Object v) {
    return JSON.valueToTree(v);
  }

  /**
   * Reads every page of a keyset-paged list: asserts that each non-last page is full and its {@code nextKey} is the
   * key of its last item, and that the last page has no {@code nextKey}. Answers the items in the order read.
   */
  static <T> List<T> readAllPages(Function<PageRequest, Future<Page<T>>> list, int limit, Function<T, String> key) {
    List<T> all = new ArrayList<>();
    String after = null;
    for (int guard = 0; guard < 10_000; guard++) {
      Page<T> page = await(list.apply(new PageRequest(after, limit)));
      all.addAll(page.items());
      Optional<String> next = page.nextKey();
      if (next.isEmpty()) {
        assertThat(page.items().size()).as("last page size").isLessThanOrEqualTo(limit);
        return all;
      }
      assertThat(page.items()).as("a page followed by another is full").hasSize(limit);
      assertThat(next.get()).as("nextKey is the last key of the page").isEqualTo(key.apply(page.items().get(limit - 1)));
      after = next.get();
    }
    throw new AssertionError("paging does not end");
  }
}

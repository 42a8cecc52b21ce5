package io.flotilla.domain.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.group.DeviceGroup;
import io.flotilla.domain.group.GroupRepository;
import io.flotilla.domain.group.GroupService;
import io.flotilla.domain.template.TemplateService;
import io.flotilla.storage.sql.Database;
import io.flotilla.storage.sql.SqlDeviceRepository;
import io.flotilla.storage.sql.SqlGroupRepository;
import io.flotilla.storage.sql.SqlTemplateRepository;
import io.flotilla.testing.ScratchDirectories;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Device and group changes that race other writers: a PATCH is merged over the stored version in one atomic update
 * (never over a stale read, never made twice), never resurrects a deleted resource, never writes back a stale
 * {@code provisioned}; two requests cannot both take the last simulated-device place. The races are made
 * deterministic by a repository that lets another writer in at the worst moment (just before the service's write).
 */
class ConcurrentDeviceChangesTest {
  private final Vertx vertx = Vertx.vertx();
  private Database db;
  private SqlDeviceRepository realDevices;
  private SqlGroupRepository realGroups;
  private TemplateService templates;
  /** Runs once, right before the next {@code update} reaches the database. */
  private volatile Supplier<Future<?>> interloper;
  private final AtomicInteger writes = new AtomicInteger();

  @BeforeEach
  void open() throws Exception {
    Path dir = ScratchDirectories.create("races");
    db = Database.open(vertx, "jdbc:h2:file:" + dir.resolve("db"), null, null, null);
    realDevices = new SqlDeviceRepository(db);
    realGroups = new SqlGroupRepository(db);
    templates = new TemplateService(new SqlTemplateRepository(db), new GroupService(realGroups));
  }

  @AfterEach
  void close() {
    db.close();
    vertx.close();
  }

  private DeviceService devices(int maxSimulated, int countDelayMs) {
    DeviceRepository racing = racing(DeviceRepository.class, realDevices, "update", "countSimulated", countDelayMs);
    DeviceChannel channel = (DeviceChannel) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {DeviceChannel.class}, (p, m, a) -> m.getReturnType() == boolean.class ? false : null);
    return new DeviceService(racing, templates, channel, "0ne00000000", DeviceListener.NONE, maxSimulated);
  }

  private GroupService groups() {
    return new GroupService(racing(GroupRepository.class, realGroups, "update", null, 0));
  }

  /** Forwards to {@code real}; lets the interloper write first on {@code write}, delays {@code slow} answers. */
  @SuppressWarnings("unchecked")
  private <T> T racing(Class<T> port, T real, String write, String slow, int delayMs) {
    InvocationHandler h = (proxy, method, args) -> {
      Supplier<Future<Object>> call = () -> {
        try {
          return (Future<Object>) method.invoke(real, args);
        } catch (IllegalAccessException | InvocationTargetException e) {
          throw new IllegalStateException(e);
        }
      };
      if (method.getName().equals(write)) {
        writes.incrementAndGet();
        Supplier<Future<?>> first = interloper;
        interloper = null;
        return first == null ? call.get() : first.get().compose(x -> call.get());
      }
      if (method.getName().equals(slow) && delayMs > 0) {
        Promise<Object> later = Promise.promise();
        call.get().onComplete(ar -> vertx.setTimer(delayMs, t -> later.handle(ar)));
        return later.future();
      }
      return method.isDefault() ? InvocationHandler.invokeDefault(proxy, method, args) : call.get();
    };
    return (T) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {port}, h);
  }

  private static DeviceService.Definition name(String displayName) {
    return new DeviceService.Definition(displayName, null, null, null, null, null);
  }

  static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  @Test
  void aPatchRacingAnotherPatchMergesOverItInsteadOfLosingIt() {
    DeviceService service = devices(10, 0);
    await(service.put("d", name("before")));
    writes.set(0);
    interloper = () -> service.patch("d", new DeviceService.Definition(null, null, false, null, null, null));

    Device patched = await(service.patch("d", name("renamed")));

    Device stored = await(realDevices.find("d")).orElseThrow();
    assertThat(stored.displayName()).isEqualTo("renamed");
    assertThat(stored.enabled()).as("the other request's change survives").isFalse();
    assertThat(patched).isEqualTo(stored);
    assertThat(writes.get()).as("each request wrote once, the second over the first").isEqualTo(2);
  }

  @Test
  void aPatchRacingAConnectionKeepsTheDeviceProvisioned() {
    DeviceService service = devices(10, 0);
    await(service.put("d", name("before")));
    interloper = () -> realDevices.markProvisioned("d");

    await(service.patch("d", name("renamed")));

    Device stored = await(realDevices.find("d")).orElseThrow();
    assertThat(stored.provisioned()).isTrue();
    assertThat(stored.displayName()).isEqualTo("renamed");
  }

  @Test
  void aPatchRacingADeleteAnswersNotFoundAndDoesNotBringTheDeviceBack() {
    DeviceService service = devices(10, 0);
    await(service.put("d", name("before")));
    interloper = () -> realDevices.delete("d");

    assertThatThrownBy(() -> await(service.patch("d", name("renamed"))))
        .isInstanceOf(FlotillaException.NotFound.class);
    assertThat(await(realDevices.find("d"))).isEmpty();
  }

  @Test
  void aPutRacingAnotherPutReplacesTheNewerVersionAndHonoursIfMatch() {
    DeviceService service = devices(10, 0);
    Device original = await(service.put("d", name("one")));
    interloper = () -> service.put("d", name("two"));

    assertThatThrownBy(() -> await(service.put("d",
        new DeviceService.Definition("three", null, null, null, null, original.etag()))))
        .as("If-Match on the version the other request replaced").isInstanceOf(FlotillaException.PreconditionFailed.class);
    assertThat(await(realDevices.find("d")).orElseThrow().displayName()).isEqualTo("two");
  }

  @Test
  void twoRequestsCannotBothTakeTheLastSimulatedPlace() {
    DeviceService service = devices(1, 150);
    var simulated = new DeviceService.Definition(null, null, null, true, null, null);

    Future<Device> a = service.put("sim-a", simulated);
    Future<Device> b = service.put("sim-b", simulated);
    List<Boolean> outcomes = List.of(succeeded(a), succeeded(b));

    assertThat(outcomes).containsExactlyInAnyOrder(true, false);
    assertThat(await(realDevices.countSimulated())).isEqualTo(1L);
    Future<Device> loser = outcomes.get(0) ? b : a;
    assertThat(loser.cause()).isInstanceOf(FlotillaException.Invalid.class)
        .hasMessageContaining("--sim-max-devices 1");
  }

  @Test
  void aGroupPatchRacingADeleteAnswersNotFoundAndARacingChangeIsKept() {
    GroupService service = groups();
    await(service.put("g", new GroupService.Definition("G", null, "SELECT * FROM devices", null, null)));
    interloper = () -> realGroups.delete("g");
    assertThatThrownBy(() -> await(service.patch("g", new GroupService.Definition("renamed", null, null, null, null))))
        .isInstanceOf(FlotillaException.NotFound.class);
    assertThat(await(realGroups.find("g"))).isEmpty();

    await(service.put("g", new GroupService.Definition("G", null, "SELECT * FROM devices", null, null)));
    interloper = () -> service.patch("g", new GroupService.Definition(null, "described", null, null, null));
    DeviceGroup patched = await(service.patch("g", new GroupService.Definition("renamed", null, null, null, null)));
    assertThat(patched.displayName()).isEqualTo("renamed");
    assertThat(patched.description()).isEqualTo("described");
    assertThat(await(realGroups.find("g"))).contains(patched);
  }

  @Test
  void aGroupPutWithIfMatchRacingAnotherPutFailsThePrecondition() {
    GroupService service = groups();
    DeviceGroup original = await(service.put("g", new GroupService.Definition("one", null, "SELECT * FROM devices",
        null, null)));
    interloper = () -> service.put("g", new GroupService.Definition("two", null, "SELECT * FROM devices", null, null));

    assertThatThrownBy(() -> await(service.put("g", new GroupService.Definition("three", null,
        "SELECT * FROM devices", null, original.etag())))).isInstanceOf(FlotillaException.PreconditionFailed.class);
    assertThat(await(realGroups.find("g")).orElseThrow().displayName()).isEqualTo("two");
  }

  private static boolean succeeded(Future<?> f) {
    try {
      f.toCompletionStage().toCompletableFuture().join();
      return true;
    } catch (CompletionException e) {
      return false;
    }
  }
}

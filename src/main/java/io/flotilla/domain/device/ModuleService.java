package io.flotilla.domain.device;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.common.Limits;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Device modules (IoT Hub module identities): a module becomes known when it first connects with a SAS token signed
 * by its key (see {@link #moduleKey}); each has its own twin, commands and telemetry. Modules have no capability
 * model in Flotilla, so their properties, commands and components are unmodeled (any name, any value). Every
 * operation fails with {@code NotFound} for an unknown device or module.
 */
public final class ModuleService {
  /** The most modules one device may have (Flotilla's bound, so a device cannot grow its rows without end). */
  public static final int MAX_PER_DEVICE = 50;

  private final DeviceRepository devices;
  private final ModuleRepository modules;
  private final DeviceChannel channel;
  private final TelemetryService telemetry;
  private final Clock clock;

  /** @param templates only for the modules' telemetry service (modules have no model, so nothing is looked up) */
  public ModuleService(DeviceRepository devices, ModuleRepository modules, DeviceChannel channel,
                       io.flotilla.domain.template.TemplateService templates, Clock clock) {
    this.devices = devices;
    this.modules = modules;
    this.channel = channel;
    this.telemetry = new TelemetryService(devices, templates, modules.telemetry());
    this.clock = clock;
  }

  /**
   * A module's symmetric key, derived from one of its device's keys the way DPS derives a group member's key:
   * Base64(HMAC-SHA256(key = Base64Decode(deviceKey), message = UTF-8(moduleId))). Nothing is stored.
   */
  public static String moduleKey(String deviceKeyBase64, String moduleId) {
    return SymmetricKeys.derive(deviceKeyBase64, moduleId);
  }

  /** Where module sessions hand their telemetry (latest values, written in batches by {@link TelemetryService#flush}). */
  public TelemetryService telemetry() {
    return telemetry;
  }

  /**
   * A module connected with a valid token: makes it known. Answers false when the device is gone or already has
   * {@link #MAX_PER_DEVICE} other modules (the connection is refused then).
   */
  public Future<Boolean> connected(ModuleId id) {
    return modules.register(id, MAX_PER_DEVICE, clock.instant());
  }

  /** The ids of the device's modules. */
  public Future<List<String>> list(String deviceId) {
    return device(deviceId).compose(v -> modules.list(deviceId));
  }

  /** The components a module's twin holds values of (desired or reported), in first-seen order. */
  public Future<List<String>> components(String deviceId, String moduleId) {
    return twin(deviceId, moduleId).map(twin -> {
      Set<String> names = new LinkedHashSet<>();
      PropertyView.collectComponents(twin.reported(), names);
      PropertyView.collectComponents(twin.desired(), names);
      return new ArrayList<>(names);
    });
  }

  /** The module's properties document ({@code component} null: the whole module, else one component's). */
  public Future<ObjectNode> properties(String deviceId, String moduleId, String component) {
    Limits.text("componentName", component, CommandService.MAX_NAME);
    return twin(deviceId, moduleId).map(twin -> component == null ? PropertyView.ofDevice(twin, Set.of())
        : PropertyView.scope(twin, component, Set.of()));
  }

  /**
   * Writes desired properties of the module ({@code replace}: PUT semantics) with the module twin's next desired
   * version, pushed at once to the module if it is connected. Answers the 202 echo.
   */
  public Future<ObjectNode> write(String deviceId, String moduleId, String component, ObjectNode body,
                                  boolean replace) {
    Limits.text("componentName", component, CommandService.MAX_NAME);
    ModuleId id = ModuleId.of(deviceId, moduleId);
    PropertyChanges changes = PropertyChanges.of(null, component, body, true);
    String now = clock.instant().toString();
    long[] newVersion = {0};
    ObjectNode[] desiredPatch = {null};
    return device(deviceId).compose(v -> modules.updateTwin(id, twin -> {
      PropertyChanges effective = replace ? changes.withRemovalsFrom(twin, component, null) : changes;
      Twin updated = effective.applyTo(twin, now, () -> twin.desiredVersion() + 1);
      updated.checkSize();
      newVersion[0] = updated.desiredVersion();
      desiredPatch[0] = effective.desiredPatch();
      return updated;
    })).map(t -> {
      t.orElseThrow(() -> ModuleId.notFound(deviceId, moduleId));
      if (desiredPatch[0].size() > 0) {
        channel.pushDesired(id.key(), desiredPatch[0], newVersion[0]);
      }
      return changes.echo(newVersion[0], component);
    });
  }

  /**
   * Runs a command (a direct method on the module's own connection). Fails like
   * {@link CommandService#run}: {@code Invalid} for bad timeouts, {@code NotFound("DeviceNotOnline")} when the module
   * is not connected, {@code Timeout} when it does not answer.
   */
  public Future<CommandInvocation> run(String deviceId, String moduleId, String component, String name,
                                       JsonNode request, int connectionTimeout, int responseTimeout) {
    String payload = CommandService.checkedPayload(component, name, request, connectionTimeout, responseTimeout);
    String method = component == null ? name : component + "*" + name;
    ModuleId id = ModuleId.of(deviceId, moduleId);
    return twin(deviceId, moduleId)
        .compose(v -> channel.invokeMethod(id.key(), method, payload, Duration.ofSeconds(connectionTimeout),
            Duration.ofSeconds(responseTimeout)))
        .recover(e -> Future.failedFuture(e instanceof FlotillaException.NotFound n
            && "DeviceNotOnline".equals(n.code())
            ? new FlotillaException.NotFound("DeviceNotOnline", "Module \"" + moduleId + "\" of device \"" + deviceId
                + "\" is not online.") : e))
        .compose(result -> {
          CommandInvocation done = new CommandInvocation(UUID.randomUUID().toString(), id.key(), component, name,
              connectionTimeout, responseTimeout, request, CommandService.parse(result.payloadJson()),
              result.status());
          return modules.commands().saveLatest(done).map(x -> done);
        });
  }

  /** The latest run of a module command, as a list of zero or one. */
  public Future<List<CommandInvocation>> latest(String deviceId, String moduleId, String component, String name) {
    Limits.text("commandName", name, CommandService.MAX_NAME);
    Limits.text("componentName", component, CommandService.MAX_NAME);
    return twin(deviceId, moduleId)
        .compose(v -> modules.commands().latest(ModuleId.of(deviceId, moduleId).key(), component, name))
        .map(found -> found.map(List::of).orElse(List.of()));
  }

  /** The latest value of a module telemetry; {@code NotFound} also when none arrived yet. */
  public Future<TelemetryValue> telemetry(String deviceId, String moduleId, String component, String name) {
    Limits.text("componentName", component, CommandService.MAX_NAME);
    return twin(deviceId, moduleId)
        .compose(v -> telemetry.stored(ModuleId.of(deviceId, moduleId).key(), component, name))
        .map(v -> v.orElseThrow(() -> new FlotillaException.NotFound("No value of telemetry \""
            + PropertyView.path(component, name) + "\" has been received from module \"" + moduleId
            + "\" of device \"" + deviceId + "\".")));
  }

  /** The module side of module twins, for module sessions (ids are session keys {@code {deviceId}/{moduleId}}). */
  public TwinAccess twins() {
    return new TwinAccess() {
      @Override
      public Future<ObjectNode> deviceView(String key) {
        ModuleId id = ModuleId.ofKey(key).orElseThrow();
        return modules.twin(id).map(t -> TwinService.view(t.orElseThrow(
            () -> ModuleId.notFound(id.deviceId(), id.moduleId()))));
      }

      @Override
      public Future<Long> patchReported(String key, ObjectNode patch) {
        ModuleId id = ModuleId.ofKey(key).orElseThrow();
        ObjectNode clean = TwinService.reportedPatch(patch);
        String now = clock.instant().toString();
        return modules.updateTwin(id, twin -> TwinService.withReported(twin, clean, now))
            .map(t -> t.orElseThrow(() -> ModuleId.notFound(id.deviceId(), id.moduleId())).reportedVersion());
      }
    };
  }

  private Future<Void> device(String deviceId) {
    return devices.find(deviceId).map(d -> {
      d.orElseThrow(() -> DeviceService.notFound(deviceId));
      return null;
    });
  }

  /** The module's twin: {@code NotFound} for an unknown device, then for an unknown module. */
  private Future<Twin> twin(String deviceId, String moduleId) {
    return device(deviceId).compose(v -> {
      if (!ModuleId.valid(moduleId)) {
        return Future.failedFuture(ModuleId.notFound(deviceId, moduleId));
      }
      return modules.twin(new ModuleId(deviceId, moduleId));
    }).map(t -> t.orElseThrow(() -> ModuleId.notFound(deviceId, moduleId)));
  }
}

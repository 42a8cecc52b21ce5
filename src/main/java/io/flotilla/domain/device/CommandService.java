package io.flotilla.domain.device;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.common.Limits;
import io.flotilla.domain.template.CommandCapability;
import io.flotilla.domain.template.TemplateService;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Runs commands (direct methods) on connected devices through the {@link DeviceChannel} and keeps the latest
 * invocation of each command. Commands of a device with a template must be in it; a device without template
 * takes any command.
 */
public final class CommandService {
  public static final int MAX_CONNECTION_TIMEOUT = 30;
  public static final int MIN_RESPONSE_TIMEOUT = 5;
  public static final int MAX_RESPONSE_TIMEOUT = 30;
  /** The largest command request, in characters of JSON (IoT Hub's limit for a direct method's payload). */
  /** Command and component names (a template's are at most 64 characters; a device without one takes any). */
  static final int MAX_NAME = 128;
  public static final int MAX_REQUEST = 128 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final DeviceRepository devices;
  private final TemplateService templates;
  private final DeviceChannel channel;
  private final CommandRepository history;
  private final QueuedCommands queued;

  public CommandService(DeviceRepository devices, TemplateService templates, DeviceChannel channel,
                        CommandRepository history, QueuedCommands queued) {
    this.devices = devices;
    this.templates = templates;
    this.channel = channel;
    this.history = history;
    this.queued = queued;
  }

  /**
   * Runs a command. Fails with {@code NotFound} for an unknown device, {@code Invalid} for a command not in the
   * template or a timeout out of range, {@code NotFound("DeviceNotOnline")} when the device is not online (after
   * waiting {@code connectionTimeout} seconds), {@code Timeout} when it does not answer in {@code responseTimeout}.
   */
  public Future<CommandInvocation> run(String deviceId, String component, String name, JsonNode request,
                                       int connectionTimeout, int responseTimeout) {
    String method = component == null ? name : component + "*" + name;
    String payload = checkedPayload(component, name, request, connectionTimeout, responseTimeout);
    return checkCommand(deviceId, component, name)
        .compose(cap -> cap.filter(CommandCapability::durable).isPresent()
            ? enqueue(deviceId, component, name, request, connectionTimeout, responseTimeout, cap.get())
            : invoke(deviceId, component, name, request, connectionTimeout, responseTimeout, method, payload));
  }

  /**
   * A durable command ("Queue if offline") goes to the device as a cloud-to-device message, at once if it is
   * subscribed, else when it next subscribes (within the command's time to live); its history says queued.
   */
  private Future<CommandInvocation> enqueue(String deviceId, String component, String name, JsonNode request,
                                            int connectionTimeout, int responseTimeout, CommandCapability cap) {
    String id = UUID.randomUUID().toString();
    return queued.enqueue(id, deviceId, component, name, request, cap.timeToLive(), null).compose(m -> {
      CommandInvocation inv = new CommandInvocation(id, deviceId, component, name, connectionTimeout, responseTimeout,
          request, null, 0, new CommandInvocation.Queued(m.messageId(), CommandInvocation.QueueState.QUEUED,
              m.expiresAt(), m.enqueuedAt()));
      return history.saveLatest(inv).compose(x -> queued.send(m)).map(x -> inv);
    });
  }

  private Future<CommandInvocation> invoke(String deviceId, String component, String name, JsonNode request,
                                           int connectionTimeout, int responseTimeout, String method, String payload) {
    return Future.<Void>succeededFuture()
        .compose(v -> channel.invokeMethod(deviceId, method, payload, Duration.ofSeconds(connectionTimeout),
            Duration.ofSeconds(responseTimeout)))
        .compose(result -> {
          CommandInvocation done = new CommandInvocation(UUID.randomUUID().toString(), deviceId, component, name,
              connectionTimeout, responseTimeout, request, parse(result.payloadJson()), result.status());
          return history.saveLatest(done).map(x -> done);
        });
  }

  /**
   * The request's payload as sent to the device, once the timeouts, names and size are checked; fails with
   * {@code Invalid} (thrown) otherwise.
   */
  static String checkedPayload(String component, String name, JsonNode request, int connectionTimeout,
                               int responseTimeout) {
    if (connectionTimeout < 0 || connectionTimeout > MAX_CONNECTION_TIMEOUT) {
      throw new FlotillaException.Invalid("\"connectionTimeout\" must be between 0 and " + MAX_CONNECTION_TIMEOUT + ".");
    }
    if (responseTimeout < MIN_RESPONSE_TIMEOUT || responseTimeout > MAX_RESPONSE_TIMEOUT) {
      throw new FlotillaException.Invalid("\"responseTimeout\" must be between " + MIN_RESPONSE_TIMEOUT + " and "
          + MAX_RESPONSE_TIMEOUT + ".");
    }
    Limits.text("commandName", name, MAX_NAME);
    Limits.text("componentName", component, MAX_NAME);
    String payload = request == null || request.isMissingNode() ? "" : request.toString();
    if (payload.length() > MAX_REQUEST) {
      throw new FlotillaException.Invalid("\"request\" must be at most " + MAX_REQUEST + " characters of JSON (it has "
          + payload.length() + ").");
    }
    return payload;
  }

  /** The latest invocation as a list of zero or one; fails like {@link #run} for an unknown device or command. */
  public Future<List<CommandInvocation>> latest(String deviceId, String component, String name) {
    return checkCommand(deviceId, component, name)
        .compose(v -> history.latest(deviceId, component, name))
        .map(found -> found.map(queued::asOfNow).map(List::of).orElse(List.of()));
  }

  /** The command as the device's template defines it (empty: the device has no template, or it is gone). */
  private Future<Optional<CommandCapability>> checkCommand(String deviceId, String component, String name) {
    return devices.find(deviceId).compose(found -> {
      Device device = found.orElseThrow(() -> DeviceService.notFound(deviceId));
      if (device.templateId() == null) {
        return Future.succeededFuture(Optional.empty());
      }
      return templates.find(device.templateId()).map(t -> {
        if (t.isEmpty()) {
          return Optional.<CommandCapability>empty();
        }
        Optional<CommandCapability> cap = t.get().model().command(component, name);
        if (cap.isEmpty()) {
          throw new FlotillaException.Invalid("Command \"" + PropertyView.path(component, name)
              + "\" is not in the device's template.");
        }
        return cap;
      });
    });
  }

  static JsonNode parse(String payload) {
    if (payload == null || payload.isBlank()) {
      return null;
    }
    try {
      return JSON.readTree(payload);
    } catch (JsonProcessingException e) {
      return TextNode.valueOf(payload);
    }
  }
}

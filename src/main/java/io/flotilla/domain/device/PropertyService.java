package io.flotilla.domain.device;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.template.CapabilityModel;
import io.flotilla.domain.template.ComponentCapability;
import io.flotilla.domain.template.DeviceTemplate;
import io.flotilla.domain.template.PropertyCapability;
import io.flotilla.domain.template.TemplateService;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Device properties through the REST API: writable properties become desired values with a new twin version
 * (pushed at once to a connected device), cloud properties are stored; everything is checked against the template.
 */
public final class PropertyService {
  private final DeviceRepository devices;
  private final TemplateService templates;
  private final DeviceChannel channel;
  private final Clock clock;

  public PropertyService(DeviceRepository devices, TemplateService templates, DeviceChannel channel, Clock clock) {
    this.devices = devices;
    this.templates = templates;
    this.channel = channel;
    this.clock = clock;
  }

  /** The properties document of the device ({@code component} null) or of one component, unmodeled ones included. */
  public Future<ObjectNode> get(String deviceId, String component) {
    return get(deviceId, component, true);
  }

  /**
   * The properties document of the device ({@code component} null) or of one component; {@code unmodeled}: also the
   * properties the device's template does not define (all of them for a device without template).
   */
  public Future<ObjectNode> get(String deviceId, String component, boolean unmodeled) {
    return modelOf(deviceId, false).compose(model -> {
      checkComponent(model, component);
      return devices.twin(deviceId).map(t -> {
        Twin twin = t.orElseThrow(() -> DeviceService.notFound(deviceId));
        Set<String> components = componentNames(model);
        ObjectNode doc = component == null ? PropertyView.ofDevice(twin, components)
            : PropertyView.scope(twin, component, components);
        return unmodeled ? doc : PropertyView.modeledOnly(doc, model, component);
      });
    });
  }

  /**
   * Writes properties ({@code replace}: PUT semantics, values of the scope not in {@code body} are removed).
   * Fails with {@code Invalid} for a device without template, a property not in the template, a read-only
   * property or a value that does not fit the schema; nothing is changed then.
   */
  public Future<ObjectNode> write(String deviceId, String component, ObjectNode body, boolean replace) {
    return write(deviceId, component, body, replace, false);
  }

  /**
   * As {@link #write(String, String, ObjectNode, boolean)}; {@code unmodeled}: properties the template does not
   * define (or of a device without template) are accepted too, as desired properties with unchecked values.
   */
  public Future<ObjectNode> write(String deviceId, String component, ObjectNode body, boolean replace,
                                  boolean unmodeled) {
    return modelOf(deviceId, !unmodeled).compose(model -> {
      checkComponent(model, component);
      PropertyChanges changes = PropertyChanges.of(model, component, body, unmodeled);
      String now = clock.instant().toString();
      long[] newVersion = {0};
      ObjectNode[] desiredPatch = {null};
      return devices.updateTwin(deviceId, (twin, versions) -> {
        PropertyChanges effective = replace ? changes.withRemovalsFrom(twin, component, model) : changes;
        Twin updated = effective.applyTo(twin, now, versions);
        updated.checkSize();
        newVersion[0] = updated.desiredVersion();
        desiredPatch[0] = effective.desiredPatch();
        return updated;
      }).map(t -> {
        t.orElseThrow(() -> DeviceService.notFound(deviceId));
        if (desiredPatch[0] != null && desiredPatch[0].size() > 0) {
          channel.pushDesired(deviceId, desiredPatch[0], newVersion[0]);
        }
        return changes.echo(newVersion[0], component);
      });
    });
  }

  private Future<CapabilityModel> modelOf(String deviceId, boolean required) {
    return devices.find(deviceId).compose(d -> {
      Device device = d.orElseThrow(() -> DeviceService.notFound(deviceId));
      if (device.templateId() == null) {
        if (required) {
          throw new FlotillaException.Invalid("Device \"" + deviceId
              + "\" has no device template, so it has no writable properties.");
        }
        return Future.succeededFuture((CapabilityModel) null);
      }
      return templates.find(device.templateId()).map(t -> t.map(DeviceTemplate::model).orElse(null));
    });
  }

  private static void checkComponent(CapabilityModel model, String component) {
    if (component != null && (model == null || model.component(component).isEmpty())) {
      throw new FlotillaException.NotFound("Component \"" + component + "\" is not in the device's template.");
    }
  }

  private static Set<String> componentNames(CapabilityModel model) {
    return model == null ? Set.of()
        : model.components().stream().map(ComponentCapability::name).collect(Collectors.toSet());
  }

  /** Checks a property write against the model: answers the capability or fails with {@code Invalid}. */
  static PropertyCapability writable(CapabilityModel model, String component, String name, JsonNode value) {
    PropertyCapability p = model.property(component, name).orElseThrow(() -> new FlotillaException.Invalid(
        "Property \"" + PropertyView.path(component, name) + "\" is not in the device's template."));
    if (!p.writableFromApi()) {
      throw new FlotillaException.Invalid("Property \"" + PropertyView.path(component, name)
          + "\" is read-only: only writable and cloud properties can be set.");
    }
    if (!value.isNull()) {
      p.schema().check(value, PropertyView.path(component, name));
    }
    return p;
  }

}

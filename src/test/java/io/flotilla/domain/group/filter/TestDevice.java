package io.flotilla.domain.group.filter;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A device for filter tests; build with {@link #device(String)} and the {@code with*} methods. */
public record TestDevice(String id, String template, String displayName, boolean simulated, boolean provisioned,
    boolean enabled, Map<String, Object> properties) implements FilterSubject {

  public static TestDevice device(String id) {
    return new TestDevice(id, null, id, false, false, true, Map.of());
  }

  public TestDevice withTemplate(String value) {
    return new TestDevice(id, value, displayName, simulated, provisioned, enabled, properties);
  }

  public TestDevice withDisplayName(String value) {
    return new TestDevice(id, template, value, simulated, provisioned, enabled, properties);
  }

  public TestDevice asSimulated() {
    return new TestDevice(id, template, displayName, true, provisioned, enabled, properties);
  }

  public TestDevice asProvisioned() {
    return new TestDevice(id, template, displayName, simulated, true, enabled, properties);
  }

  public TestDevice asDisabled() {
    return new TestDevice(id, template, displayName, simulated, provisioned, false, properties);
  }

  public TestDevice with(String property, Object value) {
    Map<String, Object> copy = new LinkedHashMap<>(properties);
    copy.put(property, value);
    return new TestDevice(id, template, displayName, simulated, provisioned, enabled, copy);
  }

  @Override
  public Optional<Object> property(String name) {
    return Optional.ofNullable(properties.get(name));
  }
}

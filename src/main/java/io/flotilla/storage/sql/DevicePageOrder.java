package io.flotilla.storage.sql;

import io.flotilla.domain.group.filter.Condition;
import io.flotilla.domain.group.filter.DeviceFilter;
import io.flotilla.domain.group.filter.Literal;
import io.flotilla.domain.group.filter.Operator;
import io.flotilla.domain.group.filter.PropertyField;
import io.flotilla.domain.group.filter.SystemField;
import java.util.List;
import java.util.Optional;

/**
 * The ORDER BY of a keyset page of devices. Pages are always in id order; when the filter pins an indexed column
 * to one value ({@code $template = "x"}, {@code $simulated = true}, ... at the top level or inside a top-level AND),
 * ordering by {@code (column, id)} gives the same order and lets the database walk the {@code (column, id)} index
 * instead of sorting every match (H2 does not see that on its own): a page costs the same at 10 devices or 1,000,000.
 */
final class DevicePageOrder {
  private DevicePageOrder() {
  }

  static String of(DeviceFilter filter) {
    return pinnedColumn(filter).map(c -> c + ", d.id").orElse("d.id");
  }

  static Optional<String> pinnedColumn(DeviceFilter filter) {
    if (filter == null) {
      return Optional.empty();
    }
    Condition c = filter.condition();
    List<Condition> parts = c instanceof Condition.And and ? and.conditions() : List.of(c);
    for (SystemField preferred : List.of(SystemField.TEMPLATE, SystemField.SIMULATED, SystemField.PROVISIONED,
        SystemField.ENABLED)) {
      for (Condition part : parts) {
        if (part instanceof Condition.Comparison cmp && cmp.field() == preferred
            && cmp.operator() == Operator.EQUAL) {
          return Optional.of(column(preferred));
        }
      }
    }
    return Optional.empty();
  }

  /** A top-level property equality that can drive a page from {@code device_property_values}. */
  record PropertyPin(String name, String column, Object value) {
  }

  /**
   * A property compared with {@code =} to a literal at the top level (or inside a top-level AND): a page of such a
   * filter walks the {@code (name, value, device_id)} index of the property values, however sparse the matches.
   */
  static Optional<PropertyPin> pinnedProperty(DeviceFilter filter) {
    if (filter == null) {
      return Optional.empty();
    }
    Condition c = filter.condition();
    List<Condition> parts = c instanceof Condition.And and ? and.conditions() : List.of(c);
    for (Condition part : parts) {
      if (part instanceof Condition.Comparison cmp && cmp.operator() == Operator.EQUAL
          && cmp.field() instanceof PropertyField p) {
        Literal l = cmp.literal();
        if (l instanceof Literal.Text t) {
          return Optional.of(new PropertyPin(p.name(), "str_value", t.value()));
        }
        if (l instanceof Literal.Numeric n) {
          return Optional.of(new PropertyPin(p.name(), "num_value", n.value().doubleValue()));
        }
        if (l instanceof Literal.Bool b) {
          return Optional.of(new PropertyPin(p.name(), "bool_value", b.value()));
        }
      }
    }
    return Optional.empty();
  }

  private static String column(SystemField f) {
    switch (f) {
      case TEMPLATE:
        return "d.template_id";
      case SIMULATED:
        return "d.simulated";
      case PROVISIONED:
        return "d.provisioned";
      default:
        return "d.enabled";
    }
  }
}

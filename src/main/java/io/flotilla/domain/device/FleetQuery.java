package io.flotilla.domain.device;

import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.flotilla.domain.group.filter.Condition;
import io.flotilla.domain.group.filter.DeviceFilter;
import io.flotilla.domain.group.filter.Literal;
import io.flotilla.domain.group.filter.SystemField;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Pages and counts of devices by a group filter and their connection now (the console's device table). Connected
 * devices are known from {@link DeviceActivity}, in id order, so "online" pages walk the connected ids in slices and
 * "offline" pages walk the filter's matches skipping connected ones; either reads at most {@value #ROUNDS} slices per
 * page and may answer a short page with a next key, never an unbounded scan.
 */
public final class FleetQuery {
  /** Ids looked up in one {@code $id IN [...]} query. */
  static final int SLICE = 500;
  /** Most reads for one page. */
  static final int ROUNDS = 20;

  /** Which devices by their connection. */
  public enum Connection {
    ANY, ONLINE, OFFLINE;

    /** {@code online}, {@code offline} or null (any); anything else is a 400. */
    public static Connection parse(String s) {
      if (s == null || s.isEmpty()) {
        return ANY;
      }
      return switch (s) {
        case "online" -> ONLINE;
        case "offline" -> OFFLINE;
        default -> throw new FlotillaException.Invalid("\"connection\" must be online or offline.");
      };
    }
  }

  /** A device and whether it is connected now. */
  public record Listed(Device device, boolean connected) {
  }

  private final DeviceRepository devices;
  private final DeviceActivity activity;

  public FleetQuery(DeviceRepository devices, DeviceActivity activity) {
    this.devices = devices;
    this.activity = activity;
  }

  /** One keyset page of the devices matching {@code filter} (null: all) and {@code connection}, in id order. */
  public Future<Page<Listed>> list(DeviceFilter filter, Connection connection, PageRequest page) {
    return switch (connection) {
      case ANY -> devices.list(filter, page).map(p -> p.map(this::listed));
      case ONLINE -> online(filter, page, page.after(), new ArrayList<>(), 0);
      case OFFLINE -> offline(filter, page, page.after(), new ArrayList<>(), 0);
    };
  }

  /** How many devices match {@code filter} (null: all) and {@code connection}. */
  public Future<Long> count(DeviceFilter filter, Connection connection) {
    return switch (connection) {
      case ANY -> devices.count(filter);
      case ONLINE -> countOnline(filter, null, 0L);
      case OFFLINE -> devices.count(filter).compose(all -> countOnline(filter, null, 0L).map(on -> all - on));
    };
  }

  private Listed listed(Device d) {
    return new Listed(d, activity.isConnected(d.id()));
  }

  private Future<Page<Listed>> online(DeviceFilter filter, PageRequest page, String after, List<Listed> found,
                                      int round) {
    List<String> ids = activity.connectedAfter(after, SLICE);
    if (ids.isEmpty()) {
      return Future.succeededFuture(new Page<>(List.copyOf(found), Optional.empty()));
    }
    String last = ids.get(ids.size() - 1);
    return devices.list(among(filter, ids), PageRequest.first(SLICE)).compose(p -> {
      for (Device d : p.items()) {
        if (found.size() == page.limit()) {
          return Future.succeededFuture(new Page<>(List.copyOf(found), Optional.of(found.get(found.size() - 1)
              .device().id())));
        }
        found.add(new Listed(d, true));
      }
      boolean exhausted = ids.size() < SLICE;
      if (exhausted) {
        return Future.succeededFuture(new Page<>(List.copyOf(found), Optional.empty()));
      }
      if (round + 1 >= ROUNDS) {
        return Future.succeededFuture(new Page<>(List.copyOf(found), Optional.of(last)));
      }
      return online(filter, page, last, found, round + 1);
    });
  }

  private Future<Page<Listed>> offline(DeviceFilter filter, PageRequest page, String after, List<Listed> found,
                                       int round) {
    return devices.list(filter, new PageRequest(after, SLICE)).compose(p -> {
      for (Device d : p.items()) {
        if (activity.isConnected(d.id())) {
          continue;
        }
        if (found.size() == page.limit()) {
          return Future.succeededFuture(new Page<>(List.copyOf(found), Optional.of(found.get(found.size() - 1)
              .device().id())));
        }
        found.add(new Listed(d, false));
      }
      if (p.nextKey().isEmpty()) {
        return Future.succeededFuture(new Page<>(List.copyOf(found), Optional.empty()));
      }
      if (round + 1 >= ROUNDS) {
        return Future.succeededFuture(new Page<>(List.copyOf(found), p.nextKey()));
      }
      return offline(filter, page, p.nextKey().get(), found, round + 1);
    });
  }

  private Future<Long> countOnline(DeviceFilter filter, String after, long sum) {
    List<String> ids = activity.connectedAfter(after, SLICE);
    if (ids.isEmpty()) {
      return Future.succeededFuture(sum);
    }
    if (filter == null && after == null) {
      return Future.succeededFuture((long) activity.connectedCount());
    }
    return devices.count(among(filter, ids)).compose(n -> ids.size() < SLICE
        ? Future.succeededFuture(sum + n) : countOnline(filter, ids.get(ids.size() - 1), sum + n));
  }

  /** {@code filter} narrowed to the devices {@code ids}. */
  static DeviceFilter among(DeviceFilter filter, List<String> ids) {
    Condition in = new Condition.InList(SystemField.ID, ids.stream().<Literal>map(Literal.Text::new).toList());
    if (filter == null || filter.condition() instanceof Condition.MatchAll) {
      return new DeviceFilter("$id IN [...]", in);
    }
    List<Condition> all = new ArrayList<>();
    all.add(in);
    if (filter.condition() instanceof Condition.And and) {
      all.addAll(and.conditions());
    } else {
      all.add(filter.condition());
    }
    return new DeviceFilter(filter.text() + " AND $id IN [...]", new Condition.And(all));
  }
}

package io.flotilla.domain.group;

import io.flotilla.domain.group.filter.DeviceFilter;
import java.util.List;

/** A named, dynamic set of devices: whoever matches {@code filter} when the group is read or used. */
public record DeviceGroup(String id, String displayName, String description, DeviceFilter filter, String etag,
                          List<String> organizations) {
}

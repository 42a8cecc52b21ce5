package io.flotilla.domain.device;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.common.MergePatch;

/**
 * The device twin plus cloud properties. {@code desired}/{@code reported} are the documents devices see (without
 * {@code $version}); the metadata documents map a property path to {@code {desiredVersion|lastUpdateTime}}.
 */
public record Twin(ObjectNode desired, long desiredVersion, ObjectNode desiredMetadata,
                   ObjectNode reported, long reportedVersion, ObjectNode reportedMetadata,
                   ObjectNode cloud, ObjectNode cloudMetadata) {

  /**
   * The twin after a desired patch ({@code null} members delete; component objects carry {@code "__t": "c"}) given
   * {@code version}: each patched property's metadata records that version and {@code at}.
   */
  public Twin withDesiredPatch(ObjectNode patch, long version, String at) {
    ObjectNode meta = desiredMetadata.deepCopy();
    patch.fields().forEachRemaining(e -> {
      JsonNode v = e.getValue();
      if (v.isObject() && v.has(PropertyView.COMPONENT_MARKER)) {
        v.fields().forEachRemaining(c -> {
          if (!c.getKey().equals(PropertyView.COMPONENT_MARKER)) {
            stamp(meta, e.getKey() + "." + c.getKey(), c.getValue(), version, at);
          }
        });
      } else {
        stamp(meta, e.getKey(), v, version, at);
      }
    });
    return new Twin(MergePatch.apply(desired, patch), Math.max(version, desiredVersion), meta, reported,
        reportedVersion, reportedMetadata, cloud, cloudMetadata);
  }

  private static void stamp(ObjectNode meta, String path, JsonNode value, long version, String at) {
    if (value.isNull()) {
      meta.remove(path);
    } else {
      meta.putObject(path).put("desiredVersion", version).put("lastUpdateTime", at);
    }
  }

  public static Twin empty() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    return new Twin(f.objectNode(), 1, f.objectNode(), f.objectNode(), 1, f.objectNode(), f.objectNode(),
        f.objectNode());
  }
}

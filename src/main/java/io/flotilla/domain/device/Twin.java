package io.flotilla.domain.device;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.common.Limits;

/**
 * The device twin plus cloud properties. {@code desired}/{@code reported} are the documents devices see (without
 * {@code $version}); the metadata documents map a property path to {@code {desiredVersion|lastUpdateTime}}.
 */
public record Twin(ObjectNode desired, long desiredVersion, ObjectNode desiredMetadata,
                   ObjectNode reported, long reportedVersion, ObjectNode reportedMetadata,
                   ObjectNode cloud, ObjectNode cloudMetadata) {

  /**
   * The twin after a property job's desired patch given {@code version}, property by property: a property takes the
   * patch's value only if its own recorded desired version is older (a later write of that property, or its later
   * removal, wins however late this patch is folded in). Component objects carry {@code "__t": "c"}.
   */
  public Twin withDesiredPatch(ObjectNode patch, long version, String at) {
    ObjectNode newDesired = desired.deepCopy();
    ObjectNode meta = desiredMetadata.deepCopy();
    patch.fields().forEachRemaining(e -> {
      JsonNode v = e.getValue();
      if (v.isObject() && v.has(PropertyView.COMPONENT_MARKER)) {
        v.fields().forEachRemaining(c -> {
          if (!c.getKey().equals(PropertyView.COMPONENT_MARKER)) {
            String path = e.getKey() + "." + c.getKey();
            if (newer(meta, path, version)) {
              JsonNode level = newDesired.get(e.getKey());
              ObjectNode comp = level instanceof ObjectNode o ? o : newDesired.putObject(e.getKey());
              comp.put(PropertyView.COMPONENT_MARKER, "c");
              comp.set(c.getKey(), c.getValue().deepCopy());
              meta.putObject(path).put("desiredVersion", version).put("lastUpdateTime", at);
            }
          }
        });
      } else if (newer(meta, e.getKey(), version)) {
        newDesired.set(e.getKey(), v.deepCopy());
        meta.putObject(e.getKey()).put("desiredVersion", version).put("lastUpdateTime", at);
      }
    });
    return new Twin(newDesired, Math.max(version, desiredVersion), meta, reported, reportedVersion,
        reportedMetadata, cloud, cloudMetadata);
  }

  /**
   * Fails with {@code Invalid} when a document would outgrow what is stored of it ({@link Limits#DOCUMENT}
   * characters each): checked before a REST write reaches the database.
   */
  public void checkSize() {
    check("desired properties", desired);
    check("desired properties' metadata", desiredMetadata);
    check("cloud properties", cloud);
    check("cloud properties' metadata", cloudMetadata);
  }

  private static void check(String what, ObjectNode doc) {
    String text = doc.toString();
    if (text.length() > Limits.DOCUMENT) {
      throw new FlotillaException.Invalid("The device's " + what + " would take " + text.length()
          + " characters of JSON, more than the " + Limits.DOCUMENT + " allowed.");
    }
  }

  private static boolean newer(ObjectNode meta, String path, long version) {
    return version > meta.path(path).path("desiredVersion").asLong(0);
  }

  /** Metadata key of the desired version a twin was created at: property-job rows at or below it predate it. */
  public static final String BASELINE = "$baseline";

  /** The version the twin was created at (0 for twins created before baselines were recorded). */
  public long baseline() {
    return desiredMetadata.path(BASELINE).path("desiredVersion").asLong(0);
  }

  /** A new device's twin: its desired version, recorded as its baseline, comes from the version sequence. */
  public static Twin created(long version) {
    Twin e = empty();
    ObjectNode meta = e.desiredMetadata();
    meta.putObject(BASELINE).put("desiredVersion", version);
    return new Twin(e.desired(), version, meta, e.reported(), e.reportedVersion(), e.reportedMetadata(), e.cloud(),
        e.cloudMetadata());
  }

  public static Twin empty() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    return new Twin(f.objectNode(), 1, f.objectNode(), f.objectNode(), 1, f.objectNode(), f.objectNode(),
        f.objectNode());
  }
}

package io.flotilla.domain.device;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The device twin plus cloud properties. {@code desired}/{@code reported} are the documents devices see (without
 * {@code $version}); the metadata documents map a property path to {@code {desiredVersion|lastUpdateTime}}.
 */
public record Twin(ObjectNode desired, long desiredVersion, ObjectNode desiredMetadata,
                   ObjectNode reported, long reportedVersion, ObjectNode reportedMetadata,
                   ObjectNode cloud, ObjectNode cloudMetadata) {

  public static Twin empty() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    return new Twin(f.objectNode(), 1, f.objectNode(), f.objectNode(), 1, f.objectNode(), f.objectNode(),
        f.objectNode());
  }
}

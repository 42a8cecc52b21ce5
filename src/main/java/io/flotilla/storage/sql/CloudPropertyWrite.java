package io.flotilla.storage.sql;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.common.MergePatch;
import io.flotilla.domain.device.Twin;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/** A cloud-property job's write on one device: merge the values into the cloud document and re-index them. */
final class CloudPropertyWrite {
  private CloudPropertyWrite() {
  }

  static void apply(Connection c, String deviceId, ObjectNode patch, Instant now) throws SQLException {
    Optional<Twin> found = TwinRows.find(c, deviceId, true);
    if (found.isEmpty()) {
      return;
    }
    Twin t = found.get();
    ObjectNode meta = t.cloudMetadata().deepCopy();
    patch.fields().forEachRemaining(e -> {
      if (e.getValue().isObject() && e.getValue().has("__t")) {
        e.getValue().fields().forEachRemaining(f -> {
          if (!f.getKey().equals("__t")) {
            meta.putObject(e.getKey() + "." + f.getKey()).put("lastUpdateTime", now.toString());
          }
        });
      } else {
        meta.putObject(e.getKey()).put("lastUpdateTime", now.toString());
      }
    });
    Twin updated = new Twin(t.desired(), t.desiredVersion(), t.desiredMetadata(), t.reported(), t.reportedVersion(),
        t.reportedMetadata(), MergePatch.apply(t.cloud(), patch), meta);
    TwinRows.update(c, deviceId, updated);
    PropertyIndex.refresh(c, deviceId, t, updated);
  }
}

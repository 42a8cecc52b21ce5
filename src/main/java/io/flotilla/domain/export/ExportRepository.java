package io.flotilla.domain.export;

import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

/**
 * Storage of data-export destinations and exports (port). Lists are keyset pages in id order. Deleting either also
 * drops its messages not yet delivered.
 */
public interface ExportRepository {
  /** Creates or replaces the destination; answers whether it existed. */
  Future<Boolean> putDestination(ExportDestination destination);

  Future<Optional<ExportDestination>> destination(String id);

  Future<Page<ExportDestination>> destinations(PageRequest page);

  /** Every destination (the dispatcher's lanes). */
  Future<List<ExportDestination>> allDestinations();

  /** Deletes the destination; answers whether it existed. */
  Future<Boolean> deleteDestination(String id);

  /** Creates or replaces the export (its destinations in the order given); answers whether it existed. */
  Future<Boolean> putExport(DataExport export);

  Future<Optional<DataExport>> export(String id);

  Future<Page<DataExport>> exports(PageRequest page);

  /** The exports that send to destination {@code destinationId}. */
  Future<Page<DataExport>> exportsTo(String destinationId, PageRequest page);

  /** Every enabled export (what events are routed by). */
  Future<List<DataExport>> enabledExports();

  /** Deletes the export; answers whether it existed. */
  Future<Boolean> deleteExport(String id);
}

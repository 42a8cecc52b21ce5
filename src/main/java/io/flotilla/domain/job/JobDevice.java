package io.flotilla.domain.job;

import java.time.Instant;
import java.util.List;

/**
 * A device's entry in a job as clients read it: its current row, every attempt made (oldest first; empty before the
 * first, and for a device failed at expansion), and when a waiting device is next tried (or its connection deadline).
 */
public record JobDevice(DeviceResult result, List<Attempt> attempts, Instant nextAttempt) {
}

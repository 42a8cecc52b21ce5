package io.flotilla.storage.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.device.Attestation;
import io.flotilla.domain.device.CommandInvocation;
import io.flotilla.domain.device.CommandQueue;
import io.flotilla.domain.device.Device;
import io.flotilla.domain.device.QueuedCommand;
import io.flotilla.storage.sql.SqlCommandQueue;
import io.flotilla.storage.sql.SqlCommandRepository;
import io.flotilla.storage.sql.SqlDeviceRepository;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What {@link CommandQueue} promises, on every database: order, bound, delivery count, delivery, expiry. */
abstract class CommandQueueContract extends RepositoryContract {
  static final Instant T = Instant.parse("2030-05-06T07:08:09.123456Z");

  SqlCommandQueue queue;
  SqlCommandRepository history;
  SqlDeviceRepository devices;

  @BeforeEach
  void repositories() {
    queue = new SqlCommandQueue(db);
    history = new SqlCommandRepository(db);
    devices = new SqlDeviceRepository(db);
  }

  void device(String id) {
    await(devices.insert(new Device(id, id, null, true, false, false, "\"e\"", List.of()), Attestation.generated()));
  }

  static QueuedCommand message(String id, String device, String body, Duration ttl, String job) {
    return new QueuedCommand(id, device, null, "reboot", body, T, T.plus(ttl), 0, job);
  }

  @Test
  void messagesWaitInOrderAndEachDeliveryIsCounted() {
    device("d");
    await(queue.enqueue(message("m1", "d", UNICODE, Duration.ofHours(1), null), 50, T));
    await(queue.enqueue(new QueuedCommand("m2", "d", "pump", "flush", "{\"a\":1}", T, T.plusSeconds(60), 0, "j"),
        50, T));
    assertThat(await(queue.waiting("d"))).extracting(QueuedCommand::messageId).containsExactly("m1", "m2");
    List<QueuedCommand> sent = await(queue.takeForDelivery("d", T.plusSeconds(1)));
    assertThat(sent).extracting(QueuedCommand::deliveryCount).containsExactly(1, 1);
    assertThat(sent.get(0).body()).isEqualTo(UNICODE);
    assertThat(sent.get(1).component()).isEqualTo("pump");
    assertThat(sent.get(1).jobId()).isEqualTo("j");
    assertThat(sent.get(1).expiresAt()).isEqualTo(T.plusSeconds(60));
    await(queue.countDelivery("d", "m2"));
    assertThat(await(queue.waiting("d"))).extracting(QueuedCommand::deliveryCount).containsExactly(1, 2);
  }

  @Test
  void aDeliveredMessageLeavesAndTheHistorySaysDelivered() {
    device("d");
    await(history.saveLatest(new CommandInvocation("m1", "d", null, "reboot", 0, 30, null, null, 0,
        new CommandInvocation.Queued("m1", CommandInvocation.QueueState.QUEUED, T.plusSeconds(3600), T))));
    await(queue.enqueue(message("m1", "d", "5", Duration.ofHours(1), "j"), 50, T));
    await(queue.enqueue(message("m2", "d", "6", Duration.ofHours(1), "j"), 50, T));
    var delivered = await(queue.delivered("d", "m1", T.plusSeconds(5)));
    assertThat(delivered).hasValueSatisfying(d -> {
      assertThat(d.message().body()).isEqualTo("5");
      assertThat(d.jobMessagesLeft()).isEqualTo(1);
    });
    assertThat(await(queue.delivered("d", "m1", T.plusSeconds(6)))).as("a second PUBACK").isEmpty();
    assertThat(await(queue.waiting("d"))).extracting(QueuedCommand::messageId).containsExactly("m2");
    CommandInvocation.Queued q = await(history.latest("d", null, "reboot")).orElseThrow().queued();
    assertThat(q.state()).isEqualTo(CommandInvocation.QueueState.DELIVERED);
    assertThat(q.updatedAt()).isEqualTo(T.plusSeconds(5));
    assertThat(q.expiresAt()).isEqualTo(T.plusSeconds(3600));
  }

  @Test
  void expiredMessagesAreDroppedNotSentAndMarkedExpired() {
    device("d");
    await(history.saveLatest(new CommandInvocation("old", "d", null, "reboot", 0, 30, null, null, 0,
        new CommandInvocation.Queued("old", CommandInvocation.QueueState.QUEUED, T.plusSeconds(60), T))));
    await(queue.enqueue(message("old", "d", "1", Duration.ofSeconds(60), null), 50, T));
    await(queue.enqueue(message("new", "d", "2", Duration.ofHours(2), null), 50, T));
    assertThat(await(queue.takeForDelivery("d", T.plusSeconds(61)))).extracting(QueuedCommand::messageId)
        .containsExactly("new");
    assertThat(await(history.latest("d", null, "reboot")).orElseThrow().queued().state())
        .isEqualTo(CommandInvocation.QueueState.EXPIRED);
  }

  @Test
  void theBoundCountsLiveMessagesOnlyAndUnknownDevicesAreRefused() {
    device("d");
    for (int i = 0; i < 3; i++) {
      await(queue.enqueue(message("m" + i, "d", "x", i == 0 ? Duration.ofSeconds(10) : Duration.ofHours(1), null),
          3, T));
    }
    assertThatThrownBy(() -> await(queue.enqueue(message("m3", "d", "x", Duration.ofHours(1), null), 3, T)))
        .isInstanceOf(FlotillaException.Conflict.class)
        .satisfies(e -> assertThat(((FlotillaException) e).code()).isEqualTo("DeviceMaximumQueueDepthExceeded"));
    // once the first expired, there is room again
    await(queue.enqueue(message("m3", "d", "x", Duration.ofHours(1), null), 3, T.plusSeconds(11)));
    assertThat(await(queue.waiting("d"))).extracting(QueuedCommand::messageId).containsExactly("m1", "m2", "m3");
    assertThatThrownBy(() -> await(queue.enqueue(message("z", "nobody", "x", Duration.ofHours(1), null), 3, T)))
        .isInstanceOf(FlotillaException.NotFound.class);
  }
}

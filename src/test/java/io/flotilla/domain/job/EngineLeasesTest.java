package io.flotilla.domain.job;

import static io.flotilla.domain.job.EngineFixture.await;
import static io.flotilla.domain.job.EngineFixture.reboot;
import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.domain.job.JobBatch.Measure;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Leases between engines on one database, with the clock ticked by hand: which engine may take over which devices,
 * and when. (The crash of this node's own engine is in {@link JobEngineTest}.)
 */
class EngineLeasesTest {
  private EngineFixture f;

  @BeforeEach
  void setUp() throws Exception {
    f = new EngineFixture();
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  private void tick(JobEngine engine) {
    await(engine.tick());
  }

  @Test
  void anotherNodesDevicesAreInterruptedOnlyOnceItsLeaseExpiredAndItsLateAnswersAreDropped() {
    List<String> ids = f.fleet("n", 4, EngineFixture.TRUCK);
    f.channel.online.addAll(ids);
    f.channel.hold = true;
    f.create("j", "n", reboot(), null, null);
    f.tickUntil(() -> f.channel.held.size() == 4, 20); // node "test" sent all four; their answers are held
    JobEngine other = f.engineOf("other");
    await(other.recover());

    // the first node stops (no more ticks, no renewals); just under the lease, nothing is taken over
    f.clock.advance(EngineNode.DEFAULT_LEASE.minusSeconds(1));
    for (int i = 0; i < 3; i++) {
      tick(other);
    }
    assertThat(f.results("j")).extracting(DeviceResult::status).containsOnly(DeviceJobStatus.DISPATCHED);
    assertThat(f.status("j")).isEqualTo(JobStatus.RUNNING);

    f.clock.advance(EngineNode.DEFAULT_LEASE);
    for (int i = 0; i < 10 && !f.status("j").isFinal(); i++) {
      tick(other);
    }
    assertThat(f.status("j")).isEqualTo(JobStatus.COMPLETE);
    assertThat(f.results("j")).extracting(DeviceResult::errorCode).containsOnly("Interrupted");
    assertThat(f.job("j").progress()).isEqualTo(new JobProgress(4, 0, 0, 4));

    // the first node's answers arrive after all: its lease is gone, nothing changes
    f.channel.releaseAll();
    for (int i = 0; i < 5; i++) {
      f.tick();
    }
    assertThat(f.results("j")).extracting(DeviceResult::errorCode).containsOnly("Interrupted");
    assertThat(f.job("j").progress()).isEqualTo(new JobProgress(4, 0, 0, 4));
    assertThat(f.channel.invoked).as("never sent twice").hasSize(4);
  }

  @Test
  void aLiveNodesLeasesAreRenewedAndNeverTakenOver() {
    List<String> ids = f.fleet("n", 3, EngineFixture.TRUCK);
    f.channel.online.addAll(ids);
    f.channel.hold = true;
    f.create("j", "n", reboot(), null, null);
    f.tickUntil(() -> f.channel.held.size() == 3, 20);
    JobEngine other = f.engineOf("other");
    await(other.recover());
    for (int s = 0; s < 12; s++) { // a minute, both engines alive
      f.clock.advance(Duration.ofSeconds(5));
      f.tick();
      tick(other);
    }
    assertThat(f.results("j")).extracting(DeviceResult::status).containsOnly(DeviceJobStatus.DISPATCHED);
    f.channel.releaseAll();
    f.tickUntil(() -> f.status("j").isFinal(), 20);
    assertThat(f.job("j").progress()).isEqualTo(new JobProgress(3, 0, 3, 0));
  }

  @Test
  void twoEnginesShareOneJobAndEveryDeviceIsSentOnce() {
    List<String> ids = f.fleet("s", 30, EngineFixture.TRUCK);
    f.channel.online.addAll(ids);
    f.create("j", "s", reboot(), new JobBatch(Measure.NUMBER, 7), null);
    JobEngine other = f.engineOf("other");
    await(other.recover());
    other.watch(f.job("j"));
    for (int i = 0; i < 200 && !f.status("j").isFinal(); i++) {
      f.tick();
      tick(other);
    }
    assertThat(f.status("j")).isEqualTo(JobStatus.COMPLETE);
    assertThat(f.job("j").progress()).isEqualTo(new JobProgress(30, 0, 30, 0));
    assertThat(f.channel.invoked).hasSize(30).doesNotHaveDuplicates();
  }

  @Test
  void eachBatchIsStoredAsItStartsAndEnds() {
    List<String> ids = f.fleet("b", 5, EngineFixture.TRUCK);
    f.channel.online.addAll(ids.subList(0, 2));
    f.create("j", "b", reboot(), new JobBatch(Measure.NUMBER, 2), null);
    f.tickUntil(() -> f.status("j").isFinal(), 40);
    assertThat(await(f.jobWork.latestBatch("j"))).contains(new BatchState(2, 5, 5, BatchState.DONE));
    assertThat(f.job("j").progress()).isEqualTo(new JobProgress(5, 0, 2, 3));
  }

  @Test
  void aBatchThresholdCancelsAndStoresTheBatchAsCancelled() {
    List<String> ids = f.fleet("c", 6, EngineFixture.TRUCK);
    f.channel.online.addAll(ids.subList(0, 2)); // the second batch fails whole
    f.create("j", "c", reboot(), new JobBatch(Measure.NUMBER, 2),
        new CancellationThreshold(Measure.NUMBER, 2, true));
    f.tickUntil(() -> f.status("j").isFinal(), 40);
    assertThat(f.status("j")).isEqualTo(JobStatus.CANCELLED);
    assertThat(await(f.jobWork.latestBatch("j"))).hasValueSatisfying(b -> {
      assertThat(b.no()).isEqualTo(1);
      assertThat(b.status()).isIn(BatchState.CANCELLED, BatchState.RUNNING);
    });
    assertThat(f.job("j").progress().pending()).isEqualTo(2);
  }
}

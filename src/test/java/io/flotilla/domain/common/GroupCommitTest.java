package io.flotilla.domain.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GroupCommitTest {
  private final List<List<Integer>> writes = new ArrayList<>();
  private final List<Promise<Void>> running = new ArrayList<>();

  private GroupCommit<Integer> commits(int most) {
    return new GroupCommit<>(most, batch -> {
      writes.add(List.copyOf(batch));
      Promise<Void> p = Promise.promise();
      running.add(p);
      return p.future();
    });
  }

  @Test
  void aLoneItemIsWrittenAtOnceAndWhatQueuesMeanwhileGoesInTheNextWriteInOrder() {
    GroupCommit<Integer> commits = commits(3);
    commits.submit(1);
    assertThat(writes).containsExactly(List.of(1));
    for (int i = 2; i <= 6; i++) {
      commits.submit(i); // the first write is still running
    }
    assertThat(writes).hasSize(1);
    running.get(0).complete();
    assertThat(writes).containsExactly(List.of(1), List.of(2, 3, 4));
    running.get(1).complete();
    assertThat(writes).containsExactly(List.of(1), List.of(2, 3, 4), List.of(5, 6));
    running.get(2).complete();
    assertThat(writes).hasSize(3);
  }

  @Test
  void aFailedOrThrowingWriteDoesNotStopTheNextOne() {
    GroupCommit<Integer> commits = new GroupCommit<>(10, batch -> {
      writes.add(List.copyOf(batch));
      if (batch.contains(1)) {
        throw new IllegalStateException("boom");
      }
      return Future.failedFuture("no");
    });
    commits.submit(1);
    commits.submit(2);
    commits.submit(3);
    assertThat(writes).containsExactly(List.of(1), List.of(2), List.of(3));
  }
}

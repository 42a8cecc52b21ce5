package io.flotilla.domain.job;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.group.GroupService;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What devices tell the engine between ticks — a connection, a report, a change — and what it does with them at the
 * next tick, batched: devices waiting for their connection become due; acknowledgements settle confirmed property
 * jobs; devices that joined a continuous job's group join the job. Each kind of signal is kept only while a job needs
 * it, so they cost nothing otherwise; memory holds device ids (and reports) received since the last tick only.
 */
final class DeviceSignals {
  private static final Logger LOG = LoggerFactory.getLogger(DeviceSignals.class);
  /** Most signals of one kind handled per tick. */
  private static final int BATCH = 5_000;

  private final JobWork work;
  private final GroupService groups;
  private final Set<String> woken = ConcurrentHashMap.newKeySet();
  private final Set<String> candidates = ConcurrentHashMap.newKeySet();
  private final Map<String, ObjectNode> reports = new ConcurrentHashMap<>();
  /** Devices whose queued commands of a job were all delivered, by job id. */
  private final Map<String, Set<String>> deliveries = new ConcurrentHashMap<>();
  private volatile boolean awaitingConnections;
  private volatile boolean awaitingAcks;
  private volatile boolean continuousJobs;

  DeviceSignals(JobWork work, GroupService groups) {
    this.work = work;
    this.groups = groups;
  }

  /** A job is watched: start keeping the signals it needs at once (not only from the next tick). */
  void watch(Job job) {
    awaitingConnections |= job.options().waitForConnection() != null;
    awaitingAcks |= job.options().confirm();
    continuousJobs |= job.options().continuous();
  }

  void online(String deviceId) {
    if (awaitingConnections) {
      woken.add(deviceId);
    }
    changed(deviceId);
  }

  void reported(String deviceId, ObjectNode reported) {
    if (awaitingAcks) {
      reports.put(deviceId, reported);
    }
    changed(deviceId);
  }

  void changed(String deviceId) {
    if (continuousJobs) {
      candidates.add(deviceId);
    }
  }

  /** Every queued command of job {@code jobId} reached the device: it completes at the next tick. */
  void delivered(String jobId, String deviceId) {
    deliveries.computeIfAbsent(jobId, k -> ConcurrentHashMap.newKeySet()).add(deviceId);
  }

  /** A device known to be connected while it waits for its connection (it connected before its wait was stored). */
  void woken(String deviceId) {
    woken.add(deviceId);
  }

  /**
   * A job's devices that wait for their connection and are connected already (they connected while no engine
   * listened, e.g. before this one started) are woken.
   */
  Future<Void> wakeConnected(JobRun run) {
    if (run.job.options().waitForConnection() == null || !(run.kind instanceof JobKind.Sent sent)) {
      return Future.succeededFuture();
    }
    awaitingConnections = true;
    return work.awaitingConnection(run.job.id()).compose(ids -> {
      List<Future<Boolean>> checks = new ArrayList<>(ids.size());
      for (String id : ids) {
        checks.add(sent.connected(id).onSuccess(connected -> {
          if (connected) {
            woken.add(id);
          }
        }));
      }
      return Future.join(checks).<Void>mapEmpty();
    });
  }

  /** The tick's work on the signals received since the last one. */
  List<Future<?>> handle(Collection<JobRun> runs, Instant now) {
    awaitingConnections = runs.stream().anyMatch(r -> r.job.options().waitForConnection() != null
        && !r.job.status().isFinal());
    awaitingAcks = runs.stream().anyMatch(r -> r.job.options().confirm() && !r.job.status().isFinal());
    continuousJobs = runs.stream().anyMatch(r -> r.job.options().continuous() && !r.job.status().isFinal());
    List<Future<?>> steps = new ArrayList<>();
    if (!woken.isEmpty()) {
      steps.add(wake(runs, now));
    }
    if (!reports.isEmpty()) {
      steps.add(judgeReports(runs, now));
    }
    if (!candidates.isEmpty()) {
      steps.add(join(runs, now));
    }
    if (!deliveries.isEmpty()) {
      steps.add(settleDeliveries(runs, now));
    }
    return steps;
  }

  private static List<String> take(Set<String> from) {
    List<String> ids = new ArrayList<>();
    for (var it = from.iterator(); it.hasNext() && ids.size() < BATCH; ) {
      ids.add(it.next());
      it.remove();
    }
    return ids;
  }

  private Future<Integer> wake(Collection<JobRun> runs, Instant now) {
    List<String> ids = take(woken);
    return work.wake(ids, now).onSuccess(n -> {
      if (n > 0) {
        for (JobRun run : runs) {
          run.nextDueCheck = Instant.MIN;
        }
      }
    }).onFailure(e -> {
      woken.addAll(ids);
      LOG.warn("Waking devices that connected failed: {}", e.toString());
    });
  }

  /** Candidates that match a continuous job's group now join it (one query per job for up to a batch of them). */
  private Future<Void> join(Collection<JobRun> runs, Instant now) {
    List<String> ids = take(candidates);
    List<Future<Void>> all = new ArrayList<>();
    for (JobRun run : runs) {
      Job job = run.job;
      if (!job.options().continuous() || job.start() == null || job.status().isFinal() || job.rerunOf() != null) {
        continue;
      }
      all.add(groups.get(job.groupId()).compose(g -> work.join(job.id(), g.filter(), run.kind.targetsOf(job), ids,
          now)).compose(n -> {
            if (n > 0) {
              run.resultsChanged = true; // the job grew (devices of another template failed at once)
            }
            return Future.<Void>succeededFuture();
          }));
    }
    return Future.join(all).<Void>mapEmpty().onFailure(e -> {
      candidates.addAll(ids); // looked at again at the next tick
      LOG.warn("Adding devices to continuous jobs failed: {}", e.toString());
    });
  }

  /**
   * Devices whose queued commands were delivered complete (the job's acknowledgement of a durable command); any engine
   * can record it, as it needs no lease. A device no longer waiting (expired meanwhile) is left as it is.
   */
  private Future<Void> settleDeliveries(Collection<JobRun> runs, Instant now) {
    List<Future<Void>> all = new ArrayList<>();
    for (String jobId : List.copyOf(deliveries.keySet())) {
      Set<String> ids = deliveries.remove(jobId);
      if (ids == null || ids.isEmpty()) {
        continue;
      }
      all.add(work.awaitingAcknowledgement(jobId, ids).compose(awaited -> {
        List<DeviceResult> done = new ArrayList<>();
        for (AwaitedAck a : awaited) {
          done.add(DeviceResult.completed(a.seq(), a.deviceId(), null, now));
        }
        return work.acknowledge(jobId, done);
      }).map(n -> {
        for (JobRun run : runs) {
          if (n > 0 && run.job.id().equals(jobId)) {
            run.judgeNotBefore = Instant.MIN;
            run.resultsChanged = true;
          }
        }
        return (Void) null;
      }).onFailure(e -> {
        deliveries.computeIfAbsent(jobId, k -> ConcurrentHashMap.newKeySet()).addAll(ids);
        LOG.warn("Completing devices whose queued commands were delivered failed: {}", e.toString());
      }));
    }
    return Future.join(all).mapEmpty();
  }

  /** Judges the reports of devices awaiting their acknowledgement, job by job. */
  private Future<Void> judgeReports(Collection<JobRun> runs, Instant now) {
    Map<String, ObjectNode> batch = new HashMap<>();
    for (var it = reports.entrySet().iterator(); it.hasNext() && batch.size() < BATCH; ) {
      var e = it.next();
      batch.put(e.getKey(), e.getValue());
      it.remove();
    }
    List<Future<Void>> all = new ArrayList<>();
    for (JobRun run : runs) {
      Job job = run.job;
      if (!job.options().confirm() || job.status().isFinal()) {
        continue;
      }
      all.add(work.awaitingAcknowledgement(job.id(), batch.keySet()).compose(awaited -> {
        List<DeviceResult> settled = new ArrayList<>();
        for (AwaitedAck a : awaited) {
          Acknowledgement.judge(job, a.seq(), a.deviceId(), a.version(), batch.get(a.deviceId()), now)
              .ifPresent(settled::add);
        }
        return work.acknowledge(job.id(), settled).map(n -> {
          if (n > 0) {
            run.judgeNotBefore = Instant.MIN;
            run.resultsChanged = true;
          }
          return (Void) null;
        });
      }));
    }
    return Future.join(all).<Void>mapEmpty().onFailure(e -> {
      batch.forEach(reports::putIfAbsent); // judged again at the next tick (a newer report wins)
      LOG.warn("Judging acknowledgements failed: {}", e.toString());
    });
  }
}

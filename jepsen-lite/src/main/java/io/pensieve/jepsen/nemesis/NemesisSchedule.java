package io.pensieve.jepsen.nemesis;

import io.pensieve.jepsen.history.HistoryRecorder;
import io.pensieve.jepsen.report.NemesisEvent;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the nemeses in turn, on a thread of its own: a quiet interval, then one fault chosen at
 * random (from the run's seed) held for a while, then healed. One fault at a time, so every
 * event in the report has one cause.
 */
public final class NemesisSchedule {
  private static final Logger LOG = LoggerFactory.getLogger(NemesisSchedule.class);

  private final List<Nemesis> nemeses;
  private final Duration quiet;
  private final Duration fault;
  private final Random random;
  private final HistoryRecorder clock;
  private final Consumer<NemesisEvent> sink;
  private Thread thread;
  private volatile boolean running;

  /**
   * @param quiet how long the cluster runs undisturbed before each fault
   * @param fault how long each fault lasts
   * @param clock the history's clock, so events and operations share one timeline
   * @param sink receives each event as it ends
   */
  public NemesisSchedule(List<Nemesis> nemeses, Duration quiet, Duration fault, long seed,
                         HistoryRecorder clock, Consumer<NemesisEvent> sink) {
    this.nemeses = nemeses;
    this.quiet = quiet;
    this.fault = fault;
    this.random = new Random(seed);
    this.clock = clock;
    this.sink = sink;
  }

  public void start() {
    running = true;
    thread = new Thread(this::loop, "nemesis");
    thread.setDaemon(true);
    thread.start();
  }

  /** Stops after healing the fault in place, if any. */
  public void stop() throws InterruptedException {
    running = false;
    thread.join();
  }

  private void loop() {
    try {
      while (running && sleep(quiet)) {
        if (nemeses.isEmpty()) {
          continue;
        }
        Nemesis nemesis = nemeses.get(random.nextInt(nemeses.size()));
        long start = clock.now();
        String injected = attempt(nemesis, true);
        LOG.info("nemesis {}: {}", nemesis.name(), injected);
        sleep(fault);
        String healed = attempt(nemesis, false);
        LOG.info("nemesis {}: {}", nemesis.name(), healed);
        NemesisEvent event = new NemesisEvent(start, clock.now(), nemesis.name(),
            injected + "; " + healed);
        sink.accept(event);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A nemesis that fails says so in the event rather than ending the run. */
  private String attempt(Nemesis nemesis, boolean inject) throws InterruptedException {
    try {
      return inject ? nemesis.inject(random) : nemesis.heal();
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      LOG.warn("nemesis {} failed to {}", nemesis.name(), inject ? "inject" : "heal", e);
      return (inject ? "inject" : "heal") + " failed: " + e;
    }
  }

  /** Sleeps in short steps, so that stopping does not wait out a whole interval. */
  private boolean sleep(Duration duration) throws InterruptedException {
    long end = System.nanoTime() + duration.toNanos();
    while (running && System.nanoTime() - end < 0) {
      Thread.sleep(Math.min(100, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
    }
    return running;
  }
}

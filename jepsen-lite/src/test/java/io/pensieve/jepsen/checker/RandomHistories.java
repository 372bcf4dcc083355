package io.pensieve.jepsen.checker;

import io.pensieve.jepsen.history.Event;
import io.pensieve.jepsen.history.EventType;
import io.pensieve.jepsen.history.OpKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * Valid histories by construction: concurrent clients against a simulated linearizable
 * register per key. Every operation takes effect atomically at one tick strictly inside its
 * call (or, for an info one, at any tick after its invoke, or never), so the history is
 * linearizable in the order of those ticks.
 *
 * <p>Time: tick {@code t} spans nanoseconds {@code 10t .. 10t+9}; invokes and completions
 * happen at {@code 10t}, effects at {@code 10t+5}.
 */
public final class RandomHistories {
  public record Settings(int processes, int keys, int operations, double infoRate,
                         double failRate, double noReplyRate) {
    public static Settings small(int operations) {
      return new Settings(5, 2, operations, 0.05, 0.05, 0.2);
    }
  }

  private static final class Flight {
    int process;
    OpKind f;
    String key;
    String value;
    String expected;
    EventType outcome;
    String error;
    long effectTick; // -1: never
    long completeTick; // -1: no completion
    boolean effected;
  }

  private RandomHistories() {}

  public static List<Event> generate(long seed, Settings s) {
    Random random = new Random(seed);
    Map<String, String> state = new HashMap<>();
    Map<String, List<String>> written = new HashMap<>();
    List<Event> events = new ArrayList<>();
    Flight[] running = new Flight[s.processes()];
    int[] processIds = new int[s.processes()];
    for (int i = 0; i < processIds.length; i++) {
      processIds[i] = i;
    }
    int nextProcess = s.processes();
    List<Flight> lateEffects = new ArrayList<>();
    int invoked = 0;
    int[] sequence = new int[1];
    for (long tick = 0; invoked < s.operations() || anyRunning(running); tick++) {
      // completions first, so a process may invoke again in the same tick
      for (int slot = 0; slot < running.length; slot++) {
        Flight f = running[slot];
        if (f != null && f.completeTick == tick) {
          events.add(event(events.size(), f.outcome, f.process, f.f, f.key,
              f.outcome == EventType.OK || f.f != OpKind.READ ? f.value : null, f.expected,
              tick * 10, f.error));
          running[slot] = null;
        }
      }
      for (int slot = 0; slot < running.length; slot++) {
        if (running[slot] != null || invoked >= s.operations() || random.nextInt(3) == 0) {
          continue;
        }
        Flight f = invoke(random, s, processIds[slot], tick, state, written, sequence);
        invoked++;
        running[slot] = f;
        events.add(event(events.size(), EventType.INVOKE, f.process, f.f, f.key,
            f.f == OpKind.READ ? null : f.value, f.expected, tick * 10, null));
        if (f.outcome == EventType.INFO) {
          lateEffects.add(f);
          if (f.completeTick < 0) {
            // the client is gone: its process never completes, a fresh one takes its place
            running[slot] = null;
            processIds[slot] = nextProcess++;
          }
        }
      }
      // effects at 10t+5, in random order
      List<Flight> due = new ArrayList<>();
      for (Flight f : running) {
        if (f != null && f.effectTick == tick && !f.effected) {
          due.add(f);
        }
      }
      for (Flight f : lateEffects) {
        if (f.effectTick == tick && !f.effected && !due.contains(f)) {
          due.add(f);
        }
      }
      java.util.Collections.shuffle(due, random);
      for (Flight f : due) {
        apply(f, state);
      }
      long now = tick;
      lateEffects.removeIf(f -> f.effected || f.effectTick < now);
    }
    return events;
  }

  private static boolean anyRunning(Flight[] running) {
    for (Flight f : running) {
      if (f != null) {
        return true;
      }
    }
    return false;
  }

  private static Flight invoke(Random random, Settings s, int process, long tick,
      Map<String, String> state, Map<String, List<String>> written, int[] sequence) {
    Flight f = new Flight();
    f.process = process;
    f.key = "k" + random.nextInt(s.keys());
    int kind = random.nextInt(10);
    f.f = kind < 5 ? OpKind.READ : kind < 8 ? OpKind.WRITE : OpKind.CAS;
    if (f.f != OpKind.READ) {
      f.value = "p" + process + "-" + (sequence[0]++);
    }
    if (f.f == OpKind.CAS) {
      List<String> old = written.getOrDefault(f.key, List.of());
      // mostly the current value, so a good share succeed
      f.expected = random.nextInt(3) > 0 || old.isEmpty() ? state.get(f.key)
          : old.get(random.nextInt(old.size()));
    }
    long duration = 1L + random.nextInt(6);
    double roll = random.nextDouble();
    f.effectTick = tick + random.nextInt((int) duration);
    f.completeTick = tick + duration;
    double failShare = f.f == OpKind.READ ? 0 : s.failRate(); // a failed read says nothing
    if (roll < failShare) {
      f.outcome = EventType.FAIL;
      f.error = "unavailable";
      f.effectTick = -1;
    } else if (roll < failShare + s.infoRate()) {
      f.outcome = EventType.INFO;
      f.error = "timeout";
      // an info effect may land after the completion, or never
      f.effectTick = random.nextBoolean() ? -1 : tick + random.nextInt((int) duration + 20);
      if (random.nextDouble() < s.noReplyRate()) {
        f.completeTick = -1;
      }
    } else {
      f.outcome = EventType.OK; // reads and cas settle their outcome at the effect
    }
    if (f.f != OpKind.READ) {
      written.computeIfAbsent(f.key, k -> new ArrayList<>()).add(f.value);
    }
    return f;
  }

  private static void apply(Flight f, Map<String, String> state) {
    f.effected = true;
    String current = state.get(f.key);
    switch (f.f) {
      case READ -> f.value = current;
      case WRITE -> state.put(f.key, f.value);
      case CAS -> {
        if (Objects.equals(current, f.expected)) {
          state.put(f.key, f.value);
        } else if (f.outcome == EventType.OK) {
          f.outcome = EventType.FAIL;
          f.error = Event.COMPARE_FAILED;
        }
      }
    }
  }

  private static Event event(long index, EventType type, int process, OpKind f, String key,
      String value, String expected, long time, String error) {
    return new Event(index, type, process, f, key, value, expected, time, "n" + (process % 3 + 1),
        process % 2 == 0 ? "grpc" : "rest", error);
  }

  /** The same history with one ok read now returning a value nobody wrote. */
  public static List<Event> withBogusRead(List<Event> history, long seed) {
    List<Integer> reads = new ArrayList<>();
    for (int i = 0; i < history.size(); i++) {
      Event e = history.get(i);
      if (e.type() == EventType.OK && e.f() == OpKind.READ) {
        reads.add(i);
      }
    }
    int victim = reads.get(new Random(seed).nextInt(reads.size()));
    Event e = history.get(victim);
    List<Event> mutated = new ArrayList<>(history);
    mutated.set(victim, new Event(e.index(), e.type(), e.process(), e.f(), e.key(),
        "never-written", e.expected(), e.time(), e.node(), e.api(), e.error()));
    return mutated;
  }
}

package io.pensieve.jepsen.report;

/**
 * A fault the nemesis injected, on the history's clock: a partition, a kill, a pause. An event
 * without duration ({@code startNanos == endNanos}) is an instant, such as a kill.
 *
 * @param name what kind of fault, e.g. {@code partition}
 * @param detail which nodes, how, e.g. {@code n1 | n2 n3}
 */
public record NemesisEvent(long startNanos, long endNanos, String name, String detail) {
  public NemesisEvent {
    if (endNanos < startNanos) {
      throw new IllegalArgumentException("nemesis event " + name + " ends before it starts");
    }
  }
}

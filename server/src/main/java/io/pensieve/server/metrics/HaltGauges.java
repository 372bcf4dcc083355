package io.pensieve.server.metrics;

import io.pensieve.statemachine.PensieveStateMachine;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Whether this node's state machine halted at a log entry it could not apply, and at which: an
 * alert on {@code pensieve_state_machine_halted == 1} finds a node that stays up but serves
 * nothing (its {@code /health} says why).
 */
final class HaltGauges {
  private HaltGauges() { }

  static void register(PrometheusRegistry registry, PensieveStateMachine stateMachine) {
    GaugeWithCallback.builder()
        .name("pensieve_state_machine_halted")
        .help("1 once this node's state machine halted at a committed entry it could not "
            + "apply (it then serves nothing), else 0")
        .callback(callback -> callback.call(stateMachine.halt().isPresent() ? 1 : 0))
        .register(registry);
    GaugeWithCallback.builder()
        .name("pensieve_state_machine_halted_index")
        .help("The log index of the entry this node's state machine halted at; absent while it "
            + "applies the log")
        .callback(callback -> stateMachine.halt()
            .ifPresent(halt -> callback.call((double) halt.index())))
        .register(registry);
  }
}

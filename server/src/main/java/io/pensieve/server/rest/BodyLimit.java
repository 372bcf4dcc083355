package io.pensieve.server.rest;

import io.pensieve.statemachine.PensieveStateMachine;
import io.pensieve.store.Settings;

/**
 * The largest request body a node reads, from the cluster's current key and value limits:
 * room for both twice over (JSON escapes) plus the other fields. Bodies past it are refused
 * with 413 as they arrive, before they are buffered whole.
 */
final class BodyLimit {
  private static final int ENVELOPE_BYTES = 16 * 1024;
  private final PensieveStateMachine stateMachine;

  BodyLimit(PensieveStateMachine stateMachine) {
    this.stateMachine = stateMachine;
  }

  int maxBytes() {
    Settings settings = stateMachine.settings();
    return 2 * (settings.maxKeyBytes() + settings.maxValueBytes()) + ENVELOPE_BYTES;
  }
}

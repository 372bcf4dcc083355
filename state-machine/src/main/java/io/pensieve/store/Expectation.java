package io.pensieve.store;

import java.util.Arrays;

/** A condition on a key's current state that a compare-and-set or delete requires. */
public sealed interface Expectation {

  static Expectation version(long version) {
    return new VersionIs(version);
  }

  static Expectation value(byte[] value) {
    return new ValueIs(value);
  }

  static Expectation absent() {
    return new Absent();
  }

  /** The key exists and its version (the revision of its last write) is this. */
  record VersionIs(long version) implements Expectation {}

  /** The key exists and its value is these bytes. */
  @SuppressWarnings("ArrayRecordComponent") // equals, hashCode and toString below use the bytes
  record ValueIs(byte[] value) implements Expectation {
    @Override
    public boolean equals(Object o) {
      return o instanceof ValueIs other && Arrays.equals(value, other.value);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return "ValueIs[" + value.length + " bytes]";
    }
  }

  /** The key does not exist (or has expired). */
  record Absent() implements Expectation {}
}

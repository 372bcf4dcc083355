package io.pensieve.store;

import java.io.IOException;

/** Receives the entries of a map in least-recently-used-first order, as a snapshot stores them. */
@FunctionalInterface
public interface EntryVisitor {
  void visit(EntryView entry) throws IOException;
}

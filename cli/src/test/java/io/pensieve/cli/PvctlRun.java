package io.pensieve.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** pvctl run in this JVM, its output and exit code captured. */
record PvctlRun(int exitCode, String out, String err) {
  static PvctlRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Pvctl.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new PvctlRun(code, out.toString(), err.toString());
  }
}

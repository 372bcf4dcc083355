package io.pensieve.server.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates made by {@code deploy/tls/make-dev-certs.sh}, the script operators use: a CA in
 * {@code dir} and one certificate per node. Another directory gets another CA.
 */
public record DevCerts(Path dir) {
  private static final String SCRIPT = "deploy/tls/make-dev-certs.sh";

  /**
   * Runs the script into {@code dir} for these nodes. Unchecked, so that a test cluster's
   * configuration callback can make them.
   */
  public static DevCerts make(Path dir, String... nodes) {
    List<String> command = new ArrayList<>(List.of("bash", script().toString(), dir.toString()));
    command.addAll(List.of(nodes));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(SCRIPT + " did not finish in 60 s");
      }
      String output = new String(process.getInputStream().readAllBytes(),
          StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new IllegalStateException(SCRIPT + " failed (" + process.exitValue() + "): "
            + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return new DevCerts(dir);
  }

  /** The script, found from the module's directory (where Maven runs tests) upwards. */
  private static Path script() {
    for (Path at = Path.of("").toAbsolutePath(); at != null; at = at.getParent()) {
      if (Files.isRegularFile(at.resolve(SCRIPT))) {
        return at.resolve(SCRIPT);
      }
    }
    throw new IllegalStateException(SCRIPT + " not found above " + Path.of("").toAbsolutePath());
  }

  public TlsFiles node(String id) {
    return new TlsFiles(certificate(id), key(id), ca());
  }

  public Path certificate(String id) {
    return dir.resolve(id + ".pem");
  }

  public Path key(String id) {
    return dir.resolve(id + "-key.pem");
  }

  public Path ca() {
    return dir.resolve("ca.pem");
  }
}

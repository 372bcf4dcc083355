package io.pensieve.server.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pensieve.client.PensieveClient;
import io.pensieve.server.cluster.TestCluster;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The usage example of the docs compiles and works: its java block is taken from the file,
 * compiled with warnings as errors against the client and its libraries (not the node's
 * classes), and run against a real cluster (the local cluster's endpoints replaced by this
 * one's).
 */
class ReadmeExampleIT {
  private static final Pattern JAVA_BLOCK =
      Pattern.compile("```java\\n(.*?)\\n```", Pattern.DOTALL);
  private static final Pattern CLASS_NAME = Pattern.compile("public class (\\w+)");
  /** The server's and state machine's classes, tests, jars and test-jars. */
  private static final Pattern NODE_CLASSES = Pattern.compile(
      "/(server|state-machine)/target/|pensieve-(server|state-machine)[^/]*\\.jar$");

  @RegisterExtension
  static final TestCluster cluster = TestCluster.perClass(3);

  private static List<String> endpoints() {
    return cluster.nodes().stream().map(node -> "127.0.0.1:" + node.grpcPort()).toList();
  }

  /** The front page, whose first java block is the client's example. */
  static Path exampleFile() {
    return Path.of(System.getProperty("pensieve.readme", "../README.md"));
  }

  static String javaBlock(Path file) throws IOException {
    Matcher block = JAVA_BLOCK.matcher(Files.readString(file));
    assertThat(block.find()).as("a ```java block in " + file).isTrue();
    return block.group(1);
  }

  /**
   * This JVM's class path without the node's classes and tests: what a user's project has from
   * {@code pensieve-client}, and more libraries, but nothing of Pensieve beyond the client and
   * its public API.
   */
  static String clientClassPath() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(entry -> !NODE_CLASSES.matcher(entry.replace(File.separatorChar, '/')).find())
        .collect(Collectors.joining(File.pathSeparator));
  }

  @Test
  void theDocumentedExampleCompilesAndRuns(@TempDir Path dir) throws Exception {
    String source = javaBlock(exampleFile());
    for (int i = 0; i < 3; i++) {
      source = source.replace("localhost:900" + (i + 1), endpoints().get(i));
    }
    Matcher name = CLASS_NAME.matcher(source);
    assertThat(name.find()).isTrue();
    Path file = dir.resolve(name.group(1) + ".java");
    Files.writeString(file, source);

    // the example's deadline is 5 s: start it once the cluster takes writes
    try (PensieveClient ready = PensieveClient.builder().endpoints(endpoints())
        .deadline(Duration.ofSeconds(20)).build()) {
      await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
          .untilAsserted(() -> ready.put("ready", "yes"));
    }

    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
    int status = javac.run(null, diagnostics, diagnostics, "-Xlint:all", "-Werror",
        "-classpath", clientClassPath(), "-d", dir.toString(),
        file.toString());
    assertThat(status).as(diagnostics.toString(StandardCharsets.UTF_8)).isZero();

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()},
        getClass().getClassLoader())) {
      Method main = loader.loadClass(name.group(1)).getMethod("main", String[].class);
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      main.invoke(null, (Object) new String[0]);
    } finally {
      System.setOut(stdout);
      System.setErr(stderr);
    }

    // the nodes of this JVM may log to the same streams: look for the example's own lines
    assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("OUTCOME_");
    assertThat(out.toString(StandardCharsets.UTF_8).lines()).contains("hello");
    try (PensieveClient client = PensieveClient.builder()
        .endpoints("127.0.0.1:" + cluster.awaitLeader().grpcPort()).build()) {
      assertThat(client.get("greeting")).hasValueSatisfying(
          kv -> assertThat(kv.getExpireAtMillis()).isPositive());
    }
  }
}

package io.pensieve.server.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.errorprone.annotations.FormatMethod;
import com.google.errorprone.annotations.FormatString;
import io.pensieve.server.NodeConfig;
import io.pensieve.server.PensieveMain;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Checks the files in {@code deploy/} against the node they run: every flag they pass is an
 * option of {@link PensieveMain}, every environment variable they set is one the node (or its
 * launcher, {@code deploy/bin/pensieve}) reads, and the ports, ids and peers line up. The flags
 * and variables come from the node's picocli options, so a renamed option fails here.
 *
 * <p>It also checks that every node runs one JVM: the launcher is the only file that starts
 * {@link PensieveMain} or chooses a node's collector and compiler, and every way of starting a
 * node (the deploy files, {@code local-cluster.sh}, the process tests, jepsen-lite) runs it.
 */
class DeployFilesTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern FLAG = Pattern.compile("(?<![\\w-])(--[a-z][a-z0-9-]*)");
  private static final Pattern ENV_IN_DEFAULT = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)");
  private static final Pattern SHELL_VAR = Pattern.compile("\\$\\{?([A-Z_][A-Z0-9_]*)");
  private static final Pattern K8S_VAR = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");
  private static final Pattern LOGBACK_VAR = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)");
  private static final Pattern ENV_LINE = Pattern.compile("^#?([A-Z_][A-Z0-9_]*)=(.*)$");
  /** Variables of the operating system rather than of the node. */
  private static final Set<String> OS_VARIABLES = Set.of("PATH");
  /**
   * Flags that choose how a JVM runs rather than how big it is: its collector, its compilers,
   * class data sharing, what it does out of memory. A node's are the launcher's alone; callers
   * may give a heap size and system properties (PENSIEVE_JAVA_OPTS), nothing else.
   */
  private static final Pattern JVM_CHOICE = Pattern.compile("-XX:[+-]?(?:Use\\w*GC|G1\\w+"
      + "|MaxGCPauseMillis|GCTimeRatio|TieredStopAtLevel|TieredCompilation|CompileThreshold\\w*"
      + "|CICompilerCount|SharedArchiveFile|ArchiveClassesAtExit|\\w*OnOutOfMemoryError)\\b"
      + "|-Xint\\b|-Xcomp\\b|-Xshare:");
  private static final Pattern COLLECTOR = Pattern.compile("(-XX:\\+Use\\w*GC)\\b");
  /** A class path given to a JVM: with the node's main class, a node started by hand. */
  private static final Pattern CLASS_PATH = Pattern.compile(
      "(?<![\\w-])(?:-cp|-classpath|--class-path)(?![\\w-])|\\bCLASSPATH=");
  /** Files that run a JVM which is not a node's, and why it may choose its own flags. */
  private static final Map<String, String> OTHER_JVMS = Map.of(
      "cli/src/main/launcher/pvctl",
      "pvctl, a short-lived client, starts fast rather than runs long",
      "server/src/test/java/io/pensieve/server/deploy/LauncherCdsTest.java",
      "checks the class data sharing flags the launcher gives",
      "server/src/test/java/io/pensieve/server/deploy/DeployFilesTest.java",
      "this check, which names the flags to find them",
      "server/src/test/java/io/pensieve/server/process/HaltedNodeExitIT.java",
      "an older build's node, a main class of the tests: its exit status is the point, not its"
          + " JVM");
  /**
   * Every other way a node is started, and how each reaches the launcher: the deploy files'
   * are checked with them below.
   */
  private static final Map<String, String> LAUNCH_PATHS = Map.of(
      "server/pom.xml", "deploy/bin/pensieve",
      "deploy/local-cluster.sh", "server/target/bin/pensieve",
      "server/src/test/java/io/pensieve/server/process/NodeProcess.java",
      "server/target/bin/pensieve",
      "jepsen-lite/pom.xml", "deploy/bin/pensieve",
      "jepsen-lite/src/main/launcher/jepsen-lite", "$home/bin/pensieve",
      "jepsen-lite/src/test/java/io/pensieve/jepsen/cluster/BuiltTree.java",
      "\"bin\", \"pensieve\"");
  /** Not the tree's sources: version control, builds, editors; and docs, run data. */
  private static final Set<String> NOT_SOURCE_NAMES = Set.of(".git", "target", ".idea",
      ".vscode", "node_modules");
  private static final Pattern NOT_SOURCE_PATHS =
      Pattern.compile("docs|data(-.*)?|jepsen-lite/store");

  private static final Path REPO = findRepo();
  private static final Path DEPLOY = REPO.resolve("deploy");
  private static final Path LAUNCHER = DEPLOY.resolve("bin/pensieve");
  private static final NodeOptions NODE = new NodeOptions();

  @Test
  void theNodesFlagsAndVariablesAreReadFromItsOptions() {
    assertThat(NODE.flags).contains("--node-id", "--port", "--peers", "--join", "--no-join");
    assertThat(NODE.envNames("--port")).containsExactly("PENSIEVE_PORT", "PORT");
    assertThat(NODE.literalDefault("--port")).isEqualTo(
        String.valueOf(NodeConfig.DEFAULT_REST_PORT));
    assertThat(NODE.nodeVariables).contains("NODE_ID", "PEERS", "PENSIEVE_LOG_LEVEL");
    assertThat(launcherVariables()).contains("PENSIEVE_JAVA_OPTS");
  }

  @Test
  void launcherRunsTheNodesMainClass() throws IOException {
    Problems problems = new Problems();
    String launcher = Files.readString(LAUNCHER);
    problems.check(launcher.contains(PensieveMain.class.getName()),
        "%s does not run %s", rel(LAUNCHER), PensieveMain.class.getName());
    problems.check(launcher.contains("pensieve-server.jar") && launcher.contains("/lib/*"),
        "%s does not put pensieve-server.jar and lib/* on the class path", rel(LAUNCHER));
    problems.check(Files.isExecutable(LAUNCHER), "%s is not executable", rel(LAUNCHER));
    problems.assertNone();
  }

  @Test
  void theLauncherAloneChoosesTheNodesJvm() throws IOException {
    Problems problems = new Problems();
    String launcher = Files.readString(LAUNCHER);
    List<String> collectors = matches(COLLECTOR, launcher, new ArrayList<>());
    problems.check(collectors.size() == 1, "%s: chooses %s; a node runs one collector",
        rel(LAUNCHER), collectors);
    problems.check(launcher.contains("OnOutOfMemoryError"),
        "%s: a node out of memory must stop, not limp on: no ...OnOutOfMemoryError flag",
        rel(LAUNCHER));
    problems.check(launcher.contains("PENSIEVE_JAVA_OPTS") && launcher.contains("\"$@\""),
        "%s: callers give the heap in PENSIEVE_JAVA_OPTS and node flags as arguments (\"$@\")",
        rel(LAUNCHER));
    Set<String> copied = new TreeSet<>(launcherVariables());
    copied.retainAll(NODE.nodeVariables);
    problems.check(copied.isEmpty(), "%s: reads the node's own settings %s; the node reads "
        + "them itself (NodeConfig), the launcher passes them through", rel(LAUNCHER), copied);

    for (Path file : sourceFiles()) {
      String name = rel(file);
      if (file.equals(LAUNCHER) || OTHER_JVMS.containsKey(name)) {
        continue;
      }
      String text = Files.readString(file);
      Matcher m = JVM_CHOICE.matcher(text);
      while (m.find()) {
        problems.add("%s:%d: sets %s; a node's collector, compiler and other JVM choices are %s's "
            + "alone (a caller gives only the heap, in PENSIEVE_JAVA_OPTS)", name,
            lineOf(text, m.start()), m.group(), rel(LAUNCHER));
      }
    }
    problems.assertNone();
  }

  @Test
  void everyNodeIsStartedByTheLauncher() throws IOException {
    Problems problems = new Problems();
    for (Path file : sourceFiles()) {
      String name = rel(file);
      if (file.equals(LAUNCHER) || OTHER_JVMS.containsKey(name)) {
        continue;
      }
      String text = Files.readString(file);
      boolean namesMain = text.contains(PensieveMain.class.getName())
          || text.contains(PensieveMain.class.getSimpleName() + ".class");
      Matcher classPath = CLASS_PATH.matcher(text);
      if (namesMain && classPath.find()) {
        problems.add("%s:%d: starts %s with a class path of its own; start nodes with %s "
            + "(server/target/bin/pensieve once built), which sets their JVM flags", name,
            lineOf(text, classPath.start()), PensieveMain.class.getSimpleName(), rel(LAUNCHER));
      }
    }
    for (var path : LAUNCH_PATHS.entrySet()) {
      Path file = REPO.resolve(path.getKey());
      problems.check(Files.isRegularFile(file)
              && Files.readString(file).contains(path.getValue()),
          "%s: does not reach the launcher (%s) as it should: %s is not in it", path.getKey(),
          rel(LAUNCHER), path.getValue());
    }
    problems.assertNone();
  }

  @Test
  void dockerfileExposesTheDefaultPortsAndRunsTheNode() throws IOException {
    Problems problems = new Problems();
    Dockerfile docker = Dockerfile.read(DEPLOY.resolve("Dockerfile"));
    String file = rel(docker.path);

    for (String name : docker.env.keySet()) {
      problems.check(nodeReads(name) || OS_VARIABLES.contains(name),
          "%s: ENV %s is not a variable the node reads (it reads %s)", file, name, readable());
    }
    Ports ports = Ports.of(docker.env);
    problems.check(ports.rest == NodeConfig.DEFAULT_REST_PORT
            && ports.grpc == NodeConfig.DEFAULT_GRPC_PORT
            && ports.raft == NodeConfig.DEFAULT_RAFT_PORT,
        "%s: the image's ports %s are not the node's defaults %d, %d, %d", file, ports,
        NodeConfig.DEFAULT_REST_PORT, NodeConfig.DEFAULT_GRPC_PORT, NodeConfig.DEFAULT_RAFT_PORT);
    problems.check(docker.expose.equals(ports.all()),
        "%s: EXPOSE %s, but the node listens on REST %d, gRPC %d, Raft %d", file, docker.expose,
        ports.rest, ports.grpc, ports.raft);

    String entrypoint = String.join(" ", docker.entrypoint);
    problems.check(!docker.entrypoint.isEmpty() && docker.entrypoint.get(0).endsWith("/bin/pensieve"),
        "%s: ENTRYPOINT %s does not run the launcher bin/pensieve", file, docker.entrypoint);
    problems.checkFlags(file + " ENTRYPOINT", entrypoint);
    problems.checkFlags(file + " CMD", String.join(" ", docker.cmd));
    String home = docker.entrypoint.isEmpty() ? "?"
        : Path.of(docker.entrypoint.get(0)).getParent().getParent().toString();
    problems.check(docker.copies("deploy/bin/pensieve", home + "/bin/pensieve"),
        "%s: the ENTRYPOINT %s is not copied from deploy/bin/pensieve", file, entrypoint);
    problems.check(docker.copies("pensieve-server.jar", home + "/"),
        "%s: pensieve-server.jar is not copied into %s/, where the launcher looks", file, home);
    problems.check(docker.copies("target/lib/", home + "/lib/"),
        "%s: the node's lib/ is not copied into %s/lib/, where the launcher looks", file, home);

    String dataDir = NODE.setting(docker.env, "--data-dir");
    problems.check(dataDir != null && docker.volumes.contains(dataDir),
        "%s: VOLUME %s does not hold the data dir %s", file, docker.volumes, dataDir);
    problems.check(docker.user != null && !docker.user.equals("root") && !docker.user.equals("0"),
        "%s: the node runs as %s; give it a USER of its own", file, docker.user);
    String restPortExpression = NODE.shellExpression("--port");
    problems.check(docker.healthcheck.contains(restPortExpression + "/health"),
        "%s: HEALTHCHECK '%s' does not ask %s/health (the REST port as the node reads it)",
        file, docker.healthcheck, restPortExpression);
    problems.assertNone();
  }

  @Test
  void composeRunsThreeNodesThatNameEachOtherAsPeers() throws IOException {
    Problems problems = new Problems();
    Path path = DEPLOY.resolve("docker-compose.yml");
    String file = rel(path);
    JsonNode compose = YAML.readTree(path.toFile());
    Dockerfile docker = Dockerfile.read(DEPLOY.resolve("Dockerfile"));
    JsonNode services = compose.path("services");
    problems.check(services.size() == 3, "%s: %d services, expected 3 nodes", file,
        services.size());

    Map<String, Map<String, String>> envOf = new LinkedHashMap<>();
    services.properties().forEach(s -> envOf.put(s.getKey(), composeEnv(s.getValue())));
    Map<String, Integer> restPortOf = new LinkedHashMap<>();
    Map<String, Integer> raftPortOf = new LinkedHashMap<>();
    Map<String, String> nodeIdOf = new LinkedHashMap<>();
    for (var entry : envOf.entrySet()) {
      Map<String, String> env = overlay(docker.env, entry.getValue());
      Ports ports = Ports.of(env);
      restPortOf.put(entry.getKey(), ports.rest);
      raftPortOf.put(entry.getKey(), ports.raft);
      nodeIdOf.put(entry.getKey(), NODE.setting(env, "--node-id"));
    }
    problems.check(new HashSet<>(nodeIdOf.values()).size() == nodeIdOf.size(),
        "%s: node ids %s are not unique", file, nodeIdOf);

    Set<String> volumesUsed = new HashSet<>();
    for (var s : services.properties()) {
      String name = s.getKey();
      JsonNode service = s.getValue();
      String where = file + " service " + name;
      Map<String, String> own = envOf.get(name);
      Map<String, String> env = overlay(docker.env, own);
      for (String variable : own.keySet()) {
        problems.check(nodeReads(variable),
            "%s: environment %s is not a variable the node reads (it reads %s)", where,
            variable, readable());
      }
      problems.checkFlags(where + " command", text(service.path("command")));
      problems.checkFlags(where + " entrypoint", text(service.path("entrypoint")));

      JsonNode build = service.path("build");
      Path dockerfile = path.getParent().resolve(build.path("context").asText("."))
          .resolve(build.path("dockerfile").asText("Dockerfile")).normalize();
      problems.check(dockerfile.equals(DEPLOY.resolve("Dockerfile").normalize()),
          "%s: builds %s, not deploy/Dockerfile", where, dockerfile);

      Ports ports = Ports.of(env);
      Map<Integer, Integer> published = publishedPorts(service.path("ports"));
      published.forEach((container, host) -> problems.check(container.equals(host),
          "%s: publishes container port %d on host port %d; they must be equal so that the "
              + "addresses the node advertises work from the host", where, container, host));
      problems.check(published.keySet().equals(Set.of(ports.rest, ports.grpc)),
          "%s: publishes container ports %s, but its REST port (%s) is %d and its gRPC port "
              + "(%s) is %d; the Raft port %d stays internal", where, published.keySet(),
          NODE.envNames("--port"), ports.rest, NODE.envNames("--grpc-port"), ports.grpc,
          ports.raft);
      String health = text(service.path("healthcheck").path("test"));
      problems.check(health.contains(":" + ports.rest + "/health"),
          "%s: healthcheck '%s' does not ask the REST port %d /health", where, health,
          ports.rest);
      problems.check(service.hasNonNull("restart"), "%s: no restart policy", where);

      String advertised = NODE.setting(env, "--advertise-host");
      problems.check(name.equals(advertised),
          "%s: advertises host %s; the other containers reach it as %s", where, advertised,
          name);

      Set<String> peerServices = new TreeSet<>();
      for (String peer : splitPeers(NODE.setting(env, "--peers"))) {
        if (peer.contains("://")) {
          URI uri = URI.create(peer);
          String target = uri.getHost();
          problems.check(restPortOf.containsKey(target) && !target.equals(name),
              "%s: peer %s is not another service of this file", where, peer);
          problems.check(Objects.equals(restPortOf.get(target), uri.getPort()),
              "%s: peer %s, but service %s serves REST on port %s", where, peer, target,
              restPortOf.get(target));
          peerServices.add(target);
        } else {
          String id = peer.substring(0, peer.indexOf('='));
          String hostPort = peer.substring(peer.indexOf('=') + 1);
          String target = hostPort.substring(0, hostPort.lastIndexOf(':'));
          int port = Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
          problems.check(id.equals(nodeIdOf.get(target)),
              "%s: peer %s names id %s, but service %s has node id %s", where, peer, id, target,
              nodeIdOf.get(target));
          problems.check(Objects.equals(raftPortOf.get(target), port),
              "%s: peer %s, but service %s has Raft port %s", where, peer, target,
              raftPortOf.get(target));
          if (!target.equals(name)) {
            peerServices.add(target);
          }
        }
      }
      Set<String> others = new TreeSet<>(envOf.keySet());
      others.remove(name);
      problems.check(peerServices.equals(others), "%s: peers %s, expected the other nodes %s",
          where, peerServices, others);

      String dataDir = NODE.setting(env, "--data-dir");
      String volume = null;
      for (JsonNode mount : service.path("volumes")) {
        String[] parts = mount.isTextual() ? mount.asText().split(":")
            : new String[] {mount.path("source").asText(), mount.path("target").asText()};
        if (parts.length >= 2 && parts[1].equals(dataDir)) {
          volume = parts[0];
        }
      }
      problems.check(volume != null && compose.path("volumes").has(volume),
          "%s: no named volume (declared under volumes:) is mounted at the data dir %s", where,
          dataDir);
      problems.check(volume == null || volumesUsed.add(volume),
          "%s: volume %s is shared with another node", where, volume);
    }
    problems.assertNone();
  }

  @Test
  void kubernetesPortsProbesAndPeersLineUp() throws IOException {
    Problems problems = new Problems();
    Path path = DEPLOY.resolve("kubernetes/pensieve.yaml");
    String file = rel(path);
    List<JsonNode> documents = new ArrayList<>();
    try (var values = YAML.readerFor(JsonNode.class).<JsonNode>readValues(path.toFile())) {
      values.forEachRemaining(d -> {
        if (d != null && !d.isNull() && !d.isMissingNode()) {
          documents.add(d);
        }
      });
    }
    Dockerfile docker = Dockerfile.read(DEPLOY.resolve("Dockerfile"));
    List<JsonNode> statefulSets = ofKind(documents, "StatefulSet");
    assertThat(statefulSets).as("%s: StatefulSets", file).hasSize(1);
    JsonNode sts = statefulSets.get(0);
    String stsName = sts.path("metadata").path("name").asText();
    String serviceName = sts.path("spec").path("serviceName").asText();
    int replicas = sts.path("spec").path("replicas").asInt();
    JsonNode pod = sts.path("spec").path("template");
    Map<String, String> podLabels = labels(pod.path("metadata").path("labels"));
    JsonNode container = pod.path("spec").path("containers").path(0);
    String where = file + " StatefulSet " + stsName;

    problems.check("Parallel".equals(sts.path("spec").path("podManagementPolicy").asText()),
        "%s: podManagementPolicy is not Parallel; the members must start together", where);
    problems.check(selects(sts.path("spec").path("selector").path("matchLabels"), podLabels),
        "%s: selector does not match the pod template's labels %s", where, podLabels);

    // Environment: what the container sets, resolved as Kubernetes does ($(VAR) references).
    String command = text(container.path("command")) + " " + text(container.path("args"));
    problems.checkFlags(where + " command/args", command);
    String launcherInImage = docker.entrypoint.isEmpty() ? "?" : docker.entrypoint.get(0);
    problems.check(command.isBlank() || command.contains("exec " + launcherInImage),
        "%s: command/args do not exec the image's launcher %s", where, launcherInImage);
    Map<String, String> own = new LinkedHashMap<>();
    for (JsonNode variable : container.path("env")) {
      String name = variable.path("name").asText();
      String value = variable.has("valueFrom")
          ? "{" + variable.path("valueFrom").path("fieldRef").path("fieldPath").asText() + "}"
          : expand(variable.path("value").asText(), own);
      own.put(name, value);
    }
    Set<String> referenced = new HashSet<>();
    for (JsonNode variable : container.path("env")) {
      matches(K8S_VAR, variable.path("value").asText(), referenced);
    }
    matches(SHELL_VAR, command, referenced);
    for (String name : own.keySet()) {
      problems.check(nodeReads(name) || referenced.contains(name),
          "%s: env %s is neither read by the node (it reads %s) nor used by the container's "
              + "command or other variables", where, name, readable());
    }
    Map<String, String> env = overlay(docker.env, own);

    // Ports: env, containerPorts, probes, Services.
    Ports ports = Ports.of(env);
    Map<String, Integer> containerPorts = new LinkedHashMap<>();
    for (JsonNode port : container.path("ports")) {
      containerPorts.put(port.path("name").asText(), port.path("containerPort").asInt());
    }
    problems.check(new HashSet<>(containerPorts.values()).equals(ports.all()),
        "%s: containerPorts %s, but the node listens on REST %d, gRPC %d, Raft %d", where,
        containerPorts, ports.rest, ports.grpc, ports.raft);
    Map<String, String> probePaths = Map.of("readinessProbe", "/ready", "livenessProbe",
        "/health", "startupProbe", "/health");
    for (var probe : probePaths.entrySet()) {
      JsonNode httpGet = container.path(probe.getKey()).path("httpGet");
      if (container.has(probe.getKey()) || !probe.getKey().equals("startupProbe")) {
        problems.check(probe.getValue().equals(httpGet.path("path").asText()),
            "%s: %s asks %s, expected %s", where, probe.getKey(), httpGet.path("path").asText(),
            probe.getValue());
        Integer port = resolvePort(httpGet.path("port"), containerPorts);
        problems.check(Objects.equals(port, ports.rest),
            "%s: %s asks port %s (%s), but the REST port is %d", where, probe.getKey(),
            httpGet.path("port").asText(), port, ports.rest);
      }
    }
    List<JsonNode> services = ofKind(documents, "Service");
    boolean headlessFound = false;
    for (JsonNode service : services) {
      String serviceWhere = file + " Service " + service.path("metadata").path("name").asText();
      problems.check(selects(service.path("spec").path("selector"), podLabels),
          "%s: selector does not match the StatefulSet's pods %s", serviceWhere, podLabels);
      Set<Integer> targets = new HashSet<>();
      for (JsonNode port : service.path("spec").path("ports")) {
        Integer target = resolvePort(port.has("targetPort") ? port.path("targetPort")
            : port.path("port"), containerPorts);
        problems.check(target != null && containerPorts.containsValue(target),
            "%s: port %s targets %s, which is no containerPort of %s", serviceWhere,
            port.path("name").asText(), port.path("targetPort").asText(), containerPorts);
        problems.check(Objects.equals(target, port.path("port").asInt()),
            "%s: port %s is %d but targets %s; keep them equal so that advertised addresses work",
            serviceWhere, port.path("name").asText(), port.path("port").asInt(), target);
        targets.add(target);
      }
      boolean headless = service.path("metadata").path("name").asText().equals(serviceName);
      if (headless) {
        headlessFound = true;
        problems.check("None".equals(service.path("spec").path("clusterIP").asText()),
            "%s: the StatefulSet's service must be headless (clusterIP: None)", serviceWhere);
        problems.check(service.path("spec").path("publishNotReadyAddresses").asBoolean(),
            "%s: publishNotReadyAddresses must be true, so that members resolve each other "
                + "before they are ready", serviceWhere);
        problems.check(targets.contains(ports.raft), "%s: does not carry the Raft port %d",
            serviceWhere, ports.raft);
      } else {
        problems.check(targets.containsAll(Set.of(ports.rest, ports.grpc)),
            "%s: clients need the REST port %d and the gRPC port %d", serviceWhere, ports.rest,
            ports.grpc);
      }
    }
    problems.check(headlessFound, "%s: no Service named %s (its serviceName)", where,
        serviceName);

    // Identity: node id = pod name, advertised at the pod's stable DNS name.
    String podName = "{metadata.name}";
    String nodeId = NODE.setting(env, "--node-id");
    problems.check(podName.equals(nodeId),
        "%s: the node id (%s) must be the pod's name (fieldRef metadata.name), got %s", where,
        NODE.envNames("--node-id"), nodeId);
    String stableHost = podName + "." + serviceName + ".{metadata.namespace}.svc.cluster.local";
    String advertised = NODE.setting(env, "--advertise-host");
    problems.check(stableHost.equals(advertised), "%s: advertises %s, expected %s", where,
        advertised, stableHost);
    List<String> peers = splitPeers(NODE.setting(env, "--peers"));
    problems.check(peers.size() == replicas, "%s: replicas %d, but %d peers %s", where, replicas,
        peers.size(), peers);
    for (int i = 0; i < peers.size(); i++) {
      String id = stsName + "-" + i;
      String expected = id + "=" + stableHost.replace(podName, id) + ":" + ports.raft;
      problems.check(peers.get(i).equals(expected), "%s: peer %d is %s, expected %s", where, i,
          peers.get(i), expected);
    }

    // Storage and shutdown.
    String dataDir = NODE.setting(env, "--data-dir");
    Set<String> claims = new HashSet<>();
    sts.path("spec").path("volumeClaimTemplates")
        .forEach(c -> claims.add(c.path("metadata").path("name").asText()));
    boolean mounted = false;
    for (JsonNode mount : container.path("volumeMounts")) {
      mounted |= claims.contains(mount.path("name").asText())
          && mount.path("mountPath").asText().equals(dataDir);
    }
    problems.check(mounted, "%s: no volumeClaimTemplate %s is mounted at the data dir %s", where,
        claims, dataDir);
    long drainSeconds = drainSeconds();
    long grace = pod.path("spec").path("terminationGracePeriodSeconds").asLong();
    problems.check(grace > drainSeconds,
        "%s: terminationGracePeriodSeconds %d is not beyond the node's %d s drain", where,
        grace, drainSeconds);

    List<JsonNode> budgets = ofKind(documents, "PodDisruptionBudget");
    problems.check(budgets.size() == 1, "%s: %d PodDisruptionBudgets, expected 1", file,
        budgets.size());
    for (JsonNode budget : budgets) {
      String budgetWhere = file + " PodDisruptionBudget "
          + budget.path("metadata").path("name").asText();
      problems.check(selects(budget.path("spec").path("selector").path("matchLabels"),
          podLabels), "%s: selector does not match the StatefulSet's pods %s", budgetWhere,
          podLabels);
      problems.check(budget.path("spec").path("maxUnavailable").asInt() == 1,
          "%s: maxUnavailable must be 1 (a majority of 3 stays up)", budgetWhere);
    }
    problems.assertNone();
  }

  @Test
  void systemdUnitRunsTheLauncherWithKnownSettings() throws IOException {
    Problems problems = new Problems();
    Path unitPath = DEPLOY.resolve("systemd/pensieve.service");
    Path envPath = DEPLOY.resolve("systemd/pensieve.env");
    String unitFile = rel(unitPath);
    String envFile = rel(envPath);
    Map<String, List<String>> unit = systemdKeys(Files.readAllLines(unitPath));

    String execStart = first(unit, "ExecStart");
    problems.check(execStart.startsWith("/opt/pensieve/bin/pensieve"),
        "%s: ExecStart=%s does not run the launcher /opt/pensieve/bin/pensieve", unitFile,
        execStart);
    problems.checkFlags(unitFile + " ExecStart", execStart);
    problems.check("pensieve".equals(first(unit, "User")), "%s: User is not pensieve", unitFile);
    problems.check("on-failure".equals(first(unit, "Restart")), "%s: Restart is not on-failure",
        unitFile);
    problems.check("yes".equals(first(unit, "NoNewPrivileges"))
            && "strict".equals(first(unit, "ProtectSystem")),
        "%s: NoNewPrivileges=yes and ProtectSystem=strict are missing", unitFile);
    problems.check(!first(unit, "LimitNOFILE").isEmpty(), "%s: no LimitNOFILE", unitFile);
    long stopSeconds = Long.parseLong(first(unit, "TimeoutStopSec").replaceAll("s$", ""));
    problems.check(stopSeconds > drainSeconds(),
        "%s: TimeoutStopSec=%d is not beyond the node's %d s drain", unitFile, stopSeconds,
        drainSeconds());

    Map<String, String> unitEnv = new LinkedHashMap<>();
    for (String assignment : unit.getOrDefault("Environment", List.of())) {
      for (String pair : assignment.replace("\"", "").strip().split("\\s+", -1)) {
        unitEnv.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
      }
    }
    Map<String, String> fileEnv = new LinkedHashMap<>();
    for (String line : Files.readAllLines(envPath)) {
      Matcher m = ENV_LINE.matcher(line.strip());
      if (m.matches()) {
        fileEnv.put(m.group(1), m.group(2));
      }
    }
    Map<String, String> env = overlay(unitEnv, fileEnv);
    for (String name : unitEnv.keySet()) {
      problems.check(nodeReads(name), "%s: Environment %s is not a variable the node reads "
          + "(it reads %s)", unitFile, name, readable());
    }
    for (String name : fileEnv.keySet()) {
      problems.check(nodeReads(name), "%s: %s is not a variable the node reads (it reads %s)",
          envFile, name, readable());
    }
    for (String flag : NODE.settingFlags()) {
      List<String> names = NODE.envNames(flag);
      problems.check(names.stream().anyMatch(env::containsKey),
          "%s: the node's setting %s (%s) is missing; list every setting", envFile, flag,
          names.get(0));
    }
    Map<String, Integer> defaults = Map.of("--port", NodeConfig.DEFAULT_REST_PORT,
        "--grpc-port", NodeConfig.DEFAULT_GRPC_PORT, "--raft-port", NodeConfig.DEFAULT_RAFT_PORT);
    defaults.forEach((flag, port) -> {
      String shown = NODE.setting(fileEnv, flag);
      problems.check(String.valueOf(port).equals(shown), "%s: %s shows %s, but its default is %d",
          envFile, NODE.envNames(flag).get(0), shown, port);
    });

    String dataDir = unitEnv.get("PENSIEVE_DATA_DIR");
    problems.check(("/var/lib/" + first(unit, "StateDirectory")).equals(dataDir),
        "%s: PENSIEVE_DATA_DIR=%s is not the StateDirectory /var/lib/%s", unitFile, dataDir,
        first(unit, "StateDirectory"));
    problems.check(first(unit, "ReadWritePaths").contains(String.valueOf(dataDir)),
        "%s: ReadWritePaths=%s does not include the data dir %s", unitFile,
        first(unit, "ReadWritePaths"), dataDir);
    problems.assertNone();
  }

  // ---- the node's options -------------------------------------------------------------------

  /** The node's flags and the environment variables behind them, from its picocli options. */
  private static final class NodeOptions {
    final Set<String> flags = new TreeSet<>();
    final Map<String, OptionSpec> byFlag = new LinkedHashMap<>();
    /** What the node reads: every option's variables and the logging configuration's. */
    final Set<String> nodeVariables = new TreeSet<>();

    NodeOptions() {
      CommandSpec spec = new CommandLine(new PensieveMain()).getCommandSpec();
      for (OptionSpec option : spec.options()) {
        for (String name : option.names()) {
          flags.add(name);
          byFlag.put(name, option);
        }
      }
      flags.addAll(spec.negatedOptionsMap().keySet());
      // Without interpolation, defaultValue() is the annotation's text: ${env:NAME:-...}.
      spec.interpolateVariables(false);
      for (OptionSpec option : spec.options()) {
        nodeVariables.addAll(envNames(option));
      }
      try (InputStream logback = PensieveMain.class.getResourceAsStream("/logback.xml")) {
        matches(LOGBACK_VAR, new String(Objects.requireNonNull(logback, "logback.xml")
            .readAllBytes(), StandardCharsets.UTF_8), nodeVariables);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    private static List<String> envNames(OptionSpec option) {
      List<String> names = new ArrayList<>();
      if (option.defaultValue() != null) {
        matches(ENV_IN_DEFAULT, option.defaultValue(), names);
      }
      return names;
    }

    List<String> envNames(String flag) {
      return envNames(option(flag));
    }

    OptionSpec option(String flag) {
      return Objects.requireNonNull(byFlag.get(flag), () -> "the node has no option " + flag);
    }

    /** The flags that read a variable (every setting), one name each. */
    List<String> settingFlags() {
      return new LinkedHashSet<>(byFlag.values()).stream()
          .filter(option -> !envNames(option).isEmpty())
          .map(option -> option.names()[0])
          .collect(Collectors.toList());
    }

    /** {@code ${env:A:-${env:B:-7878}}} gives 7878; an empty default gives "". */
    String literalDefault(String flag) {
      String text = option(flag).defaultValue();
      while (text != null && text.startsWith("${env:")) {
        int fallback = text.indexOf(":-");
        text = fallback < 0 ? null : text.substring(fallback + 2, text.length() - 1);
      }
      return text;
    }

    /** The same lookup in shell syntax: {@code ${A:-${B:-7878}}}. */
    String shellExpression(String flag) {
      return option(flag).defaultValue().replace("${env:", "${");
    }

    /** The value the node takes for {@code flag} from {@code env}, as picocli resolves it. */
    String setting(Map<String, String> env, String flag) {
      for (String name : envNames(flag)) {
        String value = env.get(name);
        if (value != null && !value.isEmpty()) {
          return value;
        }
      }
      return literalDefault(flag);
    }
  }

  private static boolean nodeReads(String variable) {
    return NODE.nodeVariables.contains(variable) || launcherVariables().contains(variable);
  }

  private static Set<String> launcherVariables() {
    Set<String> names = new TreeSet<>();
    try {
      matches(SHELL_VAR, Files.readString(LAUNCHER), names);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + LAUNCHER, e);
    }
    return names;
  }

  private static String readable() {
    Set<String> all = new TreeSet<>(NODE.nodeVariables);
    all.addAll(launcherVariables());
    return all.toString();
  }

  /** How long a stopping node drains requests ({@link NodeConfig#shutdownGrace()}). */
  private static long drainSeconds() {
    return NodeConfig.builder("n1", Path.of("data")).build().shutdownGrace().toSeconds();
  }

  private record Ports(int rest, int grpc, int raft) {
    static Ports of(Map<String, String> env) {
      return new Ports(Integer.parseInt(NODE.setting(env, "--port")),
          Integer.parseInt(NODE.setting(env, "--grpc-port")),
          Integer.parseInt(NODE.setting(env, "--raft-port")));
    }

    Set<Integer> all() {
      return Set.of(rest, grpc, raft);
    }
  }

  // ---- the files ----------------------------------------------------------------------------

  /** The final stage of a Dockerfile: what the image holds and runs. */
  private static final class Dockerfile {
    final Path path;
    final Map<String, String> env = new LinkedHashMap<>();
    final Set<Integer> expose = new TreeSet<>();
    final Set<String> volumes = new TreeSet<>();
    final List<String[]> copies = new ArrayList<>();
    List<String> entrypoint = List.of();
    List<String> cmd = List.of();
    String healthcheck = "";
    String user;

    private Dockerfile(Path path) {
      this.path = path;
    }

    static Dockerfile read(Path path) throws IOException {
      Dockerfile docker = new Dockerfile(path);
      List<String> instructions = new ArrayList<>();
      StringBuilder current = new StringBuilder();
      for (String line : Files.readAllLines(path)) {
        String stripped = line.strip();
        if (stripped.startsWith("#") || (stripped.isEmpty() && current.length() == 0)) {
          continue;
        }
        if (stripped.endsWith("\\")) {
          current.append(stripped, 0, stripped.length() - 1).append(' ');
        } else {
          instructions.add(current.append(stripped).toString());
          current.setLength(0);
        }
      }
      for (String instruction : instructions) {
        String[] parts = instruction.split("\\s+", 2);
        String keyword = parts[0].toUpperCase(Locale.ROOT);
        String rest = parts.length > 1 ? parts[1].strip() : "";
        switch (keyword) {
          case "FROM" -> docker.reset();
          case "ENV" -> {
            for (String pair : rest.split("\\s+", -1)) { // rest is stripped
              int equals = pair.indexOf('=');
              if (equals > 0) {
                docker.env.put(pair.substring(0, equals), pair.substring(equals + 1));
              }
            }
          }
          case "EXPOSE" -> {
            for (String port : rest.split("\\s+", -1)) {
              docker.expose.add(Integer.parseInt(port.replaceAll("/.*", "")));
            }
          }
          case "VOLUME" -> docker.volumes.addAll(words(rest));
          case "COPY", "ADD" -> docker.copies.add(rest.replaceAll("--\\S+\\s+", "").split("\\s+"));
          case "ENTRYPOINT" -> docker.entrypoint = words(rest);
          case "CMD" -> docker.cmd = words(rest);
          case "HEALTHCHECK" -> docker.healthcheck = rest;
          case "USER" -> docker.user = rest;
          default -> { }
        }
      }
      return docker;
    }

    private void reset() {
      env.clear();
      expose.clear();
      volumes.clear();
      copies.clear();
      entrypoint = List.of();
      cmd = List.of();
      healthcheck = "";
      user = null;
    }

    /** Whether a COPY brings a source ending in {@code from} to {@code to}. */
    boolean copies(String from, String to) {
      return copies.stream().anyMatch(c -> c.length >= 2 && c[c.length - 1].equals(to)
          && List.of(c).subList(0, c.length - 1).stream().anyMatch(s -> s.endsWith(from)));
    }

    /** Exec form (a JSON array) or shell form. */
    private static List<String> words(String text) {
      if (text.startsWith("[")) {
        try {
          List<String> words = new ArrayList<>();
          JSON.readTree(text).forEach(w -> words.add(w.asText()));
          return words;
        } catch (IOException e) {
          throw new IllegalArgumentException("not a JSON array: " + text, e);
        }
      }
      return List.of(text.split("\\s+"));
    }
  }

  private static Map<String, String> composeEnv(JsonNode service) {
    Map<String, String> env = new LinkedHashMap<>();
    JsonNode environment = service.path("environment");
    if (environment.isArray()) {
      for (JsonNode item : environment) {
        String pair = item.asText();
        int equals = pair.indexOf('=');
        env.put(equals < 0 ? pair : pair.substring(0, equals),
            equals < 0 ? "" : pair.substring(equals + 1));
      }
    } else {
      environment.properties().forEach(e -> env.put(e.getKey(), e.getValue().asText()));
    }
    return env;
  }

  /** Container port to host port, from short ("[ip:]host:container[/proto]") or long syntax. */
  private static Map<Integer, Integer> publishedPorts(JsonNode ports) {
    Map<Integer, Integer> published = new LinkedHashMap<>();
    for (JsonNode port : ports) {
      if (port.isObject()) {
        int target = port.path("target").asInt();
        published.put(target, port.path("published").asInt(target));
      } else {
        String[] parts = port.asText().replaceAll("/.*", "").split(":", -1);
        int container = Integer.parseInt(parts[parts.length - 1]);
        published.put(container,
            parts.length > 1 ? Integer.parseInt(parts[parts.length - 2]) : container);
      }
    }
    return published;
  }

  private static Map<String, List<String>> systemdKeys(List<String> lines) {
    Map<String, List<String>> keys = new LinkedHashMap<>();
    for (String line : lines) {
      String stripped = line.strip();
      int equals = stripped.indexOf('=');
      if (stripped.startsWith("#") || stripped.startsWith(";") || equals < 1) {
        continue;
      }
      keys.computeIfAbsent(stripped.substring(0, equals), k -> new ArrayList<>())
          .add(stripped.substring(equals + 1));
    }
    return keys;
  }

  private static String first(Map<String, List<String>> keys, String key) {
    List<String> values = keys.getOrDefault(key, List.of());
    return values.isEmpty() ? "" : values.get(0);
  }

  private static List<JsonNode> ofKind(List<JsonNode> documents, String kind) {
    return documents.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
  }

  private static Map<String, String> labels(JsonNode node) {
    Map<String, String> labels = new LinkedHashMap<>();
    node.properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
    return labels;
  }

  /** A non-empty selector whose every label the pod carries. */
  private static boolean selects(JsonNode selector, Map<String, String> podLabels) {
    Map<String, String> wanted = labels(selector);
    return !wanted.isEmpty() && podLabels.entrySet().containsAll(wanted.entrySet());
  }

  private static Integer resolvePort(JsonNode port, Map<String, Integer> named) {
    if (port.isNumber() || port.asText().matches("\\d+")) {
      return port.asInt();
    }
    return named.get(port.asText());
  }

  /** Kubernetes' $(VAR) expansion, against the variables defined before. */
  private static String expand(String value, Map<String, String> defined) {
    Matcher m = K8S_VAR.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(
          defined.getOrDefault(m.group(1), m.group())));
    }
    return m.appendTail(out).toString();
  }

  private static List<String> splitPeers(String peers) {
    List<String> list = new ArrayList<>();
    for (String peer : (peers == null ? "" : peers).split(",", -1)) {
      if (!peer.isBlank()) {
        list.add(peer.strip());
      }
    }
    return list;
  }

  private static Map<String, String> overlay(Map<String, String> base, Map<String, String> top) {
    Map<String, String> env = new LinkedHashMap<>(base);
    env.putAll(top);
    return env;
  }

  private static <C extends java.util.Collection<String>> C matches(Pattern pattern, String text,
      C into) {
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      into.add(m.group(1));
    }
    return into;
  }

  /** A YAML scalar or list as one line of text. */
  private static String text(JsonNode node) {
    if (node.isArray()) {
      List<String> words = new ArrayList<>();
      node.forEach(w -> words.add(w.asText()));
      return String.join(" ", words);
    }
    return node.isMissingNode() || node.isNull() ? "" : node.asText();
  }

  /** The tree's own text files, which may start a node: not docs (they quote flags). */
  private static List<Path> sourceFiles() throws IOException {
    List<Path> files = new ArrayList<>();
    Files.walkFileTree(REPO, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
        String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
        boolean skip = !dir.equals(REPO) && (NOT_SOURCE_NAMES.contains(name)
            || NOT_SOURCE_PATHS.matcher(rel(dir)).matches());
        return skip ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
        if (attributes.isRegularFile() && attributes.size() < 1_000_000
            && !file.toString().endsWith(".md") && isText(file)) {
          files.add(file);
        }
        return FileVisitResult.CONTINUE;
      }
    });
    return files;
  }

  private static boolean isText(Path file) {
    try {
      StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file)));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int lineOf(String text, int index) {
    return (int) text.substring(0, index).chars().filter(c -> c == '\n').count() + 1;
  }

  private static String rel(Path path) {
    return REPO.relativize(path).toString();
  }

  private static Path findRepo() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("deploy")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no deploy/ directory above " + Path.of("").toAbsolutePath());
  }

  /** Collects every mismatch of a file, so that one run names them all. */
  private static final class Problems {
    private final List<String> found = new ArrayList<>();

    @FormatMethod
    void check(boolean holds, @FormatString String format, Object... args) {
      if (!holds) {
        add(format, args);
      }
    }

    @FormatMethod
    void add(@FormatString String format, Object... args) {
      found.add(String.format(format, args));
    }

    void checkFlags(String where, String command) {
      for (String flag : matches(FLAG, command, new ArrayList<>())) {
        check(NODE.flags.contains(flag), "%s: %s is not a flag of %s (its flags: %s)", where,
            flag, PensieveMain.class.getSimpleName(), NODE.flags);
      }
    }

    void assertNone() {
      if (!found.isEmpty()) {
        fail(found.size() + " problem(s) in how nodes are deployed and started:\n  "
            + String.join("\n  ", found));
      }
    }
  }
}

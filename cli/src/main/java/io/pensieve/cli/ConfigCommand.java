package io.pensieve.cli;

import io.pensieve.proto.v1.ConfigureCommand;
import io.pensieve.proto.v1.ConfigureResult;
import io.pensieve.proto.v1.GetSettingsRequest;
import io.pensieve.proto.v1.Settings;
import io.pensieve.proto.v1.UpdateSettingsRequest;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "config",
    description = {"Shows or changes the cluster's replicated settings.",
        "Capacity, eviction policy, default TTL, key and value size limits, and the bounds on"
            + " one request (range reply, delete-range, transaction, leases). Without a"
            + " subcommand: get."},
    footerHeading = "%nExamples:%n",
    footer = {
        "  pvctl config get",
        "  pvctl config set max-entries=100000 eviction-policy=lru",
        "  pvctl config set default-ttl=3600 max-value-bytes=65536",
        "  pvctl config set max-range-entries=1000 max-delete-range-keys=5000"})
final class ConfigCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Override
  public Integer call() {
    return get();
  }

  @Command(name = "get",
      description = "The settings, as of a linearizable read (default-ttl in seconds; 0 means"
          + " unlimited or never).",
      footerHeading = "%nExamples:%n",
      footer = {
          "  pvctl config get",
          "  pvctl config get -o json"})
  int get() {
    Session session = Pvctl.sessionOf(spec);
    GetSettingsRequest request = GetSettingsRequest.getDefaultInstance();
    Settings settings = session.cluster().call(RequestKind.READ,
        stubs -> stubs.admin().getSettings(request));
    session.output().emit(ProtoJson.toJson(settings), SettingChanges.fields(settings));
    return ExitCode.OK;
  }

  @Command(name = "set",
      description = {
          "Changes the settings named, through the log; the others keep their value. All or"
              + " nothing: a value out of range changes nothing and exits 2.",
          "Names: max-entries (0 = unlimited), max-bytes (0 = unlimited),"
              + " eviction-policy (lru or noeviction), default-ttl (seconds, 0 = never),"
              + " max-key-bytes, max-value-bytes; the bounds on one request (0 = the default):"
              + " max-range-entries (entries per range reply, and the largest --limit),"
              + " max-range-bytes (bytes of keys and values per range reply),"
              + " max-delete-range-keys (keys one delete-range may remove), max-txn-ops"
              + " (ops per transaction), max-leases (leases held at once)."},
      footerHeading = "%nExamples:%n",
      footer = {
          "  pvctl config set max-entries=100000",
          "  pvctl config set eviction-policy=noeviction max-bytes=1073741824",
          "  pvctl config set default-ttl=3600",
          "  pvctl config set max-range-entries=1000 max-txn-ops=64"})
  int set(@Parameters(paramLabel = "NAME=VALUE", arity = "1..*",
      description = "A setting and its new value.") List<String> assignments) {
    ConfigureCommand changes;
    try {
      changes = SettingChanges.parse(assignments);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine().getSubcommands().get("set"), e.getMessage());
    }
    Session session = Pvctl.sessionOf(spec);
    UpdateSettingsRequest request = UpdateSettingsRequest.newBuilder().setChanges(changes).build();
    ConfigureResult result = session.cluster().call(RequestKind.WRITE,
        stubs -> stubs.admin().updateSettings(request));
    Fields fields = new Fields()
        .add("changed", result.getChanged())
        .add("evicted", result.getEvicted());
    session.output().emit(ProtoJson.toJson(result),
        fields.render() + SettingChanges.fields(result.getSettings()).render());
    return ExitCode.OK;
  }
}

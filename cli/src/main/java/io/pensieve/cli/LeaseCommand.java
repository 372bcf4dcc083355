package io.pensieve.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pensieve.proto.v1.LeaseGrantRequest;
import io.pensieve.proto.v1.LeaseGrantResponse;
import io.pensieve.proto.v1.LeaseKeepAliveRequest;
import io.pensieve.proto.v1.LeaseKeepAliveResponse;
import io.pensieve.proto.v1.LeaseListRequest;
import io.pensieve.proto.v1.LeaseListResponse;
import io.pensieve.proto.v1.LeaseRevokeRequest;
import io.pensieve.proto.v1.LeaseRevokeResponse;
import io.pensieve.proto.v1.LeaseTimeToLiveRequest;
import io.pensieve.proto.v1.LeaseTimeToLiveResponse;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Leases: a TTL that keys attach to ({@code pvctl put --lease ID}); revoking the lease, or
 * letting it expire, deletes them. Lease ids print as decimal text, and as JSON strings.
 */
@Command(name = "lease",
    description = {"Grants, renews, revokes and inspects leases.",
        "Keys put with --lease ID are deleted when the lease is revoked or expires."},
    subcommands = {LeaseCommand.Grant.class, LeaseCommand.KeepAlive.class,
        LeaseCommand.Revoke.class, LeaseCommand.TimeToLive.class, LeaseCommand.ListLeases.class,
        LeaseLoad.class},
    footerHeading = "%nExamples:%n",
    footer = {
        "  pvctl lease grant 30",
        "  pvctl put session/n1 alive --lease 1",
        "  pvctl lease keep-alive 1",
        "  pvctl lease timetolive 1 --keys",
        "  pvctl lease revoke 1"})
final class LeaseCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Override
  public Integer call() {
    throw CliError.usage("give a subcommand of " + spec.qualifiedName()
        + ": grant, keep-alive, revoke, timetolive, list or load");
  }

  @Command(name = "grant", description = "Grants a lease of TTL_SECONDS (at least 5).",
      footerHeading = "%nExamples:%n", footer = {"  pvctl lease grant 30"})
  static final class Grant implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TTL_SECONDS",
        description = "How long the lease lives unless renewed.")
    private long ttlSeconds;

    @Option(names = "--id", paramLabel = "ID",
        description = "The lease id to use (default: the cluster chooses).")
    private long id;

    @Override
    public Integer call() {
      Session session = Pvctl.sessionOf(spec);
      LeaseGrantRequest request = LeaseGrantRequest.newBuilder().setTtlSeconds(ttlSeconds)
          .setId(id).build();
      LeaseGrantResponse granted =
          session.cluster().call(RequestKind.WRITE, stubs -> stubs.lease().grant(request));
      session.output().emit(ProtoJson.object().put("id", Long.toString(granted.getId()))
              .put("ttl_seconds", granted.getTtlSeconds())
              .put("expire_at_millis", granted.getExpireAtMillis()),
          "lease " + granted.getId() + " granted with TTL " + granted.getTtlSeconds() + "s");
      return ExitCode.OK;
    }
  }

  @Command(name = "keep-alive",
      description = {"Renews a lease every third of its TTL until interrupted (Ctrl-C),",
          "printing each renewal; with --once, renews it once."},
      footerHeading = "%nExamples:%n",
      footer = {"  pvctl lease keep-alive 1", "  pvctl lease keep-alive 1 --once -o json"})
  static final class KeepAlive implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID", description = "The lease to renew.")
    private long id;

    @Option(names = "--once", description = "Renew once and exit.")
    private boolean once;

    @Override
    public Integer call() throws InterruptedException {
      Session session = Pvctl.sessionOf(spec);
      LeaseKeepAliveRequest request = LeaseKeepAliveRequest.newBuilder().setId(id).build();
      while (true) {
        // renewing twice only renews twice: safe to send again on failover
        LeaseKeepAliveResponse renewed = session.cluster().call(RequestKind.READ,
            stubs -> stubs.lease().keepAliveOnce(request));
        session.output().emit(ProtoJson.object().put("id", Long.toString(renewed.getId()))
                .put("ttl_seconds", renewed.getTtlSeconds())
                .put("expire_at_millis", renewed.getExpireAtMillis()),
            "lease " + renewed.getId() + " kept alive with TTL " + renewed.getTtlSeconds()
                + "s, until " + KeyValues.expireAt(renewed.getExpireAtMillis()));
        if (once) {
          return ExitCode.OK;
        }
        Thread.sleep(Math.max(1, renewed.getTtlSeconds() * 1000 / 3));
      }
    }
  }

  @Command(name = "revoke", description = "Revokes a lease and deletes every key attached to it.",
      footerHeading = "%nExamples:%n", footer = {"  pvctl lease revoke 1"})
  static final class Revoke implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID", description = "The lease to revoke.")
    private long id;

    @Override
    public Integer call() {
      Session session = Pvctl.sessionOf(spec);
      LeaseRevokeRequest request = LeaseRevokeRequest.newBuilder().setId(id).build();
      LeaseRevokeResponse revoked =
          session.cluster().call(RequestKind.WRITE, stubs -> stubs.lease().revoke(request));
      session.output().emit(ProtoJson.object().put("id", Long.toString(id))
              .put("deleted", revoked.getDeleted()).put("revision", revoked.getRevision()),
          "lease " + id + " revoked; " + revoked.getDeleted()
              + (revoked.getDeleted() == 1 ? " key" : " keys") + " deleted");
      return ExitCode.OK;
    }
  }

  @Command(name = "timetolive",
      description = "Shows a lease's remaining and granted TTL, and with --keys its keys.",
      footerHeading = "%nExamples:%n", footer = {"  pvctl lease timetolive 1 --keys"})
  static final class TimeToLive implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID", description = "The lease.")
    private long id;

    @Option(names = "--keys", description = "List the attached keys.")
    private boolean keys;

    @Override
    public Integer call() {
      Session session = Pvctl.sessionOf(spec);
      LeaseTimeToLiveRequest request = LeaseTimeToLiveRequest.newBuilder().setId(id)
          .setKeys(keys).build();
      LeaseTimeToLiveResponse lease =
          session.cluster().call(RequestKind.READ, stubs -> stubs.lease().timeToLive(request));
      ObjectNode json = json(lease);
      Fields fields = new Fields().add("id", lease.getId())
          .add("ttl_seconds", lease.getTtlSeconds())
          .add("granted_ttl_seconds", lease.getGrantedTtlSeconds())
          .add("expire_at", KeyValues.expireAt(lease.getExpireAtMillis()))
          .add("keys", lease.getKeyCount());
      StringBuilder text = new StringBuilder(fields.render());
      if (keys) {
        ArrayNode listed = json.putArray("keys");
        lease.getKeysList().forEach(key -> {
          listed.add(Text.show(key));
          text.append("  ").append(Text.show(key)).append('\n');
        });
      }
      session.output().emit(json, text.toString());
      return ExitCode.OK;
    }
  }

  @Command(name = "list", description = "Lists every lease, in id order.",
      footerHeading = "%nExamples:%n", footer = {"  pvctl lease list -o json"})
  static final class ListLeases implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
      Session session = Pvctl.sessionOf(spec);
      LeaseListResponse list = session.cluster().call(RequestKind.READ,
          stubs -> stubs.lease().list(LeaseListRequest.getDefaultInstance()));
      ObjectNode json = ProtoJson.object();
      ArrayNode leases = json.putArray("leases");
      Table table = new Table("ID", "TTL", "GRANTED-TTL", "KEYS", "EXPIRE-AT");
      for (LeaseTimeToLiveResponse lease : list.getLeasesList()) {
        leases.add(json(lease));
        table.row(lease.getId(), lease.getTtlSeconds(), lease.getGrantedTtlSeconds(),
            lease.getKeyCount(), KeyValues.expireAt(lease.getExpireAtMillis()));
      }
      session.output().emit(json, table);
      return ExitCode.OK;
    }
  }

  private static ObjectNode json(LeaseTimeToLiveResponse lease) {
    return ProtoJson.object().put("id", Long.toString(lease.getId()))
        .put("ttl_seconds", lease.getTtlSeconds())
        .put("granted_ttl_seconds", lease.getGrantedTtlSeconds())
        .put("expire_at_millis", lease.getExpireAtMillis())
        .put("key_count", lease.getKeyCount());
  }
}

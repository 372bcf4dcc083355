package io.pensieve.server.raft;

import io.pensieve.server.tls.HandshakeFailure;
import java.io.IOException;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.GroupListReply;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.util.TimeDuration;

/**
 * Another node's Raft server, asked about the groups it hosts: whether a node to be added is
 * waiting for this cluster, and removing the group from a node that was removed from it. Each
 * question is one attempt with a short timeout, so an unreachable node is reported promptly.
 */
public final class RemotePeer {
  private static final TimeDuration ATTEMPT_TIMEOUT = TimeDuration.valueOf(3, TimeUnit.SECONDS);

  private final RaftPeer peer;
  private final RaftGroupId groupId;
  private final Parameters parameters;

  /** @param parameters the node's own transport parameters (mutual TLS when on) */
  RemotePeer(RaftPeer peer, RaftGroupId groupId, Parameters parameters) {
    this.peer = peer;
    this.groupId = groupId;
    this.parameters = parameters;
  }

  /** What the node hosts: nothing, this cluster's group (with its configuration), or others. */
  public sealed interface Hosting {
    record Nothing() implements Hosting {}

    /** @param selfId the id the node gives itself, which may differ from the one expected */
    record ThisCluster(String selfId, Collection<RaftPeer> configuration) implements Hosting {}

    record OtherGroups(Collection<RaftGroupId> groups) implements Hosting {}
  }

  /**
   * @throws HandshakeFailure when TLS is on and either side refused the other's certificate
   * @throws IOException when the node cannot be reached or is another node
   */
  public Hosting hosting() throws IOException {
    try {
      return askHosting();
    } catch (IOException | RuntimeException e) { // Ratis reports some failures unchecked
      Optional<HandshakeFailure> tls = HandshakeFailure.of(e, peer.getAddress());
      if (tls.isPresent()) {
        throw tls.get();
      }
      throw e;
    }
  }

  private Hosting askHosting() throws IOException {
    try (RaftClient client = client()) {
      GroupListReply groups = client.getGroupManagementApi(peer.getId()).list();
      checked(groups);
      if (groups.getGroupIds().isEmpty()) {
        return new Hosting.Nothing();
      }
      if (!groups.getGroupIds().contains(groupId)) {
        return new Hosting.OtherGroups(groups.getGroupIds());
      }
      GroupInfoReply info = client.getGroupManagementApi(peer.getId()).info(groupId);
      checked(info);
      return new Hosting.ThisCluster(info.getRoleInfoProto().getSelf().getId().toStringUtf8(),
          info.getGroup().getPeers());
    }
  }

  /**
   * Removes this cluster's group from the node, keeping its data in a renamed directory, so a
   * removed member stops serving and can never rejoin with its old log by accident.
   */
  public void removeGroup() throws IOException {
    try (RaftClient client = client()) {
      checked(client.getGroupManagementApi(peer.getId()).remove(groupId, false, true));
    }
  }

  private static void checked(RaftClientReply reply) throws IOException {
    if (!reply.isSuccess()) {
      throw Optional.<IOException>ofNullable(reply.getException())
          .orElseGet(() -> new IOException("the node refused the request"));
    }
  }

  private RaftClient client() {
    RaftProperties properties = new RaftProperties();
    RaftClientConfigKeys.Rpc.setRequestTimeout(properties, ATTEMPT_TIMEOUT);
    return RaftClient.newBuilder()
        .setProperties(properties)
        .setParameters(parameters)
        .setRaftGroup(RaftGroup.valueOf(groupId, peer))
        .setRetryPolicy(RetryPolicies.noRetry())
        .build();
  }
}

package io.pensieve.server.admin;

import io.pensieve.internal.v1.MemberAddresses;
import io.pensieve.proto.v1.AddMemberRequest;
import io.pensieve.proto.v1.ClusterResponse;
import io.pensieve.proto.v1.ErrorCode;
import io.pensieve.proto.v1.Role;
import io.pensieve.server.NodeConfig;
import io.pensieve.server.kv.KvException;
import io.pensieve.server.raft.ClusterView;
import io.pensieve.server.raft.RaftNode;
import io.pensieve.server.raft.RemotePeer;
import io.pensieve.server.tls.HandshakeFailure;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.server.RaftConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Membership and leadership changes, run on the leader one at a time. Each request is checked
 * against the configuration first, so that a wrong one is refused with a clear reason and
 * changes nothing; the change itself is a Ratis compare-and-set of the configuration, so two
 * changes racing through different leaders cannot overwrite each other.
 */
final class MembershipChanges {
  private static final Logger LOG = LoggerFactory.getLogger(MembershipChanges.class);
  /** Long enough for a new member to receive a large snapshot while it is staged. */
  private static final Duration CHANGE_TIMEOUT = Duration.ofMinutes(5);

  private final RaftNode raft;
  private final Duration liveness;
  private final Supplier<ClusterResponse> view;

  /**
   * @param liveness how recently a follower must have answered the leader to count as alive
   * @param view the cluster as this node sees it, answered after a change
   */
  MembershipChanges(RaftNode raft, Duration liveness, Supplier<ClusterResponse> view) {
    this.raft = raft;
    this.liveness = liveness;
    this.view = view;
  }

  ClusterResponse add(AddMemberRequest request) {
    RaftPeerId id = RaftPeerId.valueOf(requireId(request.getId()));
    String address = requireAddress(request.getRaftAddress());
    RaftConfiguration conf = raft.configuration();
    if (conf.getPeer(id, RaftPeerRole.FOLLOWER, RaftPeerRole.LISTENER) != null) {
      throw new KvException(ErrorCode.ERROR_CODE_ALREADY_EXISTS, id + " is already a member");
    }
    for (RaftPeer member : allMembers(conf)) {
      if (member.getAddress().equals(address)) {
        throw new KvException(ErrorCode.ERROR_CODE_ALREADY_EXISTS,
            "member " + member.getId() + " already has the address " + address);
      }
    }
    RaftPeerRole role = request.getLearner() ? RaftPeerRole.LISTENER : RaftPeerRole.FOLLOWER;
    RaftPeer peer = RaftPeer.newBuilder().setId(id).setAddress(address).setStartupRole(role)
        .build();
    requireWaitingToJoin(peer);

    List<RaftPeer> voters = new ArrayList<>(voters(conf));
    List<RaftPeer> learners = new ArrayList<>(learners(conf));
    (request.getLearner() ? learners : voters).add(peer);
    change(conf, voters, learners, "add " + id + (request.getLearner() ? " as a learner" : ""));
    return view.get();
  }

  ClusterResponse remove(String rawId) {
    RaftConfiguration conf = raft.configuration();
    RaftPeer removed = requireMember(conf, rawId);
    List<RaftPeer> voters = without(voters(conf), removed.getId());
    List<RaftPeer> learners = without(learners(conf), removed.getId());
    if (conf.getPeer(removed.getId(), RaftPeerRole.FOLLOWER) != null) {
      if (voters.isEmpty()) {
        throw new KvException(ErrorCode.ERROR_CODE_FAILED_PRECONDITION,
            removed.getId() + " is the only voter; a cluster cannot remove its last voter");
      }
      Set<RaftPeerId> alive = aliveVoters();
      requireQuorum(voters(conf), alive, "now");
      requireQuorum(voters, alive, "after removing " + removed.getId());
    }
    boolean removingSelf = removed.getId().equals(raft.localId());
    change(conf, voters, learners, "remove " + removed.getId());
    try {
      raft.remote(removed).removeGroup();
    } catch (IOException e) {
      LOG.warn("Removed {} from the cluster but could not tell it ({}); stop it and clear its "
          + "data directory before reusing it", removed.getId(), e.toString());
    }
    return removingSelf ? membersOnly(voters, learners) : view.get();
  }

  /**
   * Ratis never marks a learner caught up, so a learner promoted in place would keep the
   * "initializing" flag its leader sends and never start serving. So a promotion is two
   * changes: the learner leaves the configuration (keeping its log and state), then comes back
   * as a voter through the leader's staging, like any new voter.
   */
  ClusterResponse promote(String rawId) {
    RaftConfiguration conf = raft.configuration();
    RaftPeer learner = requireMember(conf, rawId);
    if (conf.getPeer(learner.getId(), RaftPeerRole.LISTENER) == null) {
      throw new KvException(ErrorCode.ERROR_CODE_FAILED_PRECONDITION, learner.getId()
          + " is already a voter");
    }
    List<RaftPeer> learners = without(learners(conf), learner.getId());
    change(conf, List.copyOf(voters(conf)), learners, "promote " + learner.getId()
        + " (step 1 of 2: leave as a learner)");
    RaftConfiguration between = raft.configuration();
    List<RaftPeer> voters = new ArrayList<>(voters(between));
    voters.add(RaftPeer.newBuilder(learner).setStartupRole(RaftPeerRole.FOLLOWER).build());
    change(between, voters, learners, "promote " + learner.getId()
        + " (step 2 of 2: join as a voter)");
    return view.get();
  }

  ClusterResponse transferLeader(String rawId, Duration timeout) {
    RaftConfiguration conf = raft.configuration();
    RaftPeer target = requireMember(conf, rawId);
    if (conf.getPeer(target.getId(), RaftPeerRole.FOLLOWER) == null) {
      throw new KvException(ErrorCode.ERROR_CODE_FAILED_PRECONDITION, target.getId()
          + " is a learner and cannot lead; promote it first");
    }
    if (!target.getId().equals(raft.localId())) {
      if (!aliveVoters().contains(target.getId())) {
        throw new KvException(ErrorCode.ERROR_CODE_FAILED_PRECONDITION, target.getId()
            + " has not answered the leader recently; it cannot take over");
      }
      await(raft.transferLeadership(target.getId(), timeout), timeout.plusSeconds(5),
          "transfer leadership to " + target.getId());
      LOG.info("Transferred leadership to {}", target.getId());
    }
    return view.get();
  }

  private void change(RaftConfiguration current, List<RaftPeer> voters, List<RaftPeer> learners,
      String what) {
    SetConfigurationRequest.Arguments arguments = SetConfigurationRequest.Arguments.newBuilder()
        .setServersInNewConf(voters)
        .setListenersInNewConf(learners)
        .setServersInCurrentConf(List.copyOf(voters(current)))
        .setListenersInCurrentConf(List.copyOf(learners(current)))
        .setMode(SetConfigurationRequest.Mode.COMPARE_AND_SET)
        .build();
    long startNanos = System.nanoTime();
    await(raft.setConfiguration(arguments), CHANGE_TIMEOUT, what);
    LOG.info("Membership change \"{}\" done in {} ms; voters {}, learners {}", what,
        (System.nanoTime() - startNanos) / 1_000_000, ids(voters), ids(learners));
  }

  private static void await(CompletableFuture<RaftClientReply> pending,
      Duration timeout, String what) {
    RaftClientReply reply;
    try {
      reply = pending.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KvException(ErrorCode.ERROR_CODE_UNAVAILABLE, "interrupted: " + what);
    } catch (TimeoutException e) {
      throw new KvException(ErrorCode.ERROR_CODE_UNKNOWN_OUTCOME,
          "no answer within " + timeout.toSeconds()
          + " s to: " + what + "; check `pvctl member list` before retrying");
    } catch (ExecutionException e) {
      throw new KvException(ErrorCode.ERROR_CODE_UNAVAILABLE,
          "could not " + what + ": " + e.getCause());
    }
    if (!reply.isSuccess()) {
      ErrorCode code = reply.getNotLeaderException() != null
          ? ErrorCode.ERROR_CODE_UNAVAILABLE : ErrorCode.ERROR_CODE_FAILED_PRECONDITION;
      throw new KvException(code, "could not " + what + ": " + reply.getException().getMessage());
    }
  }

  /** The node to add must run with {@code --join}: hosting this cluster's group, empty. */
  private void requireWaitingToJoin(RaftPeer peer) {
    RemotePeer.Hosting hosting;
    try {
      hosting = raft.remote(peer).hosting();
    } catch (HandshakeFailure e) {
      throw new KvException(ErrorCode.ERROR_CODE_FAILED_PRECONDITION,
          "refused to add " + peer.getId()
          + ": " + e.getMessage() + "; members and the nodes added to them need certificates "
          + "signed by the same CA");
    } catch (IOException | RuntimeException e) { // Ratis reports some failures unchecked
      throw new KvException(ErrorCode.ERROR_CODE_FAILED_PRECONDITION, "cannot reach " + peer.getId()
          + " at " + peer.getAddress() + " (" + e.getMessage() + "); start it with "
          + "`pensieve --join` and give its Raft address");
    }
    String refusal = null;
    if (hosting instanceof RemotePeer.Hosting.ThisCluster waiting) {
      if (!waiting.selfId().equals(peer.getId().toString())) {
        refusal = "the node at " + peer.getAddress() + " is " + waiting.selfId() + ", not "
            + peer.getId();
      } else if (!waiting.configuration().isEmpty()) {
        refusal = peer.getId() + " already belongs to a cluster with members "
            + ids(waiting.configuration()) + "; only a node started with --join and an empty "
            + "data directory can be added";
      }
    } else if (hosting instanceof RemotePeer.Hosting.Nothing) {
      refusal = peer.getId() + " is not waiting to join (it was removed from a cluster); "
          + "restart it with --join and an empty data directory";
    } else {
      refusal = peer.getId() + " belongs to another cluster (a different --cluster-name)";
    }
    if (refusal != null) {
      throw new KvException(ErrorCode.ERROR_CODE_FAILED_PRECONDITION, refusal);
    }
  }

  /** Voters that answered the leader within the liveness window; the leader counts itself. */
  private Set<RaftPeerId> aliveVoters() {
    Set<RaftPeerId> alive = raft.division().getInfo().getRoleInfoProto().getLeaderInfo().getFollowerInfoList().stream()
        .filter(rpc -> rpc.getLastRpcElapsedTimeMs() <= liveness.toMillis())
        .map(ServerRpcProto::getId)
        .map(peer -> RaftPeerId.valueOf(peer.getId()))
        .collect(Collectors.toCollection(HashSet::new));
    alive.add(raft.localId());
    return alive;
  }

  private static void requireQuorum(Collection<RaftPeer> voters, Set<RaftPeerId> alive,
      String when) {
    long up = voters.stream().filter(peer -> alive.contains(peer.getId())).count();
    if (up * 2 <= voters.size()) {
      throw new KvException(ErrorCode.ERROR_CODE_FAILED_PRECONDITION,
          "refused: " + when + " only " + up
          + " of the " + voters.size() + " voters " + ids(voters) + " would be alive, "
          + "short of a majority; bring members back first");
    }
  }

  private static RaftPeer requireMember(RaftConfiguration conf, String rawId) {
    RaftPeer peer = conf.getPeer(RaftPeerId.valueOf(requireId(rawId)), RaftPeerRole.FOLLOWER,
        RaftPeerRole.LISTENER);
    if (peer == null) {
      throw new KvException(ErrorCode.ERROR_CODE_NOT_FOUND, "no member " + rawId + "; members are "
          + ids(allMembers(conf)));
    }
    return peer;
  }

  private static String requireId(String id) {
    if (!NodeConfig.isValidNodeId(id)) {
      throw new KvException(ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
          "a member id is 1 to 63 letters, "
          + "digits, '.', '_' or '-', starting with a letter or digit; got '" + id + "'");
    }
    return id;
  }

  private static String requireAddress(String address) {
    int colon = address.lastIndexOf(':');
    int port = -1;
    if (colon > 0) {
      try {
        port = Integer.parseInt(address.substring(colon + 1));
      } catch (NumberFormatException e) {
        port = -1;
      }
    }
    if (port < 1 || port > 65535) {
      throw new KvException(ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
          "a Raft address is host:port, got '" + address + "'");
    }
    return address;
  }

  /** What a removed leader answers: it no longer knows roles, the others elect a leader. */
  private ClusterResponse membersOnly(List<RaftPeer> voters, List<RaftPeer> learners) {
    Map<String, MemberAddresses> advertised = raft.stateMachine().memberAddresses();
    ClusterResponse.Builder cluster = ClusterResponse.newBuilder();
    voters.forEach(peer -> cluster.addMembers(
        ClusterView.member(peer, Role.ROLE_FOLLOWER, advertised)));
    learners.forEach(peer -> cluster.addMembers(
        ClusterView.member(peer, Role.ROLE_LEARNER, advertised)));
    return cluster.build();
  }

  private static Collection<RaftPeer> voters(RaftConfiguration conf) {
    return conf.getCurrentPeers(RaftPeerRole.FOLLOWER);
  }

  private static Collection<RaftPeer> learners(RaftConfiguration conf) {
    return conf.getCurrentPeers(RaftPeerRole.LISTENER);
  }

  private static List<RaftPeer> allMembers(RaftConfiguration conf) {
    List<RaftPeer> all = new ArrayList<>(voters(conf));
    all.addAll(learners(conf));
    return all;
  }

  private static List<RaftPeer> without(Collection<RaftPeer> peers, RaftPeerId id) {
    return peers.stream().filter(peer -> !peer.getId().equals(id)).toList();
  }

  private static List<String> ids(Collection<RaftPeer> peers) {
    return peers.stream().map(peer -> peer.getId().toString()).sorted().toList();
  }
}

package io.pensieve.server.grpc;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.pensieve.internal.v1.MemberAddresses;
import io.pensieve.proto.v1.AddMemberRequest;
import io.pensieve.proto.v1.AdminGrpc;
import io.pensieve.proto.v1.ClusterRequest;
import io.pensieve.proto.v1.ClusterResponse;
import io.pensieve.proto.v1.ConfigureResult;
import io.pensieve.proto.v1.DigestRequest;
import io.pensieve.proto.v1.DigestResult;
import io.pensieve.proto.v1.ErrorCode;
import io.pensieve.proto.v1.GetSettingsRequest;
import io.pensieve.proto.v1.NodeStatus;
import io.pensieve.proto.v1.PromoteMemberRequest;
import io.pensieve.proto.v1.RemoveMemberRequest;
import io.pensieve.proto.v1.RestoreSnapshotResponse;
import io.pensieve.proto.v1.SaveSnapshotRequest;
import io.pensieve.proto.v1.Settings;
import io.pensieve.proto.v1.SnapshotChunk;
import io.pensieve.proto.v1.StatusRequest;
import io.pensieve.proto.v1.TakeSnapshotRequest;
import io.pensieve.proto.v1.TakeSnapshotResponse;
import io.pensieve.proto.v1.TransferLeaderRequest;
import io.pensieve.proto.v1.UpdateSettingsRequest;
import io.pensieve.server.admin.AdminService;
import io.pensieve.server.admin.NodeStatusView;
import io.pensieve.server.kv.KvException;
import io.pensieve.server.kv.KvService;
import io.pensieve.server.raft.RaftNode;
import io.pensieve.server.rest.NodeInfo;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * The {@code pensieve.v1.Admin} service. Membership and leadership changes are sent on to the
 * leader when this node does not lead; the rest is answered here.
 */
final class AdminGrpcService extends AdminGrpc.AdminImplBase {
  private final AdminService admin;
  private final KvService kv;
  private final RaftNode raft;
  private final Supplier<NodeInfo> info;
  private final LeaderForwarding forwarding;
  private final Path scratch;

  /** @param scratch where uploaded snapshots are kept while they are restored */
  AdminGrpcService(AdminService admin, KvService kv, RaftNode raft, Supplier<NodeInfo> info,
      LeaderForwarding forwarding, Path scratch) {
    this.admin = admin;
    this.kv = kv;
    this.raft = raft;
    this.info = info;
    this.forwarding = forwarding;
    this.scratch = scratch;
  }

  @Override
  public void listMembers(ClusterRequest request, StreamObserver<ClusterResponse> observer) {
    UnaryReply.send(this::memberOnly, () -> CompletableFuture.completedFuture(kv.cluster()),
        observer);
  }

  @Override
  public void addMember(AddMemberRequest request, StreamObserver<ClusterResponse> observer) {
    onLeader((stub, relay) -> stub.addMember(request, relay), () -> admin.addMember(request),
        observer);
  }

  @Override
  public void removeMember(RemoveMemberRequest request,
      StreamObserver<ClusterResponse> observer) {
    onLeader((stub, relay) -> stub.removeMember(request, relay),
        () -> admin.removeMember(request.getId()), observer);
  }

  @Override
  public void promoteMember(PromoteMemberRequest request,
      StreamObserver<ClusterResponse> observer) {
    onLeader((stub, relay) -> stub.promoteMember(request, relay),
        () -> admin.promoteMember(request.getId()), observer);
  }

  @Override
  public void transferLeader(TransferLeaderRequest request,
      StreamObserver<ClusterResponse> observer) {
    onLeader((stub, relay) -> stub.transferLeader(request, relay),
        () -> admin.transferLeader(request.getId()), observer);
  }

  @Override
  public void takeSnapshot(TakeSnapshotRequest request,
      StreamObserver<TakeSnapshotResponse> observer) {
    UnaryReply.send(this::memberOnly, admin::takeSnapshot, observer);
  }

  @Override
  public void saveSnapshot(SaveSnapshotRequest request, StreamObserver<SnapshotChunk> observer) {
    Optional<KvException> refusal = memberOnly();
    if (refusal.isPresent()) {
      observer.onError(GrpcStatus.of(refusal.get()));
      return;
    }
    SnapshotStreams.download(admin.takeSnapshot(),
        (ServerCallStreamObserver<SnapshotChunk>) observer);
  }

  @Override
  public StreamObserver<SnapshotChunk> restoreSnapshot(
      StreamObserver<RestoreSnapshotResponse> observer) {
    return SnapshotStreams.receive(scratch, memberOnly(), admin::restore, observer);
  }

  @Override
  public void getSettings(GetSettingsRequest request, StreamObserver<Settings> observer) {
    UnaryReply.send(this::memberOnly, admin::settings, observer);
  }

  @Override
  public void updateSettings(UpdateSettingsRequest request,
      StreamObserver<ConfigureResult> observer) {
    UnaryReply.send(this::memberOnly, () -> admin.updateSettings(request), observer);
  }

  @Override
  public void status(StatusRequest request, StreamObserver<NodeStatus> observer) {
    UnaryReply.send(Optional::empty,
        () -> CompletableFuture.completedFuture(NodeStatusView.of(raft, info.get())), observer);
  }

  @Override
  public void digest(DigestRequest request, StreamObserver<DigestResult> observer) {
    UnaryReply.send(Optional::empty,
        () -> CompletableFuture.supplyAsync(raft.stateMachine()::digest), observer);
  }

  private Optional<KvException> memberOnly() {
    return UnaryReply.unlessMember(raft);
  }

  /** Runs a change here if this node leads, or relays it to the leader and its answer back. */
  private <T> void onLeader(BiConsumer<AdminGrpc.AdminStub, StreamObserver<T>> forward,
      Supplier<CompletableFuture<T>> local, StreamObserver<T> observer) {
    Optional<KvException> refusal = memberOnly();
    if (refusal.isEmpty() && !raft.isLeader()) {
      Optional<String> leader = leaderAddress();
      if (leader.isPresent() && !LeaderForwarding.forwarded()) {
        forward.accept(forwarding.leader(leader.get()), observer);
        return;
      }
      refusal = Optional.of(new KvException(ErrorCode.ERROR_CODE_NO_LEADER, leader.isPresent()
          ? "leadership is moving; retry" : "no leader is known; retry when one is elected"));
    }
    Optional<KvException> checked = refusal;
    UnaryReply.send(() -> checked, local, observer);
  }

  private Optional<String> leaderAddress() {
    return raft.leaderId()
        .map(id -> raft.stateMachine().memberAddresses().get(id.toString()))
        .map(MemberAddresses::getGrpcAddress)
        .filter(address -> !address.isEmpty());
  }
}

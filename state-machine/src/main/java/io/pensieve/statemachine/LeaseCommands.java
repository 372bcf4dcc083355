package io.pensieve.statemachine;

import io.pensieve.internal.v1.CommandResult;
import io.pensieve.internal.v1.LeaseExpireCommand;
import io.pensieve.internal.v1.LeaseExpireResult;
import io.pensieve.internal.v1.LeaseKeepAliveCommand;
import io.pensieve.internal.v1.LeaseKeepAliveResult;
import io.pensieve.proto.v1.ErrorCode;
import io.pensieve.proto.v1.LeaseGrantRequest;
import io.pensieve.proto.v1.LeaseGrantResponse;
import io.pensieve.proto.v1.LeaseKeepAliveResponse;
import io.pensieve.proto.v1.LeaseRevokeRequest;
import io.pensieve.proto.v1.LeaseRevokeResponse;
import io.pensieve.store.GrantOutcome;
import io.pensieve.store.KeepAliveOutcome;
import io.pensieve.store.Lease;
import io.pensieve.store.LeaseTable;
import io.pensieve.store.LeasedMap;
import io.pensieve.store.Revocation;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Applies the lease commands of a log entry to the store; deterministic, as the applier. */
final class LeaseCommands {
  private LeaseCommands() {}

  static CommandResult grant(LeasedMap store, LeaseGrantRequest request, long stampMillis) {
    long ttlSeconds = request.getTtlSeconds();
    if (ttlSeconds < LeaseTable.MIN_TTL_MILLIS / 1000
        || ttlSeconds > LeaseTable.MAX_TTL_MILLIS / 1000) {
      return CommandApplier.invalid("lease TTL must be between "
          + LeaseTable.MIN_TTL_MILLIS / 1000 + " and " + LeaseTable.MAX_TTL_MILLIS / 1000
          + " seconds, got " + ttlSeconds);
    }
    GrantOutcome outcome = store.grant(request.getId(), ttlSeconds * 1000, stampMillis);
    if (outcome instanceof GrantOutcome.Granted granted) {
      Lease lease = granted.lease();
      return CommandResult.newBuilder()
          .setLeaseGrant(LeaseGrantResponse.newBuilder()
              .setId(lease.id())
              .setTtlSeconds(lease.ttlMillis() / 1000)
              .setExpireAtMillis(lease.expireAtMillis()))
          .build();
    }
    GrantOutcome.Refused refused = (GrantOutcome.Refused) outcome;
    ErrorCode code = switch (refused.reason()) {
      case INVALID_ID, TTL_OUT_OF_RANGE -> ErrorCode.ERROR_CODE_INVALID_ARGUMENT;
      case LEASE_EXISTS -> ErrorCode.ERROR_CODE_ALREADY_EXISTS;
      // the store is full of leases: the same meaning as a full map under noeviction
      case TOO_MANY_LEASES -> ErrorCode.ERROR_CODE_NO_SPACE;
    };
    return CommandApplier.error(code, refused.message());
  }

  static CommandResult revoke(LeasedMap store, LeaseRevokeRequest request, long stampMillis) {
    Optional<Revocation> revoked = store.revoke(request.getId(), stampMillis);
    if (revoked.isEmpty()) {
      return notFound(request.getId());
    }
    return CommandResult.newBuilder()
        .setLeaseRevoke(LeaseRevokeResponse.newBuilder()
            .setDeleted(revoked.get().deleted())
            .setRevision(revoked.get().revision()))
        .build();
  }

  /** One renewal per id of the command, in its order; an unknown id's has only its id. */
  static CommandResult keepAlive(
      LeasedMap store, LeaseKeepAliveCommand command, long stampMillis) {
    KeepAliveOutcome outcome = store.keepAlive(command.getIdsList(), stampMillis);
    Map<Long, Lease> renewed = new HashMap<>();
    outcome.renewed().forEach(lease -> renewed.put(lease.id(), lease));
    LeaseKeepAliveResult.Builder result = LeaseKeepAliveResult.newBuilder();
    for (long id : command.getIdsList()) {
      LeaseKeepAliveResponse.Builder response = LeaseKeepAliveResponse.newBuilder().setId(id);
      Lease lease = renewed.get(id);
      if (lease != null) {
        response.setTtlSeconds(lease.ttlMillis() / 1000).setExpireAtMillis(lease.expireAtMillis());
      }
      result.addRenewed(response);
    }
    return CommandResult.newBuilder().setLeaseKeepAlive(result).build();
  }

  static CommandResult expire(LeasedMap store, LeaseExpireCommand command, long stampMillis) {
    Revocation revoked = store.expireLeases(command.getIdsList(), stampMillis);
    return CommandResult.newBuilder()
        .setLeaseExpire(LeaseExpireResult.newBuilder()
            .setRevoked(revoked.leases().size())
            .setDeleted(revoked.deleted()))
        .build();
  }

  static CommandResult notFound(long id) {
    return CommandApplier.error(ErrorCode.ERROR_CODE_NOT_FOUND, "lease " + id + " not found");
  }
}

package io.pensieve.server.kv;

import com.google.protobuf.MessageLite;
import io.pensieve.statemachine.RatisMessages;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;

/** Successful Ratis replies carrying a given answer, for the batchers' tests. */
final class Replies {
  private Replies() {}

  static RaftClientReply carrying(MessageLite answer) {
    return RaftClientReply.newBuilder()
        .setClientId(ClientId.randomId())
        .setServerId(RaftPeerId.valueOf("n1"))
        .setGroupId(RaftGroupId.randomId())
        .setCallId(1)
        .setSuccess()
        .setMessage(RatisMessages.toMessage(answer))
        .build();
  }
}

package io.pensieve.server.kv;

import com.google.protobuf.MessageLite;
import io.pensieve.statemachine.RatisMessages;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.RaftException;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/** Ratis replies as the batchers' tests need them. */
final class Replies {
  private Replies() {}

  /** A success carrying {@code answer}. */
  static RaftClientReply carrying(MessageLite answer) {
    return carrying(RatisMessages.toMessage(answer));
  }

  /** A success whose message is no protobuf at all: a field whose length runs past the end. */
  static RaftClientReply unreadable() {
    return carrying(Message.valueOf(ByteString.copyFrom(new byte[] {0x0a, 0x05, 0x01})));
  }

  /** A refusal by Ratis itself, before any state machine saw the request. */
  static RaftClientReply refusedWith(RaftException exception) {
    return builder().setException(exception).build();
  }

  private static RaftClientReply carrying(Message message) {
    return builder().setSuccess().setMessage(message).build();
  }

  private static RaftClientReply.Builder builder() {
    return RaftClientReply.newBuilder()
        .setClientId(ClientId.randomId())
        .setServerId(RaftPeerId.valueOf("n1"))
        .setGroupId(RaftGroupId.randomId())
        .setCallId(1);
  }
}

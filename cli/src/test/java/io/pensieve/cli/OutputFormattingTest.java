package io.pensieve.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.pensieve.client.Endpoint;
import io.pensieve.proto.v1.ClusterResponse;
import io.pensieve.proto.v1.ConfigureCommand;
import io.pensieve.proto.v1.GetResponse;
import io.pensieve.proto.v1.KeyValue;
import io.pensieve.proto.v1.LeaseGrantResponse;
import io.pensieve.proto.v1.Member;
import io.pensieve.proto.v1.Role;
import io.pensieve.proto.v1.TxnOpResult;
import io.pensieve.proto.v1.TxnResponse;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OutputFormattingTest {

  @Test
  void tableColumnsAreAsWideAsTheirWidestCell() {
    String table = new Table("ID", "ROLE", "ADDRESS")
        .row("n1", "LEADER", "127.0.0.1:9001")
        .row("n10", "FOLLOWER", null)
        .render();

    assertThat(table).isEqualTo("""
        ID   ROLE      ADDRESS
        n1   LEADER    127.0.0.1:9001
        n10  FOLLOWER  -
        """);
  }

  @Test
  void singleObjectsAreNameValueLines() {
    assertThat(new Fields().add("leader", "n2").add("term", 7L).render())
        .isEqualTo("leader: n2\nterm: 7\n");
  }

  @Test
  void messagesAreJsonWithProtoNamesNumbersAndShortEnums() {
    ClusterResponse cluster = ClusterResponse.newBuilder().setLeaderId("n1").setTerm(3)
        .addMembers(Member.newBuilder().setId("n1").setRole(Role.ROLE_LEADER)
            .setGrpcAddress("127.0.0.1:9001"))
        .build();

    JsonNode json = ProtoJson.toJson(cluster);

    assertThat(json.get("leader_id").asText()).isEqualTo("n1");
    assertThat(json.get("term").isNumber()).isTrue();
    assertThat(json.get("term").asLong()).isEqualTo(3);
    JsonNode member = json.get("members").get(0);
    assertThat(member.get("role").asText()).isEqualTo("LEADER");
    assertThat(member.get("grpc_address").asText()).isEqualTo("127.0.0.1:9001");
    assertThat(member.get("rest_address").asText()).isEmpty();
  }

  @Test
  void leaseIdsAreStringsEverywhereSoThatJavaScriptKeepsAll64Bits() {
    long id = 7_587_883_014_276_510_720L; // past 2^53: a JavaScript number would round it
    TxnResponse txn = TxnResponse.newBuilder().setSucceeded(true)
        .addResults(TxnOpResult.newBuilder().setGet(GetResponse.newBuilder().setFound(true)
            .setKv(KeyValue.newBuilder().setKey(ByteString.copyFromUtf8("k")).setLease(id))))
        .build();

    JsonNode kv = ProtoJson.toJson(txn).get("results").get(0).get("get").get("kv");
    JsonNode unleased = ProtoJson.toJson(KeyValue.newBuilder().setVersion(3).build());
    JsonNode granted = ProtoJson.toJson(LeaseGrantResponse.newBuilder().setId(id)
        .setTtlSeconds(30).build());

    assertThat(kv.get("lease").isTextual()).isTrue();
    assertThat(kv.get("lease").asText()).isEqualTo(Long.toString(id));
    assertThat(unleased.get("lease").asText()).isEqualTo("0");
    assertThat(unleased.get("version").isNumber()).isTrue();
    assertThat(granted.get("id").asText()).isEqualTo(Long.toString(id));
    assertThat(granted.get("ttl_seconds").isNumber()).isTrue();
  }

  @Test
  void bytesAreTextOrBase64UnderAnotherName() {
    KeyValue kv = KeyValue.newBuilder().setKey(ByteString.copyFromUtf8("clé"))
        .setValue(ByteString.copyFrom(new byte[] {(byte) 0xff, 0x00})).setVersion(5).build();

    JsonNode json = ProtoJson.toJson(kv);

    assertThat(json.get("key").asText()).isEqualTo("clé");
    assertThat(json.has("value")).isFalse();
    assertThat(json.get("value_base64").asText()).isEqualTo("/wA=");
    assertThat(Text.show(kv.getValue())).isEqualTo("base64:/wA=");
  }

  @Test
  void unsetOptionalFieldsAreLeftOut() {
    JsonNode json = ProtoJson.toJson(ConfigureCommand.newBuilder().setMaxEntries(0).build());

    assertThat(json.get("max_entries").asLong()).isZero();
    assertThat(json.has("max_bytes")).isFalse();
    assertThat(json.get("only_if_unconfigured").asBoolean()).isFalse();
  }

  @Test
  void jsonOutputIsOneDocumentAndTableOutputTheText() throws Exception {
    StringWriter json = new StringWriter();
    StringWriter text = new StringWriter();
    new Output(OutputFormat.JSON, new PrintWriter(json))
        .emit(ProtoJson.object().put("leader", "n2"), new Fields().add("leader", "n2"));
    new Output(OutputFormat.TABLE, new PrintWriter(text))
        .emit(ProtoJson.object().put("leader", "n2"), new Fields().add("leader", "n2"));

    assertThat(new ObjectMapper().readTree(json.toString()).get("leader").asText()).isEqualTo("n2");
    assertThat(text.toString()).isEqualTo("leader: n2\n");
  }

  @Test
  void aMemberThatGaveNoAnswerSaysWhyInItsRow() {
    Member n3 = Member.newBuilder().setId("n3").build();

    assertThat(new EachMember.Reply<String>(n3, Optional.empty(), "unavailable",
        "connection refused", true).errorCell()).isEqualTo("unreachable (connection refused)");
    assertThat(new EachMember.Reply<String>(n3, Optional.empty(), EachMember.NOT_ADVERTISED,
        "has not advertised its gRPC address yet", false).errorCell())
        .isEqualTo("no gRPC address yet");
    assertThat(new EachMember.Reply<String>(n3, Optional.empty(), "unimplemented",
        "Method not found", false).errorCell())
        .isEqualTo("error (Method not found, unimplemented)");
  }

  @Test
  void durationsPrintShort() {
    assertThat(Durations.format(Duration.ofMillis(250))).isEqualTo("250ms");
    assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1.5s");
    assertThat(Durations.format(Duration.ofSeconds(10))).isEqualTo("10s");
  }

  @Test
  void endpointsParseHostPortAndBracketedV6() {
    assertThat(Endpoint.parse("10.0.0.1:7879")).isEqualTo(new Endpoint("10.0.0.1", 7879));
    assertThat(Endpoint.parse("[::1]:9001")).isEqualTo(new Endpoint("::1", 9001));
    assertThat(Endpoint.parse("[::1]:9001").toString()).isEqualTo("[::1]:9001");
  }
}

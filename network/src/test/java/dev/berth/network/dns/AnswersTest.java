package dev.berth.network.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** The pure parts of the server's own answers. */
class AnswersTest {
    @Test
    void readsAnIpv4ReverseName() {
        assertThat(Answers.reverseAddress("4.3.2.10.in-addr.arpa")).hasValueSatisfying(
                address -> assertThat(address.getHostAddress()).isEqualTo("10.2.3.4"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.2.10.in-addr.arpa", "256.3.2.10.in-addr.arpa", "04.3.2.10.in-addr.arpa",
            "a.3.2.10.in-addr.arpa", "4.3.2.10.ip6.arpa", "4..2.10.in-addr.arpa", "web"})
    void anythingElseIsNoIpv4ReverseName(String name) {
        assertThat(Answers.reverseAddress(name)).isEmpty();
    }

    @Test
    void aQueryOfAnotherClassIsNotOurs() throws IOException {
        Message query = Message.newQuery(Record.newRecord(Name.fromString("web."), Type.A, DClass.CH));

        assertThat(Answers.local(query, new StubNames())).isEmpty();
    }

    @Test
    void theUdpLimitIsTheClientsEdnsSizeAndAtLeast512() throws IOException {
        Message classic = Clients.query("web.", Type.A);
        Message small = Clients.query("web.", Type.A);
        small.addRecord(new OPTRecord(256, 0, 0), org.xbill.DNS.Section.ADDITIONAL);
        Message large = Clients.query("web.", Type.A);
        large.addRecord(new OPTRecord(4096, 0, 0), org.xbill.DNS.Section.ADDITIONAL);

        assertThat(Answers.udpLimit(new Message(classic.toWire()))).isEqualTo(512);
        assertThat(Answers.udpLimit(new Message(small.toWire()))).isEqualTo(512);
        assertThat(Answers.udpLimit(new Message(large.toWire()))).isEqualTo(4096);
    }
}

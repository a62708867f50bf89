package dev.berth.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hand-written encoding and decoding of netlink messages, byte for byte, without a socket. */
class NetlinkMessageTest {
    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.nativeOrder());
    }

    @Test
    void bridgeRequestMatchesTheKernelLayout() {
        NetlinkMessage m = new NetlinkMessage(16, Rtnetlink.requestFlags(
                NetlinkMessage.NLM_F_CREATE | NetlinkMessage.NLM_F_EXCL)).ifinfomsg(0, 0, 0, 0)
                .attribute(Rtnetlink.IFLA_IFNAME, "br0");
        int info = m.beginNested(Rtnetlink.IFLA_LINKINFO);
        m.attribute(Rtnetlink.IFLA_INFO_KIND, "bridge");
        m.endNested(info);

        ByteBuffer want = le(56);
        want.putInt(56).putShort((short) 16).putShort((short) (0x01 | 0x04 | 0x400 | 0x200)).putInt(7).putInt(0);
        want.put((byte) 0).put((byte) 0).putShort((short) 0).putInt(0).putInt(0).putInt(0); // ifinfomsg
        want.putShort((short) 8).putShort((short) 3).put("br0\0".getBytes());             // IFLA_IFNAME
        want.putShort((short) 16).putShort((short) 18);                                    // IFLA_LINKINFO
        want.putShort((short) 11).putShort((short) 1).put("bridge\0".getBytes()).put((byte) 0); // kind + pad
        assertThat(m.finish(7)).isEqualTo(want.array());
    }

    @Test
    void attributesArePaddedToFourBytesAndIntsAreHostOrder() {
        byte[] b = new NetlinkMessage(19, 1).attribute(4, 1400).attribute(1, new byte[] {1, 2, 3, 4, 5, 6})
                .attribute(3, "eth0").finish(1);
        ByteBuffer got = ByteBuffer.wrap(b).order(ByteOrder.nativeOrder());
        assertThat(b.length).isEqualTo(16 + 8 + 12 + 12);
        assertThat(got.getShort(16)).isEqualTo((short) 8);
        assertThat(got.getInt(20)).isEqualTo(1400);
        assertThat(got.getShort(24)).isEqualTo((short) 10); // length excludes the padding
        assertThat(new byte[] {b[34], b[35]}).containsExactly(0, 0);
        assertThat(got.getShort(36)).isEqualTo((short) 9);
        assertThat(NetlinkMessage.align(9)).isEqualTo(12);
        assertThat(NetlinkMessage.align(12)).isEqualTo(12);
    }

    @Test
    void vethPeerInfoNestsAnIfinfomsgAndDecodesBack() {
        NetlinkMessage m = new NetlinkMessage(16, 5).ifinfomsg(0, 0, 0, 0).attribute(Rtnetlink.IFLA_IFNAME, "veth0");
        int info = m.beginNested(Rtnetlink.IFLA_LINKINFO);
        m.attribute(Rtnetlink.IFLA_INFO_KIND, "veth");
        int data = m.beginNested(Rtnetlink.IFLA_INFO_DATA);
        int peer = m.beginNested(Rtnetlink.VETH_INFO_PEER);
        m.ifinfomsg(0, 0, 0, 0).attribute(Rtnetlink.IFLA_IFNAME, "eth0").attribute(Rtnetlink.IFLA_NET_NS_FD, 42);
        m.endNested(peer);
        m.endNested(data);
        m.endNested(info);
        byte[] bytes = m.finish(9);

        List<NetlinkReply> msgs = NetlinkReply.split(ByteBuffer.wrap(bytes));
        assertThat(msgs).hasSize(1);
        NetlinkReply r = msgs.getFirst();
        assertThat(r.type()).isEqualTo(16);
        assertThat(r.seq()).isEqualTo(9);
        assertThat(r.payload().limit()).isEqualTo(bytes.length - 16);
        NetlinkAttributes a = NetlinkAttributes.parse(r.payload(), 16);
        assertThat(a.string(Rtnetlink.IFLA_IFNAME)).isEqualTo("veth0");
        NetlinkAttributes linkInfo = a.nested(Rtnetlink.IFLA_LINKINFO);
        assertThat(linkInfo.string(Rtnetlink.IFLA_INFO_KIND)).isEqualTo("veth");
        ByteBuffer peerValue = ByteBuffer.wrap(linkInfo.nested(Rtnetlink.IFLA_INFO_DATA)
                .bytes(Rtnetlink.VETH_INFO_PEER)).order(ByteOrder.nativeOrder());
        assertThat(peerValue.limit()).isEqualTo(16 + 12 + 8); // ifinfomsg, "eth0\0" padded, the fd
        NetlinkAttributes peerAttrs = NetlinkAttributes.parse(peerValue, 16);
        assertThat(peerAttrs.string(Rtnetlink.IFLA_IFNAME)).isEqualTo("eth0");
        assertThat(peerAttrs.u32(Rtnetlink.IFLA_NET_NS_FD, -1)).isEqualTo(42);
        assertThat(peerAttrs.has(Rtnetlink.IFLA_MTU)).isFalse();
    }

    @Test
    void splitReadsSeveralMessagesAndErrorsWithTheirExtendedAck() {
        ByteBuffer b = le(16 + 4 + 16 + 4 + 16 + 12 + 16 + 4);
        b.putInt(16 + 4).putShort((short) 3).putShort((short) 2).putInt(5).putInt(0).putInt(0); // DONE, error 0
        // NLMSG_ERROR -17 with NLM_F_ACK_TLVS: error, echoed header, NLMSGERR_ATTR_MSG "busy"
        b.putInt(16 + 4 + 16 + 12).putShort((short) 2).putShort((short) 0x200).putInt(6).putInt(0);
        b.putInt(-17).putInt(16).putShort((short) 16).putShort((short) 0).putInt(6).putInt(0);
        b.putShort((short) 9).putShort((short) 1).put("Busy\0".getBytes()).put(new byte[3]);
        b.putInt(1000).putShort((short) 2).putShort((short) 0).putInt(7).putInt(0).putInt(0); // truncated
        b.flip();

        List<NetlinkReply> msgs = NetlinkReply.split(b);
        assertThat(msgs).hasSize(2);
        assertThat(msgs.get(0).type()).isEqualTo(NetlinkMessage.NLMSG_DONE);
        assertThat(msgs.get(0).error()).isZero();
        assertThat(msgs.get(1).seq()).isEqualTo(6);
        assertThat(msgs.get(1).error()).isEqualTo(-17);
        assertThat(msgs.get(1).extendedAck()).isEqualTo("Busy");
    }

    @Test
    void addressRequestCarriesLocalPeerAndBroadcastInNetworkOrder() throws Exception {
        Inet4Address a = (Inet4Address) InetAddress.getByName("10.1.2.3");
        byte[] bytes = LinkAddresses.add(7, a, 24).finish(1);
        NetlinkReply r = NetlinkReply.split(ByteBuffer.wrap(bytes)).getFirst();
        assertThat(r.payload().get(0)).isEqualTo((byte) 2); // AF_INET
        assertThat(r.payload().get(1)).isEqualTo((byte) 24);
        assertThat(r.payload().getInt(4)).isEqualTo(7);
        NetlinkAttributes attrs = NetlinkAttributes.parse(r.payload(), 8);
        assertThat(attrs.bytes(2)).containsExactly(10, 1, 2, 3);
        assertThat(attrs.bytes(1)).containsExactly(10, 1, 2, 3);
        assertThat(attrs.bytes(4)).containsExactly(10, 1, 2, (byte) 255);

        NetlinkAttributes p31 = NetlinkAttributes.parse(
                NetlinkReply.split(ByteBuffer.wrap(LinkAddresses.add(7, a, 31).finish(1))).getFirst().payload(), 8);
        assertThat(p31.has(4)).isFalse();
        assertThat(LinkAddresses.broadcast(a, 16).getHostAddress()).isEqualTo("10.1.255.255");
        assertThat(LinkAddresses.broadcast(a, 0).getHostAddress()).isEqualTo("255.255.255.255");
        assertThat(LinkAddresses.broadcast(a, 32).getHostAddress()).isEqualTo("10.1.2.3");
    }

    @Test
    void defaultRouteHasNoDestinationAndUniverseScope() throws Exception {
        Inet4Address gw = (Inet4Address) InetAddress.getByName("10.1.2.1");
        NetlinkReply r = NetlinkReply.split(ByteBuffer.wrap(Routes.add(null, 0, gw, 3).finish(1))).getFirst();
        ByteBuffer p = r.payload();
        assertThat(new byte[] {p.get(0), p.get(1), p.get(4), p.get(5), p.get(6), p.get(7)})
                .containsExactly(2, 0, (byte) 254, 3, 0, 1);
        NetlinkAttributes a = NetlinkAttributes.parse(p, 12);
        assertThat(a.has(1)).isFalse();
        assertThat(a.bytes(5)).containsExactly(10, 1, 2, 1);
        assertThat(a.u32(4, 0)).isEqualTo(3);
        assertThat(Routes.describe(null, 0, gw, "eth0")).isEqualTo("default via 10.1.2.1 dev eth0");
    }
}

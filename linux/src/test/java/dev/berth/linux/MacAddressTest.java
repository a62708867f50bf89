package dev.berth.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MacAddressTest {
    @Test
    void parsesPrintsAndComparesByValue() {
        MacAddress m = MacAddress.parse("02:42:AC:11:00:02");
        assertThat(m.toString()).isEqualTo("02:42:ac:11:00:02");
        assertThat(m.octets()).containsExactly(0x02, 0x42, 0xac, 0x11, 0x00, 0x02);
        assertThat(MacAddress.of(m.octets())).isEqualTo(m);
        assertThat(MacAddress.parse("ff:ff:ff:ff:ff:ff").value()).isEqualTo(0xffff_ffff_ffffL);
    }

    @Test
    void rejectsWhatIsNotSixOctets() {
        assertThatThrownBy(() -> MacAddress.parse("02:42:ac:11:00")).hasMessage("invalid mac address: 02:42:ac:11:00");
        assertThatThrownBy(() -> MacAddress.parse("02:42:ac:11:00:zz")).hasMessage("invalid mac address: 02:42:ac:11:00:zz");
        assertThatThrownBy(() -> MacAddress.of(new byte[5])).hasMessage("mac address needs 6 octets, got 5");
    }
}

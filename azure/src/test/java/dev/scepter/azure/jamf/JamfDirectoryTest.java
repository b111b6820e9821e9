package dev.scepter.azure.jamf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scepter.authority.directory.DirectoryAnswer;
import dev.scepter.authority.directory.DirectoryObjectType;
import dev.scepter.authority.directory.DirectoryUnavailableException;
import dev.scepter.authority.directory.JamfObjectId;
import dev.scepter.azure.sim.JamfSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** SCEPman's Jamf rows: deleted (either object, for users) revokes for good; Jamf Pro down is no answer at all. */
class JamfDirectoryTest {

    private final JamfFixture fixture = new JamfFixture();
    private final JamfSimulator jamf = fixture.jamf;
    private final JamfDirectory directory = new JamfDirectory(fixture.client());

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void aComputerIsGoodUntilDeleted() {
        JamfSimulator.Computer mac = jamf.addComputer("5CF418CE-3E46-481C-A171-7ACC9E1E2E7A", "Mac");
        assertThat(directory.lookup(DirectoryObjectType.JAMF_COMPUTER, new JamfObjectId(mac.id(), 0).toUuid()))
                .isEqualTo(DirectoryAnswer.ENABLED);
        jamf.deleteComputer(mac.id());
        assertThat(directory.lookup(DirectoryObjectType.JAMF_COMPUTER, new JamfObjectId(mac.id(), 0).toUuid()))
                .isEqualTo(DirectoryAnswer.NOT_FOUND);
    }

    @Test
    void aUserOnADeviceGoesWithEitherObject() {
        JamfSimulator.MobileDevice phone = jamf.addMobileDevice("00008030-001A35E40C38802E", "iPhone");
        JamfSimulator.User user = jamf.addUser("jdoe", "jdoe@example.com");
        JamfSimulator.Computer mac = jamf.addComputer("5CF418CE-3E46-481C-A171-7ACC9E1E2E7A", "Mac");
        java.util.UUID onPhone = new JamfObjectId(phone.id(), user.id()).toUuid();
        java.util.UUID onMac = new JamfObjectId(mac.id(), user.id()).toUuid();
        assertThat(directory.lookup(DirectoryObjectType.JAMF_USER_ON_MOBILE_DEVICE, onPhone)).isEqualTo(DirectoryAnswer.ENABLED);
        assertThat(directory.lookup(DirectoryObjectType.JAMF_USER_ON_COMPUTER, onMac)).isEqualTo(DirectoryAnswer.ENABLED);
        jamf.deleteMobileDevice(phone.id());
        assertThat(directory.lookup(DirectoryObjectType.JAMF_USER_ON_MOBILE_DEVICE, onPhone)).isEqualTo(DirectoryAnswer.NOT_FOUND);
        assertThat(directory.lookup(DirectoryObjectType.JAMF_USER_ON_COMPUTER, onMac)).isEqualTo(DirectoryAnswer.ENABLED);
        jamf.deleteUser(user.id());
        assertThat(directory.lookup(DirectoryObjectType.JAMF_USER_ON_COMPUTER, onMac)).isEqualTo(DirectoryAnswer.NOT_FOUND);
        assertThat(directory.lookup(DirectoryObjectType.JAMF_USER, new JamfObjectId(0, user.id()).toUuid()))
                .isEqualTo(DirectoryAnswer.NOT_FOUND);
    }

    @Test
    void jamfDownIsUnavailableNeverNotFound() {
        JamfSimulator.Computer mac = jamf.addComputer("5CF418CE-3E46-481C-A171-7ACC9E1E2E7A", "Mac");
        jamf.server().down(true);
        assertThatThrownBy(() -> directory.lookup(DirectoryObjectType.JAMF_COMPUTER, new JamfObjectId(mac.id(), 0).toUuid()))
                .isInstanceOf(DirectoryUnavailableException.class).hasMessageContaining("Jamf").hasMessageContaining("no answer");
    }

    @Test
    void answersForJamfObjectsOnly() {
        assertThatThrownBy(() -> directory.lookup(DirectoryObjectType.DEVICE, new JamfObjectId(1, 0).toUuid()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(directory.describe()).isEqualTo("Jamf Pro " + jamf.uri()).doesNotContain("secret");
    }
}

package dev.scepter.azure.jamf;

import static dev.scepter.azure.jamf.JamfFixture.csr;
import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.authority.directory.DirectoryObjectType;
import dev.scepter.authority.directory.JamfObjectId;
import dev.scepter.authority.enrollment.ObjectBinder;
import dev.scepter.authority.issuance.SerialNumbers;
import dev.scepter.authority.store.DirectoryBinding;
import dev.scepter.authority.validity.ObjectBinding;
import dev.scepter.azure.sim.JamfSimulator;
import java.math.BigInteger;
import java.security.SecureRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The objects SCEPman's Jamf profiles name, bound with their type bytes; what Jamf Pro does not know is refused. */
class JamfBinderTest {

    private final JamfFixture fixture = new JamfFixture();
    private final JamfSimulator jamf = fixture.jamf;
    private final JamfBinder binder = new JamfBinder(fixture.client());

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void scepmansComputerProfileBindsTheComputerByJamfProId() throws Exception {
        JamfSimulator.Computer mac = jamf.addComputer("5CF418CE-3E46-481C-A171-7ACC9E1E2E7A", "Mac");
        ObjectBinder.Result result = binder.bind(csr("CN=" + mac.id() + ",OU=computers,CN=8B0C3F0E-8B1A-4D6A-9C43-0D5F3C1E2A77", null));
        DirectoryBinding binding = bound(result, 0x54);
        assertThat(binding.type()).isEqualTo(DirectoryObjectType.JAMF_COMPUTER);
        assertThat(JamfObjectId.of(binding.objectId())).hasValue(new JamfObjectId(mac.id(), 0));
        // The serial carries it: OCSP reads the same object back without the store.
        BigInteger serial = new SerialNumbers(new SecureRandom()).bound(0x54, binding.objectId());
        assertThat(ObjectBinding.of(serial)).hasValue(new ObjectBinding(DirectoryObjectType.JAMF_COMPUTER, binding.objectId()));
    }

    @Test
    void aUdidIsResolvedToItsJamfProId() throws Exception {
        JamfSimulator.MobileDevice phone = jamf.addMobileDevice("00008030-001A35E40C38802E", "iPhone");
        DirectoryBinding withOu = bound(binder.bind(csr("CN=00008030-001A35E40C38802E,OU=devices", null)), 0x44);
        assertThat(JamfObjectId.of(withOu.objectId())).hasValue(new JamfObjectId(phone.id(), 0));
        JamfSimulator.Computer mac = jamf.addComputer("5CF418CE-3E46-481C-A171-7ACC9E1E2E7A", "Mac");
        DirectoryBinding withoutOu = bound(binder.bind(csr("CN=5CF418CE-3E46-481C-A171-7ACC9E1E2E7A", null)), 0x54);
        assertThat(JamfObjectId.of(withoutOu.objectId())).hasValue(new JamfObjectId(mac.id(), 0));
    }

    @Test
    void usersOnDevicesAreNamedByEmail() throws Exception {
        JamfSimulator.Computer mac = jamf.addComputer("5CF418CE-3E46-481C-A171-7ACC9E1E2E7A", "Mac");
        JamfSimulator.MobileDevice phone = jamf.addMobileDevice("00008030-001A35E40C38802E", "iPhone");
        JamfSimulator.User user = jamf.addUser("jdoe", "jdoe@example.com");
        DirectoryBinding onMac = bound(binder.bind(csr("CN=" + mac.id() + ",OU=users-on-computers", "jdoe@example.com")), 0x7C);
        assertThat(JamfObjectId.of(onMac.objectId())).hasValue(new JamfObjectId(mac.id(), user.id()));
        DirectoryBinding onPhone = bound(binder.bind(csr("CN=" + phone.id() + ",OU=users-on-devices", "jdoe@example.com")), 0x6C);
        assertThat(onPhone.type()).isEqualTo(DirectoryObjectType.JAMF_USER_ON_MOBILE_DEVICE);
        DirectoryBinding alone = bound(binder.bind(csr("CN=jdoe,OU=users", "jdoe@example.com")), 0x64);
        assertThat(JamfObjectId.of(alone.objectId())).hasValue(new JamfObjectId(0, user.id()));
    }

    @Test
    void whatJamfProDoesNotKnowIsRefusedWithTheReason() throws Exception {
        JamfSimulator.Computer mac = jamf.addComputer("5CF418CE-3E46-481C-A171-7ACC9E1E2E7A", "Mac");
        assertThat(refusal(binder.bind(csr("CN=" + (mac.id() + 7) + ",OU=computers", null)))).contains("no computer " + (mac.id() + 7));
        assertThat(refusal(binder.bind(csr("CN=00000000-0000-0000-0000-000000000000,OU=computers", null)))).contains("no computer");
        assertThat(refusal(binder.bind(csr("CN=" + mac.id(), null)))).contains("needs OU=computers");
        assertThat(refusal(binder.bind(csr("CN=" + mac.id() + ",OU=users-on-computers", "ghost@example.com"))))
                .contains("no user with email ghost@example.com");
        assertThat(refusal(binder.bind(csr("CN=" + mac.id() + ",OU=users-on-computers", null)))).contains("RFC 822 SAN");
        assertThat(refusal(binder.bind(csr("O=Contoso", null)))).contains("no CN");
        assertThat(refusal(binder.bind(csr("CN=bad udid!,OU=computers", null)))).contains("not a UDID");
    }

    @Test
    void jamfDownRefusesRatherThanIssuingUnbound() throws Exception {
        jamf.server().down(true);
        assertThat(refusal(binder.bind(csr("CN=1,OU=computers", null)))).contains("Jamf Pro cannot tell now");
    }

    private static DirectoryBinding bound(ObjectBinder.Result result, int typeByte) {
        assertThat(result).isInstanceOf(ObjectBinder.Found.class);
        ObjectBinder.Found found = (ObjectBinder.Found) result;
        assertThat(found.bound().serialTypeByte()).isEqualTo(typeByte);
        return found.bound().binding();
    }

    private static String refusal(ObjectBinder.Result result) {
        assertThat(result).isInstanceOf(ObjectBinder.Refused.class);
        return ((ObjectBinder.Refused) result).reason();
    }
}

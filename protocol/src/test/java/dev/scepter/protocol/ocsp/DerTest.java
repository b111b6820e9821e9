package dev.scepter.protocol.ocsp;

import static org.assertj.core.api.Assertions.assertThat;

import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.DEROctetString;
import org.junit.jupiter.api.Test;

/** DER's definite lengths in their shortest form, as BouncyCastle writes them. */
class DerTest {

    @Test
    void everyLengthFormAtItsBoundsIsBouncyCastles() throws Exception {
        for (int length : new int[] {0, 1, 127, 128, 255, 256, 65_535, 65_536, 16_777_215, 16_777_216}) {
            byte[] contents = new byte[length];
            byte[] expected = new DEROctetString(contents).getEncoded(ASN1Encoding.DER);
            assertThat(Der.of(Der.OCTET_STRING, contents)).as("%d octets", length).isEqualTo(expected);
        }
    }

    @Test
    void partsAreWrittenInOrderUnderOneHeader() throws Exception {
        byte[] one = {1, 2};
        byte[] two = {3};
        assertThat(Der.of(Der.SEQUENCE, one, new byte[0], two)).containsExactly(0x30, 3, 1, 2, 3);
    }
}

package io.edgeport.acme;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.security.KeyPair;
import org.junit.jupiter.api.Test;

/** The account's and an order's key as stored, read back (after a failed attempt, a restart, a new Lease holder). */
class AcmeClientTest {
  @Test
  void aStoredKeyPairReadsBackAsItWas() throws Exception {
    KeyPair key = Keys.ec();
    KeyPair read = AcmeClient.keyPair(AcmeClient.pem(key));
    assertArrayEquals(key.getPrivate().getEncoded(), read.getPrivate().getEncoded());
    assertArrayEquals(key.getPublic().getEncoded(), read.getPublic().getEncoded());
  }

  @Test
  void aKeyWithoutItsPublicHalfIsAnError() {
    assertThrows(IOException.class, () -> AcmeClient.keyPair(AcmeClient.pkcs8(Keys.ec())));
  }
}

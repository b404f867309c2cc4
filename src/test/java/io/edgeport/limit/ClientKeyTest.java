package io.edgeport.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.net.Cidr;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One client per IPv4 address or IPv6 network, whatever the spelling; both forms of the key agree. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClientKeyTest {
  private static final long SEED = 0x5eed;

  private static long hash(String address, int prefix) {
    return ClientKey.hash(address, prefix, SEED);
  }

  @Test
  void anIpv6ClientIsItsNetworkOfThePrefixLength() {
    assertEquals(hash("2001:db8:1:2::1", 64), hash("2001:db8:1:2:ffff:ffff:ffff:ffff", 64));
    assertNotEquals(hash("2001:db8:1:2::1", 64), hash("2001:db8:1:3::1", 64));
    assertEquals("2001:db8:1:2:0:0:0:0/64", ClientKey.text("2001:db8:1:2:ffff::1", 64));
    assertEquals(hash("2001:db8:1:2::1", 60), hash("2001:db8:1:f::1", 60), "not only whole bytes");
    assertNotEquals(hash("2001:db8:1:2::1", 60), hash("2001:db8:1:10::1", 60));
    assertEquals("2001:db8:1:0:0:0:0:0/60", ClientKey.text("2001:db8:1:f::1", 60));
    assertNotEquals(hash("2001:db8::1", 128), hash("2001:db8::2", 128));
    assertEquals("2001:db8:0:0:0:0:0:1", ClientKey.text("2001:DB8::1", 128));
    assertEquals(hash("2001:db8::1:0:0:1", 96), hash("2001:db8::1:0:ffff:ffff", 96));
    assertNotEquals(hash("2001:db8::1:0:0:1", 96), hash("2001:db8::2:0:0:1", 96));
  }

  @Test
  void oneAddressHasOneKeyWhateverItsSpelling() {
    List<String> spellings = List.of("2001:db8::a:0:0:1", "2001:DB8:0:0:A:0:0:1", "2001:0db8:0000:0000:000a::0001",
        "2001:db8:0:0:a::1", "2001:db8::a:0:0.0.0.1", "2001:db8::a:0:0:1%eth0");
    for (String s : spellings) {
      assertEquals(hash(spellings.get(0), 128), hash(s, 128), s);
      assertEquals("2001:db8:0:0:a:0:0:1", ClientKey.text(s.replace("%eth0", ""), 128), s);
    }
    assertEquals(hash("::", 64), hash("0:0:0:0:0:0:0:0", 64));
    assertEquals(hash("::1", 128), hash("0::1", 128));
    assertEquals(hash("1::", 128), hash("1:0:0:0:0:0:0:0", 128));
  }

  @Test
  void ipv4AndIpv4MappedAreTheSameClientAndNotAnIpv6Network() {
    assertEquals(hash("192.0.2.7", 64), hash("::ffff:192.0.2.7", 64));
    assertEquals(hash("192.0.2.7", 64), hash("::FFFF:C000:207", 64));
    assertEquals(hash("192.0.2.7", 64), hash("0:0:0:0:0:ffff:c000:0207", 64));
    assertNotEquals(hash("192.0.2.7", 64), hash("::ffff:192.0.2.8", 64), "mapped clients stay apart");
    assertEquals("192.0.2.7", ClientKey.text("::ffff:192.0.2.7", 64));
    assertEquals("192.0.2.7", ClientKey.text("192.0.2.7", 64));
    assertNotEquals(hash("192.0.2.7", 64), hash("192.0.2.8", 64));
  }

  @Test
  void textThatIsNoIpLiteralIsItsOwnKey() {
    for (String s : List.of(":::1", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "1:2:3:4:5:6:7", "1::2:3:4:5:6:7:8",
        "::1.2.3", "::256.1.1.1", "1:", ":1", "[::1]", "g::1", "::1.2.3.4.5", "1.2.3.4::", "::١", "unknown", "",
        "1.2.3", "1.2.3.4.5", "256.1.1.1")) {
      assertNull(Cidr.IpLiterals.parse(s), "the JDK agrees it is none: " + s);
      assertEquals(s, ClientKey.text(s, 64));
      assertEquals(hash(s, 64), hash(s, 64));
      assertNotEquals(hash(s, 64), hash(s + "x", 64), s);
    }
  }

  /** Random addresses, each spelled in random ways: equal keys exactly when the JDK's masked bytes are equal. */
  @Test
  void hashAndTextAgreeWithTheJdksParsing() {
    Random random = new Random(19);
    for (int round = 0; round < 20_000; round++) {
      int prefix = 1 + random.nextInt(128);
      byte[] a = new byte[16];
      random.nextBytes(a);
      byte[] b = a.clone();
      int bit = random.nextInt(128); // b differs from a in one bit, inside or outside the prefix
      b[bit / 8] ^= (byte) (0x80 >>> bit % 8);
      if (random.nextInt(4) == 0) { // many zero groups, so that "::" gets used
        for (int i = 4; i < 12; i++) {
          a[i] = 0;
          b[i] = 0;
        }
      }
      boolean same = bit >= prefix || Byte.compare(a[bit / 8], b[bit / 8]) == 0;
      String sa = spell(a, random);
      String sb = spell(b, random);
      String where = sa + " / " + sb + " /" + prefix;
      assertTrue(Cidr.IpLiterals.parse(sa) != null, sa);
      assertEquals(same, hash(sa, prefix) == hash(sb, prefix), where);
      assertEquals(same, ClientKey.text(sa, prefix).equals(ClientKey.text(sb, prefix)), where);
      assertEquals(hash(sa, prefix), hash(spell(a, random), prefix), where);
    }
  }

  /** One of the spellings of a 16-byte address: compressed or not, zero-padded or not, any case. */
  private static String spell(byte[] ip, Random random) {
    List<String> groups = new ArrayList<>();
    for (int i = 0; i < 16; i += 2) {
      String g = Integer.toHexString((ip[i] & 0xff) << 8 | ip[i + 1] & 0xff);
      g = random.nextBoolean() ? "0".repeat(4 - g.length()) + g : g;
      groups.add(random.nextBoolean() ? g.toUpperCase() : g);
    }
    int zerosFrom = -1;
    int zerosLength = 0;
    for (int i = 0; i < 8; i++) {
      int j = i;
      while (j < 8 && Integer.parseInt(groups.get(j), 16) == 0) {
        j++;
      }
      if (j - i > zerosLength) {
        zerosFrom = i;
        zerosLength = j - i;
      }
    }
    if (zerosLength >= 2 && random.nextBoolean()) {
      String before = String.join(":", groups.subList(0, zerosFrom));
      String after = String.join(":", groups.subList(zerosFrom + zerosLength, 8));
      return before + "::" + after;
    }
    return String.join(":", groups);
  }

  @Test
  void hashingAllocatesNothing() {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    String[] clients = {"2001:db8:1:2::1", "::ffff:192.0.2.7", "192.0.2.7", "2001:0db8:0:0:0:0:0:1%eth0"};
    long sum = 0;
    for (int i = 0; i < 200_000; i++) { // warm up: compiled as in the request path
      sum += hash(clients[i & 3], 64);
    }
    long id = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(id);
    for (int i = 0; i < 100_000; i++) {
      sum += hash(clients[i & 3], 64);
    }
    long allocated = threads.getThreadAllocatedBytes(id) - before;
    assertTrue(allocated < 4096, allocated + " bytes for 100,000 keys (" + sum + ")");
  }
}

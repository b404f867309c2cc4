package io.edgeport.config;

import io.edgeport.config.YamlTree.Entry;

/**
 * {@code admin: "127.0.0.1:9901"}: metrics, status API and dashboard. Off when absent. It has no
 * authentication, so an address other than loopback is allowed (a private management network) but
 * warned about.
 */
final class AdminSection {
  private AdminSection() {}

  static ListenAddress read(ConfigReader r, Entry entry) {
    if (entry == null) {
      return null;
    }
    ListenAddress address = ListenSection.address(r, entry.value(), "admin");
    if (address != null && !address.isLoopback()) {
      r.warning(entry.value(), "admin: '" + address + "' is reachable from other machines and the admin API has no"
          + " authentication; prefer \"127.0.0.1:9901\" (or a firewalled management address)");
    }
    return address;
  }
}

package io.edgeport.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A node that silently drops connection attempts, like one behind a firewall or powered off:
 * a listener that never accepts, with its accept queue filled, so Linux drops further SYNs and a
 * connect hangs until the client's timeout.
 */
public final class Blackhole implements AutoCloseable {
  private final ServerSocket listener;
  private final List<Socket> fillers = new ArrayList<>();

  public Blackhole(String address, int port) throws IOException {
    listener = new ServerSocket();
    listener.bind(new InetSocketAddress(InetAddress.getByName(address), port), 1);
    for (int i = 0; i < 16; i++) {
      Socket s = new Socket();
      try {
        s.connect(listener.getLocalSocketAddress(), 200);
        fillers.add(s);
      } catch (SocketTimeoutException full) {
        s.close();
        return; // the queue is full: connects now hang
      }
    }
    close();
    throw new IllegalStateException("could not fill the accept queue of " + address + ":" + port);
  }

  @Override
  public void close() throws IOException {
    for (Socket s : fillers) {
      s.close();
    }
    listener.close();
  }
}

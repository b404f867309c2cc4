package io.edgeport.tcp;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listening TCP ports of LoadBalancer Services, kept in line with what the cluster asks for: a port asked for
 * is bound (a port that cannot be bound is reported, and the others serve), a port still asked for keeps its
 * socket and takes its new target for the next connection, a port no longer asked for stops listening (its
 * established connections run on until they end). Netty on Vert.x's event loops and transport (io_uring or
 * epoll): a byte relay needs half-close, which Vert.x's NetSocket does not offer.
 *
 * <p>Not thread-safe: {@link #apply} and {@link #close} run on one context.
 */
public final class TcpListeners {
  private static final Logger LOG = LoggerFactory.getLogger("edgeport.tcp");

  /** A port to listen on: an address of the load balancer and a Service port. */
  public record Bind(String address, int port) {
    @Override
    public String toString() {
      return (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port;
    }
  }

  private final VertxInternal vertx;
  private final TcpCounters counters = new TcpCounters();
  private final Map<Bind, Listening> open = new HashMap<>();
  private Map<Bind, String> failed = Map.of();

  private static final class Listening {
    Channel server;
    volatile TcpTarget target;

    Listening(TcpTarget target) {
      this.target = target;
    }
  }

  public TcpListeners(Vertx vertx) {
    this.vertx = (VertxInternal) vertx;
  }

  /**
   * Listens on exactly {@code wanted}'s ports, each with its target.
   *
   * @return completes once every new port is bound or has failed; with why each failed
   */
  public Future<Map<Bind, String>> apply(Map<Bind, TcpTarget> wanted) {
    List<Bind> gone = new ArrayList<>();
    open.forEach((bind, l) -> {
      if (!wanted.containsKey(bind)) {
        gone.add(bind);
      }
    });
    for (Bind bind : gone) {
      open.remove(bind).server.close();
      LOG.info("tcp {}: no longer listening", bind);
    }
    List<Future<Void>> binding = new ArrayList<>();
    Map<Bind, String> failures = new TreeMap<>(java.util.Comparator.comparing(Bind::toString));
    wanted.forEach((bind, target) -> {
      Listening l = open.get(bind);
      if (l != null) {
        l.target = target;
      } else {
        binding.add(bind(bind, target).transform(ar -> {
          if (ar.succeeded()) {
            open.put(bind, ar.result());
            LOG.info("tcp {}: listening for {}", bind, target.name());
          } else {
            String why = ar.cause().getMessage() != null ? ar.cause().getMessage() : ar.cause().toString();
            failures.put(bind, why);
            if (!why.equals(failed.get(bind))) {
              LOG.warn("tcp {}: cannot listen for {}: {}", bind, target.name(), why);
            }
          }
          return Future.<Void>succeededFuture();
        }));
      }
    });
    return Future.join(binding).transform(v -> {
      failed = Map.copyOf(failures);
      return Future.succeededFuture(failed);
    });
  }

  private Future<Listening> bind(Bind bind, TcpTarget initial) {
    Listening self = new Listening(initial);
    ChannelFactory<? extends Channel> clientChannels = vertx.transport().channelFactory(false);
    Promise<Listening> bound = vertx.getOrCreateContext().promise(); // completes on the caller's context
    new ServerBootstrap()
        .group(vertx.acceptorEventLoopGroup(), vertx.nettyEventLoopGroup())
        .channelFactory(vertx.transport().serverChannelFactory(false))
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
        .childOption(ChannelOption.AUTO_READ, false)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel ch) {
            TcpTarget target = self.target; // one read: this connection keeps the target it arrived with
            ch.pipeline().addLast(new TcpRelay(target, clientChannels, counters.of(target.name())));
          }
        })
        .bind(bind.address(), bind.port())
        .addListener(f -> {
          if (f.isSuccess()) {
            self.server = ((io.netty.channel.ChannelFuture) f).channel();
            bound.complete(self);
          } else {
            bound.fail(f.cause());
          }
        });
    return bound.future();
  }

  /** The ports that could not be bound in the last {@link #apply}, with why. */
  public Map<Bind, String> failed() {
    return failed;
  }

  public TcpCounters counters() {
    return counters;
  }

  /** Stops listening on every port; established connections end as their sides close them. */
  public void close() {
    open.values().forEach(l -> l.server.close());
    open.clear();
  }
}
